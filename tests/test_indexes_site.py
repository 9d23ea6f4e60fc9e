"""The index pages as each engine wrote them: the timeline's marks and zoom bar, disputes side by
side, and the facets' form and compact JSON (every entry pointing at a page that exists).

The sites are built by the fixtures of tests/test_site.py, once per engine; the HTML is parsed,
never the Markdown we meant to write.
"""

from __future__ import annotations

import json
import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from dossier import urls
from tests import test_site
from tests.test_site import _target, parse_site

# The site fixtures of test_site.py (one build per engine), shared by name.
engine = test_site.engine
fixture_site = test_site.fixture_site
split_site = test_site.split_site


_VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col", "embed"})


class _Tree(HTMLParser):
    """Elements with their classes, attributes and the text inside each, by document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict[str, object]] = []
        self._open: list[dict[str, object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        element: dict[str, object] = {
            "tag": tag,
            "attrs": a,
            "classes": a.get("class", "").split(),
            "text": [],
        }
        self.elements.append(element)
        if tag not in _VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i]["tag"] == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            text = element["text"]
            assert isinstance(text, list)
            text.append(data)


def _tree(path: Path) -> list[dict[str, object]]:
    parser = _Tree()
    parser.feed(path.read_text("utf-8"))
    return parser.elements


def _with_class(elements: list[dict[str, object]], cls: str) -> list[dict[str, object]]:
    return [e for e in elements if cls in e["classes"]]  # type: ignore[operator]


def _text(element: dict[str, object]) -> str:
    text = element["text"]
    assert isinstance(text, list)
    return " ".join("".join(text).split())


def _attr(element: dict[str, object], name: str) -> str:
    attrs = element["attrs"]
    assert isinstance(attrs, dict)
    return str(attrs.get(name, ""))


# --- the timeline ---------------------------------------------------------------------------


def _timeline_items(site: Path) -> dict[str, tuple[str, list[str]]]:
    """Each fact on the timeline page: its line's text and its mark's classes, by fact page link."""
    elements = _tree(site / "generated" / "timeline" / "index.html")
    items: dict[str, tuple[str, list[str]]] = {}
    for i, element in enumerate(elements):
        if element["tag"] != "li":
            continue
        marks = [e for e in elements[i : i + 4] if "tl-mark" in e["classes"]]  # type: ignore[operator]
        links = [e for e in elements[i:] if e["tag"] == "a" and "/facts/" in _attr(e, "href")]
        if marks and links:
            href = _attr(links[0], "href")
            items[href.rstrip("/").rsplit("/", 1)[-1]] = (_text(element), marks[0]["classes"])  # type: ignore[assignment]
    return items


def test_the_timeline_places_every_fact_with_its_precision(fixture_site: Path) -> None:
    items = _timeline_items(fixture_site / "site")
    assert set(items) == {
        "russia-delivers-s-300",
        "shoigu-visits-tehran",
        "iran-requested-air-defense",
        "kremlin-denies-delivery",
        "deliveries-first-week-of-august",
    }
    day_text, day = items["russia-delivers-s-300"]
    assert "tl-mark--day" in day and "Happened: 5 August 2024" in day_text
    month_text, month = items["iran-requested-air-defense"]
    assert "tl-mark--month" in month and "August 2024 (day not stated) (inferred)" in month_text
    range_text, bar = items["deliveries-first-week-of-august"]
    assert "tl-mark--range" in bar and "1 August 2024 – 7 August 2024 (range)" in range_text
    # No date of its own: placed by its first report, drawn hollow and said so in words.
    reported_text, reported = items["kremlin-denies-delivery"]
    assert "tl-mark--reported" in reported
    assert "First reported:" in reported_text and "date of the event not stated" in reported_text
    assert not any(
        "tl-mark--reported" in classes
        for key, (_, classes) in items.items()
        if key != "kremlin-denies-delivery"
    )
    assert "undated" not in parse_site(fixture_site / "site")["generated/timeline/index.html"].ids


def test_the_timeline_zoom_bar_links_to_its_year_and_month_sections(split_site: Path) -> None:
    """On a split timeline the zoom bar on every page reaches each month on whichever page holds it."""
    site = split_site / "site"
    pages = parse_site(site)
    timeline_pages = [p for p in pages if p.startswith("generated/timeline")]
    assert len(timeline_pages) > 2, "the split site should split its timeline"
    for page in timeline_pages:
        bar = [e for e in _tree(site / page) if "tl-overview" in e["classes"]]  # type: ignore[operator]
        assert bar, f"{page} has no zoom bar"
        links = [
            e
            for e in _tree(site / page)
            if e["tag"] == "a" and _attr(e, "aria-label") and "#" in _attr(e, "href")
        ]
        months = [e for e in links if "#m" in _attr(e, "href")]
        assert len(months) >= 3
        for link in links:
            target, anchor = _target(page, _attr(link, "href"))
            assert anchor in pages[target].ids, f"{page}: {_attr(link, 'href')} has no target"
            label = _attr(link, "aria-label")
            assert label.split(":")[1].strip().endswith(("fact", "facts")), label


# --- disputes -------------------------------------------------------------------------------


def test_disputes_are_headed_by_their_claim_with_the_sides_side_by_side(fixture_site: Path) -> None:
    site = fixture_site / "site"
    elements = _tree(site / "generated" / "disputes" / "index.html")
    headings = [_text(e).rstrip("¶ ") for e in elements if e["tag"] == "h3"]
    assert "Disputed: Russia has begun delivering S-300 air defense systems to Iran." in headings
    # A dispute whose fact asks its question (``question:``) is headed by that question.
    assert "Did the deliveries take place in the first week of August?" in headings
    groups = _with_class(elements, "dispute-sides")
    sides = [len(_with_class(elements[elements.index(g) :], "dispute-side")) for g in groups]
    assert len(groups) == 2
    # The delivery claim and its denial: one dispute of two sides, each with its sources.
    pair = next(g for g in groups if "Kremlin denied" in _text(g))
    text = _text(pair)
    assert "Side 1 of 2" in text and "Side 2 of 2" in text
    assert "Russia has begun delivering S-300" in text and "crediting" in text
    assert sides
    # No heading made of a list of names any more.
    assert not any(h.endswith("sides") for h in headings)


# --- facets ---------------------------------------------------------------------------------


def _facets(site: Path, name: str) -> dict[str, object]:
    data = json.loads((site / "generated" / "facets" / f"{name}.json").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _page_file(site: Path, data_file: str, href: str) -> Path:
    """The HTML file a URL in a facets file opens, resolved against the file's own URL."""
    url = urljoin(f"http://site/generated/{data_file}", href)
    path = url.removeprefix("http://site/")
    return site / posixpath.join(path, "index.html")


