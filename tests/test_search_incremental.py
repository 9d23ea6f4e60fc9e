"""An incremental build indexes only the pages whose text changed (delta bundles), and the reader's
search answers as after a clean build: in Chromium, for each engine.

Each step below edits the fixture dossier and builds it twice: incrementally, on the site the
previous step left, and from clean in another folder. The same queries are typed into the header
box of both sites; the pages offered must be the same, the new words must find their page, the
edited-away and removed words no longer the page they left, and a removed page is never offered.

A witness fact that never changes holds each test word too: Pagefind answers a word it does not
know at all with pages of a shorter prefix ("W" for "Walrusgrove"), and an index that still
holds the word in an old copy would answer with nothing instead; the witness keeps both builds
answering from the word itself.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dossier import search
from dossier.build import build
from dossier.project import Project
from tests.sitefixtures import site_project
from tests.test_site import ENGINES

FACTS = "data/facts.yaml"
EDITED = "/generated/facts/shoigu-visits-tehran/"
REMOVED = "/generated/facts/pelican-fact/"
ADDED = "/generated/facts/narwhal-fact/"
WITNESS = "/generated/facts/witness-fact/"
GERMAN_SEED = "/generated/sources/zeitung-beispiel-radar/"
# Words found in one fact each: the statement's before and after the edit, the removed fact's, the
# added fact's; and a German word that only German stemming finds ("Lieferungen" in the German seed).
QUERIES = ("Walrusgrove", "Quokkafjord", "Pelicanquay", "Narwhalspire", "Lieferung", "Schoigu")

PELICAN = """
  - id: pelican-fact
    statement: Pelicanquay observers reported the visit.
    about: [tehran]
    status: reported
    sources:
      - seed: daily-example-radar
        quote: "Sergei Shoigu, secretary of Russia's Security Council, visited Tehran on Monday"
"""
NARWHAL = PELICAN.replace("pelican", "narwhal").replace("Pelicanquay", "Narwhalspire")
WITNESS_FACT = PELICAN.replace("pelican", "witness").replace(
    "Pelicanquay", "Walrusgrove, Quokkafjord, Narwhalspire and Pelicanquay"
)


def _edit(project: Path, old: str, new: str) -> None:
    file = project / FACTS
    text = file.read_text("utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), "utf-8")


def _statement(project: Path) -> None:
    _edit(project, "Tehran with Walrusgrove.", "Tehran with Quokkafjord.")


def _remove(project: Path) -> None:
    _edit(project, PELICAN, "")


def _add(project: Path) -> None:
    file = project / FACTS
    file.write_text(file.read_text("utf-8").rstrip("\n") + "\n" + NARWHAL, "utf-8")


STEPS: list[Callable[[Path], None]] = [_statement, _remove, _add]


def _build(project: Path, engine: str, *, clean: bool = False) -> None:
    result = build(Project(project), quiet=True, engine=engine, clean=clean)
    assert result.errors == 0, [str(d) for d in result.diagnostics]


@pytest.fixture(scope="module", params=ENGINES)
def steps(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[tuple[Path, Path]]]:
    """(incremental site, clean site) after each step, for one engine."""
    engine = str(request.param)
    root = tmp_path_factory.mktemp(f"search-inc-{engine}")
    project = site_project(root / "project")
    _edit(
        project,
        "statement: Sergei Shoigu visited Tehran.",
        "statement: Sergei Shoigu visited Tehran with Walrusgrove.",
    )
    text = (project / FACTS).read_text("utf-8").rstrip("\n")
    (project / FACTS).write_text(text + "\n" + WITNESS_FACT + PELICAN, "utf-8")
    _build(project, engine)
    sites = []
    for n, step in enumerate(STEPS):
        step(project)
        _build(project, engine)
        inc = root / f"inc-{n}"
        shutil.copytree(project / "site", inc)
        clean = root / f"clean-{n}"
        shutil.copytree(project, clean, ignore=shutil.ignore_patterns("site", ".dossier-cache"))
        _build(clean, engine, clean=True)
        sites.append((inc, clean / "site"))
    yield sites


def test_each_incremental_index_is_a_delta_and_a_clean_one_is_whole(steps: list[tuple[Path, Path]]) -> None:
    """The steps were indexed apart (else the browser test below would prove nothing), with the
    German seed's new text in a German delta; a clean build has no delta and nothing superseded."""
    for inc, clean in steps:
        names = json.loads((inc / search.MANIFEST).read_text("utf-8"))
        assert names[:2] == ["pagefind/", "pagefind-de/"], names
        assert "pagefind-delta/" in names and names[-1] == search.SUPERSEDED, names
        assert json.loads((clean / search.MANIFEST).read_text("utf-8")) == ["pagefind/", "pagefind-de/"]
        assert not (clean / search.SUPERSEDED).exists()
    first = json.loads((steps[0][0] / search.MANIFEST).read_text("utf-8"))
    assert "pagefind-de-delta/" in first, first  # the edited fact cites the German seed


