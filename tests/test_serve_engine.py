"""What ``python -m dossier.site serve`` changes in MkDocs' development server, checked in a fresh
interpreter (the changes patch MkDocs, so they must not reach the test process): it hears of a
written file from the system instead of polling ``docs/``, and keeps the theme's compiled templates
between rebuilds. ``tests/test_serve.py`` runs the server itself with both in place."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE_WATCHER = """
import dossier.site as site
import watchdog.observers
from watchdog.observers.polling import PollingObserver
if watchdog.observers.Observer is PollingObserver:
    print("no-native")
else:
    site._watch_by_events()
    from mkdocs.livereload import LiveReloadServer
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=".")
    print(type(server.observer).__name__)
"""

# A rebuild reads the pages: only a write may start the next one, or MkDocs rebuilds for ever.
PROBE_READS = """
import pathlib, tempfile, time
import dossier.site as site
site._watch_by_events()
from mkdocs.livereload import LiveReloadServer
server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=".")
folder = pathlib.Path(tempfile.mkdtemp())
page = folder / "page.md"
page.write_text("one")
server.watch(str(folder))
server.observer.start()
time.sleep(0.5)
for _ in range(3):
    page.read_text()
time.sleep(1.0)
print("read", server._want_rebuild)
page.write_text("two")
for _ in range(50):
    if server._want_rebuild:
        break
    time.sleep(0.1)
print("written", server._want_rebuild)
server.observer.stop()
"""

PROBE_TEMPLATES = """
import jinja2
import dossier.site as site
from mkdocs.theme import Theme
site._keep_compiled_templates()
compiled = []
original = jinja2.Environment.compile
def compile(self, *args, **kwargs):
    compiled.append(1)
    return original(self, *args, **kwargs)
jinja2.Environment.compile = compile
for build in range(2):  # MkDocs makes a new environment for every build
    Theme(name="material").get_env().get_template("main.html")
    print(len(compiled))
"""


def _run(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_the_dev_server_watches_by_events() -> None:
    found = _run(PROBE_WATCHER)
    if found == ["no-native"]:
        pytest.skip("this system has no native file watcher: MkDocs keeps polling")
    assert found != ["PollingObserver"], found


def test_reading_a_page_starts_no_rebuild_and_writing_one_does() -> None:
    found = _run(PROBE_READS)
    if _run(PROBE_WATCHER) == ["no-native"]:
        pytest.skip("this system has no native file watcher: MkDocs keeps polling")
    assert found == ["read", "False", "written", "True"], found


def test_the_second_build_compiles_no_template() -> None:
    first, second = (int(n) for n in _run(PROBE_TEMPLATES))
    assert first > 0
    assert second == first, "a rebuild compiled the theme's templates again"
