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
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from dossier import fs, urls
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


def available() -> bool:
    return importlib.util.find_spec("pagefind_bin") is not None


def index(project: Project, engine: str) -> None:
    """Index ``site/`` (just written by ``engine``) into Pagefind bundles; SiteError on failure."""
    if not available():
        raise SiteError("pagefind-bin is not installed (pip install -e .): the site would have no search")
    _clear_bundles(project.site_dir)
    site_lang, foreign = languages(project.site_dir)
    bundles = _index_shards(project, engine, BUNDLE, html_pages(project.site_dir))
    for lang, pages in sorted(foreign.items()):
        if lang == site_lang or lang not in OWN_BUNDLE:
            continue
        sizes = {page: size for page in pages if (size := _size(project.site_dir / page))}
        bundles += _index_shards(project, engine, f"{BUNDLE}-{lang}", sizes, "--force-language", lang)
    manifest = project.site_dir / MANIFEST
    fs.check_target(manifest)
    manifest.write_text(json.dumps([f"{name}/" for name in bundles]) + "\n", "utf-8")


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
_BUNDLE_NAME = re.compile(rf"{BUNDLE}(-[a-z]{{2,3}})?(-[0-9]+)?")


def _clear_bundles(site_dir: Path) -> None:
    """Remove the last build's bundles. An incremental build keeps ``site/``, and Pagefind only
    adds files: a removed page's fragment would stay downloadable beside the new index. Only a
    folder named as a bundle and holding Pagefind's entry file is one: a page of the dossier's
    own called ``pagefind-notes`` stays. A link there is removed, never followed (rmtree does not
    follow links inside)."""
    for path in sorted(site_dir.glob(f"{BUNDLE}*")):
        if not _BUNDLE_NAME.fullmatch(path.name):
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
