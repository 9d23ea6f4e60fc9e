"""Incremental render and build: cached pages equal fresh ones, and a hostile cache is never used.

The core property: render a dossier with the page cache, edit it at random (a statement, a name,
a status, a seed's title or outlet, a contradiction, a removed fact...), render the edit with the
cache the first render left, and compare with a render from nothing. Any input a template reads
that dossier.pagecache does not list shows up here as a stale page.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import shutil
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier import build, export, generated, linkcheck, pagecache, render, search, site, urls
from dossier.check import check
from dossier.model import Dossier
from dossier.project import Project
from dossier.render import render_site
from dossier.urls import ENGINES
from tests.sitefixtures import SITE_FIXTURE, pagefind_pages, site_project

BUILT = "2024-09-01"


@pytest.fixture(scope="module")
def dossier() -> Dossier:
    result = check(Project(SITE_FIXTURE))  # the site fixture: 4 seeds, a German one, disputes
    assert result.dossier is not None
    return result.dossier


TEXT = st.text(alphabet="abcXYZ *_[]<>&\"'#`|é\u00a0", min_size=1, max_size=12).filter(str.strip)


@st.composite
def edit(draw: st.DrawFn, d: Dossier) -> Dossier:
    """One random, valid edit of ``d`` (references kept sound: the renderer trusts them)."""
    facts, entities, seeds = list(d.facts), list(d.entities), list(d.seeds)
    kind = draw(
        st.sampled_from(
            [
                "statement",
                "status",
                "remove-fact",
                "entity-name",
                "outlet-name",
                "seed-title",
                "seed-outlet",
                "seed-published",
                "contradicts",
                "attributed",
                "about",
                "fact-date",
                "remove-entity",
            ]
        )
    )
    i = draw(st.integers(0, len(facts) - 1))
    fact = facts[i]
    if kind == "statement":
        facts[i] = dataclasses.replace(fact, statement=draw(TEXT))
    elif kind == "status":
        facts[i] = dataclasses.replace(
            fact, status=draw(st.sampled_from(["reported", "confirmed", "disputed", "denied"]))
        )
    elif kind == "remove-fact":
        del facts[i]
        facts = [
            dataclasses.replace(f, contradicts=tuple(c for c in f.contradicts if c != fact.id)) for f in facts
        ]
    elif kind == "entity-name":
        j = draw(st.integers(0, len(entities) - 1))
        entities[j] = dataclasses.replace(entities[j], name=draw(TEXT))
    elif kind == "outlet-name":  # outlets are few among the entities, and shown on many pages
        j = draw(st.sampled_from([j for j, e in enumerate(entities) if e.id in {s.outlet for s in seeds}]))
        entities[j] = dataclasses.replace(entities[j], name=draw(TEXT))
    elif kind == "seed-title":
        j = draw(st.integers(0, len(seeds) - 1))
        seeds[j] = dataclasses.replace(seeds[j], title=draw(TEXT))
    elif kind == "seed-outlet":
        j = draw(st.integers(0, len(seeds) - 1))
        outlet = draw(st.sampled_from(sorted({s.outlet for s in seeds})))
        seeds[j] = dataclasses.replace(seeds[j], outlet=outlet)
    elif kind == "seed-published":
        j, k = draw(st.integers(0, len(seeds) - 1)), draw(st.integers(0, len(seeds) - 1))
        seeds[j] = dataclasses.replace(seeds[j], published=seeds[k].published)
    elif kind == "contradicts":
        other = facts[draw(st.integers(0, len(facts) - 1))]
        if other.id != fact.id and other.id not in fact.contradicts:
            facts[i] = dataclasses.replace(fact, contradicts=(*fact.contradicts, other.id))
    elif kind == "attributed":
        who = draw(st.sampled_from([e.id for e in entities]))
        cite = dataclasses.replace(fact.sources[0], attributed_to=(who,))
        facts[i] = dataclasses.replace(fact, sources=(cite, *fact.sources[1:]))
    elif kind == "about":
        who = draw(st.sampled_from([e.id for e in entities]))
        facts[i] = dataclasses.replace(fact, about=tuple(dict.fromkeys((*fact.about, who))))
    elif kind == "fact-date":
        other = facts[draw(st.integers(0, len(facts) - 1))]
        facts[i] = dataclasses.replace(fact, date=other.date, date_inferred=other.date_inferred)
    elif kind == "remove-entity":  # one no fact or seed names, if there is one
        named = {s.outlet for s in seeds} | {
            e for f in facts for e in (*f.about, *(a for c in f.sources for a in c.attributed_to))
        }
        free = [j for j, e in enumerate(entities) if e.id not in named]
        if free:
            del entities[draw(st.sampled_from(free))]
    return Dossier(d.title, d.summary, tuple(entities), tuple(facts), tuple(seeds))


class Generated:
    """docs/generated/ as ``build.generate`` leaves it, played in memory: each page's text (front
    matter and body) and front matter as last written, and its stamp (a number, new at every
    write). ``present`` is what the page cache asks of a page's file (``Writer.matches``).

    :meth:`render` is one round of ``build.generate`` with a page cache: the pages render_site
    hands out are written, those it says are on disk as stamped are taken as they are held, the
    cache gets the new stamps, and a page the round did not make is gone. It returns every page
    of the round as it now is on disk, to compare with a render_site without a cache.
    """

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, dict[str, Any] | None]] = {}
        self.stamps: dict[str, int] = {}
        self.writes = 0

    def present(self, rel: str, stamp: object) -> bool:
        return rel in self.pages and self.stamps.get(rel) == stamp

    def cache(self, entries: dict[str, dict[str, Any]] | None = None) -> pagecache.PageCache:
        """A page cache on this folder, holding ``entries`` (a last render's ``used``)."""
        return pagecache.PageCache(dict(entries or {}), present=self.present)

    def render(self, d: Dossier, cache: pagecache.PageCache, **options: Any) -> render.Rendered:
        made: dict[str, tuple[str, dict[str, Any] | None]] = {}
        kept: set[str] = set()

        def emit(rel: str, text: str | None, front: dict[str, Any] | None) -> None:
            assert rel not in made, f"{rel} handed out twice"
            if text is None:
                assert rel in self.pages, f"{rel} kept but never written"
                made[rel] = self.pages[rel]
                kept.add(rel)
                return
            self.writes += 1
            self.stamps[rel] = self.writes
            made[rel] = (text, front)

        rendered = render_site(d, cache=cache, emit=emit, **options)
        assert not made.keys() & rendered.pages.keys()
        assert kept == cache.reused, "a page taken from the cache was not handed out as kept"
        cache.stamp(self.stamps)
        self.pages = made
        self.stamps = {rel: self.stamps[rel] for rel in made}
        return render.Rendered(
            {**{rel: text for rel, (text, _) in made.items()}, **rendered.pages},
            {**{rel: front for rel, (_, front) in made.items() if front is not None}, **rendered.meta},
        )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), engine=st.sampled_from(["mkdocs", "zensical"]))
