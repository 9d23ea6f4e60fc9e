"""``serve``'s rounds: the page cache kept between saves renders each edit as a fresh render would.

Between two rounds ``serve`` computes the inputs only of the pages an edit may have changed
(:func:`dossier.pagecache.touched`) and takes list items (a fact's line on the timeline, the facts
index, a dispute) from the last round. Random edits, several rounds in a row, each compared with a
render from nothing: a page or list item left stale by a missing dependency shows up here. The
cache keeps stamps, as serve's does; the pages live in ``tests.test_incremental_build.Generated``,
docs/generated/ played in memory.
"""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier import pagecache, render, urls
from dossier.check import check
from dossier.history import Change
from dossier.model import Dossier
from dossier.project import Project
from dossier.render import render_site
from dossier.urls import ENGINES
from tests.sitefixtures import SITE_FIXTURE, site_project, split_project
from tests.test_incremental_build import Generated, edit

BUILT = "2024-09-01"


def _checked(root: Path) -> Dossier:
    result = check(Project(root))
    assert result.dossier is not None, [str(d) for d in result.diagnostics]
    return result.dossier


@pytest.fixture(scope="module")
def dossier() -> Dossier:
    return _checked(SITE_FIXTURE)


@pytest.fixture(scope="module")
def split_dossier(tmp_path_factory: pytest.TempPathFactory) -> Dossier:
    """A synthetic dossier whose lists split into parts once the budget is small."""
    return _checked(split_project(tmp_path_factory.mktemp("split") / "p", facts=120, entities=8, seeds=8))


def _history(d: Dossier) -> dict[str, Change]:
    """When facts last changed, as serve blames it once: the same object every round."""
    return {f.id: Change("a" * 40, "2024-08-30") for f in d.facts[::2]}


def _rounds(d: Dossier, data: st.DataObject, engine: str) -> None:
    folder = Generated()
    cache = folder.cache()
    history = _history(d)
    folder.render(d, cache, built=BUILT, engine=engine, history=history)
    current = d
    hits = 0
    for _ in range(data.draw(st.integers(1, 4))):
        current = data.draw(edit(current))
        cache.next_round()
        kept = folder.render(current, cache, built=BUILT, engine=engine, history=history)
        hits += cache.hits
        fresh = render_site(current, built=BUILT, engine=engine, history=history)
        assert kept.pages.keys() == fresh.pages.keys()
        for rel, text in fresh.pages.items():
            assert kept.pages[rel] == text, f"{rel} is stale"
        assert kept.meta == fresh.meta
    assert hits > 0, "no round reused a page"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), engine=st.sampled_from(ENGINES))
def test_serve_rounds_equal_fresh_renders(dossier: Dossier, data: st.DataObject, engine: str) -> None:
    _rounds(dossier, data, engine)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_serve_rounds_equal_fresh_renders_of_split_lists(
    split_dossier: Dossier, data: st.DataObject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "SEARCH_BUDGET", 1500)
    _rounds(split_dossier, data, "mkdocs")


def test_a_statement_edit_computes_few_pages_inputs(split_dossier: Dossier) -> None:
    """One statement edited: the other facts' inputs are not even computed, and their lines in
    the lists come from the last round."""
    folder = Generated()
    cache = folder.cache()
    history = _history(split_dossier)
    folder.render(split_dossier, cache, built=BUILT, history=history)
    fact = split_dossier.facts[5]
    edited = dataclasses.replace(
        split_dossier,
        facts=tuple(
            dataclasses.replace(f, statement="A new statement") if f is fact else f
            for f in split_dossier.facts
        ),
    )
    cache.next_round()
    kept = folder.render(edited, cache, built=BUILT, history=history)
    pages = len(split_dossier.facts) + len(split_dossier.entities) + len(split_dossier.seeds)
    touched = pagecache.touched(pagecache.outline(split_dossier, history), pagecache.outline(edited, history))
    assert touched is not None and "fact:" + fact.id in touched
    assert cache.skipped == pages - len(touched)
    assert cache.skipped >= len(split_dossier.facts) - 5
    assert len(cache.items) > 0 and len(cache.items_used) >= len(cache.items) - 3 * 3
    assert kept.pages == render_site(edited, built=BUILT, history=history).pages


