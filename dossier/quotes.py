"""Find an analyst's quote in a seed body: typography folded, meaning kept, whole words only.

Folding changes only what typography changes and meaning does not:

- curly, angled and other quotation marks become ``"``, apostrophes and primes ``'``, and every
  dash (hyphen, en and em dash, minus sign) ``-``;
- soft hyphens and zero-width characters are dropped;
- each run of whitespace (line breaks, no-break and thin spaces included) becomes one space;
- text is put in canonical composition (NFC), so ``e`` + combining acute equals ``é``.

Nothing else changes: digits, superscripts (``10⁴`` is not ``104``), subscripts, fractions,
letters and their case, ligatures (``ﬁ``), fullwidth and other compatibility forms stay as they
are. A match in the folded text maps back to the exact character span of the original body,
which the site highlights.

A quote anchors only where both its ends stand on word boundaries of the original body (a
word being letters, digits and combining marks in any script, joined by apostrophes (every
character folded to one, and the backtick) and hyphens, and by decimal points, thousands
separators and narrow spaces between digits, a plain space before a group of three digits
("1 500", see :func:`_thousands_space`), with the sign before a number): "willing to
attack" does not anchor in "unwilling to attack", nor "000 troops" in "1,000 troops", nor
"40 degrees" in "−40 degrees".

The closest-passage search (:func:`closest`) serves ``dossier quote`` and the hint of E401. It
works in bounded time per quote, cuts passages at word boundaries and widens them to keep any
negation or hedge word of their clause ("No deliveries … have taken place").
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz

_IGNORABLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"  # soft hyphen, zero-width characters
_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
# Not the ASCII backtick: ASCII text is copied unchanged, so folding it only next to other
# characters would make the same word fold two ways.
_APOSTROPHES = "\u2018\u2019\u201a\u201b\u2032\u00b4\u02bc"
# Not the small and fullwidth hyphens (U+FE58, U+FE63, U+FF0D): compatibility forms stay.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_TRANSLATE = str.maketrans(
    {
        **dict.fromkeys(_APOSTROPHES, "'"),
        **dict.fromkeys(_QUOTES, '"'),
        **dict.fromkeys(_DASHES, "-"),
        **dict.fromkeys(_IGNORABLE, None),
    }
)
# What cannot be copied through unchanged: whitespace other than a lone space, and any run of
# non-ASCII characters together with the character before it (a base its marks may compose with).
_SPECIAL = re.compile(r"\s{2,}|[^\S ]|[^\s]?[^\x00-\x7f]+")
# In ASCII text only whitespace can need folding; this much simpler test is 10x faster.
_ASCII_SPECIAL = re.compile(r"\s{2,}|[^\S ]")

_IDEOGRAPHIC = re.compile("[\u3040-\u309f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# Inside a word these join its parts: "don't", "air-defense". Every character folding takes for
# an apostrophe joins, or a quote could start after "can′t" where it may not after "can't"; so
# does the backtick typed for one ("didn`t") and the fullwidth apostrophe.
_APOSTROPHE_LIKE = "'`\uff07" + _APOSTROPHES
_WORD_JOINERS = frozenset(_APOSTROPHE_LIKE + "-\u2010\u2011")
# Between digits also thousands separators and decimal points: "1,000", "3.5", "1 000" with a
# no-break, figure, thin or narrow space, "3·5", Arabic "٣٫٥" and "١٬٠٠٠".
_NUMBER_JOINERS = frozenset(".,\u00a0\u2007\u2008\u2009\u200a\u202f\u00b7\u2027\u066b\u066c")
# A sign directly before a digit, after no word character, is part of the number: "−40". Not
# the em dash or the horizontal bar, which set off words rather than sign numbers.
_SIGNS = frozenset(
    "+\u00b1\u2213\ufe62\uff0b\ufe63\uff0d" + _DASHES.replace("\u2014", "").replace("\u2015", "") + "-"
)


# Hangul vowel and final jamo compose with the syllable before them, though they are letters.
_HANGUL_JOINING = re.compile("[\u1161-\u1175\u11a8-\u11c2]")
_DROP_IGNORABLE = str.maketrans(dict.fromkeys(_IGNORABLE, None))
_IGNORABLE_RUN = re.compile(f"[{_IGNORABLE}]+")
_SPACE = re.compile(r"\s")
PieceSink = Callable[[str, int, int, bool], None]


def _joins_previous(ch: str) -> bool:
    """Whether ``ch`` belongs to the character group before it: a mark or an ignorable.

    Every character NFC composes with the one before it is a mark or a Hangul jamo, so a
    group never splits what NFC would join.
    """
    return ch in _IGNORABLE or unicodedata.category(ch)[0] == "M" or bool(_HANGUL_JOINING.match(ch))


def _fold_group(group: str) -> str:
    # Translate before NFC (an ignorable may stand between a base and its mark) and after it
    # (NFC maps U+1FFD GREEK OXIA onto the acute accent, which the table folds).
    return unicodedata.normalize("NFC", group.translate(_TRANSLATE)).translate(_TRANSLATE)


@dataclass(frozen=True)
class Folded:
    """Folded text and a piecewise map from folded offsets back to the original.

    ``identity[i]`` says that piece ``i`` maps character for character (its text may differ:
    a curly quote folded to a straight one); otherwise it maps as a whole.
    """

    text: str
    f_starts: tuple[int, ...]
    o_starts: tuple[int, ...]
    o_ends: tuple[int, ...]
    identity: tuple[bool, ...]
    original: str = ""
    _counts: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the folded half-open span ``[start, end)`` to the original text."""
        i = bisect.bisect_right(self.f_starts, start) - 1
        o_start = self.o_starts[i] + (start - self.f_starts[i] if self.identity[i] else 0)
        j = bisect.bisect_right(self.f_starts, end - 1) - 1
        o_end = self.o_starts[j] + (end - self.f_starts[j] if self.identity[j] else 0)
        if not self.identity[j]:
            o_end = self.o_ends[j]
        return o_start, o_end

    def folded_offset(self, p: int) -> int:
        """A folded offset at or before where the original offset ``p`` folds to."""
        i = max(bisect.bisect_right(self.o_starts, p) - 1, 0)
        if not self.identity[i]:
            return self.f_starts[i]
        return self.f_starts[i] + max(min(p, self.o_ends[i]) - self.o_starts[i], 0)

    def count(self, word: str) -> int:
        """How often ``word`` occurs in :attr:`lower`; remembered, as quotes share words."""
        found = self._counts.get(word)
        if found is None:
            found = self._counts[word] = self.lower.count(word)
        return found

    @cached_property
    def lower(self) -> str:
        """The folded text in lower case, offset for offset (for similarity, which ignores case)."""
        return _lower(self.text)


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # Lower case one character at a time, so offsets stay valid ('İ'.lower() is two characters).
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


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
        if out and folded.startswith(" ") and out[-1].endswith(" "):
            # Two whitespace runs met where an ignorable character stood between them.
            folded, o_start, same = folded[1:], o_start + 1 if same else o_start, same
        if not folded:
            return
        if same and identity and identity[-1] and o_ends[-1] == o_start:
            out.append(folded)  # extend the previous identity piece
            o_ends[-1] = o_end
            flen += len(folded)
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
        _fold_chunk(m.group(), m.start(), piece)
        pos = m.end()
    if pos < len(text):
        piece(text[pos:], pos, len(text), True)
    if not f_starts:  # keep bisect total on empty input
        f_starts, o_starts, o_ends, identity = [0], [0], [0], [True]
    return Folded("".join(out), tuple(f_starts), tuple(o_starts), tuple(o_ends), tuple(identity), text)


