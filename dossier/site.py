"""Stage 5: the site engine, run as a separate process: MkDocs (with Material) or Zensical.

A subprocess keeps the engine's logging, plugins and global state out of ours, and runs exactly
what a user would type (``mkdocs build --strict``, ``zensical build --strict``) on the same
``mkdocs.yml``. :class:`Engine` holds all that differs between the two; nothing here knows about
facts. The pages must be rendered for the engine that builds them (see :mod:`dossier.urls`).
"""

from __future__ import annotations

import html
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier import escape, fs, ids, urls, yamlload
from dossier.project import Project


class SiteError(Exception):
    """The site engine failed; its own output (already shown) says why."""


@dataclass(frozen=True)
class Engine:
    """A site engine: how to run it on ``mkdocs.yml``.

    Everything that differs between engines is here (and, for raw-HTML links, in dossier.urls);
    adding an engine is adding an instance to ENGINES and a branch there.
    """

    name: str
    module: str  # run as ``python -m MODULE``, with the interpreter that runs dossier
    serve_module: str  # the module ``serve`` runs (for MkDocs, ours: it guards the dev server)
    build_args: tuple[str, ...]  # after ``build``; the strict flag makes any warning fail the build
    site_dir_flag: str  # the flag that names the output folder, or "" (then mkdocs.yml's site_dir)
    serve_args: tuple[str, ...]  # after ``serve --dev-addr ADDR``
    quiet_args: tuple[str, ...]

    def command(self, project: Project, *args: str) -> list[str]:
        """``python -m ENGINE ARGS -f mkdocs.yml``."""
        return [*_python(), self.module, *args, "-f", str(project.mkdocs_file)]

    def available(self) -> bool:
        return importlib.util.find_spec(self.module) is not None

    def build(self, project: Project, *, quiet: bool = False, title: str | None = None) -> None:
        """A strict build into ``site/``: any warning (a broken link, say) fails it.

        ``title``: the dossier's title, for the site's header (see :func:`title_env`); None reads it.
        """
        check_layout(project)
        clear_site(project)
        if not project.mkdocs_file.is_file():
            raise SiteError(f"no {project.rel(project.mkdocs_file)}: the site needs it")
        if not self.available():
            raise SiteError(_missing(self.name))
        where = (self.site_dir_flag, str(project.site_dir)) if self.site_dir_flag else ()
        cmd = self.command(project, "build", *self.build_args, *where, *(self.quiet_args if quiet else ()))
        # cwd is the project root: pymdownx.snippets resolves its base_path (docs/) from there.
        env = {**_env(), **title_env(dossier_title(project) if title is None else title)}
        if subprocess.run(cmd, cwd=project.root, env=env, check=False).returncode != 0:
            raise SiteError(f"{self.name} build --strict failed (see its messages above)")

    def serve_command(self, project: Project, dev_addr: str) -> list[str]:
        """``python -m SERVE_MODULE serve --dev-addr ADDR … -f mkdocs.yml``."""
        args = ("serve", "--dev-addr", dev_addr, *self.serve_args)
        return [*_python(), self.serve_module, *args, "-f", str(project.mkdocs_file)]


ENGINES = {
    # --dirty: rebuild only pages whose files changed (see serve).
    # MkDocs serves through this module, so its server answers malformed paths with 404 instead
    # of a traceback (see _guard_dev_server).
    "mkdocs": Engine(
        "mkdocs",
        "mkdocs",
        "dossier.site",
        ("--strict",),
        "--site-dir",
        ("--dirty",),
        ("--quiet",),
    ),
    # Zensical has no --site-dir (mkdocs.yml's site_dir: site) and no quiet flag; --clean drops its
    # .cache/, so a page removed from docs/ is gone from site/ too.
    "zensical": Engine("zensical", "zensical", "zensical", ("--strict", "--clean"), "", (), ()),
}
assert tuple(ENGINES) == urls.ENGINES


def engine(name: str) -> Engine:
    """The engine called ``name``; ValueError names the known ones."""
    if name not in ENGINES:
        raise ValueError(f"unknown site engine {name!r}; known: {', '.join(ENGINES)}")
    return ENGINES[name]


