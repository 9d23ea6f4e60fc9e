"""Check the written site: every internal link, load and ``#anchor`` in its HTML must resolve.

The site engines check links in Markdown while they render, but an incremental build renders only
the pages that changed, and neither engine looks at raw HTML (the seed text, the graph). This
checks what the reader gets, the HTML files below ``site/``, read as the HTML tokenizer reads
them (in one pass, linear in the page, whatever it holds): every ``<a href>`` and every loaded file (stylesheet, script, image...) that stays on the site must
name a file that exists, and a fragment must name an ``id`` (or ``<a name>``) on that page.

:func:`broken` checks a whole site, or only the links *from* some pages (an incremental build's
rebuilt pages), reading each target page it needs once.
"""

from __future__ import annotations

import functools
import html
import os
import posixpath
import re
import stat
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


# Elements whose content is text up to their end tag, never markup (HTML's raw text and RCDATA,
# and <noscript> where scripts run): an "id" or "<a" written inside is no element. (Inside <svg>
# or <math>, and <noscript> without scripts, it may be markup: :func:`parse` reads both ways.)
RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript")
_SPACE = "\t\n\f\r "


class _Parser(HTMLParser):
    """The standard library's parser: the reference :func:`parse` must agree with (see tests).

    html.parser (3.11) knows only script and style as raw text and closes them only at
    ``</script>``: here every element of :data:`RAW_TEXT` is raw text, closed as HTML closes it.
    It reads raw text one way only: :func:`parse` finds more links in a ``<noscript>``, and in
    raw text after an ``<svg>`` or ``<math>`` (see its ``both_ways``).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = Links()
        self.templates = 0  # open <template> elements: their content is not in the document

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        first: dict[str, str | None] = {}
        for name, value in attrs:
            first.setdefault(name, value)  # as browsers read a repeated attribute
        _collect(self.found, tag, first, in_template=self.templates > 0)
        if tag == "template":
            self.templates += 1
        if tag in RAW_TEXT:
            self.set_cdata_mode(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # "<template/>" and "<style/>" open them too, in HTML

    def handle_endtag(self, tag: str) -> None:
        if tag == "template" and self.templates:
            self.templates -= 1

    def set_cdata_mode(self, elem: str, *, escapable: bool = False) -> None:
        super().set_cdata_mode(elem)  # escapable (newer Pythons): whether "&amp;" is decoded there
        self.interesting = re.compile(rf"</{elem}(?=[{_SPACE}/>])", re.I | re.A)

    def parse_endtag(self, i: int) -> int:
        cdata = self.cdata_elem
        if cdata and _RAW_END[cdata].match(self.rawdata, i):
            close = self.rawdata.find(">", i)
            if close < 0:
                return -1
            self.clear_cdata_mode()
            return close + 1
        return int(super().parse_endtag(i))


def _collect(found: Links, tag: str, a: dict[str, str | None], in_template: bool = False) -> None:
    if a.get("id") and not in_template:
        found.ids.add(a["id"] or "")
    if tag == "a" and a.get("name") and not in_template:
        found.ids.add(a["name"] or "")
    if tag in ("a", "area"):
        for key in ("href", "xlink:href"):  # an SVG <a> may carry either
            if a.get(key) is not None:
                found.links.append(a[key] or "")
    for t, attr in LOADS:
        if tag == t and a.get(attr):
            found.loads.append(a[attr] or "")


def parse_reference(text: str) -> Links:
    """The ids and links of one HTML page, by html.parser: exact, and about ten times slower."""
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return parser.found


# The HTML tokenizer's tag, for start and end tags alike: a name, then attributes, each a name
# (any character but space, "/" and ">"; "=" too after the first), then maybe "=" and a value:
# quoted ("'" or '"' to the same quote) or bare (to a space or ">", quotes and "<" included). A
# quote never closed runs to the end of the page, as does a tag never closed: the browser drops
# that tag and everything after it. Every quantifier is possessive and every alternative starts
# with a different character, so a tag is read once, in time linear in its length, and always
# ends at ">" or at the end of the page.
_S = rf"[{_SPACE}]"
_ATTRS = (
    rf"(?:[{_SPACE}/]++"
    rf"|[^{_SPACE}/>][^{_SPACE}/>=]*+"
    rf"(?:{_S}*+={_S}*+(?:\"[^\"]*+(?:\"|\Z)|'[^']*+(?:'|\Z)|[^{_SPACE}>\"'][^{_SPACE}>]*+)?)?)*+"
)
# What a "<" starts: a comment, a tag or end tag, a bogus comment ("<!x", "<?x", "</ x"), or
# nothing (a "<" of text, skipped).
# Text, a "<" of text and end tags but </template> (the most of a page) are skipped within the
# expression, read as they are read here.
_NEXT = re.compile(
    rf"(?:[^<]++|<(?![a-zA-Z!?/])|</(?![tT][eE][mM][pP][lL][aA][tT][eE][{_SPACE}/>])"
    rf"[a-zA-Z][^{_SPACE}/>]*+{_ATTRS}>)*+"
    rf"<(?:(!--)|(/?)([a-zA-Z][^{_SPACE}/>]*+)({_ATTRS})|(/>|[!?/]))"
)
# A comment ends at "-->" or "--!>", or at once as "<!-->" or "<!--->"; one never closed runs to
# the end of the page.
_COMMENT_END = re.compile(r"-?>|.*?--!?>", re.S)
_ATTR = re.compile(
    rf"([^{_SPACE}/>][^{_SPACE}/>=]*)(?:{_S}*(=){_S}*(?:\"([^\"]*)\"?|'([^']*)'?|([^{_SPACE}>]+))?)?"
)
# re.A: "</ſcript>" ("ſ" is "s" to Python's ignorecase, not to HTML's ASCII one) closes nothing.
_RAW_END = {t: re.compile(rf"</{t}(?=[{_SPACE}/>])", re.I | re.A) for t in RAW_TEXT}
# A script's text has states of its own: after "<!--", a "<script>" starts a part where
# "</script>" does not end the script, until "-->" (HTML's script data escaped states).
_SCRIPT_TOKEN = re.compile(rf"<!--|-->|<(/?)script(?=[{_SPACE}/>])", re.I | re.A)


def _script_end(text: str, pos: int) -> int:
    """Where the end tag of the script whose text starts at ``pos`` starts; -1: there is none."""
    state = 0  # 0: plain, 1: escaped (after "<!--"), 2: double escaped (then "<script>")
    while m := _SCRIPT_TOKEN.search(text, pos):
        mark, pos = m.group(), m.end()
        if mark == "<!--":
            state = state or 1
            pos = m.start() + 2  # "<!-->" opens and closes at once
        elif mark == "-->":
            state = 0
        elif m.group(1):  # </script
            if state != 2:
                return m.start()
            state = 1
        elif state == 1:  # <script
            state = 2
    return -1


_WANTED = {"a", "area", "template"} | {t for t, _ in LOADS} | set(RAW_TEXT)


def parse(text: str, both_ways: bool = True) -> Links:
    """The ids and links of one HTML page (what :func:`parse_reference` finds, faster).

    One pass from left to right, never back: each "<" starts a tag, an end tag, a comment or a
    bogus comment ("<!x", "<?x", "</ x": to the next ">"), and the content of a raw-text element
    is skipped to its end tag, found by one search (none: it runs to the end of the page).

    ``both_ways``: where a browser may read a raw-text element's content as markup instead (a
    ``<noscript>`` without scripts; ``<title>``, ``<style>``, ``<script>``… after an ``<svg>`` or
    ``<math>``, in foreign content), the links of that reading count too, found by a second
    pass over that content alone, never a third: a link either reading shows is checked.
    """
    found = Links()
    templates = 0
    foreign = False  # after an <svg> or <math>: raw text may be markup
    pos = 0
    size = len(text)
    while m := _NEXT.match(text, pos):
        comment, end_tag, tag, attrs, bogus = m.groups()
        if comment:
            end = _COMMENT_END.match(text, m.end())
            if end is None:
                break  # a comment never closed
            pos = end.end()
            continue
        if bogus:
            pos = m.end() if bogus == "/>" else text.find(">", m.end()) + 1  # "</>" is nothing
            if not pos:
                break  # a bogus comment never closed
            continue
        pos = m.end() + 1
        if pos > size:
            break  # a tag never closed: the browser drops it and the rest of the page
        tag = tag.lower()
        if end_tag:
            if tag == "template" and templates:
                templates -= 1
            continue
        foreign = foreign or tag in ("svg", "math")
        # Most tags (div, span, svg paths) carry neither a link nor an id: "id" in any case is
        # looked for without lowering a copy of the attributes (an SVG path's are long).
        if tag in _WANTED or "id" in attrs or "ID" in attrs or "Id" in attrs or "iD" in attrs:
            values: dict[str, str | None] = {}
            for a in _ATTR.finditer(attrs):
                name, equals, double, single, bare = a.groups()
                name = name.lower()
                if name in values:
                    continue  # the first of a repeated attribute counts, as in html.parser
                raw = double if double is not None else single if single is not None else bare
                values[name] = html.unescape(raw or "") if equals else None
            _collect(found, tag, values, in_template=templates > 0)
            if tag == "template":
                templates += 1
            elif tag in _RAW_END:
                if tag == "script":
                    close = _script_end(text, pos)
                else:
                    close_m = _RAW_END[tag].search(text, pos)
                    close = -1 if close_m is None else close_m.start()
                if both_ways and (foreign or tag == "noscript"):
                    markup = parse(text[pos : close if close >= 0 else size], both_ways=False)
                    found.links += markup.links
                    found.loads += markup.loads
                if close < 0:
                    break  # never closed: its text runs to the end of the page
                pos = close  # the end tag itself is read as one
    return found


# A URL of printable ASCII without a colon or a space: no scheme, and nothing urlsplit would strip
# or remove, so splitting it at "#" and "?" is what urlsplit does (the links the engines write).
_PLAIN = re.compile(r"[!-9;-~]*")


def is_external(url: str) -> bool:
    """A URL with a scheme (``https:``, ``mailto:``, ``data:``) or a host: not ours to check."""
    if _PLAIN.fullmatch(url):
        return url.startswith("//")
    try:
        return bool(urlsplit(url).scheme) or url.startswith("//")
    except ValueError:  # "https://[x": a host this cannot read, and no file of the site
        return True


def target(page: str, href: str) -> tuple[str, str]:
    """The file a relative link from ``page`` leads to (a folder's index.html) and its fragment."""
    if _PLAIN.fullmatch(href):
        path, _, fragment = href.partition("#")
        path = path.partition("?")[0]
    else:
        parts = urlsplit(href)
        path, fragment = parts.path, parts.fragment
    path = unquote(path) if "%" in path else path
    if not path:
        return page, fragment
    # A site-absolute path ("/generated/", which the engines write on 404.html) starts at the root.
    if path.startswith("/"):
        return _resolve("", path.lstrip("/")), fragment
    # A link that climbs to the root first ("../../x/", most links of a page) leads to the same
    # file from every page as deep: resolved once for them all.
    ups = 0
    while path.startswith("../", 3 * ups):
        ups += 1
    base, depth = _folder(page)
    if path.startswith("/", 3 * ups):  # "..//x": as normpath reads it, from the page's folder
        return _resolve(base, path), fragment
    if ups >= depth:
        return _resolve("", "../" * (ups - depth) + path[3 * ups :] or "./"), fragment
    # Likewise a link that climbs part of the way ("../../entities/x/" from every fact page).
    return _resolve(base.rsplit("/", ups)[0] if ups else base, path[3 * ups :] or "./"), fragment


@functools.lru_cache(maxsize=1 << 12)
def _folder(page: str) -> tuple[str, int]:
    """The folder of a page below the site root, and how many folders deep it is."""
    base = posixpath.dirname(page)
    return base, base.count("/") + 1 if base else 0


@functools.lru_cache(maxsize=1 << 16)
def _resolve(base: str, path: str) -> str:
    """``path`` (not empty) from the folder ``base``, as a file below the site root."""
    joined = posixpath.normpath(posixpath.join(base, path))
    if path.endswith("/") or not posixpath.splitext(joined)[1]:
        joined = posixpath.join(joined, "index.html")
    # normpath leaves no "./" but ".." where the link climbs out of the site: kept, so it fails.
    return joined if joined != "." else "index.html"


class Site:
    """The HTML pages below a site folder, parsed on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._pages: dict[str, Links | None] = {}
        self._files: dict[str, bool] = {}
        self.unreadable: list[str] = []  # pages that could not be read (site/ changed meanwhile)

    def pages(self) -> list[str]:
        """Every HTML page, as a path below the root (links are not followed). A folder that
        vanishes during the walk is skipped: Pagefind replaces its bundles while this runs."""
        found = []
        for top, _dirs, names in os.walk(self.root):
            for name in names:
                path = Path(top) / name
                if name.endswith(".html") and path.is_file():
                    found.append(path.relative_to(self.root).as_posix())
        return sorted(found)

    def links(self, page: str) -> Links | None:
        """The page's links and ids; None when it is not a regular file below the root, or could
        not be read (removed or replaced since it was found: a problem, kept in ``unreadable``)."""
        if page not in self._pages:
            self._pages[page] = None
            if self.exists(page):
                try:
                    text = (self.root / page).read_text("utf-8", errors="replace")
                except OSError as err:
                    self.unreadable.append(f"{page}: cannot be read ({err.strerror or err})")
                else:
                    self._pages[page] = parse(text)
        return self._pages[page]

    def checked(self, page: str) -> None:
        """The page's own links are checked: keep only its ids, which links to it may name
        (a site's links outweigh its ids several times over)."""
        if found := self._pages.get(page):
            self._pages[page] = Links(ids=found.ids)

    def exists(self, rel: str) -> bool:
        """Whether ``rel`` is a regular file (not a link) below the root; asked once per file."""
        found = self._files.get(rel)
        if found is None:
            found = ".." not in rel.split("/") and _regular(f"{self.root}/{rel}")
            self._files[rel] = found
        return found


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (OSError, ValueError):  # ValueError: a NUL in the name
        return False


def broken(root: Path, pages: Iterable[str] | None = None) -> list[str]:
    """``page: href (why)`` for every internal link or load that leads nowhere.

    ``pages`` limits the check to the links *from* those pages (paths below ``root``); None checks
    every page. A link that leaves the site folder (``../../x``) counts as broken, and so does a
    page that was found but could not be read (``page: cannot be read (why)``).
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
        site.checked(name)
    return found + site.unreadable