def _replace_fact(d: Dossier, fact_id: str, **changes: object) -> Dossier:
    facts = tuple(dataclasses.replace(f, **changes) if f.id == fact_id else f for f in d.facts)  # type: ignore[arg-type]
    return dataclasses.replace(d, facts=facts)


def test_an_edit_reaches_the_facts_that_contradict_it(split_dossier: Dossier) -> None:
    """A contradicts B (one way): B's new statement is shown on A's page, in the next round."""
    a, b = split_dossier.facts[3], split_dossier.facts[7]
    base = _replace_fact(split_dossier, a.id, contradicts=(b.id,))
    folder = Generated()
    cache = folder.cache()
    history = _history(base)
    folder.render(base, cache, built=BUILT, history=history)
    edited = _replace_fact(base, b.id, statement="B says otherwise now")
    cache.next_round()
    kept = folder.render(edited, cache, built=BUILT, history=history)
    assert "B says otherwise now" in kept.pages[f"facts/{a.id}.md"]
    assert kept.pages == render_site(edited, built=BUILT, history=history).pages


def _generated(project: Project) -> dict[str, bytes]:
    return {
        p.relative_to(project.generated_dir).as_posix(): p.read_bytes()
        for p in sorted(project.generated_dir.rglob("*"))
        if p.is_file()
    }


def test_serve_writes_what_a_fresh_generate_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rounds of Regenerator (edits, a check error, its fix) leave docs/generated/ as one
    generate from nothing would: nothing it skipped reading back, nor a download written after
    the pages, nor the check-status script, is stale."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725148800")
    from dossier import build
    from tests.sitefixtures import site_project

    served = Project(site_project(tmp_path / "served"))
    regenerate = build.Regenerator(served, "mkdocs")
    assert regenerate().dossier is not None
    facts = served.facts_file
    original = facts.read_text("utf-8")
    edits = [
        original.replace("S-300 air defense systems to Iran.", "S-300 air defense systems to Iran, EDITED."),
        original.replace("    name: Tehran\n", "    name: Tehran City\n"),
        original.replace("  - id: russia\n", "  - id: russia\n    bogus: [\n"),  # a check error
        original.replace("    status: reported\n", "    status: confirmed\n"),
    ]
    for text in edits:
        facts.write_text(text, "utf-8")
        result = regenerate()
        if result.dossier is None:
            assert "data/facts.yaml:" in (served.generated_dir / build.CHECK_SCRIPT).read_text("utf-8")
            continue
        fresh = Project(site_project(tmp_path / f"fresh-{edits.index(text)}"))
        fresh.facts_file.write_text(text, "utf-8")
        checked = check(fresh)
        assert checked.dossier is not None
        build.generate(fresh, checked.dossier, engine="mkdocs", fresh=True, changes={}, live=True)
        assert _generated(served) == _generated(fresh)


def _served_pages(project: Path, url: str) -> dict[str, str]:
    """Every page of the site as the development server serves it, its own address and live
    reload script taken out, keyed by its URL below the site."""
    from tests.test_serve import _get

    found = {}
    for path in sorted((project / "docs").rglob("*.md")):
        page = urls.url(path.relative_to(project / "docs").as_posix())
        text = _get(url + page)
        if text:  # docs/generated/home.md makes no page
            text = re.sub(r"livereload\(\d+, \d+\)", "livereload()", text)
            found[page] = text.replace(url, "/")
    return found


def _pages_once_equal(project: Path, url: str, wanted: dict[str, str]) -> None:
    """Wait until the served pages are ``wanted`` (a server rebuilds a moment after a save);
    then, or at the time limit, compare them."""
    from tests.test_serve import LIMIT

    deadline = time.monotonic() + LIMIT
    served = _served_pages(project, url)
    while served != wanted and time.monotonic() < deadline:
        time.sleep(0.5)
        served = _served_pages(project, url)
    assert served.keys() == wanted.keys()
    for page, text in wanted.items():
        assert served[page] == text, f"{page} is stale"


def _count(log: Path, pattern: str) -> int:
    return len(re.findall(pattern, log.read_text("utf-8", errors="replace")))


SHORT_WAY = r"Rebuilt [1-9][0-9]* pages"  # what site._rebuild_only_what_changed logs
FULL_WAY = r"Documentation built in"  # what MkDocs' own build logs


