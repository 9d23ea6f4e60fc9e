"""Rendering: golden Markdown for the fixture dossier, and the escaping every page relies on.

``tests/golden/site/`` holds the exact files ``dossier build`` writes into ``docs/generated/`` for
``tests/fixtures/site``; ``pytest --update-goldens`` rewrites them (review the diff). A golden that
is missing, extra or different fails.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import re
from pathlib import Path

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dossier import escape, export, graph, ids
from dossier.build import pages
from dossier.check import check
from dossier.dates import parse
from dossier.diagnostics import RULES
from dossier.model import Citation, Dossier, Entity, Fact, Seed
from dossier.project import Project
from dossier.render import Mark, environment, highlight, render, render_site
from dossier.urls import page_name
from tests.sitefixtures import HOSTILE, IMG, MD_LINK, SCRIPT, SITE_FIXTURE

GOLDEN = Path(__file__).resolve().parent / "golden" / "site"
BUILT = "2024-09-01"


@pytest.fixture(scope="module")
def fixture_dossier() -> Dossier:
    result = check(Project(SITE_FIXTURE))
    assert result.dossier is not None, [str(d) for d in result.diagnostics]
    return result.dossier


def test_goldens(fixture_dossier: Dossier, update_goldens: bool) -> None:
    files = pages(fixture_dossier, built=BUILT)
    if update_goldens:
        for old in GOLDEN.rglob("*"):
            if old.is_file():
                old.unlink()
        for rel, text in files.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text(text, "utf-8", newline="")
    expected = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(files) == sorted(expected), "run `pytest --update-goldens` and review the diff"
    for rel, text in files.items():
        assert text == (GOLDEN / rel).read_bytes().decode("utf-8"), f"{rel} differs from its golden"


def test_blocks_are_separated(fixture_dossier: Dossier) -> None:
    """Headings and raw HTML start after a blank line, and nothing trails onto a list item.

    Jinja's trim_blocks eats the newline after a block tag, so a missing blank line would glue a
    heading to a list or put raw HTML inside a paragraph, where Markdown would parse it.
    """
    for rel, text in render(fixture_dossier, built=BUILT).items():
        lines = text.split("\n---\n", 1)[-1].split("\n")
        for before, line in itertools.pairwise(lines):
            starts_block = re.match(r"#{1,6} |<(div|p|figure|script)[ >]|!!! ", line)
            if starts_block:
                assert before == "", f"{rel}: no blank line before {line[:60]!r}"
            if line.startswith("|"):
                assert before == "" or before.startswith("|"), f"{rel}: no blank line before a table"
            if re.match(r"(- |\d+\. )", before):
                assert line == "" or re.match(r"(- |\d+\. )", line), f"{rel}: {line[:60]!r} trails a list"


def test_rendering_is_pure_and_deterministic(fixture_dossier: Dossier) -> None:
    assert render(fixture_dossier, built=BUILT) == render(fixture_dossier, built=BUILT)


def test_every_fact_entity_and_seed_has_a_page(fixture_dossier: Dossier) -> None:
    files = render(fixture_dossier, built=BUILT)
    for fact in fixture_dossier.facts:
        assert f"facts/{fact.id}.md" in files
    for entity in fixture_dossier.entities:
        assert f"entities/{entity.id}.md" in files
    for seed in fixture_dossier.seeds:
        assert f"sources/{seed.id}.md" in files


def test_relayed_report_counts_one_origin(fixture_dossier: Dossier) -> None:
    page = render(fixture_dossier, built=BUILT)["facts/russia-delivers-s-300.md"]
    assert "3 outlets, 1 origin" in page
    assert "That is one report repeated, not 3 confirmations." in page


def test_month_precision_is_not_pinned_to_a_day(fixture_dossier: Dossier) -> None:
    timeline = render(fixture_dossier, built=BUILT)["timeline.md"]
    assert "**Happened:** August 2024 (day not stated)" in timeline
    assert "**Happened:** 1 August 2024 —" not in timeline


# --- escaping ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escape_leaves_no_markup(text: str) -> None:
    out = escape.md(text)
    assert "<" not in out and ">" not in out
    assert not re.search(r"(?<!\\)\]\(", out)  # no Markdown link can form


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- item", "\\- item"),
        ("1984. A year", "1984\\. A year"),
        ("# title", "\\# title"),
        ("=== x", "&#61;== x"),
        ("a|b", "a\\|b"),
        ("{: onclick=x }", "\\{: onclick=x \\}"),
        ("*em* _em_ `code`", "\\*em\\* \\_em\\_ \\`code\\`"),
        ("two\nlines  here", "two lines here"),
        ("AT&T", "AT&amp;T"),
    ],
)
def test_md_escape_neutralises_markdown(text: str, expected: str) -> None:
    assert escape.md(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a_(b)?x=1&y=2", "https://example.com/a_%28b%29?x=1&amp;y=2"),
        ("http://example.com", "http://example.com"),
        ("javascript:alert(1)", ""),
        ("JAVASCRIPT:alert(1)", ""),
        (" data:text/html,x", ""),
        ("/relative", ""),
        ("HTTP://example.com", ""),  # the schema's rule is case-sensitive; so is the page's
        (None, ""),
    ],
)
def test_only_http_urls_survive(url: str | None, expected: str) -> None:
    assert escape.url(url) == expected


def test_json_ld_cannot_close_its_script() -> None:
    out = escape.json_ld({"text": "</script><script>alert(1)</script>"})
    assert "</" not in out and "<" not in out
    assert json.loads(out) == {"text": "</script><script>alert(1)</script>"}


def test_templates_refuse_unescaped_values() -> None:
    template = environment().from_string("{{ value }}")
    with pytest.raises(TypeError, match="without an escaping filter"):
        template.render(value="<b>")
    assert environment().from_string("{{ value|md }}").render(value="<b>") == "&lt;b&gt;"


def test_templates_refuse_undefined_values() -> None:
    with pytest.raises(jinja2.UndefinedError):
        environment().from_string("{{ missing|md }}").render()


def _dossier(entity_url: str | None) -> Dossier:
    """A dossier built directly, past the check: as if a hostile value slipped through."""
    body = f"Text {SCRIPT} with {MD_LINK} in it.\n"
    seed = Seed(
        id="s",
        title=SCRIPT,
        outlet="o",
        published=parse("2024-08-06"),
        language="en",
        url="javascript:alert(1)",
        sha256="0" * 64,
        body=body,
        path="seeds/s.md",
        body_line=8,
    )
    fact = Fact(
        id="f",
        statement=f"{SCRIPT} {IMG} {MD_LINK}",
        about=("e",),
        status="reported",
        sources=(Citation("s", SCRIPT, body.index(SCRIPT), body.index(SCRIPT) + len(SCRIPT)),),
        acknowledge={"W409": f"{SCRIPT} {MD_LINK}", "W410": IMG, "W999": IMG},
    )
    entities = (
        Entity("e", "person", IMG, aliases=(MD_LINK,), url=entity_url),
        Entity("o", "outlet", "</title><script>alert(2)</script>"),
    )
    return Dossier(SCRIPT, IMG, entities, (fact,), (seed,))


def test_no_page_carries_live_markup_or_script_urls() -> None:
    files = render(_dossier("javascript:alert(1)"), built=BUILT)
    for rel, text in files.items():
        if rel.endswith(".json"):  # data for a script (textContent only), not Markdown: no markup
            assert "<" not in text and ">" not in text and "&" not in text, rel
            continue
        # The front matter title is plain text to the theme, not Markdown; the JSON-LD is checked apart.
        # The seed text is a raw HTML block, where Markdown is not parsed: only tags matter there.
        body = text.split("\n---\n", 1)[-1].split('<script type="application/ld+json">')[0]
        # So is the citation block of a fact page.
        raw_html = ('<div class="seed-text"', '<div class="dossier-cite"')
        seed_text = [line for line in body.splitlines() if line.startswith(raw_html)]
        body = "\n".join(line for line in body.splitlines() if line not in seed_text)
        assert all("<script" not in line and "<img" not in line for line in seed_text)
        for hostile in ("<script", "<img", "</title><script", 'href="javascript:'):
            assert hostile not in body, f"{hostile!r} in {rel}"
        assert not re.search(r"(?<!\\)\]\(javascript:", body), f"a javascript: link in {rel}"
    entity = files["entities/e.md"]
    assert "**Link:**" not in entity  # a javascript: URL makes no link at all
    assert "[original article]" not in files["facts/f.md"]


def _md(text: str) -> str:
    return str(escape.md(text))


def test_a_fact_page_shows_every_acknowledged_check_and_why() -> None:
    """A reader sees what each check flagged, linked to the checks page, and the editor's reason."""
    page = render(_dossier(None), built=BUILT)["facts/f.md"]
    section = page.split("## Editor's notes on the checks { #checks }\n", 1)[1].split("\n## ", 1)[0]
    items = [line for line in section.splitlines() if line.startswith("- ")]
    assert items == [
        "- [W409 number-not-quoted](../checks.md#w409): "
        + _md(RULES["W409"].summary)
        + f" *Editor's note:* “{_md(f'{SCRIPT} {MD_LINK}')}”",
        f"- [W410 anonymous-confirmed](../checks.md#w410): {_md(RULES['W410'].summary)} "
        f"*Editor's note:* “{_md(IMG)}”",
        f"- W999: A check this version of dossier does not know. *Editor's note:* “{_md(IMG)}”",
    ]