def _fold_chunk(chunk: str, offset: int, piece: PieceSink) -> None:
    """Fold one special chunk, group by group, so each group maps back on its own."""
    if chunk.isspace():
        piece(" ", offset, offset + len(chunk), False)
        return
    if not _SPACE.search(chunk):
        bare = chunk.translate(_DROP_IGNORABLE)
        if unicodedata.is_normalized("NFC", bare):
            # The common case (a word in another script, a curly quote, a soft hyphen): the
            # table maps one character to one, so each stretch between ignorables maps back
            # character for character. (Its ', " and - compose with no mark: NFC stays.)
            pos = 0
            if len(bare) < len(chunk):
                for m in _IGNORABLE_RUN.finditer(chunk):
                    if m.start() > pos:
                        piece(
                            chunk[pos : m.start()].translate(_TRANSLATE),
                            offset + pos,
                            offset + m.start(),
                            True,
                        )
                    pos = m.end()
            if pos < len(chunk):
                piece(chunk[pos:].translate(_TRANSLATE), offset + pos, offset + len(chunk), True)
            return
    start = 0
    for i in range(1, len(chunk) + 1):
        if (
            i < len(chunk)
            and not chunk[i].isspace()
            and not chunk[i - 1].isspace()
            and _joins_previous(chunk[i])
        ):
            continue
        group = chunk[start:i]
        if group.isspace():
            piece(" ", offset + start, offset + i, False)
        else:
            folded = _fold_group(group)
            piece(folded, offset + start, offset + i, folded == group)
        start = i


