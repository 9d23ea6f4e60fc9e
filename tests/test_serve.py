"""``dossier serve`` end to end: a save shows in the served page; a check error shows on every page
(the check-status script) until it is fixed. Run against each engine's development server.

Nothing here times anything: each step polls until the served text changes, with a generous limit.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from dossier import build, generated, site
from dossier.diagnostics import RULES, Diagnostic
from dossier.urls import ENGINES
from tests.sitefixtures import site_project

FACT_PAGE = "generated/facts/russia-delivers-s-300/"
CHECK_JS = "generated/assets/check.js"
STATEMENT = "statement: Russia has begun delivering S-300 air defense systems to Iran."
LIMIT = 240.0  # seconds: the machine may be busy; a working serve answers in a few


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8", errors="replace"))
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return ""


def _poll(url: str, wanted: str, *, absent: bool = False) -> str:
    """The text at ``url`` once ``wanted`` is in it (or, with ``absent``, gone from it)."""
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        text = _get(url)
        if text and (wanted not in text if absent else wanted in text):
            return text
        time.sleep(0.1)
    raise AssertionError(f"{wanted!r} {'stayed' if absent else 'never showed'} at {url}")


def findings(script: str) -> list[str]:
    """The findings the check-status script carries."""
    match = re.search(r"var findings = (.*);\n", script)
    assert match, script
    return list(json.loads(match.group(1)))


@contextlib.contextmanager
def serving(project: Path, engine: str, log: Path | None = None) -> Iterator[str]:
    """``dossier serve`` on a free loopback port; yields the site's URL. ``log``: a file for what
    it and the engine print."""
    if not site.engine(engine).available():
        pytest.skip(f"{engine} is not installed")
    port = _free_port()
    cmd = [sys.executable, "-m", "dossier", "serve", "--project", str(project), "--engine", engine]
    with contextlib.ExitStack() as files:  # the server keeps its own copy of the log file
        server = subprocess.Popen(
            [*cmd, "--dev-addr", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL if log is None else files.enter_context(log.open("wb")),
            start_new_session=True,  # its own process group: stopping it stops the engine too
        )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.mark.parametrize("engine", ENGINES)
def test_serve_shows_an_edit_then_a_check_error_then_clears_it(tmp_path: Path, engine: str) -> None:
    project = site_project(tmp_path / "project")
    facts = project / "data" / "facts.yaml"
    with serving(project, engine) as url:
        page = _poll(url + FACT_PAGE, "Russia has begun delivering")
        assert findings(_get(url + CHECK_JS)) == []
        # The header names the dossier, as its facts file does (serve takes it from the first check).
        assert "- Fixture dossier: S-300 deliveries</title>" in page

        text = facts.read_text("utf-8")
        facts.write_text(text.replace(STATEMENT, STATEMENT[:-1] + ", the served edit."), "utf-8")
        _poll(url + FACT_PAGE, "the served edit")

        # An unknown entity: an error the check locates in data/facts.yaml.
        broken = facts.read_text("utf-8").replace(
            "about: [russia, iran, s-300]", "about: [russia, <b>nobody</b>]"
        )
        facts.write_text(broken, "utf-8")
        script = _poll(url + CHECK_JS, "data/facts.yaml:")
        shown = findings(script)
        assert shown and all(re.match(r"data/facts\.yaml:\d+:\d+: E\d{3} ", line) for line in shown), shown
        assert any("nobody" in line for line in shown)
        assert "<b>" not in script, "a value reached the script unescaped"
        assert "the served edit" in _get(url + FACT_PAGE), "the last good page stays up beneath the banner"

        facts.write_text(text, "utf-8")  # fixed
        _poll(url + CHECK_JS, "data/facts.yaml:", absent=True)
        _poll(url + FACT_PAGE, "the served edit", absent=True)


def test_serve_waits_for_writes_to_settle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saves in quick succession cause one regeneration, of the final state."""
    from dossier.project import Project

    project = Project(site_project(tmp_path / "project"))
    calls: list[str] = []
    text = project.facts_file.read_text("utf-8")

    def saves() -> None:  # three saves, each within the quiet period of the one before
        for n in range(3):
            project.facts_file.write_text(text + f"\n# save {n}\n", "utf-8")
            time.sleep(0.08)

    writer = threading.Thread(target=saves)

    class Server:
        polls = 0

        def poll(self) -> int | None:
            Server.polls += 1
            if Server.polls == 2:
                writer.start()
            return 0 if Server.polls > 40 and not writer.is_alive() else None

        def wait(self, timeout: float | None = None) -> int:
            return 0

    monkeypatch.setattr(site, "check_layout", lambda project: None)
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: Server())

    def regenerate() -> None:
        calls.append(project.facts_file.read_text("utf-8")[-9:])

    site.serve(project, regenerate, interval=0.05, settle=0.5, engine_name="mkdocs")
    assert calls == ["# save 2\n"]