def test_a_fact_without_acknowledgements_has_no_editors_notes(fixture_dossier: Dossier) -> None:
    pages = render(fixture_dossier, built=BUILT)
    for fact in fixture_dossier.facts:
        assert ("## Editor's notes on the checks" in pages[f"facts/{fact.id}.md"]) == bool(fact.acknowledge)


def test_front_matter_titles_are_escaped_yaml() -> None:
    files = render(_dossier(None), built=BUILT)
    assert files["facts/f.md"].startswith('---\ntitle: "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img')
    assert files["entities/o.md"].startswith('---\ntitle: "&lt;/title&gt;&lt;script&gt;')


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9f", "\x00", "\u202e", "\u2028", "\ufeff"])
def test_one_control_character_cannot_break_front_matter(char: str) -> None:
    # Issue 8: one DEL in a statement made PyYAML refuse the front matter, and MkDocs then rendered
    # it as Markdown: the link below went live. Now it reads back as the title it was meant to be.
    from mkdocs.utils.meta import get_data

    dossier = _dossier(None)
    hostile = f"Shoigu{char} [x](javascript:alert(1)){{: onfocus=alert(1) autofocus }}"
    dossier = Dossier(
        dossier.title,
        dossier.summary,
        tuple(dataclasses.replace(e, name=hostile) for e in dossier.entities),
        tuple(dataclasses.replace(f, statement=hostile) for f in dossier.facts),
        tuple(dataclasses.replace(s, title=hostile) for s in dossier.seeds),
    )
    rendered = render_site(dossier, built=BUILT)
    files, meta = rendered.pages, rendered.meta
    for rel in ("facts/f.md", "entities/e.md", "sources/s.md"):
        body, data = get_data(files[rel])
        assert data == meta[rel] and data["title"].startswith("Shoigu"), rel
        assert not body.startswith("---") and "title:" not in body, rel