# --- word boundaries -------------------------------------------------------------------------
def is_word_char(ch: str) -> bool:
    """A letter, digit or combining mark in any script (or ``_``): what words are made of."""
    return ch.isalnum() or ch == "_" or unicodedata.category(ch)[0] == "M"


def _left(text: str, p: int) -> int:
    """Index of the nearest character before ``p`` that is not ignorable, or -1."""
    p -= 1
    while p >= 0 and text[p] in _IGNORABLE:
        p -= 1
    return p


def _right(text: str, p: int) -> int:
    """Index of the nearest character at or after ``p`` that is not ignorable, or ``len(text)``."""
    while p < len(text) and text[p] in _IGNORABLE:
        p += 1
    return p


def inside_word(text: str, p: int) -> bool:
    """Whether offset ``p`` (between ``text[p-1]`` and ``text[p]``) lies inside a word."""
    a, b = _left(text, p), _right(text, p)
    if a < 0 or b >= len(text):
        return False
    ca, cb = text[a], text[b]
    if is_word_char(ca) and is_word_char(cb):
        # Chinese and Japanese write no spaces: as in Unicode's word segmentation (UAX #29),
        # each ideograph or hiragana character is a word of its own.
        return not (_IDEOGRAPHIC.match(ca) or _IDEOGRAPHIC.match(cb))
    if _joins_previous(cb) and not ca.isspace():  # a mark belongs to its base (a space has none)
        return True
    if is_word_char(ca) and not is_word_char(cb):  # "don|'t", "1|,000"
        if _thousands_space(text, b):  # "1| 500"
            return True
        c = _right(text, b + 1)
        return c < len(text) and _joins(text[a], cb, text[c])
    if is_word_char(cb) and not is_word_char(ca):  # "don'|t", "1,|000", "−|40"
        if _thousands_space(text, a):  # "1 |500"
            return True
        c = _left(text, a)
        if c < 0 or not is_word_char(text[c]):
            return ca in _SIGNS and cb.isdigit()
        return _joins(text[c], ca, cb)
    return False


def _thousands_space(text: str, i: int) -> bool:
    """Whether the ASCII space ``text[i]`` separates digit groups of one number ("1 500 000").

    Only a group of exactly three digits joins, to 1 to 3 digits before it: "in 2024 500 missiles" keeps two numbers, as a year has four
    digits, and "1,000 500" keeps two, as the first number already has its separator.
    """
    if i < 1 or i + 3 > len(text) or text[i] != " ":
        return False
    if not all(c.isdecimal() for c in text[i + 1 : i + 4]):
        return False
    if i + 4 < len(text) and is_word_char(text[i + 4]):
        return False  # "1 5000", "1 500th"
    j = i
    while j > 0 and text[j - 1].isdecimal():
        j -= 1
    if not 1 <= i - j <= 3:
        return False
    if j == 0:
        return True
    # Not after a letter ("A320 500"), nor after another separator ("1,000 500"): that number
    # is written another way.
    return not is_word_char(text[j - 1]) and not (
        text[j - 1] in _NUMBER_JOINERS and j > 1 and text[j - 2].isdecimal()
    )


def _joins(before: str, mid: str, after: str) -> bool:
    """Whether ``mid`` joins ``before`` and ``after`` into one word."""
    if not (is_word_char(before) and is_word_char(after)):
        return False
    if mid in _WORD_JOINERS:
        return True
    return mid in _NUMBER_JOINERS and before.isdigit() and after.isdigit()


