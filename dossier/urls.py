"""The URL scheme of the site: every generated page's path, the links between pages, and anchors.

The one owner of where pages live. The renderer, the templates and the graph ask this module for
paths, hrefs and anchor names; nobody else writes ``facts/`` or ``#q-`` by hand.

Paths here are below ``docs/`` ("generated/facts/x.md"), the form both site engines read. A link
is written from a :class:`Place`, the Markdown file it ends up in:

- In Markdown (``[text](href)``) the href is the target's ``.md`` file relative to that file. MkDocs
  and Zensical both check such links and rewrite them to the final URL, in the same way.
- In raw HTML (the highlighted seed text, the inline SVG graph) the engines differ. MkDocs leaves
  raw HTML alone, so the href must be the final URL relative to the page's own URL (with directory
  URLs, one folder deeper than its Markdown file). Zensical resolves a raw-HTML href like a Markdown
  link, relative to the Markdown file, and rewrites it (``.md`` included). So :meth:`Place.html`
  writes for the engine: the final URL for MkDocs, the ``.md`` link for Zensical. Handing a page
  written for one engine to the other breaks every raw-HTML link by one folder (issue 12).

Site-absolute hrefs ("/generated/...") would be engine-neutral but break under a subpath deploy
(GitHub Pages serves ``/<repo>/``), so they are never used.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import cached_property, lru_cache

from markupsafe import Markup

from dossier import escape

ENGINES = ("mkdocs", "zensical")
DEFAULT_ENGINE = "mkdocs"

GENERATED = "generated"  # the generator's folder below docs/
SITE_HOME = "index.md"  # docs/index.md, the hand-written home page that includes HOME

# Pages with a fixed place, below docs/generated/.
HOME = "home.md"  # not a page: docs/index.md includes it, so its links start at docs/
ENTITIES = "entities/index.md"
FACTS = "facts/index.md"
SOURCES = "sources/index.md"
TIMELINE = "timeline.md"
DISPUTES = "disputes.md"
GRAPH = "graph.md"
DOWNLOADS = "downloads/index.md"
ASSETS = "assets"  # the site's stylesheets, scripts and icon, shipped in dossier/assets/
CHECKS = "checks.md"  # the checks a fact page can name (an acknowledged warning), in every dossier
# The compact indexes the facets script filters (fetched only when a reader filters), and where
# that script finds them from its own URL (generated/assets/facets.js).
FACETS_FACTS = "facets/facts.json"
FACETS_ENTITIES = "facets/entities.json"

# Names the engines give a meaning to: an entity called "index" must not become its folder's index.
_RESERVED = {"index"}


def page_name(entity_or_fact_id: object) -> Markup:
    """The file name (without ``.md``) of an entity, fact or seed page; stable, never a path."""
    name = escape.slug(entity_or_fact_id)
    return name + Markup("_") if name in _RESERVED else name


def entity(entity_id: object) -> str:
    return f"entities/{page_name(entity_id)}.md"


def fact(fact_id: object) -> str:
    return f"facts/{page_name(fact_id)}.md"


def seed(seed_id: object) -> str:
    return f"sources/{page_name(seed_id)}.md"


def download(name: str) -> str:
    return f"downloads/{name}"


def original(kept: str) -> str:
    """Where a seed's kept capture is published, from its name below ``seeds/`` (``originals/x.pdf``,
    checked against the seed's id by ``dossier check``).

    A saved web page is published as ``x.html.txt``: any static host serves that as plain text, so
    the page's own scripts never run on the dossier's origin, even when someone opens its URL
    directly (no host lets a static site set Content-Disposition). The link downloads it under
    its own name (:func:`original_name`); its bytes, and so its sha256, are unchanged.
    """
    stem, ext = posixpath.splitext(posixpath.basename(kept))
    return f"originals/{page_name(stem)}{ext}" + (".txt" if ext == ".html" else "")


def original_name(kept: str) -> str:
    """The file name a kept capture downloads under: its name in ``seeds/originals/``."""
    return posixpath.basename(kept)


def part(list_page: str, key: object) -> str:
    """A part of a split list page, in the list page's folder (so links from either are the same).

    ``timeline.md`` and ``2024`` give ``timeline_2024.md``; ``facts/index.md`` and ``reported``
    give ``facts/facts_reported.md``. The underscore keeps parts apart from entity, fact and seed
    pages, whose names are slugs (``index_`` is the only name with one).
    """
    folder, name = posixpath.split(list_page)
    stem = posixpath.splitext(name)[0]
    if stem == "index":
        stem = posixpath.basename(folder)
    return posixpath.join(folder, f"{stem}_{escape.slug(key)}.md")


def from_data(data_file: str, page: str) -> str:
    """The final URL of a generated page relative to a data file beside the pages (a facets index).

    Scripts resolve it against the data file's own URL, which is the same for both engines: the
    file is copied as it is, and pages are served at their directory URL.
    """
    target = url(docs_path(page))
    return _relative(target.rstrip("/"), posixpath.dirname(docs_path(data_file))) + "/"


# --- anchors: the fragment names pages carry, and links to them ------------------------------


def passage(fact_id: object, n: int) -> Markup:
    """On a seed page: the ``n``-th citation of a fact, the highlighted passage (``<mark id>``)."""
    return escape.fill("q-{}-{}", escape.slug(fact_id), int(n))


def source(n: int) -> Markup:
    """On a fact page: the heading of its ``n``-th source."""
    return escape.fill("source-{}", int(n))


def year(y: int) -> Markup:
    """On the timeline: a year's section (``y2024``), the target of its zoom link."""
    return escape.fill("y{}", int(y))


