"""The filesystem rule (dossier/fs.py, E110): a pull request cannot make dossier read, write or
delete anything outside the project, nor hang it.

Each test plants what a hostile pull request could add (a symbolic link to an outside folder
holding a secret or a sentinel, a FIFO, an over-long name) and checks what the user gets: the
refusal message, the exit code, the secret absent from every output, the sentinel intact.
Commands that could block run in a subprocess with a timeout, so a regression fails instead of
hanging the suite.
"""

from __future__ import annotations

import http.client
import importlib.util
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier import fs, generated, site
from dossier.cli import cli
from dossier.project import Project
from tests.conftest import ROOT
from tests.sitefixtures import site_project

SECRET = "SECRET-CREDENTIAL-7f3a"
# Long enough for a slow, shared machine; a hang (the bug) never ends at all.
TIMEOUT = 120

BASE_SEEDS = ["alpha-report.md", "beta-bericht.md"]
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``dossier ARGS`` in a fresh interpreter, killed (and the test failed) after TIMEOUT."""
    done = subprocess.run(
        [sys.executable, "-m", "dossier", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=cwd,
        check=False,
    )
    assert "Traceback" not in done.stdout + done.stderr
    return done


def _outside(tmp_path: Path) -> Path:
    """A folder beside the project, as a credentials folder on the CI machine would be."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "sentinel.txt").write_text(SECRET, "utf-8")
    return folder


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _check_refuses(project: Path, finding: str) -> None:
    """``dossier check`` fails with ``finding`` and shows nothing of what lies outside."""
    code, out = _invoke("check", "--project", str(project), "--no-cache")
    assert code == 1
    assert finding in out
    assert SECRET not in out


# --- reading through a link ---------------------------------------------------------------