def _found(page: Any, url: str, query: str) -> list[str]:
    """The pages (paths below the site) the header box offers for ``query``, in order."""
    page.goto(url + "generated/facts/")
    page.keyboard.press("/")
    page.keyboard.type(query)
    page.locator(".dossier-search__status", has_text=f"for “{query}”").wait_for(timeout=20_000)
    links = page.locator(".dossier-search__result a")
    return [str(links.nth(i).get_attribute("href")).removeprefix(url[:-1]) for i in range(links.count())]


@pytest.mark.browser
def test_search_after_each_incremental_build_is_the_clean_builds(steps: list[tuple[Path, Path]]) -> None:
    from tests.browser_support import chromium_or_skip, guard, launch, serve

    chromium_or_skip()
    expected: list[dict[str, Callable[[list[str]], bool]]] = [
        {
            "Walrusgrove": lambda found: EDITED not in found and WITNESS in found,
            "Quokkafjord": lambda found: EDITED in found,
            "Pelicanquay": lambda found: REMOVED in found,
        },
        {
            "Pelicanquay": lambda found: REMOVED not in found and WITNESS in found,
            "Quokkafjord": lambda found: EDITED in found,
        },
        {
            "Narwhalspire": lambda found: ADDED in found,
            "Pelicanquay": lambda found: REMOVED not in found and WITNESS in found,
        },
    ]
    for (inc, clean), wanted in zip(steps, expected, strict=True):
        with serve(inc) as inc_url, serve(clean) as clean_url, launch() as browser:
            page = browser.new_page()
            problems = guard(page)
            for query in QUERIES:
                found = _found(page, inc_url, query)
                assert sorted(found) == sorted(_found(page, clean_url, query)), (inc.name, query, found)
                assert query not in wanted or wanted[query](found), (inc.name, query, found)
                assert inc.name == "inc-0" or REMOVED not in found, (inc.name, query, found)
            assert GERMAN_SEED in _found(page, inc_url, "Lieferung")  # stemmed as German
            assert not problems, problems


def test_the_full_index_is_kept_again_by_the_next_full_index(tmp_path: Path) -> None:
    """The cache folder keeps the last full index's bundles (hard links: Zensical empties site/),
    replaced by each full index, whose files are Pagefind's new ones."""
    project = Project(tmp_path)
    for build_number in range(2):
        entry = project.site_dir / "pagefind" / "pagefind-entry.json"
        if entry.parent.exists():
            shutil.rmtree(entry.parent)
        entry.parent.mkdir(parents=True)
        entry.write_text(f'{{"build": {build_number}}}', "utf-8")
        search._keep(project, ["pagefind"])
        kept = project.cache_dir / "search-bundles" / "pagefind" / "pagefind-entry.json"
        assert kept.read_text("utf-8") == f'{{"build": {build_number}}}'
        assert kept.stat().st_ino == entry.stat().st_ino  # a link, no second copy