def word_around(text: str, p: int, reach: int = 40) -> str:
    """The word that offset ``p`` cuts, as a reader sees it (ignorables dropped, clipped)."""
    start = p
    while start > 0 and p - start < reach and inside_word(text, start):
        start -= 1
    while (
        start < p
        and not is_word_char(text[start])
        and not (text[start] in _SIGNS and inside_word(text, start + 1))
    ):
        start += 1
    end = p
    while end < len(text) and end - p < reach and inside_word(text, end):
        end += 1
    while end > p and not is_word_char(text[end - 1]):
        end -= 1
    word = text[start:end].translate(_DROP_IGNORABLE) or text[max(p - 1, 0) : p + 1]
    return ("…" if p - start >= reach else "") + word + ("…" if end - p >= reach else "")


# --- anchoring -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Anchor:
    """Where a quote stands in the original body: a character span, and how often it occurs."""

    start: int
    end: int
    occurrences: int


@dataclass(frozen=True)
class Cut:
    """A quote found only inside words: the first such occurrence and the words it cuts."""

    start: int
    end: int
    starts_in: str  # the word the quote starts inside, or ""
    ends_in: str  # the word the quote ends inside, or ""

    def describe(self) -> str:
        """``quote starts inside the word 'unwilling'`` and/or ``ends inside the word …``."""
        parts = []
        if self.starts_in:
            parts.append(f"starts inside the word {self.starts_in!r}")
        if self.ends_in:
            parts.append(f"ends inside the word {self.ends_in!r}")
        return "quote " + " and ".join(parts)


# After this many occurrences inside words, look for whole-word ones with one regex scan instead.
_CUT_SCAN_LIMIT = 50
_SCAN_REJECT_LIMIT = 1_000
MAX_OCCURRENCES = 10


def find(folded_body: Folded, quote: str) -> Anchor | None:
    """Anchor ``quote`` in the body at whole words, or ``None`` when it does not occur so."""
    found = locate(folded_body, quote)
    return found if isinstance(found, Anchor) else None


def locate(folded_body: Folded, quote: str) -> Anchor | Cut | None:
    """Anchor ``quote`` at whole words; else say which words its first occurrence cuts."""
    needle = fold_text(quote)
    if not needle:
        return None
    hay, body = folded_body.text, folded_body.original
    first: tuple[int, int] | None = None
    cut: Cut | None = None
    occurrences = cuts = 0
    at = hay.find(needle)
    while at >= 0 and occurrences < MAX_OCCURRENCES:
        start, end, cut_start, cut_end = _occurrence(folded_body, at, at + len(needle))
        if not (cut_start or cut_end):
            occurrences += 1
            first = first or (start, end)
        else:
            cuts += 1
            if cut is None:
                cut = Cut(
                    start,
                    end,
                    word_around(body, start) if cut_start else "",
                    word_around(body, end) if cut_end else "",
                )
            if cuts >= _CUT_SCAN_LIMIT:
                return _locate_by_scan(folded_body, needle, at + 1, first, occurrences, cut)
        at = hay.find(needle, at + 1)
    if first is not None:
        return Anchor(first[0], first[1], occurrences)
    return cut


def find_within(folded_body: Folded, text: str, start: int, end: int) -> bool:
    """Whether ``text`` occurs at whole words of the body within its span ``[start, end)``.

    The words are judged in the body, not in the span alone: a figure "40 degrees" is not in a
    quote that cuts "−40 degrees" after its sign, and "30" is in no quote of "300 missiles".
    """
    needle = fold_text(text)
    if not needle:
        return False
    hay = folded_body.text
    at = hay.find(needle, folded_body.folded_offset(start))
    while at >= 0:
        o_start, o_end, cut_start, cut_end = _occurrence(folded_body, at, at + len(needle))
        if o_start >= end:
            return False
        if start <= o_start and o_end <= end and not (cut_start or cut_end):
            return True
        at = hay.find(needle, at + 1)
    return False


def _occurrence(folded_body: Folded, at: int, end_at: int) -> tuple[int, int, bool, bool]:
    """The original span of a folded match, and whether its start and its end cut a word.

    A match that starts or ends between a character and its combining mark cuts it too, even
    where the character is no letter.
    """
    hay, body = folded_body.text, folded_body.original
    start, end = folded_body.original_span(at, end_at)
    cut_start = inside_word(body, start) or (
        at > 0 and _joins_previous(hay[at]) and not hay[at - 1].isspace()
    )
    cut_end = inside_word(body, end) or (end_at < len(hay) and _joins_previous(hay[end_at]))
    return start, end, cut_start, cut_end