def test_the_facts_index_lists_every_fact_once_and_links_to_its_page(fixture_site: Path) -> None:
    site = fixture_site / "site"
    data = _facets(site, "facts")
    facts = data["f"]
    entities = data["e"]
    assert isinstance(facts, list) and isinstance(entities, list)
    assert sorted(f["i"] for f in facts) == sorted(
        [
            "russia-delivers-s-300",
            "shoigu-visits-tehran",
            "iran-requested-air-defense",
            "kremlin-denies-delivery",
            "deliveries-first-week-of-august",
        ]
    )
    for fact in facts:
        href = fact.get("u", f"{data['b']}{fact['i']}/")
        page = _page_file(site, urls.FACETS_FACTS, href)
        assert page.is_file(), f"{href} -> {page}"
        assert fact["t"] in ("reported", "confirmed", "disputed", "denied")
        assert fact["l"] in ("independent", "relayed", "single")
        assert all(0 <= k < len(entities) for k in fact["a"] + fact["o"])
    by_id = {f["i"]: f for f in facts}
    assert by_id["kremlin-denies-delivery"].get("r") == 1  # placed by its first report
    assert by_id["russia-delivers-s-300"]["d"] == "2024-08-05" and "r" not in by_id["russia-delivers-s-300"]
    assert [entities[k]["i"] for k in by_id["russia-delivers-s-300"]["o"]] == sorted(
        ["daily-example", "weekly-example", "zeitung-beispiel"]
    )


def test_the_entities_index_links_to_every_entity_page(fixture_site: Path) -> None:
    site = fixture_site / "site"
    data = _facets(site, "entities")
    rows = data["e"]
    assert isinstance(rows, list) and len(rows) == 10
    for row in rows:
        href = row.get("u", f"{data['b']}{row['i']}/")
        assert _page_file(site, urls.FACETS_ENTITIES, href).is_file(), href
    s300 = next(r for r in rows if r["i"] == "s-300")
    assert s300["t"] == "equipment" and s300["c"] >= 1


def test_the_list_pages_carry_the_filter_form_hidden_until_the_script_runs(fixture_site: Path) -> None:
    site = fixture_site / "site"
    for page, fields in (
        ("facts", {"status", "level", "entity", "type", "outlet", "from", "to", "sort"}),
        ("entities", {"type", "name", "sort"}),
    ):
        html = site / "generated" / page / "index.html"
        elements = _tree(html)
        forms = [e for e in elements if e["tag"] == "form" and "facets" in e["classes"]]  # type: ignore[operator]
        assert len(forms) == 1 and "hidden" in forms[0]["attrs"]  # type: ignore[operator]
        names = {_attr(e, "name") for e in elements if e["tag"] in ("select", "input")}
        assert fields <= names
        # Every control is named by its own label; the count is announced.
        labelled = {_attr(e, "for") for e in elements if e["tag"] == "label"}
        controls = [e for e in elements if e["tag"] in ("select", "input") and _attr(e, "name") in fields]
        assert len(controls) == len(fields) and all(_attr(e, "id") in labelled for e in controls)
        assert any(_attr(e, "aria-live") == "polite" for e in _with_class(elements, "facets__count"))
        rel = f"generated/{page}/index.html"
        scripts = [_target(rel, src)[0] for src in parse_site(site)[rel].loads if src.endswith(".js")]
        assert "generated/assets/facets.js" in scripts
        # Without the script the plain list is all there is, and it is complete.
        listed = {_target(rel, _attr(e, "href"))[0] for e in elements if e["tag"] == "a"}
        rows = _facets(site, page)["f" if page == "facts" else "e"]
        assert isinstance(rows, list)
        folder = "facts" if page == "facts" else "entities"
        assert {f"generated/{folder}/{r['i']}/index.html" for r in rows} <= listed


def test_every_shipped_fact_has_a_place_on_the_timeline() -> None:
    """The shipped dossier: the facts its sources do not date (55 of 82 when this was written) are
    placed by their first report instead of sitting in an "Undated" section."""
    from dossier.check import check
    from dossier.project import Project
    from dossier.render import render
    from tests.sitefixtures import ROOT

    dossier = check(Project(ROOT)).dossier
    assert dossier is not None
    pages = render(dossier, built="2026-01-01")
    timeline = "".join(text for rel, text in pages.items() if rel.startswith("timeline"))
    undated = [f for f in dossier.facts if f.date is None]
    assert len(undated) > len(dossier.facts) // 2
    assert "{ #undated }" not in timeline
    assert timeline.count("**First reported:**") == len(undated)
    assert timeline.count("tl-mark--reported") == len(undated)
    assert timeline.count("**Happened:**") == len(dossier.facts) - len(undated)
