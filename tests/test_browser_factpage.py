"""Fact pages in Chromium: cite this, copy the permalink, last changed; where-am-I on every page.

The fixture site is built as a git checkout (one commit, dated), then one fact is edited without
committing: so "last changed" shows a date on one fact and "not committed" on the other, in each
engine's HTML. Screenshots of home, a fact, an entity and a seed page at 1280 and 390 px land in
``test-artifacts/screenshots/`` (see tests/browser_support.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dossier import render, site, urls
from dossier.build import build
from dossier.project import Project
from tests.browser_support import chromium_or_skip, guard, launch, screenshots, serious_violations, serve
from tests.sitefixtures import git, site_project, split_project

pytestmark = pytest.mark.browser

TITLE = "Fixture dossier: S-300 deliveries"  # title: in tests/fixtures/site/data/facts.yaml
FACT = "generated/facts/russia-delivers-s-300/"
EDITED = "generated/facts/shoigu-visits-tehran/"
PAGES = {
    "home": "",
    "fact": FACT,
    "entity": "generated/entities/s-300/",
    "seed": "generated/sources/zeitung-beispiel-radar/",
}
COMMITTED = "2024-09-01"


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(name, marks=pytest.mark.skipif(not site.engine(name).available(), reason=f"no {name}"))
        for name in urls.ENGINES
    ],
)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Iterator[str]:
    chromium_or_skip()
    project = site_project(tmp_path_factory.mktemp(f"factpage-{engine}") / "project")
    git(project, "init", "-q")
    git(project, "add", "data", "seeds")
    git(project, "commit", "-q", "-m", "The dossier", when=f"{COMMITTED}T12:00:00+00:00")
    facts = project / "data" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    edited = text.replace(
        "    statement: Sergei Shoigu visited Tehran.\n",
        "    statement: Sergei Shoigu visited Tehran.\n    notes: Added after the last commit.\n",
    )
    assert edited != text
    facts.write_text(edited, encoding="utf-8")
    assert build(Project(project), quiet=True, engine=engine).errors == 0
    with serve(project / "site") as url:
        yield url


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Any]:
    with launch() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
    )
    tab = context.new_page()
    problems = guard(tab)
    yield tab
    context.close()
    assert not problems, problems


def _today() -> str:
    return dt.date.today().isoformat()  # the browser's local day, which cite.js uses too


def test_cite_this_gives_the_permalink_today_csl_json_and_bibtex(base_url: str, page: Any) -> None:
    page.goto(base_url + FACT)
    permalink = base_url + FACT  # no site_url in mkdocs.yml: the address the reader is at
    line = page.locator(".dossier-cite__line").inner_text()
    assert permalink in line
    assert f"Retrieved {_today()}" in line
    assert line.startswith(f"{TITLE}. “Russia has begun delivering S-300 air defense systems to Iran.”")
    page.locator("summary", has_text="CSL-JSON").click()
    record = json.loads(page.locator(".dossier-cite__csl").inner_text())
    assert record[0]["URL"] == permalink
    assert record[0]["title"] == "Russia has begun delivering S-300 air defense systems to Iran."
    assert record[0]["container-title"] == TITLE
    assert record[0]["issued"] == {"date-parts": [[2024, 9, 1]]}
    year, month, day = (int(x) for x in _today().split("-"))
    assert record[0]["accessed"] == {"date-parts": [[year, month, day]]}
    page.locator("summary", has_text="BibTeX").click()
    bibtex = page.locator(".dossier-cite__bibtex").inner_text()
    assert bibtex.startswith("@misc{russia-delivers-s-300,\n")
    assert f"  url = {{{permalink}}},\n" in bibtex
    assert f"  urldate = {{{_today()}}},\n" in bibtex
    assert bibtex.count("{") == bibtex.count("}") and bibtex.endswith("}")


def test_copy_permalink_puts_the_url_on_the_clipboard(base_url: str, page: Any) -> None:
    page.goto(base_url + FACT + "#sources")
    page.get_by_role("button", name="Copy permalink").click()
    page.get_by_role("status").filter(has_text="Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == base_url + FACT  # no #fragment


def test_copy_works_without_the_clipboard_api(base_url: str, page: Any) -> None:
    """A page read from a file, or over plain http on another host, has no navigator.clipboard."""
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {get: () => undefined})")
    page.goto(base_url + FACT)
    assert page.evaluate("navigator.clipboard === undefined")
    page.get_by_role("button", name="Copy citation").click()
    page.get_by_role("status").filter(has_text="Copied.").wait_for()
    other = page.context.new_page()  # this one has the API, to read what was copied
    other.goto(base_url)
    copied = other.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(TITLE) and base_url + FACT in copied


def test_last_changed_is_the_commit_date_or_not_committed(base_url: str, page: Any) -> None:
    page.goto(base_url + FACT)
    article = page.locator("article")
    assert re.search(rf"Last changed: {COMMITTED} \(commit [0-9a-f]{{12}}\)", article.inner_text())
    page.goto(base_url + EDITED)
    text = page.locator("article").inner_text()
    assert "Last changed: not committed" in text
    assert "Last changed" not in page.locator(".dossier-cite__line").inner_text()


def test_a_long_statement_gets_a_short_heading_with_the_whole_statement_below(
    base_url: str, page: Any
) -> None:
    page.goto(base_url + FACT)
    heading = page.locator("article h1").inner_text().rstrip("¶").strip()
    assert heading == "Russia has begun delivering S-300 air defense systems to Iran."  # short enough
    assert page.locator(".dossier-statement").count() == 0  # nothing repeated


@pytest.mark.parametrize(
    ("kind", "section"), [("fact", "Facts"), ("entity", "Entities"), ("seed", "Sources")]
)
def test_generated_pages_say_where_the_reader_is(base_url: str, page: Any, kind: str, section: str) -> None:
    page.goto(base_url + PAGES[kind])
    # The header names the dossier, not "Dossier".
    assert page.locator(".md-header__topic").first.inner_text().strip() == TITLE
    # The section's tab is highlighted, and only it.
    active = page.locator(".md-tabs__item--active")
    assert active.count() == 1 and active.inner_text().strip() == section
    # The sidebar is not empty: the section, and this page under it.
    sidebar = page.locator(".md-sidebar--primary .md-nav__link--active")
    assert sidebar.first.is_visible()
    assert sidebar.first.inner_text().strip() == section
    heading = page.locator("article h1").inner_text().rstrip("¶").strip()
    assert page.locator(".dossier-nav-here").inner_text().strip() == heading
    # Breadcrumbs: Home › Section › this page, the first two links that work.
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    assert crumbs.inner_text().startswith(f"Home › {section} › ")
    crumbs.get_by_role("link", name=section).click()
    page.wait_for_load_state("load")
    assert page.locator("article h1").inner_text().rstrip("¶").strip().startswith(section)


def test_analyst_pages_are_out_of_the_readers_tabs_but_reachable(base_url: str, page: Any) -> None:
    page.goto(base_url)
    tabs = [t.strip() for t in page.locator(".md-tabs__item").all_inner_texts()]
    assert tabs[-1] == "For analysts"
    assert "Guide" not in tabs and "Reference" not in tabs
    page.locator("article").get_by_role("link", name="guide for analysts").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/guide/analysts/")
    active = page.locator(".md-tabs__item--active")
    assert active.count() == 1 and active.inner_text().strip() == "For analysts"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_a_fact_page_with_its_widgets(
    base_url: str, page: Any, scheme: str
) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + FACT + "#cite")
    for summary in page.locator(".dossier-cite summary").all():
        summary.click()  # the CSL-JSON and BibTeX blocks open, checked too
    page.get_by_role("button", name="Copy permalink").click()  # and the status message shown
    violations = serious_violations(page)
    assert not violations, "\n".join(violations)


def test_screenshots_at_laptop_and_phone_width(base_url: str, browser: Any, engine: str) -> None:
    written = screenshots(browser, base_url, PAGES, prefix=f"factpage-{engine}-")
    assert len(written) == 2 * 2 * len(PAGES)  # two widths, first screen and whole page
    assert all(path.stat().st_size > 10_000 for path in written)


@pytest.fixture(scope="module")
def split_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A dossier whose lists are split into parts (a small budget), built with MkDocs: the part
    pages are not in the nav either, and sit beside their list page or in its folder."""
    chromium_or_skip()
    project = split_project(tmp_path_factory.mktemp("factpage-split") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "SEARCH_BUDGET", 1500)
        assert build(Project(project), quiet=True, engine="mkdocs").errors == 0
    with serve(project / "site") as url:
        yield url, project / "site"


