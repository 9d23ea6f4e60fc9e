"""An incremental build's site is the clean build's site, byte for byte.

Each edit below (a statement, a status, an entity's name, a seed's title, a removed fact...) is
built twice, by each engine: incrementally, on the site the previous edit left (page cache,
dirty engine build, stale pages removed), and from nothing in another folder (``--clean``). The
two ``site/`` folders must hold the same files with the same bytes. Anything an edit should
have rebuilt but did not — a page whose inputs the cache does not list, a list page part that
moved, a removed page left behind — shows up here as a difference.

The search bundles are left out (Pagefind runs after the engine, from scratch on every build).
"""

from __future__ import annotations

import gzip
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from dossier import build, render, site
from dossier.project import Project
from dossier.urls import ENGINES
from tests.sitefixtures import site_project, split_project

# One day for every build of the test: the build date is printed on the home page and the
# sitemap, and a test that ran across midnight must not see two.
EPOCH = "1725148800"  # 2024-09-01


def _replace(path: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        file = root / path
        text = file.read_text("utf-8")
        assert old in text, f"{old!r} not in {path}"
        file.write_text(text.replace(old, new, 1), "utf-8")

    edit.__name__ = f"{path}: {old[:30]!r} -> {new[:30]!r}"
    return edit


def _remove_last_fact(root: Path) -> None:
    """Drop the last fact of data/facts.yaml (nothing contradicts it)."""
    file = root / "data" / "facts.yaml"
    text = file.read_text("utf-8")
    file.write_text(text[: text.rindex("\n  - id: ")] + "\n", "utf-8")


FIXTURE_EDITS = [
    _replace(
        "data/facts.yaml",
        "statement: Russia has begun delivering S-300 air defense systems to Iran.",
        "statement: Russia has begun delivering S-300 air defence systems to Iran, EDITED.",
    ),
    _replace("data/facts.yaml", "    status: reported\n", "    status: confirmed\n"),
    _replace("data/facts.yaml", "    name: Tehran\n", "    name: Tehran City\n"),
    _replace(
        "seeds/weekly-example-radar.md",
        'title: "Iran asked Moscow for air defense, officials say"',
        'title: "Iran asked Moscow for air defence, officials say (EDITED)"',
    ),
    _remove_last_fact,
    _replace("data/facts.yaml", "    name: The Kremlin\n", "    name: Kremlin\n"),
]


def _site_files(project: Path) -> dict[str, bytes]:
    """Every file of ``site/`` but the search bundles; gzip files by their content (the gzip
    header carries the time it was written)."""
    found = {}
    for path in sorted((project / "site").rglob("*")):
        rel = path.relative_to(project / "site").as_posix()
        if path.is_dir() or rel.startswith("pagefind"):
            continue
        data = path.read_bytes()
        found[rel] = gzip.decompress(data) if rel.endswith(".gz") else data
    return found


def _build(project: Path, engine: str, *, clean: bool) -> str:
    result = build.build(Project(project), with_site=False, engine=engine, clean=clean)
    assert result.errors == 0, [str(d) for d in result.diagnostics]
    return site.engine(engine).build(Project(project), quiet=True, incremental=not clean)


def _copy_inputs(source: Path, dest: Path) -> None:
    for part in ("data", "seeds"):
        shutil.rmtree(dest / part)
        shutil.copytree(source / part, dest / part)


def _compare(incremental: Path, clean: Path, what: str) -> None:
    a, b = _site_files(incremental), _site_files(clean)
    assert sorted(a.keys() - b.keys()) == [], f"after {what}: left behind by the incremental build"
    assert sorted(b.keys() - a.keys()) == [], f"after {what}: missing from the incremental build"
    stale = sorted(rel for rel in a if a[rel] != b[rel])
    assert stale == [], f"after {what}: these differ from a clean build"


def _check_edits(
    tmp_path: Path, engine: str, make: Callable[[Path], Path], edits: list[Callable[[Path], None]]
) -> None:
    if not site.engine(engine).available():
        pytest.skip(f"{engine} is not installed")
    incremental = make(tmp_path / "incremental")
    clean = make(tmp_path / "clean")
    assert _build(incremental, engine, clean=False) == "full"
    for edit in edits:
        edit(incremental)
        assert _build(incremental, engine, clean=False) == "incremental"
        _copy_inputs(incremental, clean)
        assert _build(clean, engine, clean=True) == "full"
        _compare(incremental, clean, edit.__name__)


@pytest.mark.parametrize("engine", ENGINES)
def test_incremental_site_equals_clean_site(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    _check_edits(tmp_path, engine, site_project, FIXTURE_EDITS)


def _split_edits(root: Path) -> list[Callable[[Path], None]]:
    """Edits of the synthetic dossier that move facts between the parts of split lists."""
    text = (root / "data" / "facts.yaml").read_text("utf-8")
    plain = re.search(r"^    statement: ([A-Z][^\n]*)$", text, re.M)  # a plain scalar
    assert plain is not None
    first = plain.group(1)
    date = text.split("    date: ", 1)[1].split("\n", 1)[0]
    return [
        _replace(
            "data/facts.yaml", f"statement: {first}", f"statement: {first} and much more " + "word " * 60
        ),
        _replace("data/facts.yaml", f"    date: {date}\n", '    date: "2019-01-01"\n'),
        _remove_last_fact,
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_incremental_split_site_equals_clean_site(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same on a dossier whose lists are split into parts (an edit moves part boundaries)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(render, "SEARCH_BUDGET", 1500)
    probe = split_project(tmp_path / "probe", facts=120, entities=8, seeds=8)
    edits = _split_edits(probe)
    _check_edits(tmp_path, engine, lambda dest: split_project(dest, facts=120, entities=8, seeds=8), edits)
