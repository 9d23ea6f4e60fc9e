"""How ``dossier build`` runs MkDocs: ``python -I -m dossier.mkdocsrun build --strict …``.

MkDocs' own CLI, with one change to a build from clean: the pages are rendered by one worker
process per usable core, each writing a disjoint share, and each page's Markdown and HTML is
dropped once its file is written. MkDocs itself (1.6, ``mkdocs.commands.build.build``) renders
every page on one core and holds every page's HTML until it writes the first (636 MB at 10,000
facts), so its time and memory grow with the pages.

What MkDocs writes does not change, byte for byte (tests/test_mkdocsrun.py compares it with
``mkdocs build --strict``): a page's HTML depends on the page itself, the configuration and the
navigation, and the pages the navigation names are read and rendered before the workers start,
so every worker sees their titles and metadata exactly as MkDocs would. The static files and the
theme's own templates (404.html, the sitemap) are written once, before the pages, as MkDocs
writes them. Strictness stays: the workers send back their warning counts, anchors and links to
anchors, and this process counts the warnings of all and validates the anchors as MkDocs does,
with its messages; a worker that fails or dies fails the build.

A build with plugins or hooks (their events would run in several processes), a dirty build
(a handful of pages) and one on a single core run MkDocs' own build unchanged.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation

log = logging.getLogger("mkdocs.commands.build")  # MkDocs' own, so its CLI shows and counts ours

# What a worker sends back for each page it built: its source, the ids of its anchors (a JSON
# list, one string: a set of strings per page would cost ~4 KB each, 250 MB at 50,000 facts, and
# only the pages that links point into are ever looked at), and its links to anchors of pages
# ({target source: {anchor: link as written}}, empty for most pages).
PageAnchors = tuple[str, str, dict[str, dict[str, str]]]


WORKERS = "DOSSIER_MKDOCS_WORKERS"  # overrides the number of workers (the tests use 3)


def workers() -> int:
    """How many processes render pages: ``$DOSSIER_MKDOCS_WORKERS``, else the cores this process
    may use."""
    chosen = os.environ.get(WORKERS, "")
    if chosen.isdigit() and int(chosen) > 0:
        return int(chosen)
    return max(1, len(os.sched_getaffinity(0)))


def shares(todo: Sequence[int], parts: int) -> list[Sequence[int]]:
    """``todo`` dealt into ``parts`` shares (none empty): every ``parts``-th page, so each share
    gets its part of every kind of page (pages of one folder cost alike, and some folders, the
    long lists', cost far more than others)."""
    parts = max(1, min(parts, len(todo)))
    return [todo[i::parts] for i in range(parts)]


def build(config: MkDocsConfig, *, serve_url: str | None = None, dirty: bool = False) -> None:
    """MkDocs' ``build``, with the pages rendered in worker processes (see the module's doc)."""
    from mkdocs.commands import build as mkdocs_build

    if not _inert(config) or (dirty and not serve_url):
        assert _original is not None
        _original(config, serve_url=serve_url, dirty=dirty)
        return
    # The development server's later builds run in one of its threads, beside the threads that
    # serve and watch: forking then could copy a lock another thread holds. Its first build runs
    # before those start.
    parts = workers() if threading.active_count() == 1 else 1
    _build(config, mkdocs_build, parts, serve_url=serve_url, dirty=dirty)


# Called by a build through :func:`_build` with what it built from (config, files, navigation,
# theme environment and the pages' files): ``serve`` rebuilds single pages from these.
built: Callable[[MkDocsConfig, Files, Navigation, Any, Sequence[File]], None] | None = None


def _inert(config: MkDocsConfig) -> bool:
    """Whether no plugin or hook does anything: each is switched off (``enabled: false``, as
    mkdocs.yml turns off the theme's search). Material's plugins honour that setting in every
    event; a plugin without it (a hook, say) could keep state across pages, which the workers
    would split, so then MkDocs builds on its own."""
    return all(
        isinstance(getattr(plugin, "config", None), Mapping) and plugin.config.get("enabled") is False
        for plugin in config.plugins.values()
    )


_original: Callable[..., None] | None = None  # MkDocs' own build, set by install()


def install() -> None:
    """Make MkDocs' CLI (``build`` and ``serve``) run :func:`build`."""
    global _original
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.commands import serve as mkdocs_serve

    if _original is None:
        _original = mkdocs_build.build
    mkdocs_build.build = build
    mkdocs_serve.build = build  # type: ignore[attr-defined]  # serve imported it by name


def _build(
    config: MkDocsConfig, mb: Any, parts: int, *, serve_url: str | None = None, dirty: bool = False
) -> None:
    """``mkdocs.commands.build.build`` without plugins, step for step, but for the rendering of
    the pages (``mb`` is that module). ``serve_url`` and ``dirty`` as there: a build for the
    development server (drafts included), and one that renders only the pages whose Markdown is
    newer than their HTML."""
    from urllib.parse import urljoin

    from mkdocs import utils
    from mkdocs.exceptions import Abort, BuildError
    from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
    from mkdocs.structure.pages import Page

    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    if config.strict:
        logging.getLogger("mkdocs").addHandler(counter)
    inclusion = InclusionLevel.is_in_serve if serve_url else InclusionLevel.is_included
    try:
        start = time.monotonic()
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        if not dirty:
            log.info("Cleaning site directory")
            utils.clean_directory(config.site_dir)
        else:  # MkDocs' own words (which dossier.site's filter drops)
            log.warning(
                "A 'dirty' build is being performed, this will likely lead to inaccurate navigation and other"
                " links within your site. This option is designed for site development purposes only."
            )
        if not serve_url:
            log.info(f"Building documentation to directory: {config.site_dir}")
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = mb.get_navigation(files, config)  # through the module: serve's hook sees it
        nav = config.plugins.on_nav(nav, config=config, files=files)
        doc_files = files.documentation_pages(inclusion=inclusion)
        excluded = []
        for file in doc_files:
            if file.page is None and file.inclusion.is_not_in_nav():  # type: ignore[no-untyped-call]
                if serve_url and file.inclusion.is_excluded():  # type: ignore[no-untyped-call]
                    excluded.append(urljoin(serve_url, file.url))
                Page(None, file, config)
        if excluded:
            log.info(
                "The following pages are being built only for the preview "
                "but will be excluded from `mkdocs build` per `draft_docs` config:\n  - "
                + "\n  - ".join(excluded)
            )
        # The pages to render: all, or (dirty) those whose Markdown is newer than their HTML.
        todo = [i for i, file in enumerate(doc_files) if not dirty or file.is_modified()]
        # The navigation's pages first: every page shows their titles (and Material their
        # metadata), which come from their Markdown. They stay in memory; they are few.
        in_nav = {id(page.file) for page in nav.pages}
        for i in todo:
            file = doc_files[i]
            if id(file) in in_nav:
                assert file.page is not None
                mb._populate_page(file.page, config, files)
        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files(dirty=dirty, inclusion=inclusion)
        for template in config.theme.static_templates:
            mb._build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            mb._build_extra_template(template, files, config, nav)

        cut = shares(todo, parts)
        log.debug(f"Rendering {len(todo)} pages in {len(cut)} processes")

        def work(share: Sequence[int]) -> list[PageAnchors]:
            return _render(share, config, files, doc_files, nav, env, in_nav, mb)

        found = _run(work, cut, counter)
        _validate_anchors(config, files, doc_files, found)
        if built is not None:
            built(config, files, nav, env, doc_files)
        config.plugins.on_post_build(config=config)
        if counts := counter.get_counts():
            msg = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise Abort(f"Aborted with {msg} in strict mode!")
        log.info(f"Documentation built in {time.monotonic() - start:.2f} seconds")
    except Exception as e:
        config.plugins.on_build_error(error=e)
        if isinstance(e, BuildError):
            log.error(str(e))
            raise Abort("Aborted with a BuildError!") from e
        raise
    finally:
        logging.getLogger("mkdocs").removeHandler(counter)


def _render(
    share: Sequence[int],
    config: MkDocsConfig,
    files: Files,
    doc_files: Sequence[File],
    nav: Navigation,
    env: Any,
    in_nav: set[int],
    mb: Any,
) -> list[PageAnchors]:
    """Read, render and write the pages ``share`` of ``doc_files``, one at a time, dropping each
    page's Markdown and HTML once written; their anchors and links to anchors, for the check."""
    from mkdocs.structure.toc import TableOfContents

    found: list[PageAnchors] = []
    for index in share:
        file = doc_files[index]
        page = file.page
        assert page is not None
        if id(file) not in in_nav:
            mb._populate_page(page, config, files)
        excluded = file.inclusion.is_excluded()  # type: ignore[no-untyped-call]
        mb._build_page(page, config, doc_files, nav, env, excluded=excluded)
        ids = page.present_anchor_ids
        links = {to.src_uri: dict(a) for to, a in (page.links_to_anchors or {}).items()}
        found.append((file.src_uri, json.dumps(None if ids is None else sorted(ids)), links))
        if id(file) not in in_nav:  # no other page shows anything of it: drop what it held
            page.markdown = page.content = None
            page.links_to_anchors = page.present_anchor_ids = None
            page.toc, page.meta = TableOfContents([]), {}
    return found


def _run(
    work: Callable[[Sequence[int]], list[PageAnchors]], parts: list[Sequence[int]], counter: Any
) -> list[PageAnchors]:
    """``work(share)`` for every share: here when there is one, else in a forked process
    each. A worker's warnings are counted into ``counter``; a worker that fails (its own error
    already logged) or dies raises Abort."""
    from mkdocs.exceptions import Abort

    if len(parts) <= 1:
        return [found for share in parts for found in work(share)]
    children = []
    sys.stdout.flush()  # else a worker would write out again what this process had buffered
    sys.stderr.flush()
    for share in parts:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            os.close(read)
            _worker(work, share, write, counter)
        os.close(write)
        children.append((pid, read))
    found: list[PageAnchors] = []
    failed = 0
    try:
        for pid, read in children:
            with os.fdopen(read, "rb") as result:
                data = result.read()  # each worker writes once, when done: no pipe fills twice
            status = os.waitpid(pid, 0)[1]
            if os.waitstatus_to_exitcode(status) != 0 or not data:
                failed += 1
                continue
            counts, pages = json.loads(data)
            found += [(uri, ids, links) for uri, ids, links in pages]
            for level, number in counts:
                # The worker's warnings were shown by it; this counts them here, as MkDocs would.
                counter.counts[level] += number
    finally:
        for pid, _read in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
    if failed:
        raise Abort(f"Aborted: {failed} of {len(parts)} page workers failed")
    return found


def _worker(
    work: Callable[[Sequence[int]], list[PageAnchors]], share: Sequence[int], write: int, counter: Any
) -> None:
    """A forked worker: render ``share``, send back (warning counts, anchors), and exit.
    ``counter`` is this process's copy of the parent's: it starts from nothing here."""
    code = 1
    try:
        counter.counts.clear()
        found = work(share)
        data = json.dumps((list(counter.counts.items()), found)).encode("utf-8")
        with os.fdopen(write, "wb") as out:
            out.write(data)
        code = 0
    except KeyboardInterrupt:
        code = 130
    except BaseException as e:
        from mkdocs.exceptions import BuildError

        if isinstance(e, BuildError):
            log.error(str(e))
        else:
            traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _validate_anchors(
    config: MkDocsConfig, files: Files, doc_files: Sequence[File], found: list[PageAnchors]
) -> None:
    """MkDocs' check of links to anchors, over what the workers found, with its messages."""
    by_uri = {file.src_uri: file for file in doc_files}
    known = {file.src_uri: file for file in files}
    targets = {to for _uri, _ids, links in found for to in links}
    for uri, anchors, links in found:
        page = by_uri[uri].page
        assert page is not None
        if uri in targets:  # only the pages links point into are looked at
            ids = json.loads(anchors)
            page.present_anchor_ids = None if ids is None else set(ids)
        page.links_to_anchors = {known[to]: a for to, a in links.items()} or None
    level = config.validation.links.anchors
    for file in doc_files:
        assert file.page is not None
        file.page.validate_anchor_links(files=files, log_level=level)


if __name__ == "__main__":  # ``python -I -m dossier.mkdocsrun build …``: what dossier build runs
    from dossier.site import _quiet_dirty_warning

    _quiet_dirty_warning()  # a dirty build's one warning, which --strict would count
    install()
    from mkdocs.__main__ import cli

    cli(prog_name="mkdocs")
