"""Escaping for the pages we generate: Markdown that Python-Markdown turns into HTML.

Every value from facts and seeds reaches a page through one of these functions, and each returns
:class:`~markupsafe.Markup` so the template environment can refuse anything that skipped them
(see :func:`dossier.render.environment`). The rules, by context:

- ``md``: inline Markdown text. HTML-escaped, so no tag survives; Markdown punctuation that could
  open a link, image, emphasis, code span, attribute list or table cell is backslash-escaped; a
  leading character that would start a block (list, heading, quote, admonition) is neutralised;
  line breaks become spaces, so a value never starts a line of its own.
- ``html``: text inside a raw HTML block (the seed body, the graph), where Markdown is not parsed.
- ``url``: an http(s) URL, percent-encoding what could end a Markdown link; anything else
  (``javascript:``, relative paths) yields nothing, so no link is made.
- ``front_matter``: a page's YAML front matter, every string a double-quoted scalar with each
  non-printable character as a ``\\u`` escape, so no value can make it unparseable (MkDocs would
  then silently render it as Markdown).
- ``bibtex``, ``bibtex_url``: a BibTeX field value between braces (the citation block on a fact
  page): TeX's special characters escaped, so braces always balance and no value can end its field
  or entry; a URL percent-encoded instead. Plain text: the block is then put in HTML with ``html``.
- ``json_ld``: JSON inside ``<script type="application/ld+json">``: ``<``, ``>``, ``&``, line
  separators and non-printable characters as ``\\u`` escapes, so no value can close the script.

Every text shown on a page first passes :func:`visible`: control characters (C0 but tab and line
breaks, DEL, C1), bidi controls and lone surrogates become U+FFFD, so no value can hide or reorder
what a reader sees, or smuggle Python-Markdown's own placeholders (STX/ETX) into a page.
"""

from __future__ import annotations

import html as _html
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from dossier.ids import SLUG, is_http_url

# Characters Python-Markdown honours a backslash before (its ESCAPED_CHARS, plus '|' from tables)
# that can start inline syntax anywhere in a line. '(' and ')' need none: with '[' and ']'
# escaped, no link or image can form around them.
_INLINE = re.compile(r"([\\`*_{}\[\]#|])")
_SPACE = re.compile(r"\s+")
# Block syntax only matters at the start of a line: a list item, an ordered item, an admonition.
_LEADING = re.compile(r"^([-+!]|\d+(?=\.))")
_URL_UNSAFE = {c: f"%{ord(c):02X}" for c in " ()<>\"'`\\[]"}
# What no page shows as it is (see visible()): C0 controls but tab, LF and CR; DEL and C1 (U+0085
# is a YAML line break, U+0080-U+009F are remapped by HTML's character references); the bidi
# marks, embeddings, overrides and isolates; lone surrogates, which UTF-8 cannot even encode.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_LINE_BREAK = re.compile(r"\r\n?|\n")
# Front matter keys are ours, never a value's.
_KEY = re.compile(r"^[a-z][a-z_]*$")


def _trusted(text: str) -> Markup:
    """Declare text safe. Only the escapers in this module call it, each on text it just escaped."""
    return Markup(text)  # noqa: S704 - the one place escaped text becomes Markup


def fill(template: str, *values: object) -> Markup:
    """Fill a literal ``str.format`` template from our code with values that are already escaped.

    Every value must be :class:`Markup` (or a number); anything else is a bug, caught here. It is
    the fast path for the small fragments (links, badges) that pages repeat thousands of times.
    """
    for value in values:
        if not isinstance(value, (Markup, int, float)) or isinstance(value, bool):
            raise TypeError(f"unescaped {type(value).__name__} {value!r:.60} in {template!r}")
    return _trusted(template.format(*values))


def join(separator: str, parts: Iterable[Markup]) -> Markup:
    """Join escaped parts with a literal separator."""
    items = list(parts)
    if not all(isinstance(p, Markup) for p in items):
        raise TypeError("join() takes escaped parts only")
    return _trusted(separator.join(items))