def _locate_by_scan(
    folded_body: Folded, needle: str, at: int, first: tuple[int, int] | None, occurrences: int, cut: Cut
) -> Anchor | Cut:
    """Continue :func:`locate` when the quote keeps occurring inside words ("a" in "aaaa…").

    A regex finds only occurrences not flanked by word characters in the folded text (a looser
    test than :func:`inside_word`); each is then checked against the original. The scan is
    linear in the body, and stops after :data:`_SCAN_REJECT_LIMIT` occurrences the stricter
    check rejects (such as "a" in "a-a-a-…"), so no body costs more than a few of them.
    """
    hay = folded_body.text
    before = r"(?<!\w)" if is_word_char(needle[0]) else ""
    after = r"(?!\w)" if is_word_char(needle[-1]) else ""
    rejected = 0
    for m in re.finditer(before + re.escape(needle) + after, hay[at:]):
        start, end, cut_start, cut_end = _occurrence(folded_body, at + m.start(), at + m.end())
        if cut_start or cut_end:
            rejected += 1
            if rejected >= _SCAN_REJECT_LIMIT:
                break
            continue
        occurrences += 1
        first = first or (start, end)
        if occurrences >= MAX_OCCURRENCES:
            break
    if first is not None:
        return Anchor(first[0], first[1], occurrences)
    return cut


# --- the closest passage ---------------------------------------------------------------------
# Negation and hedge words (English, German, Russian): a suggested passage keeps any of these
# that stands in its clause, so it never reverses or firms up what the seed says.
_NEGATION_WORDS = """
    no not never none nor neither nobody nothing nowhere without cannot deny denies denied denying
    denial refused refuses refusing declined declines failed fails dismiss dismisses
    nicht kein keine keinen keinem keiner keines nie niemals nichts niemand weder ohne
    dementiert dementierte bestritt bestreitet bestreiten bestritten abgelehnt zurückgewiesen
    не нет ни никогда ничего никто без отрицает отрицал опроверг опровергает опровергли опровергают
"""
# Verdicts on a claim, which usually follow it ("Reports that … were fabricated"): a passage
# that takes one in after it also takes in its clause from the start, where the claim is named.
_VERDICT_WORDS = """
    fabricated untrue false baseless unfounded rejected dismissed refuted denied disputed
    unconfirmed unverified fake fakes nonsense lie lies debunked hoax
    dementiert bestritten zurückgewiesen abgelehnt unbestätigt falsch erfunden
    falschmeldung falschmeldungen lüge
    фейк фейком ложь неправда
"""
_HEDGE_WORDS = """
    may might could would should reportedly allegedly alleged
    claim claims claimed claiming purportedly purported supposedly possibly perhaps probably
    rumor rumors rumored rumour rumours rumoured allegation allegations if whether unless unlikely
    angeblich angeblichen angebliche soll sollen sollte sollten solle möglicherweise vielleicht
    vermutlich mutmaßlich mutmaßliche offenbar könnte könnten dürfte dürften ob falls gerüchte
    якобы возможно может вероятно будто предположительно
"""
# Modals and conjunctions govern what follows them ("more would follow"): after a passage, one
# counts only as its next word. Every other hedge judges what precedes it too ("…, officials
# claimed") and counts up to the clause's end.
_FORWARD_WORDS = """
    may might could would should if whether unless
    soll sollen sollte sollten solle könnte könnten dürfte dürften ob falls
    может будто
"""
# Case-folded as the words looked up are ("mutmaßlich" becomes "mutmasslich").
VERDICTS = frozenset(w.casefold() for w in _VERDICT_WORDS.split())
NEGATIONS = frozenset(w.casefold() for w in _NEGATION_WORDS.split()) | VERDICTS
HEDGES = NEGATIONS | frozenset(w.casefold() for w in _HEDGE_WORDS.split())
FORWARD_HEDGES = frozenset(w.casefold() for w in _FORWARD_WORDS.split())
# Words are looked up with every apostrophe look-alike as "'" ("didn′t", "didn`t").
_APOSTROPHE_FOLD = str.maketrans(dict.fromkeys(_APOSTROPHE_LIKE, "'"))


