"""Stage 5: the site engine, run as a separate process: MkDocs (with Material) or Zensical.

A subprocess keeps the engine's logging, plugins and global state out of ours, and runs exactly
what a user would type (``mkdocs build --strict``, ``zensical build --strict``) on the same
``mkdocs.yml``. :class:`Engine` holds all that differs between the two; nothing here knows about
facts. The pages must be rendered for the engine that builds them (see :mod:`dossier.urls`).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import importlib.util
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from dossier import atomic, escape, fs, generated, ids, linkcheck, mkdocsrun, pagecache, urls, yamlload
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
    # An incremental build: the arguments after ``build`` (None: the engine has none) and the
    # module that runs it. See :meth:`build`.
    incremental_args: tuple[str, ...] | None = None
    incremental_module: str = ""
    build_module: str = ""  # the module a build from nothing runs, if not ``module``
    packages: tuple[str, ...] = ()  # distributions whose version the output depends on
    # Its development server writes the pages it serves into site/ (Zensical does; MkDocs serves
    # from a temporary folder), so ``serve`` can see whether a regeneration reached it.
    serves_site_dir: bool = False
    # Its development server rebuilds only the pages whose files were written (MkDocs, through
    # this module): ``serve`` then writes an edited fact's page before the rest of a save's pages.
    # Zensical 0.0.73 rebuilds every page on any write, so an early write costs a whole rebuild.
    rebuilds_written: bool = False

    def command(self, project: Project, *args: str) -> list[str]:
        """``python -m ENGINE ARGS -f mkdocs.yml``."""
        return [*_python(), self.module, *args, "-f", str(project.mkdocs_file)]

    def available(self) -> bool:
        return importlib.util.find_spec(self.module) is not None

    def build(
        self,
        project: Project,
        *,
        quiet: bool = False,
        incremental: bool = True,
        title: str | None = None,
        alongside: Callable[[bool], object] | None = None,
    ) -> str:
        """Build ``site/``, strictly: any warning (a broken link, say) fails it, and then every
        internal link and anchor of the written HTML is checked (see dossier.linkcheck).

        Incremental (the engine rebuilds only pages whose Markdown is newer than their HTML) when
        ``incremental`` is set, the engine has such a mode, and ``site/`` is what the last
        successful build of this engine, version, configuration and dossier left in this very
        folder (see :func:`site_stamp`); otherwise ``site/`` is emptied and built from nothing.
        An incremental build removes the HTML of pages that are gone, and checks the links of the
        pages it rebuilt. Returns ``"incremental"`` or ``"full"``.
        ``title``: the dossier's title, for the site's header (see :func:`title_env`); None reads it.
        ``alongside``: more work on the written site (the search index), run in a thread while
        the links are checked (both only read the HTML; the second core is otherwise idle), given
        whether the build was incremental (else ``site/`` was written from nothing); its
        exception, if any, is raised once the links have passed.
        """
        check_layout(project)
        if not project.mkdocs_file.is_file():
            raise SiteError(f"no {project.rel(project.mkdocs_file)}: the site needs it")
        if not self.available():
            raise SiteError(_missing(self.name))
        stamp = site_stamp(project, self)
        last, last_started = _read_stamp(project)
        dirty = (
            incremental
            and self.incremental_args is not None
            and stamp is not None
            and stamp == last
            and project.site_dir.is_dir()
        )
        _forget_stamp(project)  # until this build succeeds, site/ is nobody's to build on
        removed = []
        if dirty:
            removed = remove_stale(project)
        else:
            clear_site(project)
        where = (self.site_dir_flag, str(project.site_dir)) if self.site_dir_flag else ()
        quietly = self.quiet_args if quiet else ()
        if dirty:
            args = [self.incremental_module, "build", *(self.incremental_args or ()), *where, *quietly]
        else:
            args = [self.build_module or self.module, "build", *self.build_args, *where, *quietly]
        cmd = [*_python(), *args, "-f", str(project.mkdocs_file)]
        started = time.time()
        # cwd is the project root: pymdownx.snippets resolves its base_path (docs/) from there.
        env = {**_env(), **title_env(dossier_title(project) if title is None else title)}
        if subprocess.run(cmd, cwd=project.root, env=env, check=False).returncode != 0:
            raise SiteError(f"{self.name} build --strict failed (see its messages above)")
        # The pages whose sources changed since the last good build (Zensical rewrites every file,
        # so the HTML's own times say nothing), or every page after a full build, or where a file
        # the last build wrote is gone (a removed fact's page): any page may have linked to it.
        gone = any(not (project.site_dir / rel).is_file() for rel in removed)
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            beside = pool.submit(alongside, dirty) if alongside is not None else None
            problems = linkcheck.broken(
                project.site_dir, changed_pages(project, last_started) if dirty and not gone else None
            )
            failed = beside.exception() if beside is not None else None  # waits for it
        if problems:
            shown = "\n  ".join(problems[:20])
            more = f"\n  and {len(problems) - 20} more" if len(problems) > 20 else ""
            raise SiteError(f"{len(problems)} broken links in the written site:\n  {shown}{more}")
        if stamp is not None:
            _write_stamp(project, stamp, started)
        if failed is not None:
            raise failed
        mode = "incremental" if dirty else "full"
        if not quiet:
            print(f"dossier: {mode} {self.name} build; written links checked", file=sys.stderr)
        return mode

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
        # MkDocs warns on every dirty build, which --strict would count as a failure: run through
        # dossier.mkdocsrun, which drops that one warning (see _quiet_dirty_warning), and renders
        # the pages of a build from nothing on every core, one page in memory at a time.
        incremental_args=("--strict", "--dirty"),
        incremental_module="dossier.mkdocsrun",
        build_module="dossier.mkdocsrun",
        packages=("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown"),
        rebuilds_written=True,
    ),
    # Zensical has no --site-dir (mkdocs.yml's site_dir: site) and no quiet flag; --clean drops its
    # .cache/, so a page removed from docs/ is gone from site/ too.
    "zensical": Engine(
        "zensical",
        "zensical",
        "zensical",
        ("--strict", "--clean"),
        "",
        (),
        (),
        # Without --clean, Zensical reuses its .cache/ and renders only what changed.
        incremental_args=("--strict",),
        incremental_module="zensical",
        packages=("zensical",),
        serves_site_dir=True,
    ),
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
    """The environment that gives the engine the site's title, encoded for its templates
    (see :func:`dossier.escape.site_name`)."""
    shown = escape.site_name(title)
    return {TITLE_VARIABLE: shown} if shown else {}


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


# --- incremental builds ---------------------------------------------------------------------------
_STAMP = "site.json"  # in the cache folder: what the last successful build of site/ was


def site_stamp(project: Project, chosen: Engine) -> str | None:
    """What ``site/`` depends on besides the pages: the engine and its version, ``mkdocs.yml``,
    dossier itself, and the identity of the cache folder (so a stamp that arrived by checkout or
    copy, with a ``site/`` beside it, never matches: see dossier.pagecache.identity). None
    when there is no usable cache folder: then every build is full."""
    who = pagecache.identity(project)
    if who is None:
        return None
    try:
        config = fs.read_bytes(project.mkdocs_file, root=project.root)
    except (OSError, fs.UnsafePath):
        return None
    versions = []
    for name in chosen.packages:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    return pagecache.digest("site", chosen.name, versions, config, pagecache.renderer_version(), who)


def _read_stamp(project: Project) -> tuple[str | None, float]:
    """The last good build's stamp and the time it started."""
    try:
        data = json.loads(fs.read_text(project.cache_dir / _STAMP, root=project.root))
        return str(data["stamp"]), float(data["started"])
    except (OSError, ValueError, UnicodeDecodeError, fs.UnsafePath, KeyError, TypeError):
        return None, 0.0