def project_engine(project: Project) -> str:
    """The project's engine: ``extra: dossier_engine:`` in mkdocs.yml, else the default (mkdocs).

    mkdocs.yml is the one file both engines and dossier read, so the setting lives there; MkDocs
    and Zensical ignore ``extra`` keys their theme does not use.
    """
    extra = _settings(project.mkdocs_file, project).get("extra")
    name = extra.get("dossier_engine") if isinstance(extra, dict) else None
    return urls.DEFAULT_ENGINE if name is None else str(name)  # engine() refuses what it does not know


def _settings(path: Path, project: Project) -> dict[Any, Any]:
    """The top-level mapping of a YAML file of the project, or ``{}`` if unreadable or not one."""
    try:
        data = yamlload.parse(fs.read_text(path, root=project.root)).data
    except (OSError, UnicodeDecodeError, fs.UnsafePath):
        return {}
    return data if isinstance(data, dict) else {}


def project_site_url(project: Project) -> str:
    """mkdocs.yml's ``site_url`` when it is an http(s) URL, else ``""``: where the site is published,
    which makes fact pages' permalinks absolute. Never guessed: without it they are paths."""
    value = _settings(project.mkdocs_file, project).get("site_url")
    return value.strip() if isinstance(value, str) and ids.is_http_url(value.strip()) else ""


# mkdocs.yml names the site ``!ENV [DOSSIER_TITLE, Dossier]``: the dossier's title lives in one
# place, data/facts.yaml, and reaches the header (and the browser tab) of both engines this way.
TITLE_VARIABLE = "DOSSIER_TITLE"


def dossier_title(project: Project) -> str:
    """``title:`` of data/facts.yaml, or ``""`` (then mkdocs.yml's fallback names the site)."""
    value = _settings(project.facts_file, project).get("title")
    return value if isinstance(value, str) else ""


def title_env(title: str) -> dict[str, str]:
    """The environment that gives the engine the site's title, encoded for its templates.

    Both engines print ``config.site_name`` unescaped (Material for MkDocs and Zensical 0.0.73
    alike), inside attributes too, so it is HTML-escaped here, quotes included.
    """
    shown = " ".join(escape.visible(title).split())
    return {TITLE_VARIABLE: html.escape(shown, quote=True)} if shown else {}


def _missing(name: str) -> str:
    return f"the {name} engine is not installed (pip install -e .; Zensical needs Python 3.11 or newer)"


def _python() -> list[str]:
    """``python -I -m``: the engine runs in the project root, and plain ``-m`` would put that folder
    first on ``sys.path``, so a ``typing_extensions.py`` (or ``.pyc``) committed at the root would
    run inside the build. Isolated mode leaves the working folder (and PYTHON* variables and the
    user's site-packages) out."""
    return [sys.executable, "-I", "-m"]


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


def clear_site(project: Project) -> None:
    """Empty ``site/`` before the engine writes it.

    MkDocs cleans ``site_dir`` itself, but with ``ignore_errors``: a link inside it that it cannot
    remove stays, and the build then writes through it, outside the project. ``shutil.rmtree``
    removes links without following them. :func:`check_layout` has refused ``site`` as a link.
    """
    if project.site_dir.is_dir() and not project.site_dir.is_symlink():
        shutil.rmtree(project.site_dir)


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
    engine_name: str | None = None,
) -> int:
    """Run the engine's ``serve`` and call ``regenerate`` whenever ``data/`` or ``seeds/`` change.

    The engine watches ``docs/`` itself and reloads the browser once regenerated pages land there.
    ``--dirty`` rebuilds only pages whose files changed, and the generator rewrites only pages
    whose text changed, so an edit to one fact rebuilds a handful of pages, not all of them (the
    search index is Pagefind's, built by ``dossier build`` only; the nav is static). Polling a few
    hundred file stamps costs well under a millisecond, so no watcher library is needed. Returns
    the server's exit code.
    """
    check_layout(project)
    chosen = engine(engine_name or project_engine(project))
    if not chosen.available():
        raise SiteError(_missing(chosen.name))
    cmd = chosen.serve_command(project, dev_addr)
    # SIGTERM must stop the server too, not orphan it: treat it like Ctrl-C.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    env = {**_env(), **title_env(dossier_title(project))}
    server = subprocess.Popen(cmd, cwd=project.root, env=env)
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
