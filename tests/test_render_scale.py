"""Rendering work that must not grow with the square of the dossier, checked against the plain
computation it replaced: the timeline's zoom bar is counted once per list, not once per page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from markupsafe import Markup

from dossier import render, urls
from dossier.check import check
from dossier.model import Dossier, Fact
from dossier.project import Project
from tests.sitefixtures import split_project


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> Dossier:
    project = split_project(tmp_path_factory.mktemp("render-scale") / "project", facts=600, entities=12)
    checked = check(Project(project)).dossier
    assert checked is not None
    return checked


def _reference_targets(
    view: render.View, facts: list[Fact], at: urls.Place, page_of: Callable[[Fact], str]
) -> dict[tuple[int, int], Markup]:
    """Where each year's and month's link of the zoom bar leads, as the bar computed it on every
    page before: the page of the first fact of that year or month, in the list's order."""
    target: dict[tuple[int, int], Markup] = {}
    for fact in facts:
        when = view.when(fact)
        if when is None:
            continue
        y = when.date.start.year
        m = 0 if when.date.precision == "year" else when.date.start.month
        if (y, m) not in target:
            anchor = urls.year_unstated(y) if m == 0 else urls.month(y, m)
            target[(y, m)] = view._here(at, page_of(fact), anchor)
        if (y, -1) not in target:
            target[(y, -1)] = view._here(at, page_of(fact), urls.year(y))
    return target


def test_every_timeline_page_draws_the_zoom_bar_it_drew_before(
    dossier: Dossier, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = render.View.timeline_overview

    def checked(
        self: render.View, facts: list[Fact], at: urls.Place, page_of: Callable[[Fact], str]
    ) -> Markup:
        drawn = original(self, facts, at, page_of)
        for href in _reference_targets(self, facts, at, page_of).values():
            assert f'href="{href}"' in drawn, (at.source, href)
        calls.append(at.source)
        return drawn

    monkeypatch.setattr(render.View, "timeline_overview", checked)
    pages = render.render(dossier, built="2024-09-01")
    parts = [path for path in pages if path.startswith("timeline")]
    assert len(parts) > 3, parts  # a split timeline: every part draws the bar
    assert len(calls) >= len(parts)


def test_the_counts_are_computed_once_per_list(dossier: Dossier, monkeypatch: pytest.MonkeyPatch) -> None:
    view = render.View(dossier, "2024-09-01")
    seen: list[Any] = []
    original = render.View.when

    def when(self: render.View, fact: Fact) -> Any:
        seen.append(fact.id)
        return original(self, fact)

    monkeypatch.setattr(render.View, "when", when)
    facts = view.timeline_facts
    at = urls.Place.of(urls.TIMELINE)
    first = view.timeline_overview(facts, at, lambda f: urls.TIMELINE)
    counted = len(seen)
    assert view.timeline_overview(facts, at, lambda f: urls.TIMELINE) == first
    assert len(seen) == counted  # the second page did not count again
    assert view.timeline_overview(list(facts), at, lambda f: urls.TIMELINE) == first  # another list: counted