def _forget_stamp(project: Project) -> None:
    with contextlib.suppress(OSError):
        (project.cache_dir / _STAMP).unlink()


def _write_stamp(project: Project, stamp: str, started: float) -> None:
    with contextlib.suppress(OSError, fs.UnsafePath):
        atomic.write_text(
            project.cache_dir / _STAMP, json.dumps({"stamp": stamp, "started": started}), root=project.root
        )


def _site_files(project: Project) -> dict[str, Path]:
    """Every file below ``site/generated/`` (links included, never followed), by path below site/."""
    root = project.site_dir / urls.GENERATED
    found = {}
    for here, _dirs, names in os.walk(root, followlinks=False):
        for name in names:
            path = Path(here) / name
            found[path.relative_to(project.site_dir).as_posix()] = path
    return found


def remove_stale(project: Project) -> list[str]:
    """Before an incremental build: remove from ``site/generated/`` every file that no file in
    ``docs/generated/`` produces (a removed fact's page), and the home page's HTML when the
    generated part it includes changed (the engine sees only docs/index.md, which did not).

    Which output each source produces is dossier.urls's business (:func:`dossier.urls.url`).
    Returns what was removed, as paths below ``site/``.
    """
    wanted = set()
    for path in project.generated_dir.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            produced = urls.url(path.relative_to(project.docs_dir).as_posix())
            wanted.add(produced + "index.html" if produced.endswith("/") or not produced else produced)
    removed = []
    for rel, path in sorted(_site_files(project).items()):
        if rel not in wanted:
            path.unlink()
            generated.prune(path.parent, project.site_dir)
            removed.append(rel)
    home = project.generated_dir / urls.HOME
    home_html = project.site_dir / (urls.url(urls.SITE_HOME) + "index.html")
    with contextlib.suppress(OSError):
        if home_html.stat().st_mtime < home.stat().st_mtime and not home_html.is_symlink():
            home_html.unlink()
            removed.append(home_html.relative_to(project.site_dir).as_posix())
    return removed