# --- a search cache that did not grow here --------------------------------------------------------


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small dossier built once (MkDocs), its full index kept in the cache folder."""
    project = site_project(tmp_path_factory.mktemp("search-hostile") / "project")
    _build(project, "mkdocs")
    return project


def _copy(project: Path, tmp_path: Path) -> Project:
    """A copy of the built dossier in which the cache folder is the copy's own (a new identity),
    its search state re-stamped as if this folder had written it."""
    target = tmp_path / "p"
    shutil.copytree(project, target, symlinks=True, copy_function=shutil.copy2)
    shutil.rmtree(target / ".dossier-cache")
    copy = Project(target)
    search.index(copy, "mkdocs")  # a full index: this folder's own state and kept bundles
    return copy


def _state(project: Project) -> dict[str, Any]:
    return dict(json.loads((project.cache_dir / "search-index.json").read_text("utf-8")))


def _home_marked(project: Project) -> bool:
    return "SITE-REPLACED" in (project.site_dir / "index.html").read_text("utf-8")


def test_a_state_naming_site_itself_as_a_bundle_never_replaces_the_site(
    indexed: Path, tmp_path: Path
) -> None:
    """A bundle named "" or "." would be site/ itself: restoring it would empty site/ and put the
    cache folder's files in its place. Even a state with this folder's own identity (an attacker
    cannot know it) is refused, and the index is built in full."""
    project = _copy(indexed, tmp_path)
    evil = project.cache_dir / "search-bundles"
    shutil.rmtree(evil)
    shutil.copytree(project.site_dir, evil)
    (evil / "index.html").write_text("<h1>SITE-REPLACED</h1>", "utf-8")
    (evil / "pagefind-entry.json").write_text("{}", "utf-8")
    for name in ("", "."):
        state = _state(project)
        state["bundles"], state["entries"] = (
            [name],
            {name: search._bundle_stamp(project.cache_dir, "search-bundles")},
        )
        (project.cache_dir / "search-index.json").write_text(json.dumps(state), "utf-8")
        search.index(project, "mkdocs", incremental=True)
        assert not _home_marked(project)
        assert not (project.site_dir / search.SUPERSEDED).exists()  # a full index, not a delta


def test_kept_bundles_that_were_replaced_are_never_put_back(indexed: Path, tmp_path: Path) -> None:
    """Kept bundles replaced by other files of the same names (as a checkout of a branch that
    committed them does), and a site/ without its bundles (as after a Zensical build): the
    replaced files are not restored; the next index is a full one of the pages as they are."""
    project = _copy(indexed, tmp_path)
    kept = project.cache_dir / "search-bundles" / "pagefind"
    fragments = sorted((kept / "fragment").iterdir())
    assert fragments
    for fragment in fragments:  # the same names, bytes of the attacker's choosing: new files
        data = fragment.read_bytes()
        fragment.unlink()
        fragment.write_bytes(data)
    replaced = {f.name: f.stat().st_ino for f in fragments}
    shutil.rmtree(project.site_dir / "pagefind")
    search.index(project, "mkdocs", incremental=True)
    assert not (project.site_dir / search.SUPERSEDED).exists()  # a full index, not a delta
    rebuilt = {f.name: f.stat().st_ino for f in (project.site_dir / "pagefind" / "fragment").iterdir()}
    assert not replaced.items() & rebuilt.items()


def test_a_state_file_from_another_folder_is_ignored(indexed: Path, tmp_path: Path) -> None:
    """A state file that names another cache folder (a committed one, or a copy) is not built on."""
    project = _copy(indexed, tmp_path)
    state = _state(project)
    assert state["who"]
    state["who"] = "0:0:0"
    (project.cache_dir / "search-index.json").write_text(json.dumps(state), "utf-8")
    assert search._read_state(project) == {}