def visible(value: object) -> str:
    """``value`` as text with every invisible control (see ``_INVISIBLE``) shown as U+FFFD."""
    return _INVISIBLE.sub("\ufffd", str(value))


def site_name(title: str) -> str:
    """The dossier's title as ``site_name`` for the engines' templates: one line, every invisible
    control shown, HTML-escaped with quotes, since both engines print ``config.site_name``
    unescaped, inside attributes too (Material for MkDocs and Zensical 0.0.73 alike)."""
    return _html.escape(" ".join(visible(title).split()), quote=True)


def md(value: object) -> Markup:
    """Inline Markdown that shows ``value`` as text, whatever it contains."""
    text = _SPACE.sub(" ", visible(value)).strip()
    text = _INLINE.sub(r"\\\1", text)
    text = _LEADING.sub(lambda m: m.group(1) + "\\" if m.group(1).isdigit() else "\\" + m.group(1), text)
    # HTML-escape after the backslashes (they add no '<', '>' or '&') and before any entity of ours.
    text = str(escape(text))
    if text.startswith("="):  # a setext underline; '=' takes no backslash in Markdown
        text = "&#61;" + text[1:]
    return _trusted(text)


def html(value: object) -> Markup:
    """Text for a raw HTML context, where Markdown is not parsed.

    Line breaks become ``&#10;``: a raw HTML block must stay one line, as a blank line would end it
    and let Markdown loose on the rest.
    """
    return _trusted(_LINE_BREAK.sub("&#10;", str(escape(visible(value)))))


def attr(value: object) -> Markup:
    """An attribute value: HTML-escaped including quotes, whitespace collapsed."""
    return escape(_SPACE.sub(" ", visible(value)).strip())


def url(value: object) -> Markup:
    """The URL if it is http(s), made safe to sit inside ``(...)`` or ``href="..."``; else empty."""
    text = str(value or "").strip()
    if not is_http_url(text):  # the schema's own rule, so the check and the page agree
        return Markup("")
    return _trusted(_html.escape(_url_encoded(text), quote=True))


def _url_encoded(text: str) -> str:
    return "".join(_URL_UNSAFE.get(c, c) if c.isprintable() else _percent(c) for c in text)


def _percent(char: str) -> str:
    return "".join(f"%{b:02X}" for b in char.encode("utf-8", "replace"))


# TeX's special characters, as text: between braces, an unbalanced brace would end the field (and
# let a value write fields or entries of its own); a backslash would start a command.
_BIBTEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_SPECIAL = re.compile(r"[\\{}$&%#_~^]")


def bibtex(value: object) -> str:
    """A BibTeX field value (to sit between ``{`` and ``}``) that shows ``value`` as text.

    One line (whitespace collapsed), visible, every TeX special character escaped: whatever it
    holds, the braces balance and the field ends where we end it. Plain text, not Markup: the
    BibTeX block reaches the page through :func:`html`.
    """
    text = _SPACE.sub(" ", visible(value)).strip()
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX[m.group()], text)


def bibtex_url(value: object) -> str:
    """An http(s) URL for a BibTeX ``url`` field (read verbatim by biblatex), else empty.

    Percent-encoded like :func:`url`, and braces too, so the field's braces always balance.
    """
    text = str(value or "").strip()
    if not is_http_url(text):
        return ""
    return _url_encoded(text).replace("{", "%7B").replace("}", "%7D")


def slug(value: object) -> Markup:
    """An id used in a path or an anchor. Ids are slugs by schema; anything else is a bug."""
    text = str(value)
    if not SLUG.match(text):
        raise ValueError(f"not a slug: {text!r}")
    return _trusted(text)


def title(value: object) -> str:
    """A page title as the front matter should carry it: one line, visible, ``<>&`` escaped.

    The theme prints the title unescaped (and its search shows it as HTML), hence the escaping.
    """
    return _html.escape(_SPACE.sub(" ", visible(value)).strip(), quote=False)