def _ends_clause(body: str, m: re.Match[str]) -> bool:
    """Whether a match of :data:`_CLAUSE_END` ends a clause, not an abbreviation ("U.S.", "Gen.")."""
    p = m.start()
    if body[p] != ".":
        return True
    k = p
    while k > 0 and (body[k - 1].isalnum() or (body[k - 1] == "." and k > 1 and body[k - 2].isalnum())):
        k -= 1
    token = body[k:p]
    if (
        (len(token) == 1 and token.isupper())
        or token.casefold() in _ABBREVIATIONS
        or _INITIALS.fullmatch(token)
    ):
        return False
    q = m.end()
    while q < len(body) and (body[q].isspace() or body[q] in "\"'\u201d\u2019\u00bb)]"):
        q += 1
    return not (q < len(body) and body[q].islower())  # "approx. three", "d. h."


def _next_clause_end(body: str, lo: int, hi: int) -> re.Match[str] | None:
    """The first clause end in ``body[lo:hi]``, or ``None``."""
    return next((m for m in _CLAUSE_END.finditer(body, lo, hi) if _ends_clause(body, m)), None)


def _hedges_at(body: str, m: re.Match[str]) -> str:
    """The negation or hedge the word ``m`` of ``body`` begins ("not", "yet to"), or ``""``."""
    if is_hedge(m.group()):
        return m.group()
    if _key(m.group()) == "yet":
        to = _YET_TO.match(body, m.end())
        if to:
            return body[m.start() : to.end()]
    return ""


def _key(word: str) -> str:
    return word.translate(_APOSTROPHE_FOLD).casefold()


def is_hedge(word: str) -> bool:
    """Whether a word negates or hedges what stands next to it ("not", "didn't", "angeblich")."""
    return is_negation(word) or _key(word) in HEDGES


def is_negation(word: str) -> bool:
    """Whether a word negates ("not", "didn't", "nicht", "fabricated"), wherever it stands in the clause."""
    w = _key(word)
    return w in NEGATIONS or w.endswith("n't")


# A clause ends at sentence punctuation followed by a space, at the end of a quotation ("…,"
# he said), or at a blank line.
_CLAUSE_END = re.compile(r"[.!?;:](?=[\s\"')\]]|$)|[,.!?;:][\"'\u201d\u2019\u00bb]|\n\s*\n")
# A full stop after these ends no clause: "No U.S. official", "Gen. Bagheri", "z.B. Raketen".
_ABBREVIATIONS = frozenset(
    {
        *("gen", "col", "lt", "maj", "dr", "mr", "mrs", "ms", "prof", "sen", "rep", "gov", "st"),
        *("no", "vs", "etc", "approx", "nr", "z.b", "u.a", "bzw", "ca"),
    }
)
_INITIALS = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")  # "U.S", "z.B", "u.a"
# A quotation closed with a comma ("…," the ministry denied) goes on with its speech tag, which
# may judge it; so may one closed with "?" or "!" when a lower-case word follows.
_SPEECH_TAG = re.compile(r",[\"'\u201d\u2019\u00bb]|[!?][\"'\u201d\u2019\u00bb](?=\s+[^\W\d_])")
# "has yet to confirm": "yet" negates only before "to".
_YET_TO = re.compile(r"\s+to(?!\w)", re.IGNORECASE)
_WORD = re.compile(r"\w(?:[\w\u0300-\u036f]|[" + re.escape("".join(sorted(_WORD_JOINERS))) + r"](?=\w))*")
# How far from the passage a clause is searched for a hedge word, in characters.
HEDGE_REACH = 300

# The budget of the closest-passage search, per quote.
FULL_SEARCH_LIMIT = 100_000  # a seed up to this long (folded characters) is compared in full
MAX_NEEDLE = 2_000  # a longer quote gets no closest passage
MAX_HITS = 2_000  # occurrences of the quote's rarer words considered as anchors for windows
MAX_WINDOWS = 6  # windows compared in full, each about three quotes long
_REFINE_CANDIDATES = 12  # word boundaries tried for each end of the passage


@dataclass(frozen=True)
class NearMiss:
    """The passage of a seed closest to a quote that was not found, or why none was searched."""

    start: int
    end: int
    similarity: float
    examined: int = 0  # characters of the seed compared with the quote: the work done
    gave_up: str = ""  # why no passage was searched, when none was
    kept: tuple[str, ...] = ()  # negation and hedge words the passage was widened to keep

    @property
    def found(self) -> bool:
        return not self.gave_up


def words(text: str) -> list[str]:
    """The words of ``text`` in order (apostrophes and hyphens inside a word kept)."""
    return _WORD.findall(text)


