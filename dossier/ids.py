"""The two kinds of reference that arrive from strangers' pull requests: ids and URLs.

One definition of each, shared by the JSON Schemas (a test keeps them equal), the checker,
the importer and the renderer, so no two places can disagree about what is allowed.

Both are matched against the whole value. ``re.match`` with a pattern ending in ``$`` would
accept a trailing newline (``$`` matches before a final ``\\n`` in Python), so the patterns
here come wrapped in :class:`Exact`, whose ``match`` is a full match; the checker validates the
schemas' anchored patterns the same way.
"""

from __future__ import annotations

import re

# An id names a page and a file (``seeds/<id>.md``): 100 characters keep every file name far
# below the 255-byte limit of common filesystems.
MAX_ID_LENGTH = 100


class Exact:
    """A pattern that must match the whole string (and, for ids, within a length)."""

    __slots__ = ("_compiled", "max_length", "pattern")

    def __init__(self, pattern: str, max_length: int | None = None) -> None:
        self.pattern = pattern
        self.max_length = max_length
        self._compiled = re.compile(pattern)

    def match(self, text: str) -> re.Match[str] | None:
        """The match of the whole of ``text``, or ``None``."""
        if self.max_length is not None and len(text) > self.max_length:
            return None
        return self._compiled.fullmatch(text)

    fullmatch = match


# An id is a slug: it names a page and a file, so it must never be able to name a path.
SLUG = Exact(r"^[a-z0-9]+(-[a-z0-9]+)*$", MAX_ID_LENGTH)
# Only http and https become links; javascript:, data:, file: and the rest never do.
HTTP_URL = Exact(r"^https?://[^\s]+$")
# Required text (a statement, a quote, a name) holds at least one visible character.
NONBLANK = re.compile(r"\S")


def is_slug(value: object) -> bool:
    return isinstance(value, str) and SLUG.match(value) is not None


def is_http_url(value: object) -> bool:
    return isinstance(value, str) and HTTP_URL.match(value) is not None


def not_ascii(value: str) -> str | None:
    """The first non-ASCII character of an id (a Cyrillic 'а' that looks Latin), if any."""
    return next((c for c in value if not c.isascii()), None)
