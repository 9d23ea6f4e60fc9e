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
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from dossier import fs, urls
from dossier.project import Project
from dossier.site import SiteError

BUNDLE = "pagefind"  # the main bundle's folder below site/
MANIFEST = "pagefind-bundles.json"  # below site/: the bundles the browser searches
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


def available() -> bool:
    return importlib.util.find_spec("pagefind_bin") is not None


def index(project: Project, engine: str) -> None:
    """Index ``site/`` (just written by ``engine``) into Pagefind bundles; SiteError on failure."""
    if not available():
        raise SiteError("pagefind-bin is not installed (pip install -e .): the site would have no search")
    _clear_bundles(project.site_dir)
    site_lang, foreign = languages(project.site_dir)
    bundles = [BUNDLE]
    _pagefind(project, engine, "--output-subdir", BUNDLE)
    for lang, pages in sorted(foreign.items()):
        if lang == site_lang:
            continue
        name = f"{BUNDLE}-{lang}"
        _pagefind(project, engine, "--output-subdir", name, "--force-language", lang, "--glob", _glob(pages))
        bundles.append(name)
    manifest = project.site_dir / MANIFEST
    fs.check_target(manifest)
    manifest.write_text(json.dumps([f"{name}/" for name in bundles]) + "\n", "utf-8")


def _clear_bundles(site_dir: Path) -> None:
    """Remove the last build's bundles. An incremental build keeps ``site/``, and Pagefind only
    adds files: a removed page's fragment would stay downloadable beside the new index. A link
    there is removed, never followed (rmtree does not follow links inside)."""
    for path in sorted(site_dir.glob(f"{BUNDLE}*")):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


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


def _glob(pages: list[str]) -> str:
    """A glob matching exactly ``pages`` (slug paths: no glob characters in them)."""
    return pages[0] if len(pages) == 1 else "{" + ",".join(pages) + "}"


def _pagefind(project: Project, engine: str, *args: str) -> None:
    cmd = [
        sys.executable,
        "-I",
        "-m",
        "pagefind_bin",
        "--site",
        str(project.site_dir),
        "--root-selector",
        ROOT_SELECTOR,
        *(arg for selector in EXCLUDE_SELECTORS for arg in ("--exclude-selectors", selector)),
        "--quiet",
        *args,
    ]
    if subprocess.run(cmd, cwd=project.root, check=False).returncode != 0:
        raise SiteError(f"pagefind failed to index the {engine} site (see its messages above)")