@pytest.mark.parametrize(("pattern", "section"), [("timeline_*", "Timeline"), ("facts/facts_*", "Facts")])
def test_a_part_of_a_split_list_marks_its_section(
    split_url: tuple[str, Path], browser: Any, pattern: str, section: str
) -> None:
    url, site_dir = split_url
    parts = sorted((site_dir / "generated").glob(f"{pattern}/index.html"))
    assert parts, f"no part pages {pattern}: the list did not split"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        problems = guard(page)
        page.goto(url + parts[0].parent.relative_to(site_dir).as_posix() + "/")
        active = page.locator(".md-tabs__item--active")
        assert active.count() == 1 and active.inner_text().strip() == section
        assert not problems, problems
    finally:
        context.close()


def test_zooming_a_part_of_a_split_timeline_says_it_shows_only_that_page(
    split_url: tuple[str, Path], browser: Any
) -> None:
    """On a part of a split timeline a zoom can only show what that page holds of a year or
    month: the note must say so, not claim the whole year (found by the new-user review)."""
    url, site_dir = split_url
    parts = sorted((site_dir / "generated").glob("timeline_*/index.html"))
    assert parts, "the timeline did not split"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        problems = guard(page)
        page.goto(url + parts[0].parent.relative_to(site_dir).as_posix() + "/")
        clicked = page.evaluate(
            """() => {
              const here = [...document.querySelectorAll('.tl-overview a')]
                .filter((a) => a.pathname === location.pathname && a.hash);
              if (here.length) here[0].click();
              return here.length;
            }"""
        )
        assert clicked, "no zoom link on the part page leads to a section of that page"
        note = page.locator(".tl-zoom-note")
        note.wait_for(state="visible")
        shown = " ".join(note.inner_text().split())
        assert "Showing only what this page holds of" in shown, shown
        assert "the timeline continues on its other pages" in shown, shown
        assert page.get_by_role("button", name="Show all of this page").is_visible()
        assert not problems, problems
    finally:
        context.close()