def closest(folded_body: Folded, quote: str) -> NearMiss:
    """The passage most like ``quote`` (ignoring case), in whole words, with its hedge words.

    Work is bounded: a seed longer than :data:`FULL_SEARCH_LIMIT` is compared only in a few
    windows around the quote's rarer words, and a quote longer than :data:`MAX_NEEDLE` is not
    searched for at all; ``gave_up`` then says so.
    """
    needle = _lower(fold_text(quote))
    hay = folded_body.lower
    if not needle or not hay.strip():
        return NearMiss(0, 0, 0.0, gave_up="the quote or the seed is empty")
    if len(needle) > MAX_NEEDLE:
        return NearMiss(0, 0, 0.0, gave_up=f"the quote is longer than {MAX_NEEDLE} characters")
    if len(hay) <= FULL_SEARCH_LIMIT:
        windows = [(0, len(hay))]
    else:
        windows = _windows(folded_body, needle)
        if not windows:
            return NearMiss(
                0,
                0,
                0.0,
                gave_up=f"the seed is too large to compare in full ({len(hay):,} characters) "
                "and shares no rare word with the quote",
            )
    best = (-1.0, 0, 0)
    examined = 0
    for a, b in windows:
        align = fuzz.partial_ratio_alignment(needle, hay[a:b])
        examined += b - a
        if align is not None and align.score > best[0]:
            best = (align.score, a + align.dest_start, a + align.dest_end)
    _, f_start, f_end = _refine(hay, needle, best[1], best[2])
    body = folded_body.original
    start, end = folded_body.original_span(f_start, max(f_end, f_start + 1))
    start, end = widen(body, start, end)
    kept_start, kept_end = keep_hedges(body, start, end)
    kept = hedges_taken_in(body, (start, end), (kept_start, kept_end))
    similarity = fuzz.ratio(needle, _lower(fold_text(body[kept_start:kept_end])))
    return NearMiss(kept_start, kept_end, similarity, examined, kept=kept)


def hedges_taken_in(body: str, before: tuple[int, int], after: tuple[int, int]) -> tuple[str, ...]:
    """The negation and hedge words that :func:`keep_hedges` added to a passage, in order."""
    added = list(_WORD.finditer(body, after[0], before[0])) + list(_WORD.finditer(body, before[1], after[1]))
    return tuple(w for w in (_hedges_at(body, m) for m in added) if w)


def _windows(folded_body: Folded, needle: str) -> list[tuple[int, int]]:
    """Windows of the lower-cased text around the places where most of the quote's rarer words occur."""
    hay = folded_body.lower
    candidates = sorted({w for w in words(needle) if len(w) >= 3}, key=len, reverse=True)[:12]
    counted = sorted((folded_body.count(w), w) for w in candidates)
    hits: list[tuple[int, str]] = []
    for count, word in counted:
        if count == 0:
            continue
        if len(hits) + count > MAX_HITS:
            break
        at = hay.find(word)
        while at >= 0:
            hits.append((at, word))
            at = hay.find(word, at + 1)
    if not hits:
        return []
    hits.sort()
    reach = len(needle)
    scored = []
    lo = 0
    for hi, (pos, _) in enumerate(hits):
        while hits[lo][0] < pos - reach:
            lo += 1
        scored.append((len({w for _, w in hits[lo : hi + 1]}), -pos))
    scored.sort(reverse=True)
    chosen: list[tuple[int, int]] = []
    for _, neg in scored:
        pos = -neg
        window = (max(pos - 2 * reach, 0), min(pos + 2 * reach, len(hay)))
        if any(a <= pos <= b for a, b in chosen):
            continue
        chosen.append(window)
        if len(chosen) == MAX_WINDOWS:
            break
    return chosen