def modified_since(folder: Path, since: float, suffix: str = "") -> list[Path]:
    """The files below ``folder`` whose names end in ``suffix``, modified at or after ``since``
    (seconds since the epoch); the walk follows no link."""
    found = []
    for here, _dirs, names in os.walk(folder, followlinks=False):
        for name in names:
            path = Path(here) / name
            with contextlib.suppress(OSError):
                if name.endswith(suffix) and path.lstat().st_mtime >= since - 1:  # times are rounded
                    found.append(path)
    return found


def changed_pages(project: Project, since: float) -> list[str]:
    """The HTML pages (below ``site/``) of the Markdown files below ``docs/`` changed at or after
    ``since`` (seconds since the epoch), as dossier.urls maps a source to its page."""
    found = []
    for path in modified_since(project.docs_dir, since, ".md"):
        page = urls.url(path.relative_to(project.docs_dir).as_posix()) + "index.html"
        if (project.site_dir / page).is_file():  # docs/generated/home.md makes no page
            found.append(page)
    return found


# Set (to anything) in serve's environment: each step of a save is printed to stderr with the time
# it ended, ``dossier-trace SECONDS STEP`` (benchmarks/bench_serve.py reads them for its breakdown).
TRACE = "DOSSIER_SERVE_TRACE"


def trace(step: str) -> None:
    """Print ``dossier-trace TIME STEP (peak N MB)`` to stderr under :data:`TRACE`, nothing
    otherwise: N is this process's largest resident set so far, where the system tells it."""
    if os.environ.get(TRACE):
        mb = _peak_mb()
        peak = f" (peak {mb} MB)" if mb else ""
        print(f"dossier-trace {time.time():.3f} {step}{peak}", file=sys.stderr, flush=True)


