"""Find an analyst's quote in a seed body, folding typography but not meaning.

Folding maps Unicode to NFKC, curly quotes and apostrophes to straight ones, every dash to
``-``, drops soft hyphens and zero-width characters, and collapses each run of whitespace
(line breaks included) to one space. A match in the folded text maps back to the exact
character span of the original body, which the site highlights.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

_TRANSLATE = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u02bc", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", None),
    }
)
# A base character and the combining marks after it fold together, so NFKC can compose them.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_GROUP = re.compile(rf".[{_MARKS}]*", re.S)
# What cannot be copied through unchanged: whitespace other than a lone space, an ASCII letter
# carrying combining marks, and any other non-ASCII run.
_SPECIAL = re.compile(rf"\s{{2,}}|[^\S ]|[^\s][{_MARKS}]+|[^\x00-\x7f]+")
# In ASCII text only whitespace can need folding; this much simpler test is 10x faster.
_ASCII_SPECIAL = re.compile(r"\s{2,}|[^\S ]")


@dataclass(frozen=True)
class Folded:
    """Folded text and a piecewise map from folded offsets back to the original."""

    text: str
    f_starts: tuple[int, ...]
    o_starts: tuple[int, ...]
    o_ends: tuple[int, ...]
    identity: tuple[bool, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the folded half-open span ``[start, end)`` to the original text."""
        i = bisect.bisect_right(self.f_starts, start) - 1
        o_start = self.o_starts[i] + (start - self.f_starts[i] if self.identity[i] else 0)
        j = bisect.bisect_right(self.f_starts, end - 1) - 1
        o_end = self.o_starts[j] + (end - self.f_starts[j] if self.identity[j] else 0)
        if not self.identity[j]:
            o_end = self.o_ends[j]
        return o_start, o_end


def fold_text(text: str) -> str:
    """The folded form alone (for quotes, where no map is needed)."""
    if text.isascii() and not _ASCII_SPECIAL.search(text):  # nothing to fold
        return text.strip()
    return fold(text).text.strip()


def fold(text: str) -> Folded:
    """Fold ``text`` and remember where each folded piece came from."""
    out: list[str] = []
    f_starts: list[int] = []
    o_starts: list[int] = []
    o_ends: list[int] = []
    identity: list[bool] = []
    flen = 0

    def piece(folded: str, o_start: int, o_end: int, same: bool) -> None:
        nonlocal flen
        if not folded:
            return
        out.append(folded)
        f_starts.append(flen)
        o_starts.append(o_start)
        o_ends.append(o_end)
        identity.append(same)
        flen += len(folded)

    pos = 0
    for m in _SPECIAL.finditer(text):
        if m.start() > pos:
            piece(text[pos : m.start()], pos, m.start(), True)
        chunk = m.group()
        if chunk.isspace():
            piece(" ", m.start(), m.end(), False)
        else:
            for g in _GROUP.finditer(chunk):
                group = g.group()
                folded = unicodedata.normalize("NFKC", group.translate(_TRANSLATE))
                if folded.isspace():
                    folded = " "
                o = m.start() + g.start()
                piece(folded, o, o + len(group), folded == group)
        pos = m.end()
    if pos < len(text):
        piece(text[pos:], pos, len(text), True)
    if not f_starts:  # keep bisect total on empty input
        f_starts, o_starts, o_ends, identity = [0], [0], [0], [True]
    return Folded("".join(out), tuple(f_starts), tuple(o_starts), tuple(o_ends), tuple(identity))


@dataclass(frozen=True)
class Anchor:
    """Where a quote stands in the original body: a character span, and how often it occurs."""

    start: int
    end: int
    occurrences: int


@dataclass(frozen=True)
class NearMiss:
    """The passage of a seed closest to a quote that was not found."""

    start: int
    end: int
    similarity: float


def find(folded_body: Folded, quote: str) -> Anchor | None:
    """Anchor ``quote`` in the body, or ``None`` when it does not occur."""
    needle = fold_text(quote)
    if not needle:
        return None
    hay = folded_body.text
    at = hay.find(needle)
    if at < 0:
        return None
    occurrences = 1
    nxt = hay.find(needle, at + 1)
    while nxt >= 0 and occurrences < 10:
        occurrences += 1
        nxt = hay.find(needle, nxt + 1)
    start, end = folded_body.original_span(at, at + len(needle))
    return Anchor(start, end, occurrences)


def nearest(folded_body: Folded, quote: str) -> NearMiss:
    """The closest passage, by rapidfuzz's best partial alignment."""
    needle = fold_text(quote)
    hay = folded_body.text
    align = fuzz.partial_ratio_alignment(needle, hay)
    if align is None:  # rapidfuzz answers None only for empty input
        return NearMiss(0, 0, 0.0)
    # Widen the alignment to whole words so the passage reads as the analyst would copy it.
    start = align.dest_start
    while start > 0 and not hay[start - 1].isspace():
        start -= 1
    end = max(align.dest_end, start + 1)
    while end < len(hay) and not hay[end].isspace():
        end += 1
    o_start, o_end = folded_body.original_span(start, end)
    return NearMiss(o_start, o_end, align.score)