# --- the seed text -------------------------------------------------------------------------


def _marks(body: str, spans: list[tuple[int, int]]) -> list[Mark]:
    seed = Seed("s", "t", "o", parse("2024"), "en", None, "0" * 64, body, "seeds/s.md", 1)
    facts = [
        Fact(f"f{i}", "x", ("e",), "reported", (Citation(seed.id, body[a:b], a, b),))
        for i, (a, b) in enumerate(spans, 1)
    ]
    return [Mark(f, f.sources[0], 1, k) for k, f in enumerate(facts, 1)]


def _seed(body: str) -> Seed:
    return Seed("s", "t", "o", parse("2024"), "en", None, "0" * 64, body, "seeds/s.md", 1)


def test_highlight_escapes_the_body_and_keeps_line_breaks() -> None:
    out = highlight(_seed("a <b>\n\nc"), [])
    assert out == "a &lt;b&gt;&#10;&#10;c"


def test_highlight_marks_nest_and_overlaps_are_split() -> None:
    body = "0123456789"
    out = highlight(_seed(body), _marks(body, [(0, 6), (3, 9), (3, 9)]))
    # f1 opens first; f2 and f3 (same span) nest inside it; when f1 ends they are reopened.
    assert out.startswith('<mark class="cite" id="q-f1-1"><a class="cite-ref"')
    assert '[1]</a>012<mark class="cite" id="q-f2-1"><a class="cite-ref"' in out
    assert out.count("<mark") == out.count("</mark>")
    assert out.count('id="q-f') == 3
    assert '<mark class="cite cite--cont" data-passage="q-f2-1">' in out
    text = re.sub(r'<a class="cite-ref".*?</a>|<[^>]+>', "", out)
    assert text == body