def _peak_mb() -> int:
    """This process's largest resident set so far in MB, or 0 where the system does not say.
    Linux's VmHWM, not ru_maxrss: that one survives exec, so the engine's server, started by
    ``serve``, would report ``serve``'s peak as its own."""
    try:
        with Path("/proc/self/status").open(encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024  # in kB
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


# Name, modification time, size, change time and inode of each source file: the change time
# moves on every write and no tool can set it back (an edit of the same size with its
# modification time restored, ``touch -r``, is still seen), and a file replaced by a rename has
# another inode.
Stamp = tuple[tuple[str, int, int, int, int], ...]


def sources_stamp(project: Project) -> Stamp:
    """The :data:`Stamp` of every input file: a change in any of them changes it."""
    try:
        seed_files = fs.entries(project.root, project.seeds_dir, ".md")
    except (fs.UnsafePath, OSError):
        seed_files = []  # the regeneration's check reports why
    stamps = (_file_stamp(path) for path in [project.facts_file, *seed_files])
    return tuple(stamp for stamp in stamps if stamp is not None)


def _file_stamp(path: Path) -> tuple[str, int, int, int, int] | None:
    """One file's part of :data:`Stamp`, or None if it cannot be looked at."""
    try:
        st = path.lstat()  # never follows a link, never opens a FIFO
    except OSError:
        return None
    return path.name, st.st_mtime_ns, st.st_size, st.st_ctime_ns, st.st_ino


class _Watch:
    """Whether the sources changed since the last round. The facts file, where most edits land,
    is looked at on every poll; every seed only as often as keeps the polling under a tenth of
    a core: 5,000 seeds take 30 ms to stat, and at every poll (20 a second) that was half a core
    taken from the engine while nothing changed. A seed's edit is then seen within 0.3 s."""

    SHARE = 0.1

    def __init__(self, project: Project) -> None:
        self.project = project
        self.stamp = sources_stamp(project)
        self.facts = _file_stamp(project.facts_file)
        self.due = 0.0  # when every file is looked at again (time.monotonic)

    def changed(self) -> Stamp | None:
        """The sources' stamp if it differs from the last round's, else None."""
        facts = _file_stamp(self.project.facts_file)
        began = time.monotonic()
        if facts == self.facts and began < self.due:
            return None
        self.facts = facts
        now = sources_stamp(self.project)
        self.due = began + (time.monotonic() - began) / self.SHARE
        return None if now == self.stamp else now

    def settled(self, stamp: Stamp) -> None:
        """The round about to run reads the sources as ``stamp`` says they are."""
        self.stamp = stamp
        self.due = 0.0  # the facts file's own stamp may have moved while they settled


def serve(
    project: Project,
    regenerate: Callable[[], object],
    *,
    dev_addr: str = "127.0.0.1:8000",
    interval: float = 0.05,
    settle: float = 0.1,
    engine_name: str | None = None,
    title: str | None = None,
) -> int:
    """Run the engine's ``serve`` and call ``regenerate`` whenever ``data/`` or ``seeds/`` change.

    The engine watches ``docs/`` itself and reloads the browser once regenerated pages land there.
    ``--dirty`` rebuilds only pages whose files changed, and the generator rewrites only pages
    whose text changed, so an edit to one fact rebuilds a handful of pages, not all of them (the
    search index is Pagefind's, built by ``dossier build`` only; the nav is static). The files'
    stamps are polled (see :class:`_Watch`), so no watcher library is needed. A
    change is acted on once the files have been quiet for ``settle`` seconds: an editor that
    writes a file in several steps (or a ``git checkout``) causes one rebuild, of the final state.
    An editor writes a file in well under a millisecond, so a tenth of a second of quiet never
    catches it half-written (a slower writer at worst shows a check error for a moment, then the
    next round's pages).
    ``title``: the dossier's title, for the site's header, as the first check read it (None
    reads it again: the whole facts file, 400 MB of parse at 50,000 facts). ``regenerate`` may
    return the title after its round: when it differs, the engine's server is started again,
    the one way its header and the browser tab show the new one. A server that stops by itself
    after serving a while is started again too (see :class:`_Server`).
    Returns the server's exit code.
    """
    trace("serve: starting the engine")
    check_layout(project)
    chosen = engine(engine_name or project_engine(project))
    if not chosen.available():
        raise SiteError(_missing(chosen.name))
    cmd = chosen.serve_command(project, dev_addr)
    # SIGTERM must stop the server too, not orphan it: treat it like Ctrl-C.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    shown = dossier_title(project) if title is None else title
    server = _Server(project, cmd, shown)
    stopped = False
    watch = _Watch(project)
    resync = _Resync(project) if chosen.serves_site_dir else None
    try:
        while True:
            if not server.running():
                if not server.restart(f"the {chosen.name} server stopped by itself"):
                    break
                resync = _Resync(project) if resync is not None else None  # its first build again
            time.sleep(interval)
            now = watch.changed()
            if now is not None:
                trace("serve: change seen")
                watch.settled(_settled(project, now, settle))
                trace("serve: writes settled")
                began = time.time()
                busy = resync is not None and resync.busy()
                title_now = regenerate()
                trace("serve: regenerated")
                if isinstance(title_now, str) and title_now != server.title:
                    # The header and the browser tab name the site from the engine's environment:
                    # only a new server shows a new title (a first build again).
                    server.title = title_now
                    server.stop()
                    server.restart("the dossier's title changed", always=True)
                    resync = _Resync(project) if resync is not None else None
                    continue
                if resync is not None:
                    resync.expect(began, busy)
            elif resync is not None:
                resync.poll()
    except KeyboardInterrupt:
        stopped = True
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
    code = server.wait()
    return 0 if stopped else code  # stopped by the user (Ctrl-C, SIGTERM): not a failure


class _Server:
    """The engine's development server, started again when it stops by itself after it has
    served a while (Zensical 0.0.73's was seen to fail with FileNotFoundError when a list's
    parts were removed while a page was being asked for), or when the dossier's title changes."""

    SERVED = 10.0  # seconds up before a stop counts as a failure to recover from, not to start
    RESTARTS = 3  # at most this many restarts ...
    WINDOW = 300.0  # ... in this many seconds, then serve stops with the server's exit code

    def __init__(self, project: Project, cmd: list[str], title: str) -> None:
        self.project, self.cmd, self.title = project, cmd, title
        self.restarts: list[float] = []
        self._start()

    def _start(self) -> None:
        env = {**_env(), **title_env(self.title)}
        self.process = subprocess.Popen(self.cmd, cwd=self.project.root, env=env)
        self.started = time.time()

    def running(self) -> bool:
        return self.process.poll() is None

    def restart(self, why: str, *, always: bool = False) -> bool:
        """Start the server again, saying ``why`` on stderr; False where it should not be (it
        never got going, or it stopped too often)."""
        now = time.time()
        self.restarts = [t for t in self.restarts if now - t < self.WINDOW]
        if not always and (now - self.started < self.SERVED or len(self.restarts) >= self.RESTARTS):
            return False
        if not always:
            self.restarts.append(now)
        print(f"dossier serve: {why}; starting it again", file=sys.stderr, flush=True)
        self._start()
        return True

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def wait(self) -> int:
        return self.process.wait()


class _Resync:
    """Make sure the engine's development server took up what a regeneration wrote.

    Zensical 0.0.73 was seen to miss a change to docs/ written while it was still building (its
    first build, just after ``serve`` starts, or the build for the save before): the page then
    keeps the old text, or the old check-status script (the browser would never show the check's
    errors, or never clear them). So a regeneration made while the engine was busy is written
    again, same bytes, a new file its watcher does see, once the engine has been quiet for a
    while; and since its server copies docs/generated/assets/ verbatim into site/, a stale copy
    of a script or stylesheet is plain to see and written again the same way.
    """

    WAIT = 3.0  # seconds after a regeneration before its copies are expected in site/
    QUIET = 2.0  # seconds without a write to site/: the engine is not in the middle of a build
    FIRST = 120.0  # seconds after which the first build counts as done even if it wrote nothing
    TRIES = 3

    def __init__(self, project: Project) -> None:
        self.project = project
        self.started = time.time()
        self.settled = False  # the engine's first build is done
        self.since: float | None = None
        self.tries = 0
        self.redo: set[str] = set()  # written while the engine was busy: to write again

    def busy(self) -> bool:
        """Whether the engine may be in the middle of a build: it wrote to site/ in the last
        QUIET seconds, or it has not finished its first build."""
        now = time.time()
        newest = newest_write(self.project.site_dir)
        if newest > now - self.QUIET:
            return True
        if not self.settled:
            self.settled = newest >= self.started or now - self.started > self.FIRST
        return not self.settled

    def expect(self, began: float, busy: bool) -> None:
        """A regeneration that began at ``began`` has written; ``busy``: the engine was building."""
        if busy:
            folder = self.project.generated_dir
            written = {p.relative_to(folder).as_posix() for p in modified_since(folder, began)}
            self.redo |= written - {generated.MANIFEST}
        self.since, self.tries = time.time(), 0

    def poll(self) -> None:
        if self.since is None or time.time() - self.since < self.WAIT or self.busy():
            return
        stale = self.stale()
        todo = sorted(self.redo | set(stale))
        self.redo = set()
        if not todo:
            self.since = None
            return
        for rel in todo:
            # Text only: a kept original (bytes) is copied by the engine as it is, never missed
            # in a way a reader would see before the next save.
            with contextlib.suppress(OSError, ValueError, generated.GeneratedFolderError):
                text = (self.project.generated_dir / rel).read_text("utf-8")
                generated.replace(self.project.generated_dir, rel, text, project_root=self.project.root)
        self.tries += 1
        self.since = None if self.tries >= self.TRIES else time.time()
        if self.since is None and stale:
            print(f"dossier: the server did not take up {', '.join(stale)}; save again", file=sys.stderr)

    def stale(self) -> list[str]:
        """The generated scripts and styles whose copy in site/ differs from docs/generated/."""
        source = self.project.generated_dir / urls.ASSETS
        served = self.project.site_dir / urls.GENERATED / urls.ASSETS
        found = []
        with contextlib.suppress(OSError):
            for entry in os.scandir(source):
                if entry.is_file(follow_symlinks=False):
                    try:
                        same = (served / entry.name).read_bytes() == Path(entry.path).read_bytes()
                    except OSError:
                        same = False
                    if not same:
                        found.append(f"{urls.ASSETS}/{entry.name}")
        return sorted(found)


def newest_write(folder: Path) -> float:
    """The latest modification time of any file below ``folder`` (0 when there is none)."""
    newest = 0.0
    for here, _dirs, names in os.walk(folder, followlinks=False):
        for name in names:
            with contextlib.suppress(OSError):
                newest = max(newest, (Path(here) / name).lstat().st_mtime)
    return newest


def _settled(project: Project, stamp: Stamp, quiet: float) -> Stamp:
    """The sources' stamp once it has stayed the same for ``quiet`` seconds."""
    while True:
        time.sleep(quiet)
        now = sources_stamp(project)
        if now == stamp:
            return now
        stamp = now


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


def _quiet_dirty_warning() -> None:
    """Drop MkDocs' warning that a dirty build may leave stale navigation: --strict would count
    it as a failure. dossier removes stale output itself and checks the written links
    (:meth:`Engine.build`); every other warning still fails the build. Its note that site/ "contains
    stale files. Use --clean" goes too: it reads as advice to give up the incremental build, and
    dossier has just removed the stale pages (see remove_stale)."""
    import logging

    def keep(record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(
            ("A 'dirty' build is being performed", "The directory contains stale files")
        )

    logging.getLogger("mkdocs.commands.build").addFilter(keep)


def _keep_compiled_templates() -> None:
    """Compile the theme's templates once per process. MkDocs makes a new Jinja environment for
    every build, so its development server compiled Material's templates again on every save (a
    quarter of a second of each rebuild at 10,000 pages). Jinja compares each template's source
    with the one its code was compiled from, so an edited template is still compiled again."""
    import jinja2
    from mkdocs.theme import Theme

    kept: dict[str, bytes] = {}

    class Memory(jinja2.BytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            if bucket.key in kept:
                bucket.bytecode_from_string(kept[bucket.key])

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            kept[bucket.key] = bucket.bytecode_to_string()

    memory = Memory()
    original = Theme.get_env

    def get_env(self: Theme) -> jinja2.Environment:
        env = original(self)
        env.bytecode_cache = memory
        return env

    Theme.get_env = get_env  # type: ignore[method-assign]


def _watch_by_events() -> None:
    """Let MkDocs' development server hear of a written page at once, from the system (inotify),
    where it can: MkDocs polls ``docs/`` every half second, and at 10,000 pages each poll stats
    every file, so a save waited a quarter of a second on average, and the polls kept a core busy.
    Where the system cannot (no inotify, or its limits reached), MkDocs keeps polling."""
    import watchdog.events
    import watchdog.observers
    from mkdocs.livereload import LiveReloadServer
    from watchdog.observers.polling import PollingObserver

    native = watchdog.observers.Observer
    if native is PollingObserver:
        return
    try:  # the limits that would stop it are the user's, so one watch here tells
        probe = native()
        probe.schedule(watchdog.events.FileSystemEventHandler(), str(Path.cwd()), recursive=False)
        probe.start()
        probe.stop()
        probe.join()
    except OSError:
        return
    # Only writes: inotify also reports a file opened or closed after reading, and MkDocs rebuilds
    # on any event, so the reads of one rebuild would start the next, for ever (found in review).
    writes: list[type[watchdog.events.FileSystemEvent]] = [
        watchdog.events.FileCreatedEvent,
        watchdog.events.FileModifiedEvent,
        watchdog.events.FileClosedEvent,  # closed after writing
        watchdog.events.FileDeletedEvent,
        watchdog.events.FileMovedEvent,
    ]

    class WritesOnly(native):  # type: ignore[misc,valid-type]
        def schedule(self, handler: Any, path: Any, *, recursive: bool = False, **kwargs: Any) -> Any:
            kwargs["event_filter"] = kwargs.get("event_filter") or writes
            return super().schedule(handler, path, recursive=recursive, **kwargs)

    original = LiveReloadServer.__init__

    def init(self: LiveReloadServer, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.observer = WritesOnly()  # nothing is watched yet: serve() starts it

    LiveReloadServer.__init__ = init  # type: ignore[method-assign]


def _hear(server: Any, heard: Callable[[Any], None]) -> None:
    """Have MkDocs' development server ``server`` (its watcher not started yet) call ``heard``
    with each event its watcher reports, before the server itself sees it."""
    schedule = server.observer.schedule

    def watch(handler: Any, path: str, **kwargs: Any) -> Any:
        react = handler.on_any_event

        def on_any_event(event: Any) -> None:
            heard(event)
            react(event)

        handler.on_any_event = on_any_event
        return schedule(handler, path, **kwargs)

    server.observer.schedule = watch


def _rebuild_only_what_changed() -> None:
    """Make MkDocs' development server rebuild, on a save, only the pages whose files were written.

    Its ``--dirty`` rebuild still reloads mkdocs.yml, walks and stats every file below docs/
    (27,000 at 10,000 facts), builds the navigation, and renders the 404 page and the sitemap: a
    second or more at 10,000 facts, for the handful of pages a save rewrites. The watcher already
    names the files written, so when every one of them is a file the last build knew and still
    there, this reads and renders just those pages (or copies just those files), with the last
    build's files, navigation and theme. Anything else (a file made or removed, mkdocs.yml or
    anything outside docs/ changed, a failed build) gets MkDocs' own rebuild, which the next
    save's starts from. What a page is rendered from is the same either way: its own Markdown,
    the list of files (for links) and the navigation, which mkdocs.yml fixes (see
    tests/test_serve.py, which compares the pages with a fresh build's). A change to a Markdown
    file that makes no page of its own (docs/generated/home.md, which docs/index.md includes)
    rebuilds the hand-written pages outside generated/, the ones that may include it.
    """
    import threading

    import mkdocs.commands.build as mkbuild
    from mkdocs.livereload import LiveReloadServer

    last: dict[str, Any] = {}  # the last build's config, files, nav, env and pages: filled by it
    written: set[str] = set()  # paths the watcher reported since the last rebuild began
    lock = threading.Lock()

    get_navigation, build_page = mkbuild.get_navigation, mkbuild._build_page  # type: ignore[attr-defined]

    def navigation(files: Any, config: Any) -> Any:
        last.update(files=files, config=config, nav=get_navigation(files, config))
        return last["nav"]

    def page(page: Any, config: Any, doc_files: Any, nav: Any, env: Any, *args: Any, **kw: Any) -> Any:
        if "env" not in last:
            last.update(env=env, doc_files=doc_files)
        return build_page(page, config, doc_files, nav, env, *args, **kw)

    def built(config: Any, files: Any, nav: Any, env: Any, doc_files: Any) -> None:
        last.update(config=config, files=files, nav=nav, env=env, doc_files=doc_files)

    # MkDocs' own build (with plugins on) is seen through these two; dossier.mkdocsrun's, whose
    # pages may be rendered in other processes, says what it built from when done.
    mkbuild.get_navigation = navigation  # type: ignore[attr-defined]
    mkbuild._build_page = page
    mkdocsrun.built = built

    def source(path: str) -> Any:
        """The last build's file (MkDocs' File) for ``path``; None: not below docs/, or unknown."""
        if "config" not in last:
            return None
        try:
            rel = Path(path).relative_to(last["config"].docs_dir)
        except ValueError:
            return None
        return last["files"].get_file_from_path(rel.as_posix())

    def pages_of(paths: set[str]) -> tuple[list[Any], list[Any]] | None:
        """The served pages to rebuild and files to copy for ``paths``, or None: a full rebuild."""
        if not {"files", "config", "nav", "env", "doc_files"} <= last.keys():
            return None
        rebuild: dict[str, Any] = {}
        copy = []
        for path in sorted(paths):
            if Path(path).name.startswith("."):
                continue  # a temporary file of an atomic write: MkDocs never reads dot-files
            file = source(path)
            try:
                regular = stat.S_ISREG(Path(path).lstat().st_mode)
            except OSError:
                regular = False  # removed
            if file is None or not regular:
                return None
            if file.inclusion.is_in_serve():
                if file.is_documentation_page():
                    rebuild[file.src_uri] = file
                else:
                    copy.append(file)
            elif file.is_documentation_page():  # included by others, as a snippet
                for other in last["doc_files"]:
                    if not other.src_uri.startswith(f"{urls.GENERATED}/"):
                        rebuild[other.src_uri] = other
        if any(file.page is None for file in rebuild.values()):
            return None
        return list(rebuild.values()), copy

    def included(path: str) -> bool:
        """Whether ``path`` is a Markdown file MkDocs makes no page of: one others include."""
        file = source(path)
        return file is not None and file.is_documentation_page() and not file.inclusion.is_in_serve()

    def rebuild(paths: set[str]) -> bool:
        """Rebuild what ``paths`` feed, as MkDocs' build would; False: it takes a full rebuild."""
        found = pages_of(paths)
        if found is None:
            return False
        rebuilt, copied = found
        config, files, nav, env = last["config"], last["files"], last["nav"], last["env"]
        started = time.monotonic()
        for file in copied:
            file.copy_file()
        for file in rebuilt:
            mkbuild._populate_page(file.page, config, files)
        for file in rebuilt:
            excluded = file.inclusion.is_excluded()
            mkbuild._build_page(file.page, config, last["doc_files"], nav, env, excluded=excluded)
        for file in rebuilt:
            file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        took = time.monotonic() - started
        mkbuild.log.info(f"Rebuilt {len(rebuilt)} pages and copied {len(copied)} files in {took:.2f} seconds")
        return True

    def heard(event: Any) -> None:
        if not event.is_directory:  # MkDocs ignores them too: a file's own event follows
            with lock:
                written.add(os.fsdecode(event.src_path))
                if getattr(event, "dest_path", ""):
                    written.add(os.fsdecode(event.dest_path))

    original_init = LiveReloadServer.__init__

    def init(self: LiveReloadServer, builder: Callable[[], None], *args: Any, **kwargs: Any) -> None:
        def build() -> None:
            with lock:
                paths = set(written)
                written.clear()
            try:
                if rebuild(paths):
                    return
                # Pages whose Markdown is gone: MkDocs' dirty build leaves their HTML, which the
                # server would go on serving (a removed fact, a list that no longer splits).
                gone = [
                    f for f in map(source, paths) if f is not None and not os.path.lexists(f.abs_src_path)
                ]
                last.clear()  # filled again by the build
                builder()
                for file in gone:
                    with contextlib.suppress(OSError):
                        Path(file.abs_dest_path).unlink()
                # MkDocs rebuilds only pages whose own file is newer: not one that includes a
                # written file as a snippet (docs/index.md, the generated home page).
                rebuild({path for path in paths if included(path)})
            except BaseException:
                last.clear()  # the next build is a full one
                raise

        original_init(self, build, *args, **kwargs)
        # MkDocs waits for a tenth of a second without a write before it rebuilds; dossier writes
        # a save's pages in one burst, and a rebuild that starts before its end costs only the
        # pages written so far (the rest follow in the next), so half of that is enough.
        self.build_delay = 0.05
        _hear(self, heard)

    LiveReloadServer.__init__ = init  # type: ignore[method-assign]


def _trace_dev_server() -> None:
    """Under :data:`TRACE`: say when MkDocs' development server hears of a change, and how long
    each part of its rebuild took (summed over the pages), then when it tells the browsers."""
    import mkdocs.commands.build as mkbuild
    import mkdocs.commands.serve as mkserve
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    spent: dict[str, float] = {}
    calls: dict[str, int] = {}

    def timed(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - start
                calls[label] = calls.get(label, 0) + 1

        setattr(owner, name, wrapper)

    for owner, name, label in [
        (mkserve, "load_config", "config"),
        (mkbuild, "get_files", "files"),
        (mkbuild, "get_navigation", "nav"),
        (mkbuild, "_populate_page", "read pages"),
        (Files, "copy_static_files", "static files"),
        (mkbuild, "_build_theme_template", "theme templates"),
        (mkbuild, "_build_page", "write pages"),
        (Page, "validate_anchor_links", "anchors"),
    ]:
        timed(owner, name, label)
    original_init = LiveReloadServer.__init__

    def init(self: LiveReloadServer, builder: Callable[[], None], *args: Any, **kwargs: Any) -> None:
        heard = [False]

        def build() -> None:
            heard[0] = False
            trace("engine: build starts")
            spent.clear()
            calls.clear()
            try:
                builder()
            finally:
                parts = ", ".join(f"{k} {v:.3f} s/{calls[k]}" for k, v in spent.items())
                trace(f"engine: built ({parts})")

        original_init(self, build, *args, **kwargs)

        def first(event: Any) -> None:
            if not heard[0] and not event.is_directory:
                heard[0] = True
                trace(f"engine: heard {event.event_type} {event.src_path}")

        _hear(self, first)

    LiveReloadServer.__init__ = init  # type: ignore[method-assign]


if __name__ == "__main__":  # ``python -m dossier.site serve|build …``: what :func:`serve` runs
    _guard_dev_server()
    _quiet_dirty_warning()
    if sys.argv[1:2] == ["serve"]:
        # Stopped by serve (SIGTERM), MkDocs' server must still remove the site it built into a
        # temporary folder, as it does on Ctrl-C: else each stop leaves a whole site behind.
        signal.signal(signal.SIGTERM, _interrupt)
        _keep_compiled_templates()
        _watch_by_events()
        if os.environ.get(TRACE):
            _trace_dev_server()
        _rebuild_only_what_changed()  # after the trace: its builder runs inside the trace's
        # The first build renders its pages on every core, one page in memory at a time; every
        # build drops each page's Markdown and HTML once written (see dossier.mkdocsrun).
        mkdocsrun.install()
    from mkdocs.__main__ import cli

    cli(prog_name="mkdocs")
