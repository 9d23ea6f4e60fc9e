"""``python -m dossier.mkdocsrun build``: MkDocs' build with its pages rendered by worker processes.

What it writes must be what ``mkdocs build --strict`` writes, byte for byte, however the pages are
shared out; and it must stay as strict: a warning in any worker, a broken anchor, a worker that
fails, each fails the build (and ``dossier build``).
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dossier import build, mkdocsrun, site
from dossier.project import Project
from tests.sitefixtures import site_project

EPOCH = "1725148800"  # one build date for every build: the sitemap prints it


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site fixture (hand-written pages, a German seed, every generated page kind), its
    docs/generated/ written for MkDocs."""
    project = site_project(tmp_path_factory.mktemp("mkdocsrun") / "project")
    result = build.build(Project(project), with_site=False, engine="mkdocs")
    assert result.errors == 0, [str(d) for d in result.diagnostics]
    return project


def _run(
    project: Path, module: str, site_dir: Path, workers: int | None = None, *more: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    env.pop(mkdocsrun.WORKERS, None)
    if workers is not None:
        env[mkdocsrun.WORKERS] = str(workers)
    cmd = [sys.executable, "-I", "-m", module, "build", "--strict", "--site-dir", str(site_dir), *more]
    return subprocess.run(
        [*cmd, "-f", str(project / "mkdocs.yml")], cwd=project, env=env, capture_output=True, text=True
    )


def _files(site_dir: Path) -> dict[str, bytes]:
    found = {}
    for path in sorted(site_dir.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found[path.relative_to(site_dir).as_posix()] = (
                gzip.decompress(data) if path.suffix == ".gz" else data
            )
    return found


@pytest.fixture(scope="module")
def mkdocs_own(generated: Path) -> dict[str, bytes]:
    done = _run(generated, "mkdocs", generated / "site-mkdocs")
    assert done.returncode == 0, done.stderr
    return _files(generated / "site-mkdocs")


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_the_site_is_mkdocs_own_byte_for_byte(
    generated: Path, mkdocs_own: dict[str, bytes], workers: int
) -> None:
    ours = generated / f"site-{workers}"
    done = _run(generated, "dossier.mkdocsrun", ours, workers)
    assert done.returncode == 0, done.stderr
    files = _files(ours)
    assert sorted(files) == sorted(mkdocs_own)
    assert len([name for name in files if name.endswith(".html")]) > 30
    assert any("facts/" in name for name in files) and any(
        "sources/zeitung-beispiel-radar/" in name for name in files
    )
    assert [name for name in files if files[name] != mkdocs_own[name]] == []


def test_nav_titles_from_the_pages_themselves(generated: Path, tmp_path: Path) -> None:
    """Navigation entries without a title take their page's first heading, which every page's
    navigation shows: the same bytes still (the workers see those pages already read)."""
    project = _copy(generated, tmp_path / "untitled")
    config = project / "mkdocs.yml"
    text = config.read_text("utf-8")
    for entry in ("Guide: guide/analysts.md", "Rules: rules.md", "Architecture: architecture.md"):
        assert entry in text
        text = text.replace(entry, entry.split(": ")[1])
    config.write_text(text, "utf-8")
    done = _run(project, "mkdocs", tmp_path / "own")
    assert done.returncode == 0, done.stderr
    done = _run(project, "dossier.mkdocsrun", tmp_path / "ours", 3)
    assert done.returncode == 0, done.stderr
    own, ours = _files(tmp_path / "own"), _files(tmp_path / "ours")
    assert sorted(ours) == sorted(own)
    assert [name for name in ours if ours[name] != own[name]] == []


def test_the_pages_are_rendered_by_workers(generated: Path, tmp_path: Path) -> None:
    """The project's mkdocs.yml (its one plugin, the theme's search, switched off) takes the
    workers' path; a hook (which could keep state across pages) leaves the build to MkDocs."""
    done = _run(generated, "dossier.mkdocsrun", tmp_path / "a", 3, "--verbose")
    assert done.returncode == 0, done.stderr
    assert "Rendering 37 pages in 3 processes" in done.stderr
    project = _copy(generated, tmp_path / "hooked")
    (project / "hook.py").write_text("def on_page_markdown(markdown, **kwargs):\n    return markdown\n")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "\nhooks:\n  - hook.py\n", "utf-8")
    done = _run(project, "dossier.mkdocsrun", tmp_path / "b", 3, "--verbose")
    assert done.returncode == 0, done.stderr
    assert "pages in 3 processes" not in done.stderr
    assert (tmp_path / "b" / "generated" / "facts" / "index.html").is_file()


def test_shares_cover_every_page_once() -> None:
    for count in (0, 1, 2, 5, 17):
        todo = list(range(3, 3 + 2 * count, 2))  # a dirty build's: some pages, not all
        for parts in (1, 2, 3, 8):
            cut = mkdocsrun.shares(todo, parts)
            assert sorted(i for share in cut for i in share) == todo
            assert all(len(share) > 0 for share in cut) or count == 0


def _copy(generated: Path, dest: Path) -> Path:
    subprocess.run(["cp", "-a", str(generated), str(dest)], check=True)
    return dest


def test_a_warning_in_a_worker_fails_the_build(generated: Path, tmp_path: Path) -> None:
    """A generated page (rendered by a worker, not before the workers start: it is not in the
    navigation) that links to a page that does not exist."""
    project = _copy(generated, tmp_path / "p")
    pages = sorted((project / "docs" / "generated" / "facts").glob("*.md"))
    last = pages[-1]  # the last share's
    last.write_text(last.read_text("utf-8") + "\n[gone](no-such-fact.md)\n", "utf-8")
    done = _run(project, "dossier.mkdocsrun", project / "site", 3)
    assert done.returncode == 1, done.stderr
    assert "no-such-fact.md" in done.stderr
    assert "Aborted with 1 warnings in strict mode!" in done.stdout


def test_a_failing_worker_fails_the_build(generated: Path, tmp_path: Path) -> None:
    """A page whose rendering raises (a snippet that is missing) ends its worker; the others'
    pages are written, but the build fails."""
    project = _copy(generated, tmp_path / "p")
    page = project / "docs" / "generated" / "sources" / "zeitung-beispiel-radar.md"
    page.write_text(page.read_text("utf-8") + '\n--8<-- "no-such-snippet.md"\n', "utf-8")
    done = _run(project, "dossier.mkdocsrun", project / "site", 3)
    assert done.returncode == 1, done.stderr
    assert "no-such-snippet.md" in done.stderr
    assert "Documentation built" not in done.stderr


def test_a_broken_anchor_in_a_hand_written_page_fails_dossier_build(
    tmp_path: Path,
) -> None:
    """MkDocs' own check of links to anchors of other pages still runs, over what the workers
    found: the link's page is read before the workers start (it is in the navigation), its
    target (a seed's page, which has anchors of its own) by a worker."""
    project = site_project(tmp_path / "p")
    guide = project / "docs" / "guide" / "analysts.md"
    guide.write_text(
        guide.read_text("utf-8")
        + "\nSee [the source](../generated/sources/zeitung-beispiel-radar.md#no-such-anchor).\n",
        "utf-8",
    )
    env = {**os.environ, mkdocsrun.WORKERS: "3"}
    cmd = [sys.executable, "-m", "dossier", "build", "--project", str(project)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "contains a link '../generated/sources/zeitung-beispiel-radar.md#no-such-anchor'" in done.stderr
    assert "does not contain an anchor '#no-such-anchor'" in done.stderr
    assert "mkdocs build --strict failed" in done.stderr
    assert site._read_stamp(Project(project))[0] is None  # site/ is nobody's to build on


def test_an_incremental_build_does_not_advise_clean(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """MkDocs' dirty build says "The directory contains stale files. Use --clean to remove them.",
    which reads as advice to give up the incremental build; dossier removes the stale pages
    itself, so the line is dropped (and nothing else MkDocs says)."""
    project = Project(site_project(tmp_path / "project"))
    assert build.build(project).errors == 0
    capfd.readouterr()
    assert build.build(project).errors == 0  # incremental: site/ holds the last build's pages
    said = capfd.readouterr().err
    assert "incremental mkdocs build" in said
    assert "stale files" not in said and "--clean" not in said, said


# Two builds as MkDocs' development server runs them (``serve --dirty``): the first into an empty
# folder, then, after a page's Markdown changed, a dirty one. ``MODULE`` is MkDocs' build, or
# this module's, which ``dossier serve``'s server runs (dossier.site installs it).
_SERVE_BUILDS = """
import logging, os, sys, time
from pathlib import Path
from mkdocs.commands import build as mb
from mkdocs.config import load_config
from dossier import mkdocsrun
mkdocsrun.install()
run = mkdocsrun.build if sys.argv[1] == "ours" else mkdocsrun._original
logging.getLogger("mkdocs").setLevel(logging.DEBUG)
logging.getLogger("mkdocs").addHandler(logging.StreamHandler())
site_dir, page = sys.argv[2], Path(sys.argv[3])
def config():
    c = load_config(config_file="mkdocs.yml", site_dir=site_dir)
    c.site_url = "http://127.0.0.1:8000/"
    return c
run(config(), serve_url="http://127.0.0.1:8000/", dirty=True)
page.write_text(page.read_text("utf-8").replace("Iran", "Iran EDITED", 1), "utf-8")
later = time.time() + 5  # newer than its HTML, whatever the file system's clock resolution
os.utime(page, (later, later))
run(config(), serve_url="http://127.0.0.1:8000/", dirty=True)
"""


@pytest.mark.parametrize("workers", [1, 3])
def test_serve_builds_are_mkdocs_own_byte_for_byte(generated: Path, tmp_path: Path, workers: int) -> None:
    """``dossier serve``'s first build (every page, on every core) and a dirty rebuild after an
    edit (the edited page only) write what MkDocs' own builds for its server write."""
    written = {}
    for who in ("mkdocs", "ours"):
        project = _copy(generated, tmp_path / who)
        page = project / "docs" / "generated" / "facts" / "russia-delivers-s-300.md"
        assert "Iran" in page.read_text("utf-8")
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, mkdocsrun.WORKERS: str(workers)}
        cmd = [sys.executable, "-c", _SERVE_BUILDS, who, str(tmp_path / f"site-{who}"), str(page)]
        done = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        written[who] = _files(tmp_path / f"site-{who}")
        if who == "ours":  # all pages on every core, then the one edited, in this process
            assert f"Rendering 37 pages in {workers} processes" in done.stderr
            assert "Rendering 1 pages in 1 processes" in done.stderr
    ours, own = written["ours"], written["mkdocs"]
    assert b"Iran EDITED" in ours["generated/facts/russia-delivers-s-300/index.html"]
    assert sorted(ours) == sorted(own)
    assert [name for name in ours if ours[name] != own[name]] == []