def test_reserved_ids_do_not_become_index_pages() -> None:
    assert page_name("index") == "index_"
    assert page_name("russia") == "russia"
    with pytest.raises(ValueError, match="not a slug"):
        page_name("../etc/passwd")


def test_graph_is_deterministic(fixture_dossier: Dossier) -> None:
    first, second = graph.build(fixture_dossier), graph.build(fixture_dossier)
    assert first == second
    assert graph.svg(first, "t") == graph.svg(second, "t")
    assert {n.id for n in first.nodes} >= {"russia", "iran", "s-300"}


def test_build_date_honours_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    from dossier.build import build_date

    monkeypatch.setenv(
        "SOURCE_DATE_EPOCH", str(int(dt.datetime(2024, 8, 6, tzinfo=dt.timezone.utc).timestamp()))
    )
    assert build_date() == "2024-08-06"


def test_url_escaping_follows_the_schema_rule() -> None:
    for text in ("https://a.example/x", "HTTPS://a.example", "http://", "ftp://a", "https://a b"):
        assert bool(escape.url(text)) == ids.is_http_url(text), text


# --- exports -------------------------------------------------------------------------------


FORMULA = '=HYPERLINK("http://evil.example","x")'


def _formula_dossier() -> Dossier:
    body = f"{FORMULA} said -officials.\n"
    seed = Seed("s", "@title", "o", parse("2024-08-06"), "en", None, "0" * 64, body, "seeds/s.md", 8)
    fact = Fact(
        id="f",
        statement=FORMULA,
        about=("e",),
        status="reported",
        sources=(Citation("s", FORMULA, 0, len(FORMULA), translation="+1 more", note="\tnote"),),
        notes="-notes",
    )
    entities = (Entity("e", "person", "+cmd|' /C calc'!A0"), Entity("o", "outlet", "Outlet"))
    return Dossier("t", "", entities, (fact,), (seed,))


def test_csv_cells_cannot_start_a_formula() -> None:
    import csv
    import io

    tables = export.to_csv(_formula_dossier())
    for name, text in tables.items():
        for row in list(csv.reader(io.StringIO(text, newline="")))[1:]:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"{name}: {cell!r}"
    facts = list(csv.DictReader(io.StringIO(tables["facts.csv"], newline="")))
    assert facts[0]["statement"] == "'" + FORMULA and facts[0]["notes"] == "'-notes"
    citations = list(csv.DictReader(io.StringIO(tables["citations.csv"], newline="")))
    assert citations[0]["quote"] == "'" + FORMULA and citations[0]["start"] == "0"
    assert citations[0]["translation"] == "'+1 more" and citations[0]["note"] == "'\tnote"
    assert export.csv_cell(-3) == -3 and export.csv_cell("S-300") == "S-300"


def test_json_exports_keep_formula_text_exact() -> None:
    dossier = _formula_dossier()
    data = json.loads(export.to_json(dossier))
    assert data["facts"][0]["statement"] == FORMULA
    assert data["facts"][0]["citations"][0]["translation"] == "+1 more"
    line = next(json.loads(row) for row in export.to_jsonl(dossier).splitlines() if '"fact"' in row)
    assert line["statement"] == FORMULA


# --- pages ---------------------------------------------------------------------------------


def test_disputes_show_each_side_once_with_translations(fixture_dossier: Dossier) -> None:
    page = render(fixture_dossier, built=BUILT)["disputes.md"]
    for fact in ("russia-delivers-s-300", "kremlin-denies-delivery", "deliveries-first-week-of-august"):
        assert page.count(f'id="fact-{fact}"') == 1, fact
    # The two facts that contradict each other are one dispute, shown side by side.
    block = page.split("{ #dispute-russia-delivers-s-300 }")[1].split("\n### ")[0]
    assert '<div class="dispute-sides dispute-sides--2">' in block
    assert ">Russia has begun delivering" in block and ">The Kremlin denied" in block
    assert "The other side" not in page
    # A German quote comes with its English translation.
    assert "(translation: “Russia has begun supplying Iran with S-300 air defense systems”)" in page
    assert "(translation: “The deliveries took place in the first week of August”)" in page


