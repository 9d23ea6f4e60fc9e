"""``dossier build``: check → render → write the generated pages → run the site engine.

All data is gathered and checked before anything is written: a dossier with an error leaves
``docs/`` and ``site/`` exactly as they were.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import functools
import gc
import os
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from importlib import resources
from typing import Any

from dossier import (
    escape,
    export,
    fs,
    generated,
    history,
    pagecache,
    parallel,
    render,
    search,
    seeds,
    site,
    urls,
)
from dossier.check import CheckResult, check_cached
from dossier.diagnostics import Diagnostic, Severity
from dossier.incremental import Memory
from dossier.model import Dossier, Fact
from dossier.project import Project


def build(
    project: Project,
    *,
    with_site: bool = True,
    quiet: bool = False,
    engine: str | None = None,
    clean: bool = False,
) -> CheckResult:
    """Build the site; the check result tells the caller what was found (and, on error, why not).

    ``engine`` names the site engine (``mkdocs`` or ``zensical``); None means the project's setting.
    The pages are written for it: raw-HTML links differ between engines (see dossier.urls).
    The build is incremental where it can be (only changed pages rendered, and rebuilt by the
    engine: see dossier.pagecache and site.Engine.build); ``clean`` renders and builds everything.
    """
    engine = engine or site.project_engine(project)
    changes = history.start(project)  # "last changed": git blame runs while the check does
    # 1. judge the input; any error stops here. Incremental (dossier.incremental): only the
    # entries changed since the last check or build are judged again, and the model is built
    # from the stored values of the rest. It shares its cache files with ``dossier check``, which
    # stores no model values: after a check, the facts it judged are judged again here.
    result = check_cached(project)
    # A one-off check freezes the heap it leaves (incremental.run: gc.freeze), cyclic garbage
    # included; a build goes on to render and write, so that garbage is collected first: at
    # 10,000 facts 0.2 CPU-seconds, and 70 MB off the build's peak of about 270 MB.
    gc.unfreeze()
    gc.collect()
    if result.dossier is None:
        return result
    # 2-3. render pages in memory (unchanged ones from the cache), write what changed
    generate(project, result.dossier, engine=engine, fresh=clean, changes=changes(result.dossier.facts) or {})
    if with_site:
        # 4. the strict build, link-checked; incremental where site/ is this build's own;
        # 5. Pagefind indexes the written HTML meanwhile, on the other core
        site.engine(engine).build(
            project,
            quiet=quiet,
            incremental=not clean,
            title=result.dossier.title,
            alongside=partial(search.index, project, engine),
        )
    return result


def pages(dossier: Dossier, *, built: str | None = None, engine: str = urls.DEFAULT_ENGINE) -> dict[str, str]:
    """Every generated file, keyed by its path below ``docs/generated/``: pages and downloads."""
    return {**render.render(dossier, built=built or build_date(), engine=engine), **downloads(dossier)}


def downloads(dossier: Dossier) -> dict[str, str]:
    """The download files (JSON, JSON Lines, CSV), keyed by their path below ``docs/generated/``."""
    return {urls.download(name): text for name, text in export.files(dossier).items()}


def generate(
    project: Project,
    dossier: Dossier,
    *,
    built: str | None = None,
    engine: str = urls.DEFAULT_ENGINE,
    fresh: bool = False,
    cache: pagecache.PageCache | None = None,
    changes: Mapping[str, history.Change] | None = None,
    downloads_last: bool = False,
    live: bool = False,
) -> generated.Written:
    """Render, prove every page's front matter reads back as meant, then write what changed.

    Fact, entity and seed pages whose inputs did not change since the last build come from the
    page cache (see dossier.pagecache), which holds no page, only the stamp of each page's file:
    a page whose file is still as written is left alone; every other page is verified and
    written as soon as it is rendered, so that a build never holds every page at once. The cache
    is ``cache`` when given (``serve`` keeps it in memory between saves), else the one in the
    project's cache folder, which is then updated. ``fresh`` renders every page (and refills
    the cache). ``changes``: when each fact last changed, if the caller knows (``serve`` blames
    once, not on every save); else one ``git blame`` now. ``downloads_last``: the download files
    (JSON, JSON Lines, CSV of the whole dossier) are written after every page, not beside them
    (``serve``: the engine starts on the pages a second sooner), when they are on disk already.
    ``live``: the check-status script watches for the next check's result (``serve``; see
    check_script).
    """
    built = built or build_date()
    out = generated.Writer(project.generated_dir, project_root=project.root)
    who = pagecache.identity(project)
    context = f"{pagecache.context_key(engine, built)}:{who}"
    stored = cache is None and bool(who)
    if cache is not None:
        cache.next_round()
        cache.present = out.matches  # this round's writer knows the files as they are now
    elif stored and not fresh:
        cache = pagecache.load(project, engine, context, out.matches)
    else:
        cache = pagecache.PageCache(present=out.matches)

    # The downloads (the whole dossier as JSON, JSON Lines and CSV: a second and a half of CPU at
    # 10,000 facts) are made and written a piece at a time: on the second core while the pages
    # are rendered, from the parent's memory as it is, or (``downloads_last``) after the pages.
    rels = [urls.download(name) for name in export.FILE_NAMES]
    last = downloads_last and all(rel in out.owned for rel in rels)
    out.cover(rels)
    made = None if last else parallel.Job(partial(_write_downloads, out, dossier), fork=True)
    for rel in rels if last else ():
        out.later(rel)

    def emit(rel: str, text: str | None, front: dict[str, Any] | None) -> None:
        if text is None:
            out.keep(rel)  # as written by an earlier build, for the same inputs
            return
        generated.verify_front_matter({rel: text}, {rel: front} if front is not None else {})
        out.add(rel, text)

    try:
        rendered = _render(project, dossier, built, engine, cache, changes, emit)
        generated.verify_front_matter(rendered.pages, rendered.meta)
    except BaseException:
        if made is not None:  # reap the worker; its result no longer matters
            with contextlib.suppress(Exception):
                made.result()
        raise
    if made is not None:
        out.merge(*made.result())
    files = {**rendered.pages, **_tool_files(live)}
    del rendered
    for rel, text in files.items():
        out.add(rel, text)
    for rel, data in originals(project, dossier).items():
        out.add(rel, data)
    written = out.finish()
    if last:
        _write_downloads(out, dossier)
        written = generated.Written(tuple(sorted(out.changed)), out.unchanged, written.removed)
    cache.stamp(out.stamps)
    if stored:
        pagecache.save(project, engine, context, cache)
    return written


def _render(
    project: Project,
    dossier: Dossier,
    built: str,
    engine: str,
    cache: pagecache.PageCache,
    changes: Mapping[str, history.Change] | None,
    emit: render.Emit | None = None,
) -> render.Rendered:
    """The site's pages for ``engine`` (see :func:`dossier.render.render_site`); "last changed"
    from ``changes`` when the caller has them, else from one ``git blame`` now."""
    return render.render_site(
        dossier,
        built=built,
        engine=engine,
        history=history.for_project(project, dossier.facts) if changes is None else changes,
        site_url=site.project_site_url(project),
        cache=cache,
        emit=emit,
    )


def _tool_files(live: bool) -> dict[str, str]:
    """What every generate writes that belongs to the tool, not the dossier: the site's assets,
    the JSON Schemas and the check-status script (``live`` under serve)."""
    return {**assets(), **schemas(), CHECK_SCRIPT: check_script((), live=live)}


def _write_downloads(
    out: generated.Writer, dossier: Dossier
) -> tuple[list[str], list[str], int, dict[str, generated.Stamp]]:
    """Write the downloads through ``out`` (a forked copy of the build's writer), a piece at a
    time; what it wrote, for :meth:`generated.Writer.merge`."""
    changed, unchanged = len(out.changed), out.unchanged
    rels = []
    for name, parts in export.file_parts(dossier).items():
        rels.append(urls.download(name))
        out.add_parts(rels[-1], (part.encode("utf-8") for part in parts))
    return rels, out.changed[changed:], out.unchanged - unchanged, {rel: out.stamps[rel] for rel in rels}


# Written by every build with no finding in it; ``serve`` rewrites it with the check's errors,
# so every page of the preview shows them (mkdocs.yml lists it under extra_javascript).
CHECK_SCRIPT = f"{urls.ASSETS}/check.js"
_CHECK_JS = """\
// Written by dossier. Under `dossier serve`, the errors of the last check: while there are any,
// the pages shown are from the last good build, and every page says so at its top.
(function () {
  var findings = %s;
  var live = %s;
  var self = document.currentScript && document.currentScript.src;
  if (live && self && window.fetch) {
    // Under serve: reload once the next check says something else. The engine's live reload
    // does this too, but a page that is itself reloading when the engine's message comes (as
    // while the engine is still building) never hears it; asking costs one local request a second.
    var now = JSON.stringify(findings);
    var ask = function () {
      fetch(self, { cache: "no-store" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (text) {
          var m = /var findings = (.*);\\n/.exec(text);
          if (!m || JSON.stringify(JSON.parse(m[1])) === now) return setTimeout(ask, 1000);
          // Refresh the browser's cached copy first: a reload may take scripts from the cache.
          return fetch(self, { cache: "reload" }).then(function () { location.reload(); });
        })
        .catch(function () { setTimeout(ask, 1000); });
    };
    setTimeout(ask, 1000);
  }
  if (!findings.length) return;
  function show() {
    var box = document.createElement("div");
    box.className = "dossier-check-errors";
    box.setAttribute("role", "alert");
    // Fixed at the window's top, over the page, not in its flow: a page reloaded by a save keeps
    // its scroll position, and a box pushed in above the content would be scrolled out of sight.
    box.style.cssText = "background:#b00020;color:#fff;padding:.8rem 1rem;font-size:.8rem;" +
      "position:fixed;top:0;left:0;right:0;z-index:1000;max-height:50vh;overflow:auto;" +
      "box-shadow:0 2px 6px rgba(0,0,0,.4);";
    var head = document.createElement("strong");
    head.textContent = "dossier check failed: this preview shows the last good build. " +
      "Fix these and save:";
    var list = document.createElement("pre");
    list.style.cssText = "white-space:pre-wrap;margin:.4rem 0 0;color:#fff;background:none;";
    list.textContent = findings.join("\\n");
    box.appendChild(head);
    box.appendChild(list);
    document.body.insertBefore(box, document.body.firstChild);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show);
  else show();
})();
"""


def check_script(errors: Iterable[Diagnostic], *, live: bool = False) -> str:
    """The check-status script: ``path:line:col: CODE message`` lines as JSON data, shown by the
    page with textContent (never parsed as HTML); escape.json_ld keeps any value from closing
    the script or breaking the line. ``live`` (``serve`` only): the page asks for the script
    again every second and reloads when the findings change; a built site never asks."""
    lines = [str(d) for d in errors]
    return _CHECK_JS % (escape.json_ld(lines), "true" if live else "false")


def show_check_errors(project: Project, result: CheckResult) -> None:
    """Put the check's errors in front of every page ``serve`` shows (see CHECK_SCRIPT)."""
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    generated.replace(
        project.generated_dir, CHECK_SCRIPT, check_script(errors, live=True), project_root=project.root
    )


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, Windows, musl)."""
    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except (OSError, TypeError):  # no C library to load by that name (Windows)
        return None


def _trim() -> None:
    """Give the memory a round freed back to the system. glibc keeps freed pages inside its heap
    for reuse, and a round leaves many scattered: at 50,000 facts ``serve`` idled at 830–880 MB
    resident instead of 770, and each save grew on top of that. Takes milliseconds."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


class Regenerator:
    """``serve``'s work on a save: check; then render only the pages whose inputs changed, with
    the page cache kept in memory, and write what changed; or, when the check fails, show its
    errors in the browser instead of silently keeping the old pages.

    The check is incremental (:func:`dossier.check.check_cached` with one Memory kept across
    saves): a save re-judges only the entries it changed, and ``model`` can replace it.

    The page cache holds, as a build's does, only the stamp of each page's file, never its text,
    and an outline of the last round's dossier, so the inputs of a page no edit could reach are
    not even computed (dossier.pagecache.touched). The downloads (JSON, JSON Lines, CSV of the
    whole dossier: a second at 10,000 facts) are written after the pages, so the engine
    rebuilds the edited page without waiting for them; until they land, a moment later, the
    preview offers the last round's."""

    def __init__(
        self, project: Project, engine: str, model: Callable[[Project], CheckResult] | None = None
    ) -> None:
        self.project = project
        self.engine = engine
        # The last check's parts and model values: a save re-checks only what it changed.
        self.memory = Memory()
        self.model = model or partial(check_cached, memory=self.memory)
        self.cache = pagecache.PageCache(present=pagecache.unwritten)
        # "Last changed" as of the first build: a blame costs seconds at 10,000 facts and an edit
        # changes no commit, so the preview keeps the dates the last commit gave.
        self.changes: Mapping[str, history.Change] | None = None
        # The last round's facts by id, whose pages are on disk (not its whole dossier: the check
        # of the next save runs without it). Its unchanged facts are the very objects of the next
        # round's (the incremental check keeps them), so they cost little.
        self.facts: dict[str, Fact] | None = None

    def __call__(self) -> CheckResult:
        try:
            return self._round()
        finally:
            # The check runs with the cyclic collector off (dossier.incremental.run), and leaves
            # its cyclic garbage behind: collected now, after the round, it is not still there
            # on top of the next save's check (40 MB at 10,000 facts; a fifth of a second).
            gc.collect()
            _trim()

    def _round(self) -> CheckResult:
        result = self.model(self.project)
        if self.facts is None:  # the first round: a cold check's garbage goes before the render
            gc.collect()
        site.trace("regenerate: checked")
        if result.dossier is None:
            show_check_errors(self.project, result)
            return result
        if self.changes is None:
            self.changes = history.for_project(self.project, result.dossier.facts) or {}
        try:
            if self.facts is not None and site.engine(self.engine).rebuilds_written:
                self._edited_first(self.facts, result.dossier)
            self.facts = None  # until this round's pages are all written
            generate(
                self.project,
                result.dossier,
                engine=self.engine,
                cache=self.cache,
                changes=self.changes,
                downloads_last=True,
                live=True,
            )
            self.facts = {fact.id: fact for fact in result.dossier.facts}
            site.trace("regenerate: pages and downloads written")
        except BaseException:
            # It may hold pages that were never verified.
            self.cache = pagecache.PageCache(present=pagecache.unwritten)
            raise
        return result

    # An edit to more facts than this (a search and replace, a checkout) is written in one go.
    FIRST = 3

    def _edited_first(self, kept: Mapping[str, Fact], after: Dossier) -> None:
        """Write the pages of the facts this save edited before anything else, as the whole round
        will write them: the engine rebuilds them while the rest renders (the lists take seconds
        at 10,000 facts), and the round then finds them on disk as it would have written them.
        Only a few facts' pages, and only pages already on disk (and in the manifest)."""
        edited = [f for f in after.facts if f.id in kept and kept[f.id] is not f and kept[f.id] != f]
        if not edited or len(edited) > self.FIRST:
            return
        view = render.View(
            after, build_date(), self.engine, self.changes, site.project_site_url(self.project)
        )
        folder = self.project.generated_dir
        for fact in edited:
            path, body, front = render.fact_body(view, fact)
            text = escape.front_matter(front) + body
            try:
                same = fs.read_bytes(folder / path, root=self.project.root) == text.encode("utf-8")
            except (OSError, fs.UnsafePath):
                continue  # not there to replace: the round writes it (or says why not)
            if same:
                continue
            generated.verify_front_matter({path: text}, {path: front})
            generated.replace(folder, path, text, project_root=self.project.root)
        site.trace("regenerate: edited facts' pages written")


def originals(project: Project, dossier: Dossier) -> dict[str, bytes]:
    """Each seed's kept capture, byte for byte, keyed by where the site publishes it (see
    :func:`dossier.urls.original`). Read by the filesystem rule and verified again: the file may
    have changed since the check."""
    files = {}
    for seed in dossier.seeds:
        if seed.original is None:
            continue
        kept, data = seeds.read_original(project.seeds_dir, seed.original.file, root=project.root)
        if kept.error or kept.sha256 != seed.original.sha256:
            raise generated.GeneratedFolderError(
                f"seeds/{seed.original.file} {kept.error or 'changed after the check'}: run dossier check"
            )
        files[urls.original(seed.original.file)] = data or b""
    return files


def assets() -> dict[str, str]:
    """The site's stylesheet, scripts and icon, shipped with the package, keyed by path below generated/.

    They belong to the tool, not to a dossier: written on every build, an upgrade of dossier
    updates every dossier's site, and ``mkdocs.yml`` refers to them as ``generated/assets/…``.
    """
    folder = resources.files("dossier") / urls.ASSETS
    return {
        f"{urls.ASSETS}/{item.name}": item.read_text("utf-8")
        for item in sorted(folder.iterdir(), key=lambda item: item.name)
        if item.is_file() and not item.name.startswith(".")
    }


def schemas() -> dict[str, str]:
    """The JSON Schemas of the facts file and seed front matter, keyed by path below generated/.

    A new dossier's ``data/facts.yaml`` names ``../docs/generated/schema/facts.schema.json`` in its
    ``yaml-language-server`` modeline, so an editor validates and completes with the schema of the
    dossier version that built it.
    """
    folder = resources.files("dossier") / "schema"
    return {
        f"schema/{item.name}": item.read_text("utf-8")
        for item in sorted(folder.iterdir(), key=lambda item: item.name)
        if item.name.endswith(".schema.json")
    }


def regenerate(project: Project, engine: str | None = None) -> CheckResult:
    """Check and rewrite the pages, without the site engine (``serve`` runs its own)."""
    return build(project, with_site=False, engine=engine)


def build_date() -> str:
    """Today (UTC), or the day of ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = (
        dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    )
    return now.date().isoformat()
