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
"""

from __future__ import annotations

import html as _html
import json
import re
from collections.abc import Iterable
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


def md(value: object) -> Markup:
    """Inline Markdown that shows ``value`` as text, whatever it contains."""
    text = _SPACE.sub(" ", str(value)).strip()
    text = _INLINE.sub(r"\\\1", text)
    text = _LEADING.sub(lambda m: m.group(1) + "\\" if m.group(1).isdigit() else "\\" + m.group(1), text)
    # HTML-escape after the backslashes (they add no '<', '>' or '&') and before any entity of ours.
    text = str(escape(text))
    if text.startswith("="):  # a setext underline; '=' takes no backslash in Markdown
        text = "&#61;" + text[1:]
    return _trusted(text)


def html(value: object) -> Markup:
    """Text for a raw HTML context, where Markdown is not parsed."""
    return escape(str(value))


def attr(value: object) -> Markup:
    """An attribute value: HTML-escaped including quotes, whitespace collapsed."""
    return escape(_SPACE.sub(" ", str(value)).strip())


def url(value: object) -> Markup:
    """The URL if it is http(s), made safe to sit inside ``(...)`` or ``href="..."``; else empty."""
    text = str(value or "").strip()
    if not is_http_url(text):  # the schema's own rule, so the check and the page agree
        return Markup("")
    return _trusted(_html.escape("".join(_URL_UNSAFE.get(c, c) for c in text), quote=True))


def slug(value: object) -> Markup:
    """An id used in a path or an anchor. Ids are slugs by schema; anything else is a bug."""
    text = str(value)
    if not SLUG.match(text):
        raise ValueError(f"not a slug: {text!r}")
    return _trusted(text)


def title(value: object) -> Markup:
    """A page title for YAML front matter. The theme prints it unescaped, so escape ``<>&`` here."""
    text = _html.escape(_SPACE.sub(" ", str(value)).strip(), quote=False)
    return _trusted(json.dumps(text, ensure_ascii=False))  # JSON is YAML: quoted, escapes included


def json_ld(data: Any) -> Markup:
    """JSON for a ``<script type="application/ld+json">`` block that no value can close early."""
    text = json.dumps(data, ensure_ascii=False)  # compact: the C encoder, ~10x faster than indent
    for char in "<>&":
        text = text.replace(char, f"\\u{ord(char):04x}")
    # U+2028/2029 are valid JSON but end lines in older script parsers.
    return _trusted(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
