"""Stage 6: the site's search index, built by Pagefind from the HTML the site engine wrote.

Pagefind (``pagefind-bin``, a single binary run as ``python -I -m pagefind``) splits the index
into small fragments the browser fetches per query, so a first search at 10,000 facts costs a few
hundred kilobytes, not the engines' one 60 MB JSON file. It reads the written HTML, so it works the
same for MkDocs and Zensical; both engines' own search is switched off in ``mkdocs.yml`` and
``dossier/assets/search.js`` puts a search box in the header that queries these bundles.

Pagefind keeps one index per language and stems a page by its ``<html lang>``, which the theme
sets once for the whole site. So there are two kinds of bundle:

- ``site/pagefind/``: every page, in the site's language.
- ``site/pagefind-<lang>/``: the seed pages whose text is in another language (the seed text's
  element says so: ``lang="de" data-pagefind-meta="language:de"``), forced to that language so
  Pagefind stems it as, say, German. Merging another language into one bundle would search it
  with the first bundle's stemmer, so the browser runs each bundle as its own Pagefind instance.

``site/pagefind-bundles.json`` lists the bundles for the browser script.

Pagefind holds every page it indexes in memory until it writes the bundle (about 170 KB per fact
page: 1.6–2.4 GB at 10,000 facts), so a large site is indexed in shards: the pages are dealt, in
path order, into as many runs as :data:`SHARD_BYTES` of HTML require, each written to its own
folder (``pagefind/``, ``pagefind-2/``, … and ``pagefind-de-2/`` for a language's bundle). The
browser loads the first shard of a language and merges the others into it (Pagefind's
``mergeIndex``: one WebAssembly module, results ranked together). Dealing the pages round-robin
keeps every shard a sample of the whole site, so their word statistics, and scores, agree.

Pagefind cannot update an index (its issue 71). After an incremental build, the pages whose
article (what Pagefind reads) changed since the last full index, and new pages, are indexed into
delta bundles (``pagefind-delta/``, ``pagefind-de-delta/``) listed after the full index's, and the
full index's fragment ids of changed and removed pages go to ``pagefind-superseded.json`` (named in
the manifest), which the browser drops from every result list. The cache folder keeps what that
needs: each page's digest and fragment ids, and the full index's bundles as hard links (Zensical
empties ``site/`` on every build). A build from clean, or a delta past :data:`DELTA_BYTES`,
indexes every page again.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from dossier import atomic, cache, fs, urls
from dossier.project import Project
from dossier.site import SiteError

BUNDLE = "pagefind"  # the main bundle's folder below site/
MANIFEST = "pagefind-bundles.json"  # below site/: the bundles the browser searches
# HTML bytes per Pagefind run. Its peak memory is about 6–7 times the HTML it indexes (fact pages:
# 26 KB of HTML, ~170 KB in memory), so a shard of 100 MB stays near 700 MB: under 1 GB at any size.
SHARD_BYTES = 100_000_000
# The theme's content column, the same element in MkDocs (Material) and Zensical: the header, the
# navigation and the footer are left out of the index. Template overrides are refused (see
# site.config_paths), so the theme's own <article> cannot carry data-pagefind-body.
ROOT_SELECTOR = "article.md-content__inner"
# Not words of the page: heading permalinks (¶), the [k] passage numbers in a seed's text
# (their "passage [1]" read as the start of every seed result), the label of a translation beside
# its passage ("Translation [k]:"; the translation itself is searchable), and the edit buttons.
EXCLUDE_SELECTORS = (
    ".headerlink",
    ".cite-ref",
    ".cite-translation__label",
    ".md-content__button",
    # and the page's furniture: breadcrumbs, the seed reader's focus bar
    ".dossier-breadcrumbs",
    ".passage-focus",
)
# The element the seed template writes around a seed's text; the language is a schema-checked
# code. Text on the page cannot forge it: every "<" of a value reaches the HTML escaped.
_SEED_LANGUAGE = re.compile(rb'<div class="seed-text" lang="([a-z]{2})" data-pagefind-meta="language:\1">')
_HTML_LANG = re.compile(rb'<html[^>]*\slang="([A-Za-z-]+)"')


# The languages Pagefind stems (its pagefind_stem crate) or segments (Chinese, Japanese): a bundle
# of their own helps a reader's search only there. Any other code would cost a Pagefind run at
# every build and an instance in every reader's first search, for nothing (the schema accepts any
# two letters, so a pull request could ask for hundreds); those pages are in the main bundle.
OWN_BUNDLE = frozenset(
    [
        "ar",
        "hy",
        "eu",
        "ca",
        "da",
        "nl",
        "en",
        "fi",
        "fr",
        "de",
        "el",
        "hi",
        "hu",
        "id",
        "ga",
        "it",
        "lt",
        "ne",
        "no",
        "pt",
        "ro",
        "ru",
        "sr",
        "es",
        "sv",
        "ta",
        "tr",
        "yi",
        "zh",
        "ja",
    ]
)


# An incremental build's index: the pages whose indexed text changed since the last full index
# go into delta bundles (pagefind-delta/, pagefind-de-delta/) beside the old ones, and the old
# copies of those pages and of removed pages are listed by fragment id in SUPERSEDED, which the
# browser drops from every search. Past DELTA_BYTES of changed HTML, the whole site is indexed
# again (a delta's word statistics are its own, and its pages were indexed twice).
DELTA = "delta"
DELTA_BYTES = SHARD_BYTES // 5
SUPERSEDED = "pagefind-superseded.json"  # below site/: fragment ids the browser drops
_STATE = "search-index.json"  # in the cache folder: the last full index and the pages' digests
_STATE_VERSION = 2  # 2: bundles stamped file by file (_bundle_stamp), the state names its cache folder
_KEPT = "search-bundles"  # in the cache folder: the last full index's bundles (see _keep)
_ARTICLE = re.compile(rb"<article\b[^>]*\bmd-content__inner\b")

# A page as the index sees it: modification time (ns), size, digest of the indexed part, and
# the language of a seed page's text ("" for any other page).
Page = tuple[int, int, str, str]


def available() -> bool:
    return importlib.util.find_spec("pagefind_bin") is not None


def index(project: Project, engine: str, incremental: bool = False) -> None:
    """Index ``site/`` (just written by ``engine``) into Pagefind bundles; SiteError on failure.

    ``incremental``: the engine built on the last build's ``site/``. Then, when the pages whose
    indexed text changed since the last full index are few, only those are indexed, into delta
    bundles (see the module's docstring); otherwise (and after a build from clean) every page is."""
    if not available():
        raise SiteError("pagefind-bin is not installed (pip install -e .): the site would have no search")
    superseded: list[str] | None = None  # None: a full index, which supersedes nothing
    last = _read_state(project)
    _forget_state(project)  # until this index is written, no later build may build on the last
    site_lang, pages = scan(project.site_dir, last.get("seen", {}))
    base = _usable_base(project, last, site_lang) if incremental else None
    changed = _delta(pages, base) if base is not None else None
    if base is not None and changed is not None:
        bundles, superseded = _index_delta(project, engine, site_lang, pages, base, changed)
        state = {**base, "seen": pages}
    else:
        bundles, ids = _index_all(project, engine)
        state = _state(project.site_dir, site_lang, bundles, pages, ids)
        _keep(project, bundles)
    names = [f"{name}/" for name in bundles]
    if superseded is None:
        _remove(project.site_dir / SUPERSEDED)
    else:  # listed in the manifest: the browser fetches it only then
        _write_json(project.site_dir / SUPERSEDED, superseded)
        names.append(SUPERSEDED)
    _write_json(project.site_dir / MANIFEST, names)
    _write_state(project, state)


def _index_all(project: Project, engine: str) -> tuple[list[str], dict[str, list[str]]]:
    """Every page into fresh bundles: their names, and each page's fragment ids in them."""
    _clear_bundles(project.site_dir)
    site_lang, foreign = languages(project.site_dir)
    bundles = _index_shards(project, engine, BUNDLE, html_pages(project.site_dir))
    for lang, pages in sorted(foreign.items()):
        if lang == site_lang or lang not in OWN_BUNDLE:
            continue
        sizes = {page: size for page in pages if (size := _size(project.site_dir / page))}
        bundles += _index_shards(project, engine, f"{BUNDLE}-{lang}", sizes, "--force-language", lang)
    return bundles, fragment_ids(project.site_dir, bundles)


def _index_delta(
    project: Project,
    engine: str,
    site_lang: str,
    pages: dict[str, Page],
    base: dict[str, Any],
    changed: list[str],
) -> tuple[list[str], list[str]]:
    """The pages in ``changed`` into delta bundles beside the last full index's: the bundle names
    (the base's, then the deltas), and the base's fragment ids the browser must drop (the
    changed and the removed pages' old copies)."""
    _clear_bundles(project.site_dir, deltas_only=True)
    bundles = list(base["bundles"])
    delta = []
    if changed:
        _pagefind(project, engine, changed, "--output-subdir", f"{BUNDLE}-{DELTA}")
        delta.append(f"{BUNDLE}-{DELTA}")
    for lang, names in sorted(_foreign({n: pages[n] for n in changed}, site_lang).items()):
        _pagefind(
            project, engine, names, "--output-subdir", f"{BUNDLE}-{lang}-{DELTA}", "--force-language", lang
        )
        delta.append(f"{BUNDLE}-{lang}-{DELTA}")
    old = {path for path in base["pages"] if path not in pages} | set(changed)
    stale = {i for path in old if path in base["pages"] for i in base["pages"][path][1]}
    # A changed page whose indexed text is the same after all (only an excluded element
    # changed) gets the same fragment id in the delta: then the two copies are one.
    fresh = {i for ids in fragment_ids(project.site_dir, delta).values() for i in ids}
    return bundles + delta, sorted(stale - fresh)


def _delta(pages: dict[str, Page], base: dict[str, Any]) -> list[str] | None:
    """The pages whose indexed text differs from the base's (or that are new), if few enough
    to index apart (:data:`DELTA_BYTES`); None when the whole site must be indexed again."""
    known = base["pages"]
    changed = sorted(path for path, page in pages.items() if path not in known or known[path][0] != page[2])
    if sum(pages[path][1] for path in changed) > DELTA_BYTES:
        return None
    return changed


def scan(site_dir: Path, seen: dict[str, Any]) -> tuple[str, dict[str, Page]]:
    """The site's ``<html lang>`` and every HTML page below ``site/`` (regular files, never
    through a link; the bundles' folders are skipped) with what the index depends on.

    A page's digest covers its article, the part Pagefind indexes (see :data:`ROOT_SELECTOR`):
    the navigation beside it may change on every page (Zensical rewrites every file) without
    changing a word of the index. A page whose time and size are as in ``seen`` is not read."""
    site_lang = "en"
    with contextlib.suppress(OSError, fs.UnsafePath):
        if found := _HTML_LANG.search(fs.read_bytes(site_dir / "index.html", root=site_dir)):
            site_lang = found.group(1).decode("ascii").split("-")[0].lower()
    seeds = urls.url(urls.docs_path(urls.SOURCES))
    pages: dict[str, Page] = {}
    for top, dirs, files in os.walk(site_dir):
        if top == str(site_dir):
            dirs[:] = [d for d in dirs if not _BUNDLE_NAME.fullmatch(d)]
        for name in files:
            if not name.endswith(".html"):
                continue
            path = Path(top) / name
            rel = path.relative_to(site_dir).as_posix()
            try:
                st = path.lstat()
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            old = seen.get(rel)
            if isinstance(old, list) and old[:2] == [st.st_mtime_ns, st.st_size] and len(old) == 4:
                pages[rel] = (st.st_mtime_ns, st.st_size, str(old[2]), str(old[3]))
                continue
            try:
                html = fs.read_bytes(path)  # the page itself is checked: the walk never entered a link
            except (OSError, fs.UnsafePath):
                continue  # Pagefind reports what it cannot read
            lang = ""
            if rel.startswith(seeds) and (found := _SEED_LANGUAGE.search(html)):
                lang = found.group(1).decode("ascii")
            pages[rel] = (st.st_mtime_ns, st.st_size, _digest(html), lang)
    return site_lang, pages


def _digest(html: bytes) -> str:
    """A digest of the part of a page Pagefind indexes: from its article to the last
    ``</article>`` (the whole page where it has none)."""
    start = found.start() if (found := _ARTICLE.search(html)) else 0
    end = html.rfind(b"</article>")
    return hashlib.blake2b(html[start : end if end > start else None], digest_size=16).hexdigest()


def _foreign(pages: dict[str, Page], site_lang: str) -> dict[str, list[str]]:
    """The seed pages of each language with a bundle of its own (:data:`OWN_BUNDLE`)."""
    found: dict[str, list[str]] = {}
    for path, page in sorted(pages.items()):
        if page[3] and page[3] != site_lang and page[3] in OWN_BUNDLE:
            found.setdefault(page[3], []).append(path)
    return found


_FRAGMENT_URL = re.compile(rb'"url":("(?:[^"\\]|\\.)*")')


def fragment_ids(site_dir: Path, bundles: list[str]) -> dict[str, list[str]]:
    """The fragment ids (what Pagefind's search results call ``id``) of each page, by path below
    ``site/``, in the given bundles. A fragment is gzipped JSON whose first key is the URL."""
    found: dict[str, list[str]] = {}
    for bundle in bundles:
        folder = site_dir / bundle / "fragment"
        for entry in sorted(os.scandir(folder), key=lambda e: e.name) if folder.is_dir() else []:
            if not entry.name.endswith(".pf_fragment") or not entry.is_file(follow_symlinks=False):
                continue
            try:
                head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(
                    fs.read_bytes(Path(entry.path)), 4096
                )
                url = json.loads(m.group(1)) if (m := _FRAGMENT_URL.search(head)) else None
            except (OSError, fs.UnsafePath, zlib.error, ValueError):
                continue
            if isinstance(url, str) and url.startswith("/"):
                page = unquote(url[1:]) + ("index.html" if url.endswith("/") else "")
                found.setdefault(page, []).append(entry.name.removesuffix(".pf_fragment"))
    return found


def _key() -> str:
    """What an index depends on besides the pages: Pagefind's version and this module's options."""
    try:
        version = importlib.metadata.version("pagefind_bin")
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    return json.dumps([_STATE_VERSION, version, ROOT_SELECTOR, EXCLUDE_SELECTORS, sorted(OWN_BUNDLE)])


def _bundle_stamp(folder: Path, bundle: str) -> str | None:
    """A digest of every file of a bundle as it is on disk: path, device, inode, size and
    modification time; None when it is not a plain folder of regular files (a link anywhere).

    A bundle is used again only while every file of it is the very file the full index wrote (or
    its hard link in the cache folder: the same inode). A file that arrived by a checkout, a copy
    or any rewrite has another inode, so a bundle committed to the repository, in site/ or in the
    cache folder, is never built on: the next index is a full one. Stat calls only: no bundle is
    read again (its fragments are public and could be forged with the right names and bytes)."""
    if not _BUNDLE_NAME.fullmatch(bundle):
        return None
    digest = hashlib.blake2b()
    root = folder / bundle
    try:
        if not fs.check_inside(folder, root, want="dir"):
            return None
        for top, dirs, files in os.walk(root):  # never into a link (followlinks is off)
            dirs.sort()
            for name in [*sorted(dirs), *sorted(files)]:
                path = Path(top, name)
                st = path.lstat()
                if name in dirs:
                    if not stat.S_ISDIR(st.st_mode):
                        return None  # a link to a folder
                    continue
                if not stat.S_ISREG(st.st_mode):
                    return None
                rel = path.relative_to(root).as_posix()
                digest.update(f"{rel}\0{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    except (OSError, fs.UnsafePath, UnicodeEncodeError):
        return None
    return digest.hexdigest()


def _state(
    site_dir: Path, site_lang: str, bundles: list[str], pages: dict[str, Page], ids: dict[str, list[str]]
) -> dict[str, Any]:
    """What the next build needs to index only what changed since this full index."""
    return {
        "key": _key(),
        "site_lang": site_lang,
        "bundles": bundles,
        "entries": {name: _bundle_stamp(site_dir, name) for name in bundles},
        "pages": {path: [page[2], sorted(ids.get(path, []))] for path, page in pages.items()},
        # Every fragment is a page's: else an old copy might be left in the index, unlisted.
        "complete": set(ids) <= set(pages),
        "seen": pages,
    }


def _usable_base(project: Project, last: dict[str, Any], site_lang: str) -> dict[str, Any] | None:
    """The last full index, if its bundles are in ``site/`` as it wrote them (put back from the
    cache folder where the engine removed them: Zensical empties ``site/``), with this Pagefind,
    these options and this site language; else None."""
    site_dir = project.site_dir
    try:
        if (
            last.get("key") != _key()
            or last.get("site_lang") != site_lang
            or last.get("complete") is not True
        ):
            return None
        bundles, entries, pages = last["bundles"], last["entries"], last["pages"]
        # Names as a full index writes them, never a delta's, nor "" or "." (site/ itself).
        if not isinstance(bundles, list) or not bundles or not isinstance(entries, dict):
            return None
        if not all(
            isinstance(name, str) and _BUNDLE_NAME.fullmatch(name) and not name.endswith(f"-{DELTA}")
            for name in bundles
        ):
            return None
        _restore(project, bundles, entries)
        if any(
            entries.get(name) is None or _bundle_stamp(site_dir, name) != entries[name] for name in bundles
        ):
            return None
        if not all(
            isinstance(v, list) and len(v) == 2 and isinstance(v[0], str) and isinstance(v[1], list)
            for v in pages.values()
        ):
            return None
    except (KeyError, TypeError, AttributeError):
        return None
    return {key: last[key] for key in ("key", "site_lang", "bundles", "entries", "pages", "complete")}


def _keep(project: Project, bundles: list[str]) -> None:
    """Keep a copy of a full index's bundles in the cache folder (hard links: no bytes copied),
    for :func:`_restore`. Pagefind writes new files, never into old ones, so the links stay
    the bundles as written. Where the copy cannot be made, the next index is a full one."""
    kept = project.cache_dir / _KEPT
    try:
        cache.make_folder(project)
        if fs.check_inside(project.root, kept, want="dir"):  # a link there is refused, not followed
            shutil.rmtree(kept)
        for name in bundles:
            shutil.copytree(project.site_dir / name, kept / name, symlinks=True, copy_function=_link)
    except (OSError, fs.UnsafePath, shutil.Error):
        with contextlib.suppress(OSError):
            shutil.rmtree(kept)


def _restore(project: Project, bundles: list[str], entries: dict[str, str | None]) -> None:
    """Put back the kept bundles that are not in ``site/`` as the last full index wrote them."""
    kept = project.cache_dir / _KEPT
    for name in bundles:
        if (
            entries.get(name) is None
            or _bundle_stamp(project.site_dir, name) == entries[name]
            or _bundle_stamp(kept, name) != entries[name]  # only the very files the index wrote
        ):
            continue
        with contextlib.suppress(OSError, fs.UnsafePath, shutil.Error):
            fs.check_inside(project.root, kept / name, want="dir")
            target = project.site_dir / name
            if target.is_symlink() or target.is_file():
                target.unlink()
            elif target.is_dir():
                shutil.rmtree(target)
            shutil.copytree(kept / name, target, symlinks=True, copy_function=_link)


def _link(source: str, target: str) -> None:
    """Hard-link a file, or copy it where a link cannot be made (another file system)."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _read_state(project: Project) -> dict[str, Any]:
    """The last index's state, if this cache folder wrote it (see dossier.cache.identity: a
    state file committed to the repository names another folder, and is ignored)."""
    who = cache.identity(project)
    try:
        stored = json.loads(fs.read_bytes(project.cache_dir / _STATE, root=project.root))
    except (OSError, fs.UnsafePath, ValueError):
        return {}
    if not isinstance(stored, dict) or who is None or stored.get("who") != who:
        return {}
    return stored if isinstance(stored.get("seen", {}), dict) else {}


def _forget_state(project: Project) -> None:
    _remove(project.cache_dir / _STATE)


def _write_state(project: Project, state: dict[str, Any]) -> None:
    """Store the index's state, naming this cache folder (see :func:`_read_state`); a cache
    folder that cannot be written means full indexes."""
    with contextlib.suppress(OSError, fs.UnsafePath):
        cache.make_folder(project)
        who = cache.identity(project)
        if who is None:
            return
        atomic.write_text(
            project.cache_dir / _STATE,
            json.dumps({**state, "who": who}, separators=(",", ":")),
            root=project.root,
        )


def _write_json(path: Path, value: object) -> None:
    fs.check_target(path)
    path.write_text(json.dumps(value) + "\n", "utf-8")


def _remove(path: Path) -> None:
    """Remove a file (or a link, never followed) if there is one."""
    with contextlib.suppress(FileNotFoundError):
        if path.is_symlink() or not path.is_dir():
            path.unlink()


def html_pages(site_dir: Path) -> dict[str, int]:
    """Every HTML file below ``site/`` and its size, by path below site/: regular files only,
    never through a link (the site engine wrote them all)."""
    found = {}
    for top, _dirs, files in os.walk(site_dir):
        for name in files:
            if name.endswith(".html"):
                path = Path(top) / name
                if size := _size(path):
                    found[path.relative_to(site_dir).as_posix()] = size
    return found


def _size(path: Path) -> int:
    """The size of a regular file (at least 1 byte, so an empty page still counts), or 0."""
    try:
        st = path.lstat()
    except OSError:
        return 0
    return max(st.st_size, 1) if stat.S_ISREG(st.st_mode) else 0


def shards(sizes: dict[str, int], budget: int | None = None) -> list[list[str]]:
    """The pages dealt round-robin, in path order, into as few shards as keep each near ``budget``
    bytes of HTML (default :data:`SHARD_BYTES`); one shard (maybe empty) for a small site."""
    count = max(1, -(-sum(sizes.values()) // (budget or SHARD_BYTES)))
    ordered = sorted(sizes)
    return [ordered[i::count] for i in range(count)]


def _index_shards(project: Project, engine: str, bundle: str, sizes: dict[str, int], *args: str) -> list[str]:
    """Index the pages into ``bundle``, ``bundle-2``, …; the folder names written."""
    names = []
    for n, pages in enumerate(shards(sizes), 1):
        name = bundle if n == 1 else f"{bundle}-{n}"
        _pagefind(project, engine, pages, "--output-subdir", name, *args)
        names.append(name)
    return names


# The folders Pagefind writes: pagefind, pagefind-2, …, pagefind-de, pagefind-de-2, … (see index).
_BUNDLE_NAME = re.compile(rf"{BUNDLE}(-[a-z]{{2,3}})?(-[0-9]+|-{DELTA})?")


def _clear_bundles(site_dir: Path, *, deltas_only: bool = False) -> None:
    """Remove the last build's bundles. An incremental build keeps ``site/``, and Pagefind only
    adds files: a removed page's fragment would stay downloadable beside the new index. Only a
    folder named as a bundle and holding Pagefind's entry file is one: a page of the dossier's
    own called ``pagefind-notes`` stays. A link there is removed, never followed (rmtree does not
    follow links inside)."""
    for path in sorted(site_dir.glob(f"{BUNDLE}*")):
        if not _BUNDLE_NAME.fullmatch(path.name) or (deltas_only and not path.name.endswith(f"-{DELTA}")):
            continue
        if path.is_symlink() or not path.is_dir():
            path.unlink()
        elif (path / "pagefind-entry.json").is_file():
            shutil.rmtree(path)


def languages(site_dir: Path) -> tuple[str, dict[str, list[str]]]:
    """The site's ``<html lang>`` and, per seed language, the seed pages (paths below ``site/``).

    Only the seed pages' folder is read (a tenth of the pages at 10,000 facts)."""
    site_lang = "en"
    with contextlib.suppress(OSError, fs.UnsafePath):
        if found := _HTML_LANG.search(fs.read_bytes(site_dir / "index.html", root=site_dir)):
            site_lang = found.group(1).decode("ascii").split("-")[0].lower()
    foreign: dict[str, list[str]] = {}
    for top, _dirs, files in os.walk(site_dir / urls.url(urls.docs_path(urls.SOURCES))):  # never into a link
        for name in files:
            path = Path(top) / name
            if not name.endswith(".html"):
                continue
            try:
                found = _SEED_LANGUAGE.search(fs.read_bytes(path, root=site_dir))
            except (OSError, fs.UnsafePath):
                continue  # Pagefind reports what it cannot read
            if found:
                foreign.setdefault(found.group(1).decode("ascii"), []).append(
                    path.relative_to(site_dir).as_posix()
                )
    return site_lang, {lang: sorted(pages) for lang, pages in foreign.items()}


# Characters that mean something in a glob (and anything unusual) match as "any one character":
# hand-written pages may have any name; a page matched twice is shown once (search.js dedups).
_GLOB_UNSAFE = re.compile(r"[^A-Za-z0-9._/-]")


def _glob(pages: list[str]) -> str:
    """A glob matching ``pages`` (generated pages: exactly, their paths are slugs)."""
    parts = [_GLOB_UNSAFE.sub("?", page) for page in pages]
    return parts[0] if len(parts) == 1 else "{" + ",".join(parts) + "}"


def _pagefind(project: Project, engine: str, pages: list[str], *args: str) -> None:
    """Run Pagefind on ``pages`` (paths below site/). The glob goes in a configuration file:
    thousands of paths exceed what one command-line argument may hold. Pagefind reads
    ``pagefind.json`` from its working folder, an empty temporary one, so a configuration file
    in the project cannot change the index either."""
    site_dir = str(Path.cwd() / project.site_dir)  # absolute: Pagefind runs elsewhere
    cmd = [
        sys.executable,
        "-I",
        "-m",
        "pagefind_bin",
        "--site",
        site_dir,
        "--root-selector",
        ROOT_SELECTOR,
        *(arg for selector in EXCLUDE_SELECTORS for arg in ("--exclude-selectors", selector)),
        "--quiet",
        *args,
    ]
    with tempfile.TemporaryDirectory(prefix="dossier-pagefind-") as work:
        Path(work, "pagefind.json").write_text(
            json.dumps({"glob": _glob(pages) if pages else "none"}), "utf-8"
        )
        if subprocess.run(cmd, cwd=work, check=False).returncode != 0:
            raise SiteError(f"pagefind failed to index the {engine} site (see its messages above)")
