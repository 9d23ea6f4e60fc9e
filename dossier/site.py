"""Stage 5: the site engine, run as a separate process.

A subprocess keeps MkDocs' logging, plugins and global state out of ours, and runs exactly what a
user would type (``mkdocs build --strict``), so the engine can be swapped for ``zensical build``
on the same ``mkdocs.yml``. Nothing here knows about facts.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

from dossier.project import Project


class SiteError(Exception):
    """The site engine failed; its own output (already shown) says why."""


def mkdocs_command(project: Project, *args: str) -> list[str]:
    """``python -m mkdocs ARGS -f mkdocs.yml``, with the interpreter that runs dossier."""
    return [sys.executable, "-m", "mkdocs", *args, "-f", str(project.mkdocs_file)]


def _env() -> dict[str, str]:
    # Material prints an end-of-life banner on every run; the README already points to Zensical.
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build(project: Project, *, quiet: bool = False) -> None:
    """``mkdocs build --strict`` into ``site/``: any warning (a broken link, say) fails it."""
    if not project.mkdocs_file.is_file():
        raise SiteError(f"no {project.rel(project.mkdocs_file)}: the site needs it")
    cmd = mkdocs_command(project, "build", "--strict", "--site-dir", str(project.site_dir))
    if quiet:
        cmd.append("--quiet")
    # cwd is the project root: pymdownx.snippets resolves its base_path (docs/) from there.
    if subprocess.run(cmd, cwd=project.root, env=_env(), check=False).returncode != 0:
        raise SiteError("mkdocs build --strict failed (see its messages above)")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def sources_stamp(project: Project) -> tuple[tuple[str, int, int], ...]:
    """Name, mtime and size of every input file: a change in any of them changes the stamp."""
    files = [project.facts_file, *sorted(project.seeds_dir.glob("*.md"))]
    stamp = []
    for path in files:
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        stamp.append((path.name, st.st_mtime_ns, st.st_size))
    return tuple(stamp)


def serve(
    project: Project,
    regenerate: Callable[[], object],
    *,
    dev_addr: str = "127.0.0.1:8000",
    interval: float = 0.2,
) -> int:
    """Run ``mkdocs serve`` and call ``regenerate`` whenever ``data/`` or ``seeds/`` change.

    MkDocs watches ``docs/`` itself and reloads the browser once regenerated pages land there.
    ``--dirty`` rebuilds only pages whose files changed, and the generator rewrites only pages
    whose text changed, so an edit to one fact rebuilds a handful of pages, not all of them (the
    theme's search keeps its full index across dirty rebuilds; the nav is static). Polling a few
    hundred file stamps costs well under a millisecond, so no watcher library is needed. Returns
    the server's exit code.
    """
    cmd = mkdocs_command(project, "serve", "--dirty", "--dev-addr", dev_addr)
    # SIGTERM must stop the server too, not orphan it: treat it like Ctrl-C.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    server = subprocess.Popen(cmd, cwd=project.root, env=_env())
    stamp = sources_stamp(project)
    try:
        while server.poll() is None:
            time.sleep(interval)
            now = sources_stamp(project)
            if now != stamp:
                stamp = now
                regenerate()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    return server.wait()