def test_seeds_folder_linked_outside_is_not_read(base_project: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    # The outside folder holds seeds whose text is the secret: the old loader quoted it back
    # in E401/E602 messages (and GitHub annotations).
    for seed in (base_project / "seeds").iterdir():
        text = seed.read_text("utf-8")
        (outside / seed.name).write_text(text.replace("radar", SECRET), "utf-8")
    shutil.rmtree(base_project / "seeds")
    (base_project / "seeds").symlink_to(outside, target_is_directory=True)

    for fmt in ("text", "github", "json"):
        code, out = _invoke("check", "--project", str(base_project), "--no-cache", "--format", fmt)
        assert code == 1
        assert SECRET not in out
    code, out = _invoke("check", "--project", str(base_project), "--no-cache")
    assert "seeds:0:0: E110 is a symbolic link, not a folder" in out
    code, out = _invoke("build", "--project", str(base_project), "--no-site")
    assert code == 1 and SECRET not in out
    assert not (base_project / "docs").exists()


def test_seed_file_linked_outside_is_not_read(base_project: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    seed = base_project / "seeds" / "alpha-report.md"
    (outside / "alpha-report.md").write_text(seed.read_text("utf-8") + SECRET + "\n", "utf-8")
    seed.unlink()
    seed.symlink_to(outside / "alpha-report.md")
    _check_refuses(base_project, "seeds/alpha-report.md:1:1: E110 is a symbolic link, not a regular file")


def test_data_folder_linked_outside_is_not_read(base_project: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    shutil.copytree(base_project / "data", outside / "data")
    shutil.rmtree(base_project / "data")
    (base_project / "data").symlink_to(outside / "data", target_is_directory=True)
    code, out = _invoke("check", "--project", str(base_project), "--no-cache")
    # The facts through the link are sound: only the refusal keeps this from passing.
    assert code == 1
    assert out.startswith("data:0:0: E110 is a symbolic link, not a folder")
    code, out = _invoke("fmt", "--project", str(base_project))
    assert code == 1
    assert "data/facts.yaml:0:0: E110 data/ is a symbolic link" in out
    before = _listing(outside)
    code, _ = _invoke("fmt", "--check", "--project", str(base_project))
    assert code == 1 and _listing(outside) == before


# --- writing through a link ---------------------------------------------------------------


def test_site_folder_linked_outside_is_left_alone(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    project = site_project(tmp_path / "project")
    (project / "site").symlink_to(outside, target_is_directory=True)
    done = _run("build", "--project", str(project))
    assert done.returncode == 1
    assert "site:0:0: E110 is a symbolic link, not a folder" in done.stdout
    # MkDocs empties site_dir before it builds: had it run, the sentinel would be gone.
    assert _listing(outside) == {"sentinel.txt": SECRET.encode()}


@pytest.mark.parametrize("inner", ["generated", "assets"])
def test_a_link_inside_site_is_removed_not_written_through(tmp_path: Path, inner: str) -> None:
    # MkDocs' own clean of site_dir ignores errors: a link it cannot remove stayed, and the build
    # wrote its pages through it into the folder it points at.
    outside = _outside(tmp_path)
    project = site_project(tmp_path / "project")
    (project / "site").mkdir()
    (project / "site" / inner).symlink_to(outside, target_is_directory=True)
    done = _run("build", "--project", str(project))
    assert done.returncode == 0, done.stdout + done.stderr
    assert _listing(outside) == {"sentinel.txt": SECRET.encode()}
    assert not (project / "site" / inner).is_symlink() and (project / "site" / inner).is_dir()


def test_files_the_generator_did_not_write_are_refused(tmp_path: Path) -> None:
    # docs/generated/ is git-ignored, but a pull request can still commit a page there; the site
    # would publish its raw HTML and script beside the generated pages.
    project = site_project(tmp_path / "project")
    evil = project / "docs" / "generated" / "facts" / "zz.md"
    evil.parent.mkdir(parents=True)
    evil.write_text('<img src=x onerror="alert(1)">\n', "utf-8")
    done = _run("build", "--project", str(project))
    assert done.returncode == 1
    assert "generated/facts/zz.md" in done.stderr and "were not written by dossier" in done.stderr
    assert not (project / "site").exists()


def test_site_engine_refuses_a_linked_site_folder_by_itself(base_project: Path, tmp_path: Path) -> None:
    # Defence in depth: site.build (and serve) refuse before the engine starts even when the
    # check was skipped, so no caller can let MkDocs clean a folder elsewhere.
    outside = _outside(tmp_path)
    (base_project / "site").symlink_to(outside, target_is_directory=True)
    project = Project(base_project)
    with pytest.raises(site.SiteError, match="site is a symbolic link"):
        site.engine("mkdocs").build(project)
    with pytest.raises(site.SiteError, match="site is a symbolic link"):
        site.serve(project, lambda: None)
    assert _listing(outside) == {"sentinel.txt": SECRET.encode()}


@pytest.mark.parametrize(
    ("setting", "refusal"),
    [
        ("site_dir: {outside}", "mkdocs.yml sets site_dir: '{outside}', not 'site'"),
        ("docs_dir: {outside}", "mkdocs.yml sets docs_dir: '{outside}', not 'docs'"),
        ("INHERIT: {outside}/sentinel.txt", "mkdocs.yml inherits another file (INHERIT)"),
    ],
    ids=["site_dir", "docs_dir", "INHERIT"],
)
def test_mkdocs_yml_cannot_move_the_engine_outside(
    base_project: Path, tmp_path: Path, setting: str, refusal: str
) -> None:
    outside = _outside(tmp_path)
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    config = "\n".join(
        setting.format(outside=outside) if line.startswith(setting.split(":")[0] + ":") else line
        for line in config.splitlines()
    )
    if setting.startswith("INHERIT"):
        config += "\n" + setting.format(outside=outside) + "\n"
    (base_project / "mkdocs.yml").write_text(config, "utf-8")
    with pytest.raises(site.SiteError) as refused:
        site.engine("mkdocs").build(Project(base_project))
    assert refusal.format(outside=outside) in str(refused.value)
    assert _listing(outside) == {"sentinel.txt": SECRET.encode()}


def test_generated_folder_linked_outside_is_not_written(base_project: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    (base_project / "docs").mkdir()
    (base_project / "docs" / "generated").symlink_to(outside, target_is_directory=True)
    code, out = _invoke("build", "--no-site", "--project", str(base_project))
    assert code == 1
    assert "docs/generated:0:0: E110 is a symbolic link, not a folder" in out
    assert _listing(outside) == {"sentinel.txt": SECRET.encode()}
    # The writer refuses by itself too, whoever calls it.
    with pytest.raises(generated.GeneratedFolderError, match="symbolic link"):
        generated.write(base_project / "docs" / "generated", {"a.md": "x"}, project_root=base_project)
    assert _listing(outside) == {"sentinel.txt": SECRET.encode()}


def test_generator_neither_writes_nor_removes_through_a_link_inside_its_folder(tmp_path: Path) -> None:
    # docs/generated is git-ignored, but a pull request can still commit files into it: a
    # subfolder link, and a manifest claiming a file behind it, must not make a build write or
    # delete anything outside.
    outside = _outside(tmp_path)
    (tmp_path / "project").mkdir()
    folder = tmp_path / "project" / "docs" / "generated"
    generated.write(folder, {"index.md": "home"}, project_root=tmp_path / "project")
    (folder / "facts").symlink_to(outside, target_is_directory=True)
    with pytest.raises(generated.GeneratedFolderError, match="symbolic link"):
        generated.write(folder, {"facts/sentinel.txt": "x"}, project_root=tmp_path / "project")
    (folder / generated.MANIFEST).write_text('{"files": ["index.md", "facts/sentinel.txt"]}', "utf-8")
    with pytest.raises(generated.GeneratedFolderError, match=r"refusing to remove 'facts/sentinel\.txt'"):
        generated.write(folder, {"index.md": "home"}, project_root=tmp_path / "project")
    assert _listing(outside) == {"sentinel.txt": SECRET.encode()}


def test_docs_folder_linked_outside_is_not_written(base_project: Path, tmp_path: Path) -> None:
    # A link one level up (docs -> outside) must be caught as well as docs/generated itself.
    outside = _outside(tmp_path)
    (base_project / "docs").symlink_to(outside, target_is_directory=True)
    code, out = _invoke("build", "--no-site", "--project", str(base_project))
    assert code == 1
    assert "docs:0:0: E110 is a symbolic link, not a folder" in out
    assert _listing(outside) == {"sentinel.txt": SECRET.encode()}


def test_cache_folder_linked_outside_is_not_written(base_project: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    (base_project / ".dossier-cache").symlink_to(outside, target_is_directory=True)
    for _ in range(2):  # the second run would read a cache written through the link
        code, out = _invoke("check", "--project", str(base_project))
        assert code == 1
        assert ".dossier-cache:0:0: E110 is a symbolic link, not a folder" in out
    assert _listing(outside) == {"sentinel.txt": SECRET.encode()}


def test_a_link_inside_docs_is_refused_before_the_engine_reads_it(base_project: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    (base_project / "docs").mkdir()
    (base_project / "docs" / "leak.md").symlink_to(outside / "sentinel.txt")
    _check_refuses(base_project, "docs/leak.md:0:0: E110 is a symbolic link, not a regular file or folder")


def test_export_does_not_write_through_a_link(base_project: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    out_dir = tmp_path / "export"
    out_dir.mkdir()
    (out_dir / "dossier.json").symlink_to(outside / "sentinel.txt")
    code, out = _invoke("export", "--project", str(base_project), "--out", str(out_dir))
    assert code == 1
    assert "refusing to write" in out and "is a symbolic link" in out
    assert _listing(outside) == {"sentinel.txt": SECRET.encode()}


def test_add_seed_does_not_write_into_a_linked_seeds_folder(base_project: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    shutil.rmtree(base_project / "seeds")
    (base_project / "seeds").symlink_to(outside, target_is_directory=True)
    article = tmp_path / "article.txt"
    article.write_text("Radar units arrived.\n", "utf-8")
    code, out = _invoke(
        "add-seed", str(article), "--project", str(base_project), "--outlet", "alpha-news",
        "--published", "2024", "--language", "en", "--id", "new-seed",
    )  # fmt: skip
    assert code == 1
    assert "refusing to write seeds/new-seed.md" in out and "is a symbolic link" in out
    assert _listing(outside) == {"sentinel.txt": SECRET.encode()}


# --- FIFOs: refused without being opened, so nothing blocks ------------------------------------


@needs_fifo
@pytest.mark.parametrize("cached", [True, False], ids=["cached", "no-cache"])
def test_fifo_in_seeds_does_not_block_check(base_project: Path, cached: bool) -> None:
    os.mkfifo(base_project / "seeds" / "pipe.md")
    done = _run("check", "--project", str(base_project), *([] if cached else ["--no-cache"]))
    assert done.returncode == 1
    assert "seeds/pipe.md:1:1: E110 is a FIFO (named pipe), not a regular file" in done.stdout


def _make_special(path: Path, kind: str) -> None:
    """A FIFO, a listening-socket file or a character device (/dev/zero's numbers) at ``path``."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        sock.close()  # the socket file stays
    else:
        try:
            os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 5))
        except PermissionError:
            pytest.skip("creating a device needs root")


@needs_fifo
@pytest.mark.parametrize(
    ("kind", "words"),
    [("fifo", "a FIFO (named pipe)"), ("socket", "a socket"), ("device", "a device")],
)
def test_special_files_in_seeds_are_refused_by_kind(base_project: Path, kind: str, words: str) -> None:
    _make_special(base_project / "seeds" / "odd.md", kind)
    done = _run("check", "--project", str(base_project))
    assert done.returncode == 1
    assert f"seeds/odd.md:1:1: E110 is {words}, not a regular file" in done.stdout


@needs_fifo
def test_fifo_facts_file_does_not_block(base_project: Path) -> None:
    facts = base_project / "data" / "facts.yaml"
    facts.unlink()
    os.mkfifo(facts)
    done = _run("check", "--project", str(base_project), "--no-cache")
    assert done.returncode == 1
    assert "data/facts.yaml:0:0: E110 is a FIFO (named pipe), not a regular file" in done.stdout
    done = _run("fmt", "--project", str(base_project))
    assert done.returncode == 1 and "E110 is a FIFO" in done.stdout


@needs_fifo
def test_fifo_given_to_add_seed_does_not_block(base_project: Path, tmp_path: Path) -> None:
    pipe = tmp_path / "article.txt"
    os.mkfifo(pipe)
    done = _run(
        "add-seed", str(pipe), "--project", str(base_project), "--outlet", "alpha-news",
        "--published", "2024", "--language", "en",
    )  # fmt: skip
    assert done.returncode == 1
    assert f"Error: cannot import {pipe}: it is a FIFO (named pipe), not a regular file" in done.stderr
    assert sorted(p.name for p in (base_project / "seeds").iterdir()) == BASE_SEEDS


def test_linked_input_to_add_seed_is_refused_with_its_target(base_project: Path, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Radar units arrived.\n", "utf-8")
    link = tmp_path / "latest.txt"
    link.symlink_to(article)
    code, out = _invoke(
        "add-seed", str(link), "--project", str(base_project), "--outlet", "alpha-news",
        "--published", "2024", "--language", "en",
    )  # fmt: skip
    assert code == 1
    assert f"it is a symbolic link; to import the file it points to, name it: {article}" in out
    assert sorted(p.name for p in (base_project / "seeds").iterdir()) == BASE_SEEDS


# --- names within file-system limits ----------------------------------------------------------


def test_overlong_add_seed_id_is_a_usage_error(base_project: Path, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Radar units arrived.\n", "utf-8")
    code, out = _invoke(
        "add-seed", str(article), "--project", str(base_project), "--outlet", "alpha-news",
        "--published", "2024", "--language", "en", "--id", "a" * 248,
    )  # fmt: skip
    assert code == 2
    assert "the id is 248 characters long; an id has at most 100" in out


def test_overlong_seed_file_name_is_a_finding(base_project: Path) -> None:
    name = "a" * 248
    shutil.copyfile(base_project / "seeds" / "alpha-report.md", base_project / "seeds" / f"{name}.md")
    for args in (["check", "--no-cache"], ["check"], ["build", "--no-site"]):
        code, out = _invoke(*args, "--project", str(base_project))
        assert code == 1
        assert f"seeds/{name}.md:1:1: E203 seed file name " in out
        assert "is 248 characters long; an id has at most 100" in out


# --- .gitignore ---------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_gitignore_ignores_links_named_like_outputs(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True, timeout=TIMEOUT)
    shutil.copyfile(ROOT / ".gitignore", repo / ".gitignore")
    (repo / "docs").mkdir()
    names = ["site", "docs/generated", ".dossier-cache"]
    for name in names:
        (repo / name).symlink_to(tmp_path, target_is_directory=True)
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", *names],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert ignored.stdout.split() == names


# --- the development server -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_dev_server_answers_malformed_paths_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", "utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", "utf-8")
    port = _free_port()
    cmd = site.engine("mkdocs").serve_command(
        Project(tmp_path), f"127.0.0.1:{port}"
    )  # exactly what serve runs
    server = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        statuses = {}
        for _attempt in range(TIMEOUT * 10):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
                conn.request("GET", "/")
                statuses["/"] = conn.getresponse().status
                break
            except OSError:
                assert server.poll() is None, "the server stopped"
                time.sleep(0.1)
        for path in ("/%00", "/a%00b/index.html", "/%0a", "/..%2f..%2fetc%2fpasswd", "/%ff"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            statuses[path] = response.status
    finally:
        server.terminate()
        log, _ = server.communicate(timeout=TIMEOUT)
    assert statuses["/"] == 200
    assert {p: s for p, s in statuses.items() if s >= 500} == {}
    assert statuses["/%00"] == 404
    assert "Traceback" not in log


# --- the module itself ----------------------------------------------------------------------------


def test_read_bytes_refuses_links_and_fifos_without_opening(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("x", "utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    with pytest.raises(fs.UnsafePath, match="symbolic link"):
        fs.read_bytes(link)
    with pytest.raises(fs.UnsafePath, match="outside the project"):
        fs.read_bytes(target, root=tmp_path / "project")
    assert fs.read_bytes(target, root=tmp_path) == b"x"


# --- the other readers: quote and diff --------------------------------------------------------


@needs_fifo
def test_quote_refuses_a_fifo_seed_by_name(base_project: Path) -> None:
    os.mkfifo(base_project / "seeds" / "pipe.md")
    done = _run("quote", "--project", str(base_project), "pipe", "radar")
    assert done.returncode == 2
    assert "seeds/pipe.md: is a FIFO (named pipe), not a regular file" in done.stderr


def test_quote_with_an_overlong_name_is_a_usage_error(base_project: Path) -> None:
    code, out = _invoke("quote", "--project", str(base_project), "a" * 300, "radar")
    assert code == 2
    assert "unknown seed" in out


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_does_not_read_a_linked_data_folder(base_project: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    entity = f"{{id: leaked, type: outlet, name: {SECRET}}}"
    (outside / "facts.yaml").write_text(f"entities: [{entity}]\nfacts: []\n", "utf-8")
    subprocess.run(["git", "init", "-q", str(base_project)], check=True, timeout=TIMEOUT)
    old = tmp_path / "old.yaml"
    shutil.copyfile(base_project / "data" / "facts.yaml", old)
    shutil.rmtree(base_project / "data")
    (base_project / "data").symlink_to(outside, target_is_directory=True)
    code, out = _invoke("diff", "--project", str(base_project), str(old))
    assert code == 1
    assert "data: is a symbolic link, not a folder" in out
    assert SECRET not in out


_PARTS = st.lists(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), min_size=1, max_size=4, unique=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=_PARTS, link_at=st.integers(min_value=0, max_value=3), want=st.sampled_from(["file", "dir"]))
def test_a_link_at_any_depth_is_refused_and_named(
    tmp_path: Path, parts: list[str], link_at: int, want: str
) -> None:
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    root, outside = work / "root", work / "outside"
    outside.mkdir()
    root.mkdir()
    path = root.joinpath(*parts)
    fs.make_dirs(root, path.parent)  # a real tree: nothing refused
    assert fs.check_inside(root, path, want=want) is False
    link_at = min(link_at, len(parts) - 1)
    link = root.joinpath(*parts[: link_at + 1])
    if link.exists():
        shutil.rmtree(link)
    link.symlink_to(outside, target_is_directory=True)
    with pytest.raises(fs.UnsafePath) as refused:
        fs.check_inside(root, path, want=want)
    assert refused.value.path == link and "symbolic link" in refused.value.reason
    with pytest.raises(fs.UnsafePath):
        fs.make_dirs(root, path.parent if link_at < len(parts) - 1 else path)
    assert list(outside.iterdir()) == []  # nothing was created through the link


def test_a_file_where_a_folder_belongs_is_named_without_alarm(base_project: Path) -> None:
    (base_project / "site").write_text("not a folder", "utf-8")
    code, out = _invoke("check", "--project", str(base_project), "--no-cache")
    assert code == 1
    assert out.splitlines()[0] == "site:0:0: E110 is a regular file, not a folder"


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_a_module_committed_at_the_root_does_not_run_in_the_build(tmp_path: Path, engine: str) -> None:
    # The engine runs in the project root; with plain `python -m` that folder comes first on
    # sys.path, and a typing_extensions.py there ran inside the build (found by review).
    if engine == "zensical" and importlib.util.find_spec("zensical") is None:
        pytest.skip("zensical is not installed")
    project = site_project(tmp_path / "project")
    marker = tmp_path / "ran"
    (project / "typing_extensions.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\nraise ImportError('shadow')\n",
        "utf-8",
    )
    done = _run("build", "--engine", engine, "--project", str(project))
    assert done.returncode == 0, done.stdout + done.stderr
    assert not marker.exists()


def test_a_folder_named_like_a_seed_is_reported(base_project: Path) -> None:
    (base_project / "seeds" / "gamma.md").mkdir()
    code, out = _invoke("check", "--project", str(base_project), "--no-cache")
    assert code == 1 and "seeds/gamma.md:0:0: E110 is a folder, not a seed file" in out, out
