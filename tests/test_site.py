"""The built site: links resolve, nothing loads from another host, hostile data stays text, exports parse.

Each module-scoped fixture builds a copy of the project (the real ``mkdocs.yml`` and hand-written
``docs/``, fixture data) with ``dossier.build.build`` — check, render, write, the engine's strict
build — once per site engine: every test here runs against the HTML MkDocs writes and against the
HTML Zensical writes, so a link that only one engine resolves fails.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dossier import generated, linkcheck, render, site, urls
from dossier.build import build
from dossier.project import Project
from dossier.quotes import fold_text
from tests.sitefixtures import (
    HOSTILE,
    IMG,
    MD_LINK,
    ROOT,
    SCRIPT,
    hostile_project,
    pagefind_pages,
    site_project,
    split_project,
)

ENGINES = [
    pytest.param(
        name,
        marks=pytest.mark.skipif(
            not site.engine(name).available(), reason=f"{name} is not installed (pip install -e .)"
        ),
    )
    for name in urls.ENGINES
]

# Attributes through which a page makes the browser fetch something (as opposed to <a href>).
_LOADS = {
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
}
_CSS_URL = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)|url\(\s*['"]?([^'")\s]+)""")


@dataclass
class Page:
    """What the tests need from one HTML file."""

    ids: set[str] = field(default_factory=set)
    marks: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    rels: dict[str, str] = field(default_factory=dict)  # href -> rel of a link
    loads: list[str] = field(default_factory=list)
    handlers: list[str] = field(default_factory=list)
    scripts: list[tuple[dict[str, str | None], str]] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._script: dict[str, str | None] | None = None
        self._style = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.page.handlers.append(f"<{tag} {name}={value!r}>")
            if name == "style" and value:
                self.page.styles.append(value)
        if a.get("id"):
            self.page.ids.add(a["id"] or "")
            if tag == "mark":
                self.page.marks.add(a["id"] or "")
        if tag == "a" and a.get("name"):
            self.page.ids.add(a["name"] or "")
        for key in ("href", "xlink:href"):  # an SVG <a> may carry either
            if tag == "a" and a.get(key) is not None:
                self.page.links.append(a[key] or "")
                self.page.rels[a[key] or ""] = a.get("rel") or ""
        for t, attr in _LOADS:
            if tag == t and a.get(attr):
                self.page.loads.append(a[attr] or "")
        if tag == "script":
            self._script, self._buffer = a, []
        if tag == "style":
            self._style, self._buffer = True, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.page.scripts.append((self._script, "".join(self._buffer)))
            self._script = None
        if tag == "style" and self._style:
            self.page.styles.append("".join(self._buffer))
            self._style = False

    def handle_data(self, data: str) -> None:
        if self._script is not None or self._style:
            self._buffer.append(data)
        else:
            self.page.text.append(data)


def parse_site(site: Path) -> dict[str, Page]:
    """Every HTML page, keyed by its path below the site root."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        parser = _Parser()
        parser.feed(path.read_text("utf-8"))
        pages[path.relative_to(site).as_posix()] = parser.page
    return pages


_is_external = linkcheck.is_external
_target = linkcheck.target  # the file a relative link leads to, and its fragment


def search_docs(project: Path) -> list[dict[str, str]]:
    """The pages of the site's search index (Pagefind, every bundle): location, title and text."""
    bundles = json.loads((project / "site" / "pagefind-bundles.json").read_text("utf-8"))
    return [
        {"location": url.lstrip("/"), "title": str(page["meta"]["title"]), "text": str(page["content"])}
        for bundle in bundles
        for url, page in pagefind_pages(project / "site", bundle.rstrip("/")).items()
    ]


