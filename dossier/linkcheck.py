"""Check the written site: every internal link, load and ``#anchor`` in its HTML must resolve.

The site engines check links in Markdown while they render, but an incremental build renders only
the pages that changed, and neither engine looks at raw HTML (the seed text, the graph). This
checks what the reader gets, the HTML files below ``site/``, with the standard library's parser:
every ``<a href>`` and every loaded file (stylesheet, script, image...) that stays on the site must
name a file that exists, and a fragment must name an ``id`` (or ``<a name>``) on that page.

:func:`broken` checks a whole site, or only the links *from* some pages (an incremental build's
rebuilt pages), reading each target page it needs once.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Elements that make the browser load a file, and the attribute that names it.
LOADS = {
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
}


@dataclass
class Links:
    """What one HTML page offers (ids) and points at (links, loads)."""

    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = Links()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.found.ids.add(a["id"] or "")
        if tag == "a":
            if a.get("name"):
                self.found.ids.add(a["name"] or "")
            for key in ("href", "xlink:href"):  # an SVG <a> may carry either
                if a.get(key) is not None:
                    self.found.links.append(a[key] or "")
        for t, attr in LOADS:
            if tag == t and a.get(attr):
                self.found.loads.append(a[attr] or "")


def parse(text: str) -> Links:
    """The ids and links of one HTML page."""
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return parser.found


def is_external(url: str) -> bool:
    """A URL with a scheme (``https:``, ``mailto:``, ``data:``) or a host: not ours to check."""
    return bool(urlsplit(url).scheme) or url.startswith("//")


def target(page: str, href: str) -> tuple[str, str]:
    """The file a relative link from ``page`` leads to (a folder's index.html) and its fragment."""
    parts = urlsplit(href)
    path = unquote(parts.path)
    base = posixpath.dirname(page)
    joined = posixpath.normpath(posixpath.join(base, path)) if path else page
    if path.endswith("/") or not posixpath.splitext(joined)[1]:
        joined = posixpath.join(joined, "index.html")
    return joined.lstrip("./") if joined != "." else "index.html", parts.fragment


class Site:
    """The HTML pages below a site folder, parsed on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._pages: dict[str, Links | None] = {}

    def pages(self) -> list[str]:
        """Every HTML page, as a path below the root (links are not followed)."""
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.html") if p.is_file())

    def links(self, page: str) -> Links | None:
        """The page's links and ids; None when it is not a regular file below the root."""
        if page not in self._pages:
            path = self.root / page
            if ".." in page.split("/") or path.is_symlink() or not path.is_file():
                self._pages[page] = None
            else:
                self._pages[page] = parse(path.read_text("utf-8", errors="replace"))
        return self._pages[page]

    def exists(self, rel: str) -> bool:
        path = self.root / rel
        return ".." not in rel.split("/") and path.is_file() and not path.is_symlink()


def broken(root: Path, pages: Iterable[str] | None = None) -> list[str]:
    """``page: href (why)`` for every internal link or load that leads nowhere.

    ``pages`` limits the check to the links *from* those pages (paths below ``root``); None checks
    every page. A link that leaves the site folder (``../../x``) counts as broken.
    """
    site = Site(root)
    found = []
    for name in site.pages() if pages is None else sorted(pages):
        page = site.links(name)
        if page is None:
            continue
        for href in page.links + page.loads:
            if is_external(href):
                continue
            file, fragment = target(name, href)
            if file.startswith("../") or not site.exists(file):
                found.append(f"{name}: {href} (no {file})")
            elif fragment and file.endswith(".html"):
                linked = site.links(file)
                if linked is not None and unquote(fragment) not in linked.ids and fragment not in linked.ids:
                    found.append(f"{name}: {href} (no #{fragment} in {file})")
    return found