def test_serve_polls_the_seeds_sparingly_and_the_facts_file_always(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every seed's stamp costs what its stat calls cost (30 ms at 5,000 seeds): it is looked at
    only as often as keeps polling at a tenth of a core. The facts file is looked at every time."""
    from dossier.project import Project

    project = Project(site_project(tmp_path / "project"))
    watch = site._Watch(project)
    looks: list[float] = []
    real = site.sources_stamp

    def slow_stamp(project: Project) -> site.Stamp:
        looks.append(time.monotonic())
        time.sleep(0.02)  # as 3,000 seeds would take
        return real(project)

    monkeypatch.setattr(site, "sources_stamp", slow_stamp)
    assert watch.changed() is None  # looks at everything: nothing was due yet
    for _ in range(5):
        assert watch.changed() is None
    assert len(looks) == 1  # the next look is due 0.2 s after the first
    seed = project.seeds_dir / "new-seed.md"
    seed.write_text("---\n---\n", "utf-8")
    while (now := watch.changed()) is None:
        time.sleep(0.01)
    assert any(entry[0] == seed.name for entry in now)
    assert looks[-1] - looks[0] >= 0.15  # seen, and not polled for at every call
    watch.settled(now)
    assert watch.changed() is None  # after a round, everything is looked at once more
    text = project.facts_file.read_text("utf-8")
    project.facts_file.write_text(text + "\n# more\n", "utf-8")
    assert watch.changed() is not None  # at once: not due, but the facts file changed


@pytest.mark.skipif(
    sys.platform != "linux" or platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's"
)
def test_serve_finds_malloc_trim_where_glibc_has_it() -> None:
    """Each round gives back what it freed (at 50,000 facts, 60-100 MB a round): a lookup that
    silently found nothing would keep it all again."""
    assert build._malloc_trim() is not None
    build._trim()


def test_serve_prints_new_warnings_and_every_error_last(capsys: pytest.CaptureFixture[str]) -> None:
    """Each round's terminal output: the warnings the last round did not have (a warning moved
    by an edit above it is not new), then every error, beside the line that counts them."""
    from dossier.check import CheckResult
    from dossier.cli import _report_round
    from dossier.diagnostics import diag

    old = diag("data/facts.yaml", 4, 5, "W404", "entity 'a' is in no fact's 'about' or 'attributed_to'")
    other = diag("data/facts.yaml", 9, 5, "W404", "entity 'b' is in no fact's 'about' or 'attributed_to'")
    warned: Counter[tuple[str, str, str]] = Counter()
    assert _report_round(CheckResult((old,), 0), warned)
    assert "W404 entity 'a'" in capsys.readouterr().out
    moved = diag("data/facts.yaml", 6, 5, "W404", old.message)
    error = diag("data/facts.yaml", 2, 3, "E201", "'x' is not allowed")
    assert not _report_round(CheckResult((error, moved, other), 0), warned)
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "data/facts.yaml:9:5: " + other.code + " " + other.message,
        "data/facts.yaml:2:3: E201 'x' is not allowed",
    ]
    assert "1 warning as before, not repeated" in err and "1 error: pages not regenerated" in err
    assert _report_round(CheckResult((other,), 0), warned)  # 'a' is gone ...
    capsys.readouterr()
    assert _report_round(CheckResult((old, other), 0), warned)  # ... and back: printed again
    assert "entity 'a'" in capsys.readouterr().out
    # A second fact raising a message the first raised (W405 names no fact) is new, and shown.
    stale = diag(
        "data/facts.yaml", 30, 7, "W405", "acknowledges W410, which this fact no longer raises: remove it"
    )
    assert _report_round(CheckResult((old, other, stale), 0), warned)
    capsys.readouterr()
    twice = diag("data/facts.yaml", 50, 7, "W405", stale.message)
    assert _report_round(CheckResult((old, other, stale, twice), 0), warned)
    out, err = capsys.readouterr()
    assert (
        out.splitlines() == ["data/facts.yaml:50:7: W405 " + stale.message] and "3 warnings as before" in err
    )


def test_check_script_keeps_values_as_data() -> None:
    hostile = Diagnostic("data/facts.yaml", 3, 5, "E301", RULES["E301"].severity, '</script><b>"x"\u2028')
    script = build.check_script([hostile])
    assert "</script>" not in script and "<b>" not in script and "\u2028" not in script
    assert findings(script) == [str(hostile)]
    assert findings(build.check_script([])) == []


def test_serve_writes_again_what_the_engine_did_not_take_up(tmp_path: Path) -> None:
    """Zensical serves from site/: a script whose copy there is stale once the engine is quiet
    is written again (same bytes, a new file the engine's watcher sees), and only then."""
    from dossier.project import Project

    project = Project(site_project(tmp_path / "project"))
    assert build.build(project, quiet=True).errors == 0
    source = project.generated_dir / build.CHECK_SCRIPT
    served = project.site_dir / "generated" / build.CHECK_SCRIPT
    served.write_text("// an old copy", "utf-8")
    resync = site._Resync(project)
    resync.started = time.time() - 120  # the engine's first build is long done
    assert resync.stale() == [build.CHECK_SCRIPT]

    def age(seconds: float) -> None:  # as if the regeneration and the engine's last write were that old
        resync.since = time.time() - seconds
        for here, _dirs, names in os.walk(project.site_dir):
            for name in names:
                os.utime(Path(here) / name, (time.time() - seconds, time.time() - seconds))

    before = source.read_bytes(), source.stat().st_ino
    resync.expect(time.time(), busy=False)
    resync.poll()  # too soon after the regeneration: nothing written
    assert source.stat().st_ino == before[1]
    age(60)
    served.touch()  # the engine is writing site/ right now
    resync.poll()
    assert source.stat().st_ino == before[1], "rewritten while the engine was busy"
    age(60)
    resync.poll()
    assert source.stat().st_ino != before[1], "the stale script was not written again"
    assert source.read_bytes() == before[0]
    served.write_bytes(source.read_bytes())  # the engine took it up
    age(60)
    resync.poll()
    assert resync.since is None and resync.stale() == []


def test_serve_writes_again_a_page_written_while_the_engine_was_building(tmp_path: Path) -> None:
    """A save regenerated while Zensical builds (its first build, just after serve starts) may be
    missed by its watcher: once the engine is quiet, what that regeneration wrote is written
    again, same bytes; a save made while the engine was idle is not."""
    from dossier.project import Project

    project = Project(site_project(tmp_path / "project"))
    assert build.build(project, quiet=True).errors == 0
    page = project.generated_dir / "facts" / "russia-delivers-s-300.md"
    resync = site._Resync(project)
    assert resync.busy(), "the first build has written nothing since serve started"

    def quiet_for(seconds: float) -> None:
        resync.since = time.time() - seconds
        for here, _dirs, names in os.walk(project.site_dir):
            for name in names:
                os.utime(Path(here) / name, (time.time() - seconds, time.time() - seconds))

    began = time.time()
    text = page.read_text("utf-8")
    assert generated.replace(
        project.generated_dir, "facts/russia-delivers-s-300.md", text, project_root=project.root
    )
    inode = page.stat().st_ino
    resync.expect(began, busy=True)
    resync.poll()
    assert page.stat().st_ino == inode, "written again before the engine was quiet"
    quiet_for(60)
    resync.started = time.time() - 120
    resync.poll()
    assert page.stat().st_ino != inode, "the page written during a build was not written again"
    assert page.read_text("utf-8") == text and not resync.redo

    inode = page.stat().st_ino  # an idle engine: nothing to write again
    resync.expect(time.time(), busy=resync.busy())
    quiet_for(60)
    resync.poll()
    assert page.stat().st_ino == inode


@pytest.mark.parametrize("stop", ["SIGTERM to serve", "Ctrl-C"])
def test_stopping_serve_leaves_no_built_site_behind(tmp_path: Path, stop: str) -> None:
    """MkDocs' development server builds into a temporary folder and removes it when it stops:
    also when ``serve`` is stopped with SIGTERM, which it passes on to the server (before, each
    stop left a whole built site in the temporary folder). A stop is no failure: exit code 0
    (before, 241: the server's -15)."""
    project = site_project(tmp_path / "project")
    temp = tmp_path / "temp"
    temp.mkdir()
    port = _free_port()
    cmd = [sys.executable, "-m", "dossier", "serve", "--project", str(project)]
    server = subprocess.Popen(
        [*cmd, "--engine", "mkdocs", "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(temp)},
        start_new_session=True,  # a group of its own, as a terminal's foreground job has
        # As a terminal starts it: a test run in the background (make test from a script) has
        # SIGINT ignored, which every process it starts would inherit.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        _poll(f"http://127.0.0.1:{port}/{FACT_PAGE}", "<html")
        assert any(temp.iterdir()), "the server built elsewhere: this test sees nothing"
    finally:
        if stop == "Ctrl-C":  # the terminal sends SIGINT to the whole group: serve and the server
            os.killpg(server.pid, signal.SIGINT)
        else:
            server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            raise
    assert list(temp.iterdir()) == []
    assert server.returncode == 0, "stopped by its user, serve did not fail"


def test_a_removed_facts_page_is_gone_from_the_served_site(tmp_path: Path) -> None:
    """MkDocs' development server rebuilds in full when a page's Markdown is removed, and its
    dirty build leaves the page's HTML behind: serve removes it, so a removed fact's page is not
    served any more (before, it was, with its old text)."""
    from dossier.check import check
    from dossier.project import Project

    project = site_project(tmp_path / "project")
    dossier = check(Project(project)).dossier
    assert dossier is not None
    named = {other for f in dossier.facts for other in f.contradicts}
    ordered = sorted(dossier.facts, key=lambda f: f.line)
    index, fact = next(
        (i, f)
        for i, f in enumerate(ordered)
        if f.id not in named and not f.contradicts and i + 1 < len(ordered)
    )
    facts = project / "data" / "facts.yaml"
    lines = facts.read_text("utf-8").splitlines(keepends=True)
    del lines[fact.line - 1 : ordered[index + 1].line - 1]  # its item, up to the next fact's
    with serving(project, "mkdocs") as url:
        page = f"{url}generated/facts/{fact.id}/"
        _poll(page, fact.id)
        facts.write_text("".join(lines), "utf-8")
        deadline = time.monotonic() + LIMIT
        while _get(page) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _get(page) == "", f"{page} is still served"
        _poll(url + FACT_PAGE, "<html")  # the rest is


class _FakeServer:
    """A stand-in for the engine's server: ``lives`` polls, then it exits with ``code``."""

    def __init__(self, lives: int, code: int) -> None:
        self.lives, self.code, self.polls = lives, code, 0

    def poll(self) -> int | None:
        self.polls += 1
        return self.code if self.polls > self.lives else None

    def wait(self, timeout: float | None = None) -> int:
        return self.code

    def terminate(self) -> None:
        self.lives = 0


def _fake_servers(monkeypatch: pytest.MonkeyPatch, servers: list[_FakeServer]) -> list[dict[str, str]]:
    """Popen hands out ``servers`` in turn; returns the environments they were started with."""
    envs: list[dict[str, str]] = []
    left = iter(servers)

    def popen(*args: object, env: dict[str, str], **kwargs: object) -> _FakeServer:
        envs.append(env)
        return next(left)

    monkeypatch.setattr(site, "check_layout", lambda project: None)
    monkeypatch.setattr(subprocess, "Popen", popen)
    return envs


def test_a_server_that_stops_by_itself_is_started_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Zensical 0.0.73's server was seen to die on a removed list part: serve starts it again (a
    few times), rather than leave the writer with no preview."""
    from dossier.project import Project

    project = Project(site_project(tmp_path / "project"))
    monkeypatch.setattr(site._Server, "SERVED", 0.0)
    servers = [_FakeServer(3, 1) for _ in range(site._Server.RESTARTS + 1)]
    envs = _fake_servers(monkeypatch, servers)
    code = site.serve(project, lambda: None, interval=0.001, engine_name="mkdocs", title="T")
    assert len(envs) == site._Server.RESTARTS + 1, "started again each time, then given up"
    assert code == 1
    assert capsys.readouterr().err.count("the mkdocs server stopped by itself; starting it again") == 3


def test_a_server_that_never_got_going_is_not_started_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that stops at once (its port taken, say) is not started again and again."""
    from dossier.project import Project

    project = Project(site_project(tmp_path / "project"))
    envs = _fake_servers(monkeypatch, [_FakeServer(0, 2), _FakeServer(0, 2)])
    assert site.serve(project, lambda: None, interval=0.001, engine_name="mkdocs", title="T") == 2
    assert len(envs) == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_a_new_title_reaches_the_header(tmp_path: Path, engine: str) -> None:
    """The header and the browser tab name the site from the engine's environment: a changed
    ``title:`` starts the engine's server again, with the new one."""
    project = site_project(tmp_path / "project")
    facts = project / "data" / "facts.yaml"
    with serving(project, engine) as url:
        _poll(url + FACT_PAGE, "- Fixture dossier: S-300 deliveries</title>")
        text = facts.read_text("utf-8")
        facts.write_text(
            text.replace('title: "Fixture dossier: S-300 deliveries"', "title: Renamed <dossier>"), "utf-8"
        )
        page = _poll(url + FACT_PAGE, "- Renamed &lt;dossier&gt;</title>")
        assert "<dossier>" not in page