def test_cached_render_equals_fresh_render(dossier: Dossier, data: st.DataObject, engine: str) -> None:
    """After one to three random edits, pages taken from the cache are the pages a fresh render
    writes, byte for byte, with the same front matter; and unchanged pages do come from it."""
    folder = Generated()
    cache = folder.cache()
    folder.render(dossier, cache, built=BUILT, engine=engine)
    current = dossier
    for _ in range(data.draw(st.integers(1, 3))):
        current = data.draw(edit(current))
        warm = folder.cache(cache.used)  # as a build loads it: the stamps, no keys, no outline
        cached = folder.render(current, warm, built=BUILT, engine=engine)
        fresh = render_site(current, built=BUILT, engine=engine)
        assert cached.pages.keys() == fresh.pages.keys()
        for rel, text in fresh.pages.items():
            assert cached.pages[rel] == text, f"{rel} is stale"
        assert cached.meta == fresh.meta
        cache = warm
    assert cache.hits > 0, "an edit of one record left no page to reuse"


def test_a_page_cache_needs_emit(dossier: Dossier) -> None:
    """The cache holds no page, only its file's stamp: a cached render hands its pages out."""
    with pytest.raises(ValueError, match="needs emit"):
        render_site(dossier, built=BUILT, cache=Generated().cache())


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_incremental_generate_writes_what_a_clean_one_writes(
    dossier: Dossier, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """``dossier build``'s generate step after one to three random edits, each on what the
    last left (the page cache's stamps, keys and outline on disk), leaves docs/generated/
    exactly as a clean one does, byte for byte; and pages no edit reached are not rendered."""
    tmp = tmp_path_factory.mktemp("generate")
    project = _project(tmp)
    build.generate(project, dossier, built=BUILT)
    current = dossier
    for n in range(data.draw(st.integers(1, 3))):
        current = data.draw(edit(current))
        written = build.generate(project, current, built=BUILT)
        (tmp / f"clean{n}").mkdir()
        clean = _project(tmp / f"clean{n}")
        build.generate(clean, current, built=BUILT, fresh=True)
        assert _files(project.generated_dir) == _files(clean.generated_dir)
        assert written.unchanged > 0


def test_the_downloads_written_a_piece_at_a_time_are_the_downloads(dossier: Dossier) -> None:
    """``dossier build`` writes the downloads from export.file_parts: the same bytes as files()."""
    parts = export.file_parts(dossier)
    assert {name: "".join(p) for name, p in parts.items()} == export.files(dossier)
    # Each table in pieces of about 200 characters: many pieces each.
    tables = export._csv(dossier, lambda header, rows: list(export._table_parts(header, rows, size=200)))
    assert all(len(pieces) > 1 for pieces in tables.values() if len("".join(pieces)) > 400)
    assert max(len(pieces) for pieces in tables.values()) > 2
    assert {name: "".join(pieces) for name, pieces in tables.items()} == export.to_csv(dossier)


def test_downloads_are_rewritten_only_when_their_bytes_change(tmp_path: Path, dossier: Dossier) -> None:
    """The worker writing the downloads leaves a file with the same bytes alone (the engine's
    incremental build and Pagefind see no change), and replaces one that changed."""
    project = _project(tmp_path)
    build.generate(project, dossier, built=BUILT)
    json_file = project.generated_dir / urls.download("dossier.json")
    before = _stamp(json_file)
    written = build.generate(project, dossier, built=BUILT)
    assert _stamp(json_file) == before and written.changed == ()
    edited = dataclasses.replace(dossier, title="Another title")
    written = build.generate(project, edited, built=BUILT)
    assert urls.download("dossier.json") in written.changed
    for name, text in export.files(edited).items():
        assert (project.generated_dir / urls.download(name)).read_bytes() == text.encode("utf-8")
    assert json.loads((project.generated_dir / generated.MANIFEST).read_text("utf-8"))["files"] == sorted(
        _files(project.generated_dir).keys() - {generated.MANIFEST}
    )


def test_a_renderer_upgrade_renders_every_page(
    tmp_path: Path, dossier: Dossier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages kept on disk were written by this renderer: another one renders them all again."""
    project = _project(tmp_path)
    build.generate(project, dossier, built=BUILT)
    monkeypatch.setattr(pagecache, "renderer_version", lambda: "upgraded")
    monkeypatch.setattr(render, "_title", lambda base, part: {"title": f"New: {base}{part}"})
    build.generate(project, dossier, built=BUILT)
    (tmp_path / "clean").mkdir()
    clean = _project(tmp_path / "clean")
    build.generate(clean, dossier, built=BUILT, fresh=True)
    assert _files(project.generated_dir) == _files(clean.generated_dir)


def test_one_edit_renders_few_pages(dossier: Dossier) -> None:
    """A one-fact statement edit renders that fact, its entities and its seeds again, not the rest."""
    folder = Generated()
    cache = folder.cache()
    folder.render(dossier, cache, built=BUILT)
    fact = dossier.facts[0]
    edited = Dossier(
        dossier.title,
        dossier.summary,
        dossier.entities,
        (dataclasses.replace(fact, statement="A new statement"), *dossier.facts[1:]),
        dossier.seeds,
    )
    warm = folder.cache(cache.used)
    assert folder.render(edited, warm, built=BUILT).pages == render_site(edited, built=BUILT).pages
    touched = set(fact.about) | {e for c in fact.sources for e in c.attributed_to}
    seeds = {c.seed for c in fact.sources}
    opponents = {f.id for f in dossier.facts if fact.id in f.contradicts} | set(fact.contradicts)
    assert warm.misses <= 1 + len(touched) + len(seeds) + len(opponents)
    assert warm.hits >= len(dossier.facts) - 1 - len(opponents)


def _project(tmp_path: Path) -> Project:
    dest = tmp_path / "p"
    dest.mkdir()
    for part in ("data", "seeds"):
        shutil.copytree(SITE_FIXTURE / part, dest / part)
    return Project(dest)


def test_generate_uses_and_refills_the_cache(tmp_path: Path, dossier: Dossier) -> None:
    project = _project(tmp_path)
    build.generate(project, dossier, built=BUILT)
    stored = json.loads((project.cache_dir / "pages-mkdocs.json").read_text("utf-8"))
    assert len(stored["pages"]) == len(dossier.facts) + len(dossier.entities) + len(dossier.seeds)
    before = {p: p.read_bytes() for p in project.generated_dir.rglob("*.md")}
    build.generate(project, dossier, built=BUILT)
    assert {p: p.read_bytes() for p in project.generated_dir.rglob("*.md")} == before


def _stamp(path: Path) -> list[int]:
    st = path.lstat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _forge(project: Project) -> None:
    """Put FORGED into every generated page the cache knows, and give the cache their new
    stamps: what a committed docs/generated/ and cache, made to match, would bring."""
    path = project.cache_dir / "pages-mkdocs.json"
    stored = json.loads(path.read_text("utf-8"))
    for entry in stored["pages"].values():
        for rel in entry:
            page = project.generated_dir / rel
            page.write_text(
                page.read_text("utf-8").replace("# ", "# FORGED <script>alert(1)</script> ", 1), "utf-8"
            )
            entry[rel] = _stamp(page)
    path.write_text(json.dumps(stored), "utf-8")


def test_forged_cache_is_not_used(tmp_path: Path, dossier: Dossier) -> None:
    """A cache committed by someone else (all keys right, every stamp matching the forged
    pages beside it) is ignored: its identity file is not the one this folder made, so the
    stored context never matches."""
    project = _project(tmp_path)
    build.generate(project, dossier, built=BUILT)
    _forge(project)
    # As a checkout would bring it: the same bytes, but the identity file made anew.
    identity = project.cache_dir / "identity"
    text = identity.read_text("utf-8")
    identity.unlink()
    identity.write_text(text, "utf-8")
    build.generate(project, dossier, built=BUILT)
    pages = "".join(p.read_text("utf-8") for p in project.generated_dir.rglob("*.md"))
    assert "FORGED" not in pages


def test_a_page_edited_or_deleted_by_hand_is_written_again(tmp_path: Path, dossier: Dossier) -> None:
    """The cache keeps a page's file only while it is as the last build wrote it: a page
    edited, replaced or deleted in docs/generated/ is rendered and written again."""
    project = _project(tmp_path)
    build.generate(project, dossier, built=BUILT)
    fresh = {p: p.read_bytes() for p in project.generated_dir.rglob("*.md")}
    fact, entity, seed = (
        project.generated_dir / urls.fact(dossier.facts[0].id),
        project.generated_dir / urls.entity(dossier.entities[0].id),
        project.generated_dir / urls.seed(dossier.seeds[0].id),
    )
    before = fact.lstat()
    fact.write_bytes(fresh[fact].replace(b"# ", b"# EDITED ", 1))
    os.utime(fact, ns=(before.st_atime_ns, before.st_mtime_ns))  # even with the old time
    entity.unlink()
    seed.write_bytes(fresh[seed][:-1] + b"!")  # the same size, a new time
    # In place (the same inode), the same size, the old modification time put back: only the
    # change time, which no one can set, tells.
    other = project.generated_dir / urls.fact(dossier.facts[1].id)
    was = other.lstat()
    with other.open("r+b") as out:
        out.write(b"PWNED")
    os.utime(other, ns=(was.st_atime_ns, was.st_mtime_ns))
    assert (other.lstat().st_ino, other.lstat().st_size) == (was.st_ino, was.st_size)
    written = build.generate(project, dossier, built=BUILT)
    assert {p: p.read_bytes() for p in project.generated_dir.rglob("*.md")} == fresh
    assert set(written.changed) == {
        urls.fact(dossier.facts[0].id),
        urls.fact(dossier.facts[1].id),
        urls.entity(dossier.entities[0].id),
        urls.seed(dossier.seeds[0].id),
    }
    # Nothing else was even rendered: a build with nothing edited writes nothing.
    assert build.generate(project, dossier, built=BUILT).changed == ()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[]",
        b'{"format": 1, "context": 3, "pages": []}',
        b"\xff\xfe",
        b'{"pages": {"k": 5}}',
    ],
)
def test_corrupt_cache_is_ignored(tmp_path: Path, dossier: Dossier, content: bytes) -> None:
    project = _project(tmp_path)
    project.cache_dir.mkdir()
    (project.cache_dir / "pages-mkdocs.json").write_bytes(content)
    build.generate(project, dossier, built=BUILT)
    fresh = render_site(dossier, built=BUILT)
    for rel, text in fresh.pages.items():
        assert (project.generated_dir / rel).read_text("utf-8") == text


def _stored_items(project: Project) -> dict[str, list[Any]]:
    items = json.loads((project.cache_dir / "pages-mkdocs.json").read_text("utf-8"))["items"]
    assert items
    return dict(items)


def test_list_items_are_stored_packed_and_are_the_lines_of_the_lists(
    tmp_path: Path, dossier: Dossier
) -> None:
    """Each list item (a fact's line on the timeline, say) is stored deflated, in base64, with
    its word count: unpacked, it is a line of the list pages as written."""
    project = _project(tmp_path)
    build.generate(project, dossier, built=BUILT)
    lists = "".join(p.read_text("utf-8") for p in project.generated_dir.rglob("*.md"))
    for packed, words in _stored_items(project).values():
        text = zlib.decompress(base64.b64decode(packed, validate=True)).decode("utf-8")
        assert text.strip() and text in lists and words > 0


@pytest.mark.parametrize(
    "damage",
    [
        "not base64!",
        base64.b64encode(b"not deflated").decode(),
        base64.b64encode(zlib.compress(b"\xff\xfe not UTF-8")).decode(),
        None,
        # A lone surrogate, which no page may hold (writing the page would fail).
        base64.b64encode(zlib.compress("- \ud800 x\n".encode("utf-8", "surrogatepass"))).decode(),
        # Bytes after the stream.
        base64.b64encode(zlib.compress(b"- TRAIL\n") + b"GARBAGE").decode(),
        # A decompression bomb: 50 MB from 50 KB.
        base64.b64encode(zlib.compress(b"A" * 50_000_000, 9)).decode(),
    ],
    ids=["base64", "deflate", "utf-8", "null", "surrogate", "trailing", "bomb"],
)
def test_a_damaged_list_item_is_rendered_again(tmp_path: Path, dossier: Dossier, damage: str | None) -> None:
    project = _project(tmp_path)
    build.generate(project, dossier, built=BUILT)
    path = project.cache_dir / "pages-mkdocs.json"
    stored = json.loads(path.read_text("utf-8"))
    stored["items"] = {key: [damage, words] for key, (_, words) in stored["items"].items()}
    path.write_text(json.dumps(stored), "utf-8")
    for page in project.generated_dir.rglob("*.md"):
        page.unlink()  # every page must be written again, the lists from these items
    build.generate(project, dossier, built=BUILT)
    fresh = render_site(dossier, built=BUILT)
    for rel, text in fresh.pages.items():
        assert (project.generated_dir / rel).read_text("utf-8") == text


def test_cache_behind_a_link_is_not_read(tmp_path: Path, dossier: Dossier) -> None:
    project = _project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project.root / ".dossier-cache").symlink_to(elsewhere)
    build.generate(project, dossier, built=BUILT)  # renders everything, writes no cache
    assert list(elsewhere.iterdir()) == []


# --- the site engine step: incremental where sound, full and strict otherwise ---------------------


def _site_build(project: Project, engine: str, *, clean: bool = False) -> str:
    """Check and write the pages, then run the engine; the engine step says how it built."""
    result = build.build(project, with_site=False, engine=engine, clean=clean)
    assert result.errors == 0, [str(d) for d in result.diagnostics]
    return site.engine(engine).build(project, quiet=True, incremental=not clean)


def _html(project: Project) -> dict[str, int]:
    return {
        p.relative_to(project.site_dir).as_posix(): p.stat().st_mtime_ns
        for p in project.site_dir.rglob("*.html")
    }


def _last_fact(text: str) -> tuple[str, str]:
    """The facts file without its last fact (nothing contradicts it), and that fact's id."""
    start = text.rindex("\n  - id: ")
    return text[:start] + "\n", text[start:].split("id: ", 1)[1].split("\n", 1)[0].strip()


@pytest.fixture(params=ENGINES)
def built_site(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Project, str]:
    engine = str(request.param)
    if not site.engine(engine).available():
        pytest.skip(f"{engine} is not installed")
    project = Project(site_project(tmp_path / "project"))
    assert _site_build(project, engine) == "full"
    return project, engine


def test_an_edit_rebuilds_only_its_pages_and_a_removed_fact_disappears(
    built_site: tuple[Project, str],
) -> None:
    project, engine = built_site
    full_search = {_location(d) for d in _search_docs(project, engine)}
    before = _html(project)
    text = project.facts_file.read_text("utf-8")
    edited = text.replace(
        "statement: Russia has begun delivering S-300 air defense systems to Iran.",
        "statement: Russia has begun delivering S-300 air defence systems to Iran, EDITED.",
    )
    assert edited != text
    project.facts_file.write_text(edited, "utf-8")
    assert _site_build(project, engine) == "incremental"
    page = project.site_dir / "generated" / "facts" / "russia-delivers-s-300" / "index.html"
    assert "EDITED" in page.read_text("utf-8")
    after = _html(project)
    rewritten = {rel for rel in after if after[rel] != before.get(rel)}
    assert "generated/facts/russia-delivers-s-300/index.html" in rewritten
    if engine == "mkdocs":  # Zensical rewrites every HTML file (rendering from its own cache)
        assert len(rewritten) < len(after) / 2, f"{len(rewritten)} of {len(after)} pages rebuilt"
        assert "generated/entities/tehran/index.html" not in rewritten
    # The search index still covers every page, the edited one with its new words.
    assert {_location(d) for d in _search_docs(project, engine)} == full_search
    assert any("EDITED" in d["title"] + d["text"] for d in _search_docs(project, engine))

    shorter, removed = _last_fact(project.facts_file.read_text("utf-8"))
    project.facts_file.write_text(shorter, "utf-8")
    assert _site_build(project, engine) == "incremental"
    assert not (project.site_dir / "generated" / "facts" / removed).exists()
    assert not any(removed in _location(d) for d in _search_docs(project, engine))
    assert linkcheck.broken(project.site_dir) == []
    # The fast parser the link check uses finds exactly what html.parser finds, on every page.
    for path in project.site_dir.rglob("*.html"):
        text = path.read_text("utf-8")
        assert linkcheck.parse(text) == linkcheck.parse_reference(text), path


def test_a_failed_build_makes_the_next_one_full(built_site: tuple[Project, str]) -> None:
    project, engine = built_site
    (project.docs_dir / "broken.md").write_text("[nowhere](missing.md)\n", "utf-8")
    with pytest.raises(site.SiteError):
        _site_build(project, engine)
    (project.docs_dir / "broken.md").unlink()
    assert _site_build(project, engine) == "full"
    assert _site_build(project, engine) == "incremental"
    assert _site_build(project, engine, clean=True) == "full"


def test_a_site_that_arrived_by_copy_is_rebuilt_from_nothing(tmp_path: Path) -> None:
    """A site/ and cache committed or copied beside the data (a forged page in it) are not
    built on: the stamp names the cache folder's identity, which a copy does not carry."""
    project = Project(site_project(tmp_path / "a"))
    assert _site_build(project, "mkdocs") == "full"
    copy = Project(tmp_path / "b")
    shutil.copytree(project.root, copy.root)
    forged = copy.site_dir / "generated" / "forged" / "index.html"
    forged.parent.mkdir()
    forged.write_text("<p>forged</p>", "utf-8")
    assert _site_build(copy, "mkdocs") == "full"
    assert not forged.exists()


@pytest.mark.parametrize(
    "text",
    [
        '<a href="x/" id=top>a</a><!-- <a href="hidden/"> --><script>if (a<b) "<a href=no>"</script>',
        '<A HREF=\'y/#q\' NAME=n>b</A><img src=i.png alt="a > b"><a href="1" href="2">',
        '<svg><a xlink:href="../g/">n</a></svg><p id="&amp;x">&lt;a href="fake/"&gt;</p>',
        '<style>a[href="s"]{}</style><link rel=stylesheet href="c.css"><a>no href</a><a href>empty</a>',
        # What a security review crafted (tests/test_linkcheck_hostile.py): raw text that never
        # closes, or closes at an end tag with attributes; quotes in unquoted values; <area>;
        # ids in <template>, <textarea> and <title>; end tags and bogus comments holding "<!--".
        "<div>" + "<style>" * 50 + '</div><a href="swallowed.html">',
        '<script></script x><a href="missing.html">x</a><style>p{}</style/><a href=s2>',
        '<title>t</TITLE\n><a href="m3.html"><textarea><a href=no></textarea\tx=">"><xmp><p id=no></xmp>',
        """<div><a title=it's href="missing-quote.html">q</a></div><p class=a"b id=c'd x=1=2>""",
        '<map><area href="missing.html" alt=""><area href="#top" name=no></map><a href= >e</a>',
        '<template><p id="t"><template/><p id=u></template></template><p id="v"><a href="#t">',
        '<textarea><p id="x"></textarea><p id=y><title><a name=z></title><iframe src=f><a href=no></iframe>',
        '</p title="<!--"><a href="e1.html">x</a><!x <!-- ><a href="b1.html"> --><?x <!-- ><a href=b2>-->',
        '<script></scripts><a href="in-script.html"></script><a/href=after.html/>',
    ],
)
def test_fast_parser_agrees_with_html_parser(text: str) -> None:
    assert linkcheck.parse(text) == linkcheck.parse_reference(text)


def test_linkcheck_finds_a_missing_page_and_anchor(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">x</h2>', "utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="a/#here">ok</a><a href="a/#gone">no anchor</a><a href="b/">no page</a>'
        '<a href="https://example.org/">out</a><img src="../../etc/passwd">',
        "utf-8",
    )
    found = linkcheck.broken(tmp_path)
    assert found == [
        "index.html: a/#gone (no #gone in a/index.html)",
        "index.html: b/ (no b/index.html)",
        "index.html: ../../etc/passwd (no ../../etc/passwd/index.html)",
    ]


def _search_docs(project: Project, engine: str) -> list[dict[str, str]]:
    """What the site's search (Pagefind, run after the engine as ``dossier build`` does) holds."""
    search.index(project, engine)
    return [
        {"location": url.lstrip("/"), "title": page["meta"].get("title", ""), "text": page["content"]}
        for url, page in pagefind_pages(project.site_dir).items()
    ]


def _location(doc: dict[str, str]) -> str:
    return doc["location"].split("#", 1)[0]