def _refine(hay: str, needle: str, start: int, end: int) -> tuple[float, int, int]:
    """Move the ends of an alignment to nearby spaces while the similarity grows.

    The alignment is a window as long as the words typed; the passage meant is often longer or
    shorter ("sending air defence" for "sending advanced air defense systems").
    """
    reach = len(needle)
    lo, hi = max(start - reach, 0), min(end + 2 * reach, len(hay))
    spaces = [(m.start() + lo, m.end() + lo) for m in re.finditer(r"\s+", hay[lo:hi])]
    starts = [e for _, e in spaces] + ([0] if lo == 0 else [])
    ends = [s for s, _ in spaces] + ([len(hay)] if hi == len(hay) else [])
    # The nearest few boundaries only: a long quote has hundreds, and each pair costs a ratio.
    near_starts = sorted((b for b in starts if abs(b - start) <= reach // 2), key=lambda b: abs(b - start))
    near_ends = sorted((e for e in ends if end - reach // 2 <= e <= end + reach), key=lambda e: abs(e - end))
    near_starts, near_ends = (
        near_starts[:_REFINE_CANDIDATES] or [start],
        near_ends[:_REFINE_CANDIDATES] or [end],
    )
    best = (fuzz.ratio(needle, hay[start:end]), start, end)
    for b in near_starts:
        for e in near_ends:
            if e > b:
                score = fuzz.ratio(needle, hay[b:e])
                if score > best[0]:
                    best = (score, b, e)
    return best


def widen(body: str, start: int, end: int) -> tuple[int, int]:
    """Grow ``[start, end)`` to whole words and trim the whitespace around it."""
    while start > 0 and inside_word(body, start):
        start -= 1
    while end < len(body) and inside_word(body, end):
        end += 1
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def keep_hedges(body: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to keep the words of its clause that negate or hedge it.

    Before the passage, every negation or hedge word of the clause is taken in ("No deliveries
    of the kind described have taken place"); after it, the next word when it is one ("have"
    + "not"), and up to the clause's end every one but a modal or conjunction, which governs
    what follows it (German puts "nicht" late; "… were fabricated"; "…, officials claimed"). A verdict taken in after the passage
    ("fabricated", "zurückgewiesen") also takes in the clause from its first word, which names
    the claim judged ("Reports that"). Only text within :data:`HEDGE_REACH` characters of the
    passage is searched.
    """
    lo = max(start - HEDGE_REACH, 0)
    # Only the last clause end before the passage matters: test the candidates from the end.
    last_end = next(
        (m for m in reversed(list(_CLAUSE_END.finditer(body, lo, start))) if _ends_clause(body, m)), None
    )
    clause_start = last_end.end() if last_end else lo
    first_word = None  # the clause's first word, when the clause starts within reach
    wants_first = last_end is not None or lo == 0
    # The cheap test (is it a hedge word?) before the costly one (is it inside a word?).
    for m in _WORD.finditer(body, clause_start, start):
        if wants_first and first_word is None:
            if inside_word(body, m.start()):
                continue
            first_word = m.start()
        elif not _hedges_at(body, m) or inside_word(body, m.start()):
            continue
        if _hedges_at(body, m):
            start = m.start()
            break
    hi = min(end + HEDGE_REACH, len(body))
    after = _next_clause_end(body, max(end - 2, start), hi)  # the passage may end its clause
    spans = []  # where to look after the passage, and whether it is a speech tag
    if not (after and after.start() < end):
        spans.append((end, after.start() if after else hi, False))
    if after and _SPEECH_TAG.match(body, after.start()):
        tag_end = _next_clause_end(body, after.end(), hi)
        spans.append((max(after.end(), end), tag_end.start() if tag_end else hi, True))
    for a, b, in_tag in spans:
        for i, m in enumerate(_WORD.finditer(body, a, b)):
            if not _hedges_at(body, m) or inside_word(body, m.end()):
                continue
            if (in_tag or i > 0) and _key(m.group()) in FORWARD_HEDGES:
                continue
            end = m.end()
            if _key(m.group()) in VERDICTS and first_word is not None:
                start = min(start, first_word)  # "Reports that" … "were fabricated"
    return start, end


def word_diff(quote: str, passage: str, limit: int = 6) -> str:
    """Which words differ: ``quote has 'x y', seed has 'z'`` (in order, clipped)."""
    a, b = words(fold_text(quote))[:500], words(fold_text(passage))[:500]
    only_quote: list[str] = []
    only_seed: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            only_quote += a[i1:i2]
        if tag in ("replace", "insert"):
            only_seed += b[j1:j2]

    def show(ws: list[str]) -> str:
        return repr(" ".join(ws[:limit]) + (" …" if len(ws) > limit else ""))

    if not only_quote and not only_seed:
        return "the words are the same; punctuation differs"
    parts = []
    if only_quote:
        parts.append(f"quote has {show(only_quote)}")
    if only_seed:
        parts.append(f"seed has {show(only_seed)}")
    return ", ".join(parts)