def month(y: int, m: int) -> Markup:
    """On the timeline: a month's section (``m2024-08``), the target of its zoom link."""
    return escape.fill("m{}-{:02d}", int(y), int(m))


def year_unstated(y: int) -> Markup:
    """On the timeline: the facts of a year whose month is not stated (``y2024-unstated``)."""
    return escape.fill("y{}-unstated", int(y))


def dispute(fact_id: object) -> Markup:
    """On the disputes page: a dispute, named after its first claim."""
    return escape.fill("dispute-{}", escape.slug(fact_id))


# --- URLs ------------------------------------------------------------------------------------


def permalink(path: str, site_url: str = "") -> str:
    """A generated page's lasting address: absolute below ``site_url`` (mkdocs.yml) when the
    project sets one, else its path below the site root (``generated/facts/x/``): no host is
    ever made up. Not escaped: the caller encodes it for its context."""
    below = url(docs_path(path))
    return f"{site_url.rstrip('/')}/{below}" if site_url else below


def docs_path(path: str) -> str:
    """A generated page's path below ``docs/``."""
    return f"{GENERATED}/{path}"


def url(docs_relative: str) -> str:
    """The final URL (below the site root, directory URLs) of a file below ``docs/``.

    ``generated/facts/x.md`` is served at ``generated/facts/x/``, an ``index.md`` at its folder,
    anything else (a download) at its own path.
    """
    stem, ext = posixpath.splitext(docs_relative)
    if ext != ".md":
        return docs_relative
    if posixpath.basename(stem) == "index":
        folder = posixpath.dirname(stem)
        return f"{folder}/" if folder else ""
    return f"{stem}/"


# Bounded: raw-HTML links start from each page's own folder, so the pairs grow with pages times
# links (a million at 50,000 facts, 150 MB held for good); the pairs that repeat (a folder of
# pages to the pages they list) stay.
@lru_cache(maxsize=1 << 15)
def _relative(target: str, start_folder: str) -> str:
    """``target`` relative to ``start_folder``; both are clean paths below one root (no ``..``).

    posixpath.relpath would do, at the cost of two getcwd() calls each: too slow for every link.
    """
    to = [p for p in target.split("/") if p]
    start = [p for p in start_folder.split("/") if p]
    common = 0
    while common < min(len(to), len(start)) and to[common] == start[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


def _with_anchor(href: str, anchor: str) -> Markup:
    return escape.attr(f"{href}#{escape.slug(anchor)}" if anchor else href)


@dataclass(frozen=True)
class Place:
    """Where links are written from: a Markdown file below ``docs/`` and the engine that reads it."""

    source: str  # below docs/, e.g. "generated/facts/x.md", or "index.md" for the home page
    engine: str = DEFAULT_ENGINE

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown site engine {self.engine!r}; known: {', '.join(ENGINES)}")

    @classmethod
    def of(cls, path: str, engine: str = DEFAULT_ENGINE) -> Place:
        """The place of a generated page (path below ``docs/generated/``)."""
        return cls(SITE_HOME if path == HOME else docs_path(path), engine)

    @cached_property
    def folder(self) -> str:
        """The folder of the Markdown file: relative links start here."""
        return posixpath.dirname(self.source)

    def md(self, path: str, anchor: str = "") -> Markup:
        """An href for a Markdown link to a generated page (path below ``docs/generated/``)."""
        target = docs_path(path)
        if target == self.source and anchor:
            return _with_anchor("", anchor)  # same page: the fragment alone
        return _with_anchor(_relative(target, self.folder), anchor)

    def home(self) -> Markup:
        """An href for a Markdown link to the site's home page (``docs/index.md``)."""
        return _with_anchor(_relative(SITE_HOME, self.folder), "")

    def html(self, path: str, anchor: str = "") -> Markup:
        """An href for raw HTML (not rewritten by MkDocs, rewritten by Zensical): see the module."""
        if self.engine == "zensical":
            return self.md(path, anchor)
        target = url(docs_path(path))
        href = _relative(target.rstrip("/"), url(self.source).rstrip("/"))
        if target.endswith("/"):
            href = "./" if href == "." else href + "/"
        return _with_anchor(href, anchor)