def test_a_served_site_after_edits_is_what_a_fresh_serve_builds(tmp_path: Path) -> None:
    """MkDocs' development server (``dossier serve``) rebuilds only the pages whose files a save
    wrote (site._rebuild_only_what_changed): every page it then serves is the one a server started
    on the edited data builds from nothing. The edits: a statement (its pages only), a status
    (the home page's counts too: docs/index.md includes generated/home.md), mkdocs.yml touched (a
    full rebuild), then a statement again (only the pages again, from the full rebuild's state)."""
    from tests.test_serve import FACT_PAGE, _poll, serving

    project = site_project(tmp_path / "served")
    facts = project / "data" / "facts.yaml"
    original = facts.read_text("utf-8")
    statement = "S-300 air defense systems to Iran."
    status = original.replace("    status: reported\n", "    status: confirmed\n", 1)
    assert status != original
    edits = [
        original.replace(statement, "S-300 air defense systems to Iran, EDITED."),
        status.replace(statement, "S-300 air defense systems to Iran, EDITED."),
        None,  # mkdocs.yml touched
        status.replace(statement, "S-300 air defense systems to Iran, EDITED AGAIN."),
    ]
    log = tmp_path / "serve.log"
    with serving(project, "mkdocs", log) as url:
        _poll(url + FACT_PAGE, "<html")
        for n, text in enumerate(edits):
            if text is None:
                full = _count(log, FULL_WAY)
                mkdocs_yml = project / "mkdocs.yml"
                mkdocs_yml.write_text(mkdocs_yml.read_text("utf-8") + "# touched\n", "utf-8")
                _poll_log(log, FULL_WAY, full)
                continue
            short = _count(log, SHORT_WAY)
            facts.write_text(text, "utf-8")
            fresh = site_project(tmp_path / f"fresh-{n}")
            (fresh / "data" / "facts.yaml").write_text(text, "utf-8")
            with serving(fresh, "mkdocs") as fresh_url:
                _poll(fresh_url + FACT_PAGE, "<html")
                wanted = _served_pages(fresh, fresh_url)
            _pages_once_equal(project, url, wanted)
            if n < 2:
                # The short way, before the configuration changed. After the full rebuild that
                # mkdocs.yml's change caused, the pages must be right (above); which way the
                # server took was once logged as neither under heavy load, so it is not asserted.
                assert _count(log, SHORT_WAY) > short, log.read_text("utf-8", errors="replace")


def _poll_log(log: Path, pattern: str, seen: int) -> None:
    """Wait until ``log`` holds more than ``seen`` lines matching ``pattern``."""
    from tests.test_serve import LIMIT

    deadline = time.monotonic() + LIMIT
    while _count(log, pattern) <= seen:
        assert time.monotonic() < deadline, log.read_text("utf-8", errors="replace")
        time.sleep(0.1)


@pytest.mark.parametrize("engine", ENGINES)
def test_serve_writes_an_edited_facts_page_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    """With MkDocs, a save that edits a fact writes that fact's page before the round renders the
    rest (the engine starts on it at once), exactly as the round would write it: the round leaves
    it alone. Not with Zensical, whose server would rebuild every page for that one write."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725148800")
    from dossier import build, site

    first = site.engine(engine).rebuilds_written
    served = Project(site_project(tmp_path / "served"))
    regenerate = build.Regenerator(served, engine)
    assert regenerate().dossier is not None
    page = served.generated_dir / urls.fact("russia-delivers-s-300")
    original = served.facts_file.read_text("utf-8")
    before_round: list[tuple[str, int]] = []
    generate = build.generate

    def spy(*args: object, **kwargs: object) -> object:
        before_round.append((page.read_text("utf-8"), page.stat().st_mtime_ns))
        return generate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "generate", spy)
    for n in range(2):
        edited = f"S-300 air defense systems to Iran, edit {n}."
        served.facts_file.write_text(original.replace("S-300 air defense systems to Iran.", edited), "utf-8")
        assert regenerate().dossier is not None
        early, written = before_round[-1]
        if not first:
            assert edited not in early, "an early write: Zensical would rebuild every page for it"
            assert edited in page.read_text("utf-8")
            continue
        assert edited in early, "the edited fact's page was not written first"
        assert early == page.read_text("utf-8"), "the round wrote another page than the first"
        assert written == page.stat().st_mtime_ns, "the round wrote the page again"