def _u(char: str) -> str:
    """``char`` as a ``\\u`` escape, which JSON and YAML share; a surrogate pair above U+FFFF."""
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _yaml_escape(char: str) -> str:
    # YAML has no surrogate pairs: a character above U+FFFF takes the 8-digit form.
    return f"\\U{ord(char):08x}" if ord(char) > 0xFFFF else _u(char)


_ESCAPE_CANDIDATE = re.compile(r'[^\x20-\x7e]|["\\]')


def yaml_str(value: str) -> str:
    """A YAML double-quoted scalar that parses back to exactly ``value`` in YAML 1.1 and 1.2.

    Every character that is not printable (``str.isprintable``: controls, format and bidi
    characters, line and paragraph separators, surrogates, unassigned code points; also U+0085,
    a YAML line break) is escaped, so the scalar is one line of printable text whatever it holds.
    """

    def one(match: re.Match[str]) -> str:
        char = match.group()
        if char in '"\\':
            return "\\" + char
        return char if char.isprintable() else _yaml_escape(char)

    if value.isprintable() and '"' not in value and "\\" not in value:
        return '"' + value + '"'
    return '"' + _ESCAPE_CANDIDATE.sub(one, value) + '"'


def front_matter(meta: Mapping[str, Any]) -> str:
    """``---`` YAML front matter for ``meta``: our keys, values that are text, numbers or mappings."""
    return "---\n" + "".join(_yaml_lines(meta, "")) + "---\n"


def _yaml_lines(meta: Mapping[str, Any], indent: str) -> Iterable[str]:
    for key, value in meta.items():
        if not _KEY.match(key):
            raise ValueError(f"not a front matter key: {key!r}")
        if isinstance(value, Mapping):
            yield f"{indent}{key}:\n"
            yield from _yaml_lines(value, indent + "  ")
        elif isinstance(value, str):
            yield f"{indent}{key}: {yaml_str(value)}\n"
        elif isinstance(value, int) and not isinstance(value, bool):
            yield f"{indent}{key}: {value}\n"
        else:
            raise TypeError(f"front matter {key!r}: {type(value).__name__} is not text, an int or a mapping")


_NOT_ASCII = re.compile(r"[^\x20-\x7e]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_char(match: re.Match[str]) -> str:
    char = match.group()
    return char if char.isprintable() else _u(char)


def json_text(data: Any, *, tight: bool = False) -> str:
    """Compact JSON for ``data`` with every non-printable character as a ``\\u`` escape.

    Exact (it parses back to ``data``), one line, and always valid UTF-8: a lone surrogate, which
    UTF-8 cannot encode, becomes its escape instead of stopping the write.
    """
    # allow_nan=False: NaN or Infinity would make invalid JSON; the check refuses them (E206), so
    # this only ever stops a bug from publishing a broken file.
    # tight: no space after separators, for files a script fetches (the facets indexes).
    separators = (",", ":") if tight else None
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=separators)  # the C encoder
    # JSON escapes every line break it emits, so the whole text is printable unless a value is not;
    # the check (in C) spares the per-character pass for every ordinary build.
    return text if text.isprintable() else _NOT_ASCII.sub(_json_char, text)


def json_ld(data: Any, *, tight: bool = False) -> Markup:
    """JSON for a ``<script type="application/ld+json">`` block that no value can close early.

    :func:`json_text`, then ``<``, ``>`` and ``&`` as ``\\u`` escapes too (no ``</script>``, no
    ``<!--``). U+2028/2029, which end lines in older script parsers, are non-printable, so escaped.
    """
    text = json_text(data, tight=tight)
    for char in "<>&":
        text = text.replace(char, _u(char))
    return _trusted(text)


def encodable(text: str) -> str:
    """``text`` with lone surrogates (which UTF-8 cannot encode) as U+FFFD; all else kept exact."""
    return _SURROGATE.sub("\ufffd", text)
