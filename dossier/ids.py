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
from collections.abc import Callable

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


# --- proposing a seed id -------------------------------------------------------------------------

# A proposed seed id aims at this many characters: short enough to type in a citation and read in
# a link, long enough to say whose article of when about what.
SEED_ID_TARGET = 30
# Words that say nothing about an article (English, German, French, Spanish): left out of ids.
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "but",
        "by",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "that",
        "this",
        "after",
        "over",
        "into",
        "about",
        "says",
        "said",
        "new",
        # headline boilerplate ("Reports: …", "Exclusive: …")
        "reports",
        "exclusive",
        "breaking",
        "update",
        "live",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einen",
        "einem",
        "einer",
        "und",
        "oder",
        "von",
        "zu",
        "zum",
        "zur",
        "im",
        "mit",
        "auf",
        "fur",
        "nach",
        "bei",
        "ist",
        "sind",
        "aus",
        "um",
        "le",
        "la",
        "les",
        "l",
        "de",
        "du",
        "d",
        "un",
        "une",
        "et",
        "en",
        "au",
        "aux",
        "sur",
        "pour",
        "par",
        "el",
        "los",
        "las",
        "del",
        "y",
        "con",
        "por",
        "para",
    ]
)


def slug_words(text: str) -> list[str]:
    """The words of ``text`` as slug parts: accents folded to ASCII, lower case, letters and digits."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.findall(r"[a-z0-9]+", ascii_text.lower())


def propose_seed_id(outlet: str, published: str, title: str, taken: Callable[[str], bool]) -> str:
    """A short, readable seed id: ``<outlet>-<published>-<up to 3 title words>``, such as
    ``rt-de-2024-08-russland-liefert``, at most :data:`SEED_ID_TARGET` characters where the outlet
    and date allow; title words are dropped from the end to fit, and ``-2``, ``-3`` … make it
    unique when ``taken(id)`` says it is in use.

    ``outlet`` is an entity id (a slug) and ``published`` a date such as 2024, 2024-08 or
    2024-08-06, so the id is never empty, whatever script the title is in.
    """
    head = "-".join([*slug_words(outlet), *slug_words(published)])
    words = [w for w in slug_words(title) if w not in _STOP_WORDS][:3]
    while words and len("-".join([head, *words])) > SEED_ID_TARGET:
        words.pop()
    base = "-".join([head, *words])[: MAX_ID_LENGTH - 4].strip("-")
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate
