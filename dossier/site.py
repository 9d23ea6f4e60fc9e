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
from typing import Any

from dossier import fs
from dossier.project import Project


class SiteError(Exception):
    """The site engine failed; its own output (already shown) says why."""


def mkdocs_command(project: Project, *args: str) -> list[str]:
    """``python -m mkdocs ARGS -f mkdocs.yml``, with the interpreter that runs dossier."""
    return [sys.executable, "-m", "mkdocs", *args, "-f", str(project.mkdocs_file)]


def _env() -> dict[str, str]:
    # Material prints an end-of-life banner on every run; the README already points to Zensical.
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def check_layout(project: Project) -> None:
    """Refuse, before the engine runs, a project whose ``site/``, ``docs/`` (generated pages
    included) or ``mkdocs.yml`` is or holds a link or a non-regular file: MkDocs would read
    through the link and publish what it finds, and it empties ``site_dir`` before a build,
    following a link to wherever it points."""
    refused = [f"{project.rel(r.path)} {r.reason}" for r in fs.survey(project, generated=True)]
    refused += config_paths(project)
    if refused:
        raise SiteError(f"refusing to run the site engine: {'; '.join(refused)}")


# mkdocs.yml settings that name paths the engine reads or writes, and the only values allowed.
_CONFIG_PATHS = {"docs_dir": "docs", "site_dir": "site"}


def config_paths(project: Project) -> list[str]:
    """Why ``mkdocs.yml`` would point the engine outside ``docs/`` and ``site/``: another
    ``docs_dir`` or ``site_dir``, a theme ``custom_dir``, or ``INHERIT`` of another file. The
    surveyed layout means nothing if the configuration can move it (Zensical honours
    ``site_dir`` too)."""
    from dossier.yamlload import parse

    try:
        data = parse(fs.read_text(project.mkdocs_file, root=project.root)).data
    except (OSError, UnicodeDecodeError, fs.UnsafePath):
        return []  # missing, unreadable or refused: reported elsewhere
    if not isinstance(data, dict):
        return []  # the engine reports a broken configuration itself
    found = [
        f"mkdocs.yml sets {key}: {data[key]!r}, not {value!r}: the engine must stay in the project"
        for key, value in _CONFIG_PATHS.items()
        if key in data and data[key] != value
    ]
    theme = data.get("theme")
    if isinstance(theme, dict) and "custom_dir" in theme:
        found.append("mkdocs.yml sets theme.custom_dir, which reads templates from another folder")
    if "INHERIT" in data:
        found.append("mkdocs.yml inherits another file (INHERIT), which could live outside the project")
    return found


def build(project: Project, *, quiet: bool = False) -> None:
    """``mkdocs build --strict`` into ``site/``: any warning (a broken link, say) fails it."""
    check_layout(project)
    if not project.mkdocs_file.is_file():
        raise SiteError(f"no {project.rel(project.mkdocs_file)}: the site needs it")
    cmd = mkdocs_command(project, "build", "--strict", "--site-dir", str(project.site_dir))
    if quiet:
        cmd.append("--quiet")
    # cwd is the project root: pymdownx.snippets resolves its base_path (docs/) from there.
    if subprocess.run(cmd, cwd=project.root, env=_env(), check=False).returncode != 0:
        raise SiteError("mkdocs build --strict failed (see its messages above)")


def serve_command(project: Project, dev_addr: str) -> list[str]:
    """``mkdocs serve --dirty``, run through this module so its server answers malformed paths
    with 404 instead of a traceback (see :func:`_guard_dev_server`)."""
    cmd = [sys.executable, "-m", "dossier.site", "serve", "--dirty", "--dev-addr", dev_addr]
    return [*cmd, "-f", str(project.mkdocs_file)]


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def sources_stamp(project: Project) -> tuple[tuple[str, int, int], ...]:
    """Name, mtime and size of every input file: a change in any of them changes the stamp."""
    try:
        seed_files = fs.entries(project.root, project.seeds_dir, ".md")
    except (fs.UnsafePath, OSError):
        seed_files = []  # the regeneration's check reports why
    stamp = []
    for path in [project.facts_file, *seed_files]:
        try:
            st = path.lstat()  # never follows a link, never opens a FIFO
        except OSError:
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
    check_layout(project)
    cmd = serve_command(project, dev_addr)
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


def _guard_dev_server() -> None:
    """Make MkDocs' development server answer 404 to a path it cannot open, instead of logging
    a traceback and answering 500: ``GET /%00`` reaches ``open()`` with a NUL byte in the name,
    which raises ValueError (MkDocs 1.6 catches only OSError there)."""
    from mkdocs.livereload import LiveReloadServer

    original = LiveReloadServer._serve_request

    def serve_request(self: LiveReloadServer, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if "\0" in path or any(ord(c) < 0x20 for c in path):
            return None  # MkDocs answers 404 Not Found
        try:
            return original(self, environ, start_response)
        except ValueError:
            return None

    LiveReloadServer._serve_request = serve_request  # type: ignore[method-assign]


if __name__ == "__main__":  # ``python -m dossier.site serve …``: what :func:`serve` runs
    _guard_dev_server()
    from mkdocs.__main__ import cli

    cli(prog_name="mkdocs")