def test_seed_language_is_named(fixture_dossier: Dossier) -> None:
    files = render(fixture_dossier, built=BUILT)
    assert "- **Language:** German (de)" in files["sources/zeitung-beispiel-radar.md"]
    assert "- **Language:** English (en)" in files["sources/daily-example-radar.md"]
    assert "German (de)" in files["sources/index.md"]
    assert environment().from_string("{{ 'xx'|language }}").render() == "xx"


def test_links_to_other_sites_carry_noopener_noreferrer(fixture_dossier: Dossier) -> None:
    files = render(fixture_dossier, built=BUILT)
    links = [
        (rel, m.group(0))
        for rel, text in files.items()
        if rel.endswith(".md")
        for m in re.finditer(r"\]\(https?://[^)]*\)(\{[^}]*\})?", text)
    ]
    assert links, "the fixture has seed and entity URLs"
    for rel, link in links:
        assert link.endswith('{ rel="noopener noreferrer" }'), f"{rel}: {link}"


def test_seed_passages_are_numbered_in_reading_order() -> None:
    body = "Alpha beta gamma delta epsilon zeta eta theta.\n"
    seed = Seed("s", "t", "o", parse("2024"), "en", None, "0" * 64, body, "seeds/s.md", 1)
    spans = [(6, 22), (0, 45), (11, 16), (17, 22), (0, 5)]  # nested: outer passages start first
    facts = tuple(
        Fact(f"f{i}", "x", ("o",), "reported", (Citation("s", body[a:b], a, b),))
        for i, (a, b) in enumerate(spans, 1)
    )
    dossier = Dossier("t", "", (Entity("o", "outlet", "O"),), facts, (seed,))
    page = render(dossier, built=BUILT)["sources/s.md"]
    shown = [int(k) for k in re.findall(r"\[(\d+)\]</a>", page)]
    assert shown == [1, 2, 3, 4, 5]
    # Each number stands at the start of its passage, inside the passage's mark.
    text = page.split('<div class="seed-text"')[1]
    assert '<mark class="cite" id="q-f2-1"><a class="cite-ref" href="../../facts/f2/#source-1"' in text
    listed = re.findall(r"^(\d+)\. \[Passage \d+\]\(#q-(f\d)-1\)", page, re.M)
    assert listed == [("1", "f2"), ("2", "f5"), ("3", "f1"), ("4", "f3"), ("5", "f4")]


def test_graph_nodes_link_to_entity_pages(fixture_dossier: Dossier) -> None:
    g = graph.build(fixture_dossier)
    out = graph.svg(g, "t")
    for node in g.nodes:
        assert f'<a class="graph-node graph-node--{node.type}" href="../entities/{node.id}/"' in out
    assert out.count("<a ") == len(g.nodes) == out.count("</a>")


def test_graph_labels_shorten_long_names() -> None:
    assert graph.label("S-300") == "S-300"
    short = graph.label("Advanced air-defense and radar equipment")
    assert short.endswith("…") and len(short) <= 22 and short.startswith("Advanced air-defense")


@pytest.mark.parametrize(
    "text",
    [
        *(" =1+1", "\t=1+1", "\r\n=HYPERLINK(x)", "\n+cmd", "  -2+3", " @SUM(A1)", "\u3000=1"),
        *("\uff1d1+1", "\uff0bcmd", "\uff0d2", "\uff20SUM(A1)", " \uff1d1+1"),
    ],
)
def test_csv_cells_cannot_start_a_formula_after_whitespace_or_in_fullwidth(text: str) -> None:
    """A spreadsheet skips leading whitespace and reads fullwidth signs as formula signs."""
    assert export.csv_cell(text) == "'" + text


@given(
    st.text(alphabet=" \t\r\n\u3000\xa0", max_size=4),
    st.sampled_from("=+-@\uff1d\uff0b\uff0d\uff20"),
    st.text(max_size=8),
)
def test_no_formula_sign_after_whitespace_reaches_a_csv_cell(space: str, sign: str, rest: str) -> None:
    cell = export.csv_cell(space + sign + rest)
    assert cell == "'" + space + sign + rest


def test_csv_cells_without_a_formula_sign_stay_exact() -> None:
    for text in (" plain", "\u3000text", "S-300", "a=b", "100%", ""):
        assert export.csv_cell(text) == text
