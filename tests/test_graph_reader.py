"""The neighbourhood graph and the seed reader's Markdown/HTML, without a site engine.

What the engines make of it is tested in tests/test_site.py and in Chromium in
tests/test_browser_graph.py; here: the cap on neighbours, the layout's promises, the translation
note's escaping and place, and what a seed page no longer shows.
"""

from __future__ import annotations

import re

import pytest

from dossier import graph, render
from dossier.dates import parse
from dossier.model import Citation, Dossier, Entity, Fact, Seed
from dossier.render import Mark, highlight

BODY = "Hub met everyone. " * 3


def _hub(others: int) -> Dossier:
    """One entity, ``hub``, sharing facts with ``others`` entities: e01 shares 1, e02 2, ..."""
    seed = Seed("s", "A report", "outlet", parse("2024"), "de", None, "0" * 64, BODY, "seeds/s.md", 1)
    entities = [Entity("hub", "organization", "The Hub"), Entity("outlet", "outlet", "Outlet")]
    facts = []
    for i in range(1, others + 1):
        entities.append(Entity(f"e{i:02d}", "person", f"Person number {i:02d} with a long name"))
        for j in range(i):
            cite = Citation("s", BODY[:17], 0, 17)
            facts.append(
                Fact(f"f{i:02d}-{j:02d}", f"Fact {i} {j}.", ("hub", f"e{i:02d}"), "reported", (cite,))
            )
    return Dossier("t", "", tuple(entities), tuple(facts), (seed,))


def test_a_neighbourhood_is_capped_at_the_most_connected() -> None:
    d = _hub(25)
    near = graph.neighbourhood(d, "hub", limit=20)
    assert [n.id for n in near.nodes][:2] == ["hub", "e25"]  # the entity, then the most shared
    assert {n.id for n in near.nodes} == {"hub", *(f"e{i:02d}" for i in range(6, 26))}
    assert len(near.nodes) == 21 and near.omitted == 5 and near.centre == "hub"
    assert {e.shared for e in near.edges} == set(range(6, 26))
    assert near == graph.neighbourhood(d, "hub", limit=20), "deterministic"


def test_neighbourhood_labels_never_overlap_each_other() -> None:
    near = graph.neighbourhood(_hub(25), "hub", limit=20)
    boxes = [box for *_, box in graph._place_labels(near).values()]
    for a, b in [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]]:
        assert graph._overlap_area(a, b) == 0, (a, b)


def test_the_viewbox_holds_every_circle_and_label() -> None:
    near = graph.neighbourhood(_hub(25), "hub", limit=20)
    out = graph.svg(near, "t")
    x, y, w, h = map(float, re.search(r'viewBox="([^"]+)"', out).group(1).split())  # type: ignore[union-attr]
    for left, top, right, bottom in [box for *_, box in graph._place_labels(near).values()]:
        assert x <= left and right <= x + w and y <= top and bottom <= y + h
    for node in near.nodes:
        assert x <= node.x - node.radius and node.x + node.radius <= x + w


def test_a_hubs_page_draws_twenty_and_links_the_rest() -> None:
    d = _hub(25)
    pages = render.render(d, built="2024-08-06")
    page = pages["entities/hub.md"]
    svg = re.search(r'<svg class="dossier-graph".*?</svg>', page)
    assert svg is not None and svg.group(0).count('<a class="graph-node') == 1 + render.NEIGHBOURS
    assert "[and 5 more](#related)" in page
    assert "## Related entities (25) { #related }" in page
    # A neighbour with one shared fact: its own picture, no "more".
    assert "more](#related)" not in pages["entities/e01.md"]


def _mark(translation: str | None) -> tuple[Seed, list[Mark]]:
    seed = Seed("s", "t", "o", parse("2024"), "de", None, "0" * 64, "Laut Bericht. Danach.", "seeds/s.md", 1)
    cite = Citation("s", "Laut Bericht.", 0, 13, translation=translation)
    fact = Fact("f", "x", ("e",), "reported", (cite,))
    return seed, [Mark(fact, cite, 1, 1)]


def test_a_translation_follows_its_passage_escaped_and_in_english() -> None:
    out = highlight(*_mark('According to the <script>alert(1)</script> "report".'))
    assert (
        out.index("Laut Bericht.</mark>")
        < out.index('<span class="cite-translation"')
        < out.index(" Danach.")
    )
    assert 'role="note" lang="en" data-passage="q-f-1"' in out
    assert "Translation [1]:</span> According to the &lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<script>" not in out
    assert "cite-translation" not in highlight(*_mark(None))


@pytest.mark.parametrize("received", ["000_dfc53b8274aa01dd.txt", "capture.html"])
def test_a_seed_page_shows_no_file_name_it_arrived_under(received: str) -> None:
    d = _hub(1)
    seed = Seed(
        "s",
        "A report",
        "outlet",
        parse("2024"),
        "de",
        None,
        "0" * 64,
        BODY,
        "seeds/s.md",
        1,
        received_as=received,
    )
    pages = render.render(Dossier(d.title, "", d.entities, d.facts, (seed,)), built="2024-08-06")
    assert received not in pages["sources/s.md"] and "Received as" not in pages["sources/s.md"]