def search(project: Path, query: str) -> list[str]:
    """Locations whose title or text holds every word of ``query`` (Pagefind also stems them)."""
    words = query.lower().split()
    return [
        doc["location"]
        for doc in search_docs(project)
        if all(w in (doc["title"] + " " + doc["text"]).lower() for w in words)
    ]


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _built(project: Path, engine: str) -> Path:
    result = build(Project(project), quiet=True, engine=engine)
    assert result.errors == 0, [str(d) for d in result.diagnostics]
    return project


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Path:
    return _built(site_project(tmp_path_factory.mktemp(f"site-{engine}") / "project"), engine)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Path:
    return _built(hostile_project(tmp_path_factory.mktemp(f"hostile-{engine}") / "project"), engine)


@pytest.fixture(scope="module")
def split_site(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Path:
    """A dossier of a few hundred facts, built with a small budget so that every long list splits."""
    project = split_project(tmp_path_factory.mktemp(f"split-{engine}") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "SEARCH_BUDGET", 1500)
        return _built(project, engine)


def broken_links(project: Path) -> list[str]:
    """Every link and load in the written HTML whose file or anchor is missing (the checker
    every build runs, dossier.linkcheck: the tests and the builds share one)."""
    return linkcheck.broken(project / "site")


def test_every_internal_link_and_anchor_resolves(fixture_site: Path) -> None:
    assert not broken_links(fixture_site), "\n".join(broken_links(fixture_site))


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Path:
    """The dossier this repository ships (data/, seeds/), built once per engine."""
    return _built(site_project(tmp_path_factory.mktemp(f"shipped-{engine}") / "project", ROOT), engine)


def test_every_link_resolves_in_the_shipped_dossier(shipped_site: Path) -> None:
    broken = broken_links(shipped_site)
    assert not broken, "\n".join(broken[:20])


def test_seed_pages_show_readers_no_internal_file_names(shipped_site: Path) -> None:
    """The file name a text arrived under ("000_dfc53b8274aa01dd.txt") is kept in the downloads,
    not shown on the reader's page."""
    data = json.loads((shipped_site / "site/generated/downloads/dossier.json").read_text("utf-8"))
    received = {s["id"]: s["received_as"] for s in data["seeds"] if s["received_as"]}
    assert received, "the shipped seeds record the file names they arrived under"
    pages = parse_site(shipped_site / "site")
    for seed_id, name in received.items():
        text = " ".join(pages[f"generated/sources/{seed_id}/index.html"].text)
        assert name not in text and "Received as" not in text, seed_id


_SVG_NODE = re.compile(r'<a class="graph-node[^"]*" href="([^"]*)"')


def test_entity_pages_draw_their_neighbourhood(fixture_site: Path) -> None:
    """Each entity page with related entities carries an SVG of it and them, each node a link
    to an entity page of the site (the engines write raw-HTML links differently)."""
    site_dir = fixture_site / "site"
    pages = parse_site(site_dir)
    drawn = 0
    for name in sorted(p for p in pages if re.fullmatch(r"generated/entities/[^/_]+/index.html", p)):
        html = (site_dir / name).read_text("utf-8")
        section = re.search(r'<h2 id="related".*?(?=<h2|</article>)', html, re.S)
        related = section.group(0).count("<li>") if section else 0  # one line each
        svgs = re.findall(r'<svg class="dossier-graph".*?</svg>', html, re.S)
        if not related:
            assert not svgs, name
            continue
        assert len(svgs) == 1 and 'aria-labelledby="near-title"' in svgs[0], name
        targets = [_target(name, href)[0] for href in _SVG_NODE.findall(svgs[0])]
        assert targets[0] == name, "the entity itself is drawn first, in the middle"
        assert len(set(targets)) == len(targets) == 1 + min(related, render.NEIGHBOURS), name
        assert all(t.startswith("generated/entities/") and t in pages for t in targets), name
        drawn += 1
    assert drawn >= 3


def test_translations_stand_beside_foreign_passages(fixture_site: Path) -> None:
    html = (fixture_site / "site/generated/sources/zeitung-beispiel-radar/index.html").read_text("utf-8")
    text = html.split('class="seed-text"', 1)[1]
    note = re.search(
        r'<span class="cite-translation" role="note" lang="en"[^>]*>(.*?)</span>(.*?)</span>', text
    )
    assert note, "no translation note in the German seed's text"
    assert re.sub(r"<[^>]+>", "", note.group(1) + note.group(2)).strip() == (
        "Translation [1]: Russia has begun supplying Iran with S-300 air defense systems"
    )
    # It follows its passage: the first mark closes right before it.
    assert text.index("zu liefern</mark>") < note.start() < text.index("Sergei Schoigu")


def test_every_link_resolves_on_a_split_site(split_site: Path) -> None:
    broken = broken_links(split_site)
    assert not broken, "\n".join(broken[:20])


def test_long_lists_split_into_parts_that_list_every_item_once(split_site: Path) -> None:
    generated_dir = split_site / "docs" / "generated"
    data = json.loads((generated_dir / "downloads" / "dossier.json").read_text("utf-8"))
    facts = sorted(f"generated/facts/{f['id']}/index.html" for f in data["facts"])
    pages = parse_site(split_site / "site")
    for prefix in ("generated/timeline_", "generated/facts/facts_"):
        parts = sorted(p for p in pages if p.startswith(prefix))
        assert len(parts) > 2, f"{prefix}* did not split"
        listed = [_target(part, href)[0] for part in parts for href in pages[part].links]
        assert sorted(t for t in listed if t in facts) == facts, f"{prefix}*: every fact once"
    hubs = sorted({p.split("/")[2].split("_")[0] for p in pages if re.match(r"generated/entities/[^/]+_", p)})
    assert hubs, "no entity's facts were split"
    for hub in hubs:
        about = sorted(f"generated/facts/{f['id']}/index.html" for f in data["facts"] if hub in f["about"])
        parts = [p for p in pages if p.startswith(f"generated/entities/{hub}_")]
        listed = [_target(part, href)[0] for part in parts for href in pages[part].links]
        assert sorted(t for t in listed if t in facts) == about, f"{hub}: every fact about it once"
    for path in generated_dir.rglob("*_*.md"):
        assert render.tokens(path.read_text("utf-8")) <= 1500, path.name


def test_passage_links_land_on_a_mark(fixture_site: Path) -> None:
    pages = parse_site(fixture_site / "site")
    fact = "generated/facts/russia-delivers-s-300/index.html"
    passages = [h for h in pages[fact].links if "#q-" in h]
    assert len(passages) == 5
    for href in passages:
        target, fragment = _target(fact, href)
        assert fragment in pages[target].marks


def test_nothing_loads_from_another_host(fixture_site: Path) -> None:
    site = fixture_site / "site"
    offenders = []
    for name, page in parse_site(site).items():
        offenders += [f"{name}: {url}" for url in page.loads if _is_external(url)]
        for css in page.styles:
            offenders += [
                f"{name}: {u}" for m in _CSS_URL.finditer(css) for u in m.groups() if u and _is_external(u)
            ]
    for sheet in site.rglob("*.css"):
        for m in _CSS_URL.finditer(sheet.read_text("utf-8")):
            url = m.group(1) or m.group(2)
            if _is_external(url) and not url.startswith("data:"):
                offenders.append(f"{sheet.relative_to(site)}: {url}")
    assert not offenders, "\n".join(offenders)


def test_the_themes_cdn_loaders_never_trigger(fixture_site: Path) -> None:
    """Material's bundle holds two loaders that fetch from unpkg: mermaid, only for a page with a
    ``.mermaid`` element, and a ResizeObserver polyfill, only in browsers without ResizeObserver
    (the browser tests prove Chromium makes no such request). No page may carry the trigger."""
    for name, html in (
        (p.relative_to(fixture_site).as_posix(), p.read_text("utf-8"))
        for p in (fixture_site / "site").rglob("*.html")
    ):
        assert not re.search(r"""class=["'][^"']*\bmermaid\b""", html), name
    bundle = next((fixture_site / "site" / "assets" / "javascripts").glob("bundle.*.min.js")).read_text(
        "utf-8"
    )
    assert "unpkg.com/mermaid" in bundle  # so this test notices if the theme changes its loaders


def test_external_links_are_only_the_dossiers_own(fixture_site: Path) -> None:
    """Plain links may leave the site, but only to addresses the data gives (seed and entity URLs)."""
    data = json.loads((fixture_site / "site/generated/downloads/dossier.json").read_text("utf-8"))
    allowed = {s["url"] for s in data["seeds"] if s["url"]} | {e["url"] for e in data["entities"] if e["url"]}
    seen = 0
    for name, page in parse_site(fixture_site / "site").items():
        for href in page.links:
            if _is_external(href):
                assert href in allowed, f"{name} links to {href}"
                assert set(page.rels[href].split()) >= {"noopener", "noreferrer"}, f"{name}: {href}"
                seen += 1
    assert seen, "the fixture's seed and entity URLs are linked"


def test_raw_html_links_are_the_same_in_both_engines(fixture_site: Path) -> None:
    """The seed text's passage links and the graph's nodes are raw HTML, which only Zensical
    rewrites; the pages are written for the engine, so the final hrefs come out the same."""
    pages = parse_site(fixture_site / "site")
    seed = pages["generated/sources/daily-example-radar/index.html"]
    assert "../../facts/russia-delivers-s-300/#source-1" in seed.links
    assert "../entities/s-300/" in pages["generated/graph/index.html"].links


def test_graph_nodes_link_to_entity_pages(fixture_site: Path) -> None:
    pages = parse_site(fixture_site / "site")
    graph = "generated/graph/index.html"
    nodes = [h for h in pages[graph].links if h.startswith("../entities/")]
    assert "../entities/s-300/" in nodes
    for href in nodes:
        target, _ = _target(graph, href)
        assert target.startswith("generated/entities/") and target in pages, href


def test_search_index_covers_entities_facts_and_german_seed_text(fixture_site: Path, engine: str) -> None:
    # Pagefind stems by language: the German seed has a German bundle of its own.
    bundles = json.loads((fixture_site / "site" / "pagefind-bundles.json").read_text("utf-8"))
    assert bundles == ["pagefind/", "pagefind-de/"]
    docs = search_docs(fixture_site)
    locations = " ".join(doc["location"] for doc in docs)
    assert "generated/entities/s-300/" in locations
    assert "generated/facts/russia-delivers-s-300/" in locations
    texts = " ".join(doc["text"] for doc in docs)
    assert "Augustwoche" in texts


@pytest.mark.parametrize(
    ("alias", "entity"), [("S-300PMU-2", "s-300"), ("Schoigu", "sergei-shoigu"), ("Teheran", "tehran")]
)
def test_search_finds_an_entity_by_an_alias(fixture_site: Path, engine: str, alias: str, entity: str) -> None:
    assert f"generated/entities/{entity}/" in search(fixture_site, alias)


def test_fact_pages_carry_a_schema_org_claim(fixture_site: Path) -> None:
    page = parse_site(fixture_site / "site")["generated/facts/russia-delivers-s-300/index.html"]
    blocks = [json.loads(body) for attrs, body in page.scripts if attrs.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    claim = blocks[0]
    assert claim["@context"] == "https://schema.org" and claim["@type"] == "Claim"
    urls = [a.get("url") for a in claim["appearance"]]
    assert "https://news.example.com/2024/08/06/russia-sends-iran-s-300" in urls


def test_exports_parse_and_spans_point_at_quotes(fixture_site: Path) -> None:
    downloads = fixture_site / "site/generated/downloads"
    data = json.loads((downloads / "dossier.json").read_text("utf-8"))
    bodies = {s["id"]: s["body"] for s in data["seeds"]}
    assert len(data["facts"]) == 5
    for fact in data["facts"]:
        for c in fact["citations"]:
            assert fold_text(bodies[c["seed"]][c["start"] : c["end"]]) == fold_text(c["quote"])
    lines = (downloads / "dossier.jsonl").read_text("utf-8").splitlines()
    kinds = [json.loads(line)["kind"] for line in lines]
    assert kinds.count("fact") == 5 and kinds.count("seed") == 4
    for name in ("entities", "seeds", "facts", "citations", "figures"):
        raw = (downloads / f"{name}.csv").read_bytes().decode("utf-8")
        rows = list(csv.reader(io.StringIO(raw, newline="")))
        again = io.StringIO()
        csv.writer(again, lineterminator="\r\n").writerows(rows)
        assert again.getvalue() == raw, f"{name}.csv does not round-trip"
    citations = list(csv.DictReader(io.StringIO((downloads / "citations.csv").read_text("utf-8"))))
    assert {"fact", "seed", "start", "end", "quote"} <= set(citations[0])


def test_hostile_strings_stay_text(hostile_site: Path) -> None:
    pages = parse_site(hostile_site / "site")
    for name, page in pages.items():
        assert not page.handlers, f"{name}: {page.handlers}"
        for href in page.links + page.loads:
            assert not href.strip().lower().startswith(("javascript:", "data:text")), f"{name}: {href}"
        for attrs, body in page.scripts:
            if attrs.get("type") == "application/ld+json":
                json.loads(body)  # data inside JSON-LD must stay inside its strings
            else:
                assert "alert" not in body, f"{name}: a script runs {body[:60]!r}"
    fact = "".join(pages["generated/facts/hostile-fact/index.html"].text)
    for text in (SCRIPT, IMG, MD_LINK):
        assert text in fact
    seed = "".join(pages["generated/sources/hostile-seed/index.html"].text)
    assert f"{SCRIPT} {IMG} title" in seed and "</div></mark><b>bold</b>" in seed


def test_hostile_strings_stay_text_in_titles_and_search(hostile_site: Path, engine: str) -> None:
    for html in (hostile_site / "site").rglob("*.html"):
        for title in re.findall(r"<title>(.*?)</title>", html.read_text("utf-8"), re.S):
            assert "<" not in title, f"{html}: {title}"
    # The search index holds text, which the header search shows as text (tests/test_browser.py
    # checks that nothing runs): a payload is there as the characters the page shows.
    titles = " ".join(doc["title"] for doc in search_docs(hostile_site))
    for text in HOSTILE[:2]:
        assert text in titles


def test_a_failed_check_writes_nothing(tmp_path: Path) -> None:
    project = site_project(tmp_path / "project")
    facts = project / "data" / "facts.yaml"
    facts.write_text(facts.read_text("utf-8").replace("at least 12 launchers had", "at most 3 launchers had"))
    result = build(Project(project))
    assert result.errors and result.dossier is None
    assert not (project / "docs" / "generated").exists()
    assert not (project / "site").exists()


def test_the_generator_removes_its_stale_files_and_refuses_foreign_ones(
    fixture_site: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "generated"
    generated.write(folder, {"a.md": "a", "sub/b.md": "b"})
    written = generated.write(folder, {"a.md": "a2"})
    assert written.changed == ("a.md",) and written.removed == ("sub/b.md",)
    assert generated.read_manifest(folder) == {"a.md"}
    # A file the generator did not write (a pull request can commit one) would be published as
    # it is: the write is refused, and a refused write changes nothing.
    (folder / "sub").mkdir()
    (folder / "sub" / "mine.md").write_text("hand-written")
    for files in ({"a.md": "a"}, {"a.md": "a", "sub/mine.md": "x"}):
        with pytest.raises(generated.GeneratedFolderError, match=r"not written by dossier|did not write it"):
            generated.write(folder, files)
    assert (folder / "a.md").read_text() == "a2"
    assert (folder / "sub" / "mine.md").read_text() == "hand-written"


@pytest.mark.parametrize("path", ["../x.md", "/etc/x.md", "a/../../x.md", "A.md", ".hidden.md", "a b.md", ""])
def test_the_generator_refuses_paths_outside_its_folder(tmp_path: Path, path: str) -> None:
    with pytest.raises(generated.GeneratedFolderError):
        generated.write(tmp_path / "generated", {path: "x"})
    assert not (tmp_path / "x.md").exists()


def test_unchanged_pages_are_not_rewritten(tmp_path: Path) -> None:
    folder = tmp_path / "generated"
    generated.write(folder, {"a.md": "a"})
    before = (folder / "a.md").stat().st_mtime_ns
    written = generated.write(folder, {"a.md": "a"})
    assert written.changed == () and written.unchanged == 1
    assert (folder / "a.md").stat().st_mtime_ns == before


def test_serve_notices_edits_to_data_and_seeds(tmp_path: Path) -> None:
    from dossier.site import sources_stamp

    project = Project(site_project(tmp_path / "project"))
    before = sources_stamp(project)
    text = project.facts_file.read_text("utf-8")
    project.facts_file.write_text(text + "\n", "utf-8")
    assert sources_stamp(project) != before
    after_edit = sources_stamp(project)
    (project.seeds_dir / "new-seed.md").write_text("---\n---\n", "utf-8")
    assert sources_stamp(project) != after_edit
    # An edit of the same size with its modification time set back (touch -r) is seen too.
    seed = project.seeds_dir / "new-seed.md"
    before_quiet = sources_stamp(project)
    st = seed.stat()
    time.sleep(0.01)  # the change time moves by at least the clock's step
    seed.write_text("---\n-x-\n", "utf-8")
    os.utime(seed, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert seed.stat().st_size == st.st_size and seed.stat().st_mtime_ns == st.st_mtime_ns
    assert sources_stamp(project) != before_quiet


def test_cli_build_and_export(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dossier.cli import cli

    project = site_project(tmp_path / "project")
    runner = CliRunner()
    done = runner.invoke(cli, ["build", "--no-site", "--project", str(project)])
    assert done.exit_code == 0, done.output
    assert (project / "docs/generated/facts/russia-delivers-s-300.md").is_file()
    exported = runner.invoke(cli, ["export", "--project", str(project)])
    assert exported.exit_code == 0 and len(json.loads(exported.stdout)["facts"]) == 5
    lines = runner.invoke(cli, ["export", "--format", "jsonl", "--project", str(project)]).stdout
    assert all(json.loads(line)["kind"] for line in lines.splitlines())
    facts_csv = runner.invoke(
        cli, ["export", "--format", "csv", "--table", "facts", "--project", str(project)]
    )
    assert facts_csv.exit_code == 0 and facts_csv.stdout.startswith("id,statement,")
    out = tmp_path / "csv"
    done = runner.invoke(cli, ["export", "--format", "csv", "--out", str(out), "--project", str(project)])
    assert done.exit_code == 0 and (out / "citations.csv").is_file()


def test_cli_build_refuses_a_dossier_with_errors(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dossier.cli import cli

    project = site_project(tmp_path / "project")
    (project / "seeds" / "weekly-example-radar.md").write_text("no front matter\n", "utf-8")
    done = CliRunner().invoke(cli, ["build", "--project", str(project)])
    assert done.exit_code == 1
    assert "nothing was written" in done.output
    assert not (project / "docs/generated").exists()


def test_a_missing_engine_is_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from dossier.cli import cli

    project = site_project(tmp_path / "project")
    absent = dataclasses.replace(site.ENGINES["zensical"], module="no_such_engine_module")
    monkeypatch.setitem(site.ENGINES, "zensical", absent)
    done = CliRunner().invoke(cli, ["build", "--engine", "zensical", "--project", str(project)])
    assert done.exit_code == 1, done.output
    assert "the zensical engine is not installed" in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
