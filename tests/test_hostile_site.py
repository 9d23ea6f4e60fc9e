"""Hostile values in every text field, through to the built HTML: nothing runs, loads or breaks.

Two sites, each built once with every payload of :mod:`tests.hostile` spread over every text
field: one rendered from a model past the check (control and bidi characters included), one from
hostile ``facts.yaml`` and seed files through the real ``dossier build`` (the CLI). Each page is
parsed as HTML, inline SVG included. Fast property tests guard the encoders one by one.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import markdown
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

import dossier.check
import dossier.incremental
from dossier import build, cite, escape, export, generated, render
from dossier.check import check
from dossier.cli import cli
from dossier.model import Dossier
from dossier.project import Project
from tests import hostile
from tests.sitefixtures import SITE_FIXTURE, pagefind_pages, site_project

BUILT = "2024-09-01"
# Attributes whose value the browser follows or loads as a URL.
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset", "background"}
# Elements that make the browser fetch what their URL attribute names (an <a> only on a click).
_LOADS = {"img", "script", "link", "iframe", "source", "video", "audio", "embed", "object", "image", "use"}
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


@dataclass
class Page:
    """One built page as a browser would see it."""

    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    scripts: list[tuple[dict[str, str], str]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    title: str = ""  # the document's <title>
    ids: Counter[str] = field(default_factory=Counter)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._script: dict[str, str] | None = None
        self._buffer: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        self.page.elements.append((tag, a))
        if "id" in a:
            self.page.ids[a["id"]] += 1
        if tag == "script":
            self._script, self._buffer = a, []
        self._in_title = tag == "title" and not self.page.title

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.page.scripts.append((self._script, "".join(self._buffer)))
            self._script = None
        self._in_title = False

    def handle_data(self, data: str) -> None:
        (self._buffer if self._script is not None else self.page.text).append(data)
        if self._in_title:
            self.page.title += data


def _parse(site_dir: Path) -> dict[str, Page]:
    pages = {}
    for path in sorted(site_dir.rglob("*.html")):
        parser = _Parser()
        parser.feed(path.read_text("utf-8"))
        parser.close()
        pages[path.relative_to(site_dir).as_posix()] = parser.page
    return pages


def _scheme(url: str) -> str:
    # Browsers drop ASCII whitespace and controls inside a URL's scheme: "java\tscript:" still runs.
    return re.sub(r"[\x00-\x20]", "", url).lower()


def _flat(text: str) -> str:
    return " ".join(text.split())


def _assert_safe(pages: dict[str, Page], dossier: Dossier) -> None:
    """The promises of this module, for every page of a built site."""
    assert pages
    for name, page in pages.items():
        for tag, attrs in page.elements:
            handlers = [a for a in attrs if a.startswith("on")]
            assert not handlers, f"{name}: <{tag}> carries {handlers}"
            for attr, value in attrs.items():
                if attr in _URL_ATTRS:
                    assert not _scheme(value).startswith(_BAD_SCHEMES), f"{name}: <{tag} {attr}={value!r}>"
            if tag in _LOADS or (tag == "a" and "download" in attrs):
                for attr in ("src", "href", "data", "xlink:href", "srcset"):
                    url = attrs.get(attr, "")
                    assert not urlsplit(url).netloc and "//" not in url, f"{name}: <{tag}> loads {url!r}"
            assert tag not in ("iframe", "object", "embed", "math"), f"{name}: <{tag}>"
        for attrs, body in page.scripts:
            kind = attrs.get("type", "")
            if kind == "application/ld+json":
                claim = json.loads(body)
                fact_id = name.split("/")[-2]
                assert claim == export.claim(dossier, dossier.fact[fact_id]), f"{name}: JSON-LD differs"
            elif "src" in attrs:
                assert not urlsplit(attrs["src"]).netloc, f"{name}: script from {attrs['src']}"
            else:  # the theme's own inline scripts and config
                assert hostile.PWN not in body and hostile.REMOTE not in body, f"{name}: {body[:80]!r}"
        duplicates = [i for i, n in page.ids.items() if n > 1]
        assert not duplicates, f"{name}: ids used twice: {duplicates}"
        if name.startswith("generated/"):
            text = _flat("".join(page.text))
            # Front matter MkDocs failed to parse would be Markdown: a rule, a setext heading, our keys.
            assert all(tag != "hr" for tag, _ in page.elements), f"{name} shows a --- rule"
            for key in ("title:", "search:", "boost:"):
                assert not re.search(rf"(^|\s){key} \"", text), f"{name} shows its front matter"
    everything = _flat(" ".join(t for page in pages.values() for t in page.text))
    missing = {t for t in hostile.texts(dossier) if t and hostile.shown(t) not in everything}
    assert not missing, f"not shown as text: {sorted(missing)[:5]}"


def _assert_anchors(pages: dict[str, Page], dossier: Dossier) -> None:
    """Passage anchors and source headings keep their ids, whatever a title or statement says."""
    for seed in dossier.seeds:
        page = pages[f"generated/sources/{seed.id}/index.html"]
        marks = {a["id"] for tag, a in page.elements if tag == "mark" and "id" in a}
        anchors = {a["id"] for tag, a in page.elements if a.get("id", "").startswith("q-")}
        assert anchors == marks, f"{seed.id}: a q- id on something other than a passage"
    for fact in dossier.facts:
        page = pages[f"generated/facts/{fact.id}/index.html"]
        sources = {a["id"] for tag, a in page.elements if a.get("id", "").startswith("source-")}
        headings = {
            a["id"] for tag, a in page.elements if tag == "h3" and a.get("id", "").startswith("source-")
        }
        assert sources == headings == {f"source-{n}" for n in range(1, len(fact.sources) + 1)}


# --- the site rendered from a model, past the check ----------------------------------------


@pytest.fixture(scope="module")
def model_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Dossier]:
    return hostile.model_site(tmp_path_factory.mktemp("hostile-model") / "project", BUILT)


def test_hostile_model_renders_nothing_live(model_site: tuple[Path, Dossier]) -> None:
    site_dir, dossier = model_site
    pages = _parse(site_dir)
    _assert_safe(pages, dossier)
    _assert_anchors(pages, dossier)


def test_hostile_titles_are_the_titles(model_site: tuple[Path, Dossier]) -> None:
    site_dir, dossier = model_site
    pages = _parse(site_dir)
    for fact in dossier.facts:
        page = pages[f"generated/facts/{fact.id}/index.html"]
        h1 = next(i for i, (tag, _) in enumerate(page.elements) if tag == "h1")
        assert page.elements[h1][1].get("id") == "top"
        assert _flat(page.title).startswith(hostile.shown(fact.statement)), page.title
    titles = {url: page["meta"]["title"] for url, page in pagefind_pages(site_dir).items()}
    for fact in dossier.facts:
        # The header search shows a title as text (textContent): it must be the text the page shows,
        # the page's heading, which is the statement cut short (dossier.cite.short_title).
        assert titles[f"/generated/facts/{fact.id}/"] == hostile.shown(cite.short_title(fact.statement))


def test_hostile_downloads_parse_back_exactly(model_site: tuple[Path, Dossier]) -> None:
    site_dir, dossier = model_site
    downloads = site_dir / "generated" / "downloads"
    data = json.loads((downloads / "dossier.json").read_text("utf-8"))
    assert data == json.loads(json.dumps(export.records(dossier)))
    assert (downloads / "dossier.jsonl").read_text("utf-8").count("\n") == (
        len(dossier.entities) + len(dossier.seeds) + len(dossier.facts)
    )
    for csv_file in downloads.glob("*.csv"):
        csv_file.read_text("utf-8")  # valid UTF-8 whatever the values held


@pytest.mark.skipif(importlib.util.find_spec("zensical") is None, reason="zensical is not installed")
def test_hostile_model_is_safe_with_zensical(model_site: tuple[Path, Dossier], tmp_path: Path) -> None:
    # Zensical reads the same pages with its own YAML 1.2 parser: the \\u and \\U escapes too.
    site_dir, dossier = model_site
    project = tmp_path / "project"
    shutil.copytree(site_dir.parent, project, ignore=shutil.ignore_patterns("site"))
    build.generate(Project(project), dossier, built="2024-09-01", engine="zensical")  # its raw-HTML links
    done = subprocess.run(
        [sys.executable, "-m", "zensical", "build", "--strict", "--clean"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    pages = _parse(project / "site")
    _assert_safe(pages, dossier)
    _assert_anchors(pages, dossier)
    for fact in dossier.facts:
        title = pages[f"generated/facts/{fact.id}/index.html"].title
        assert _flat(title).startswith(hostile.shown(fact.statement)), title


# --- the real `dossier build`, from hostile files that pass the check ------------------------


@pytest.fixture(scope="module")
def cli_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Dossier]:
    root = site_project(tmp_path_factory.mktemp("hostile-cli") / "project")
    payloads = hostile.check_proof([*hostile.PAYLOADS, *hostile.generated_payloads(6, seed=11)])
    hostile.hostile_sources(root, payloads)
    result = CliRunner().invoke(cli, ["build", "--project", str(root)])
    assert result.exit_code == 0, result.output
    checked = check(Project(root)).dossier
    assert checked is not None
    return root / "site", checked


def test_hostile_files_build_to_safe_pages(cli_site: tuple[Path, Dossier]) -> None:
    site_dir, dossier = cli_site
    _assert_safe(_parse(site_dir), dossier)


# --- the build refuses a page whose front matter would not read back --------------------------


def test_front_matter_that_would_not_parse_stops_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = site_project(tmp_path / "project")
    # Three layers off: the check's E107 refusal of control characters, the old encoder (JSON
    # with raw non-ASCII, which PyYAML refuses for U+007F), and no visible() to turn U+007F into
    # U+FFFD first. The read-back must still stop the build.
    monkeypatch.setattr(dossier.check, "control_characters", lambda *args: [])
    monkeypatch.setattr(dossier.incremental, "control_characters", lambda *args: [])  # build's check
    monkeypatch.setattr(escape, "yaml_str", lambda value: json.dumps(value, ensure_ascii=False))
    monkeypatch.setattr(escape, "visible", str)
    facts = root / "data" / "facts.yaml"
    facts.write_text(
        facts.read_text("utf-8").replace(
            "statement: Sergei Shoigu visited Tehran.",
            'statement: "Sergei Shoigu\\x7f visited [Tehran](javascript:alert(1))."',
        ),
        "utf-8",
    )
    result = CliRunner().invoke(cli, ["build", "--project", str(root)])
    assert result.exit_code == 1, result.output
    assert "internal error: the front matter generated for facts/shoigu-visits-tehran.md" in result.output
    assert "Traceback" not in result.output
    # Pages are written as they are rendered (a build never holds them all), so pages rendered
    # before it may be there; the refused page is not, and the engine never ran.
    assert not (root / "docs" / "generated" / "facts" / "shoigu-visits-tehran.md").exists()
    assert not (root / "site").exists()


def test_front_matter_check_compares_values(tmp_path: Path) -> None:
    page = '---\ntitle: "A"\n---\n# A\n'
    generated.verify_front_matter({"a.md": page}, {"a.md": {"title": "A"}})
    with pytest.raises(generated.FrontMatterError, match=r"a\.md"):
        generated.verify_front_matter({"a.md": page}, {"a.md": {"title": "B"}})
    with pytest.raises(generated.FrontMatterError, match=r"b\.md"):
        generated.verify_front_matter({"b.md": "title: x\n\nbody"}, {})  # MultiMarkdown meta
    generated.verify_front_matter({"x.csv": "---\nnot: [yaml\n---\n"}, {})  # downloads are not pages


# --- the encoders, property by property ----------------------------------------------------

_EXTENSIONS = ["admonition", "attr_list", "tables", "toc"]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=80))
def test_front_matter_reads_back_exactly(value: str) -> None:
    page = escape.front_matter({"title": value, "search": {"boost": 2}}) + "# body\n"
    assert get_data(page) == ("# body\n", {"title": value, "search": {"boost": 2}})
    scalar = escape.yaml_str(value)
    assert "\n" not in scalar and scalar.isprintable()
    assert yaml.load(scalar, yaml.SafeLoader) == value  # the pure-Python parser agrees with libyaml


_HOSTILE_CHARS = st.sampled_from(list("<>&\"'`*_[](){}#!|\\=-+.:;/ \n\t\x00\x02\x03\x7f\x85\u202e\u2028"))
_MD_TEXT = st.lists(
    st.one_of(
        _HOSTILE_CHARS,
        st.sampled_from(["javascript:", "onfocus=", "<script>", "```", "---"]),
        st.text(max_size=3),
    ),
    max_size=25,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_MD_TEXT, st.sampled_from(["{}", "# {} {{ #top }}", "- {}", "| {} |", "x {} y"]))
def test_md_values_render_as_their_own_text(value: str, context: str) -> None:
    page = context.format(escape.md(value))
    rendered = markdown.markdown(page, extensions=_EXTENSIONS)
    parser = _Parser()
    parser.feed(rendered)
    tags = {tag for tag, _ in parser.page.elements}
    assert tags <= {"p", "h1", "ul", "li", "a", "table", "thead", "tbody", "tr", "th", "td"}, rendered
    assert all(not a.get("href") or a["href"].startswith("#") for _, a in parser.page.elements)
    assert hostile.shown(value) in _flat("".join(parser.page.text)), rendered


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=8)
)
def test_json_ld_parses_back_and_cannot_close_its_script(data: object) -> None:
    text = str(escape.json_ld(data))
    assert json.loads(text) == data
    assert not re.search(r"[<>&]", text) and text.isprintable()


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_html_and_attr_text_stay_text(value: str) -> None:
    for encoded in (escape.html(value), escape.attr(value)):
        assert not re.search(r"[<>\"'\n\r]", str(encoded)) and escape.visible(str(encoded)) == str(encoded)


def test_rendered_pages_verify(tmp_path: Path) -> None:
    checked = check(Project(SITE_FIXTURE)).dossier
    assert checked is not None
    dossier = hostile.hostile_dossier(checked, [*hostile.PAYLOADS, *hostile.COLLISIONS])
    rendered = render.render_site(dossier, built=BUILT)
    generated.verify_front_matter(rendered.pages, rendered.meta)


_NO_SPACE = st.characters(
    exclude_categories=["Zs", "Zl", "Zp"], exclude_characters="\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85"
)


@settings(max_examples=200, deadline=None)
@given(st.text(_NO_SPACE))  # a URL with whitespace makes no link: nothing to test there
def test_urls_stay_one_printable_link_target(path: str) -> None:
    encoded = str(escape.url("https://example.org/" + path))
    if encoded:  # only http(s) URLs without whitespace make a link at all
        assert encoded.isprintable() and not re.search(r"[\s\"'<>()\[\]`\\]", encoded), encoded
