"""Folding changes typography, never meaning; quotes anchor only at whole words.

Property tests draw text from an alphabet rich in what folding touches (curly quotes, dashes,
no-break spaces, soft hyphens, zero-width characters, combining marks) and in what it must not
touch (digits, superscripts, fractions, ligatures, fullwidth forms, letters of several scripts).
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from dossier import quotes

ALPHABET = (
    "ab eiAßäöü0123456789 Жжи中の"  # letters of four scripts, digits
    "\u2019'\u02bc\u2032`\u201c\u201d\"-\u2013\u2014\u2212+.,\u00b7"  # apostrophes, quotes, dashes, signs
    "\u00a0\u202f\u2007\n\t  "  # no-break, narrow no-break, figure and other whitespace
    "\u00ad\u200b\u2060"  # soft hyphen and zero-width characters
    "\u0301\u0308"  # combining marks
    "\u00b2\u2074\u2084\u00bd\ufb01\uff11\u2163\u212b"  # ², ⁴, ₄, ½, ﬁ, １, Ⅳ, Å (Angstrom sign)
)
TEXT = st.text(st.sampled_from(ALPHABET), max_size=40)


def meaning(text: str) -> list[str]:
    """What a reader reads: the letters, digits and marks, in order, after NFC.

    Invisible characters are dropped and apostrophe look-alikes (such as U+02BC, a "letter")
    are apostrophes, as folding takes them.
    """
    text = text.translate({ord(c): None for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"})
    text = unicodedata.normalize("NFD", text)
    return [c for c in text if quotes.is_word_char(c) and c != "\u02bc"]


@settings(deadline=None)  # a loaded machine is no failure
@given(TEXT)
@example("around 10\u2074 people")
@example("\ufb01ne \uff11\u00bd")
def test_folding_never_changes_a_letter_digit_or_number(text: str) -> None:
    assert meaning(quotes.fold_text(text)) == meaning(text)


@settings(deadline=None)  # a loaded machine is no failure
@given(TEXT, TEXT)
@example("around 104 people", "around 10\u2074 people")
@example("fine", "\ufb01ne")
@example("x2", "x\u00b2")
def test_texts_with_equal_folds_say_the_same_words(a: str, b: str) -> None:
    if quotes.fold_text(a) == quotes.fold_text(b):
        assert meaning(a) == meaning(b)


@settings(deadline=None)  # a loaded machine is no failure
@given(TEXT)
@example("a \u200b b")
@example("e\u200b\u0301")
@example("\u1ffd")  # NFC maps GREEK OXIA onto the acute accent, which folds to an apostrophe
@example("`\u00e9 a`b")  # the ASCII backtick stays, next to any character
def test_folding_is_idempotent(text: str) -> None:
    once = quotes.fold(text).text
    assert quotes.fold(once).text == once
    assert quotes.fold_text(quotes.fold_text(text)) == quotes.fold_text(text)


def joined(a: str, b: str) -> bool:
    """Two letters or digits side by side, neither Chinese nor Japanese (one word each there)."""
    cjk = ("CJK UNIFIED", "HIRAGANA")
    return a.isalnum() and b.isalnum() and not any(unicodedata.name(c, "").startswith(cjk) for c in a + b)


@settings(deadline=None)  # a loaded machine is no failure
@given(TEXT, st.integers(0, 40), st.integers(0, 40))
@example("of \u221240 degrees", 4, 14)
@example("-40 degrees", 1, 11)
def test_a_found_quote_lies_on_word_boundaries_and_maps_back_to_its_words(text: str, i: int, j: int) -> None:
    i, j = sorted((min(i, len(text)), min(j, len(text))))
    needle = text[i:j]
    anchor = quotes.find(quotes.fold(text), needle)
    if anchor is None:
        return
    visible = [k for k, c in enumerate(text) if c not in "\u00ad\u200b\u2060"]
    before = max((k for k in visible if k < anchor.start), default=None)
    after = min((k for k in visible if k >= anchor.end), default=None)
    first = min((k for k in visible if k >= anchor.start), default=None)
    last = max((k for k in visible if k < anchor.end), default=None)
    # Independent of the implementation: no letter or digit on both sides of either end.
    if before is not None and first is not None and first < anchor.end:
        assert not joined(text[before], text[first])
    if after is not None and last is not None and last >= anchor.start:
        assert not joined(text[last], text[after])
    # A sign before a digit, after no letter or digit, belongs to the number: "−40", not "40".
    if before is not None and first is not None and first < anchor.end and text[first].isdigit():
        ahead = max((k for k in visible if k < before), default=None)
        assert not (text[before] in "-+\u2212\u2013" and (ahead is None or not text[ahead].isalnum()))
    assert quotes.fold_text(text[anchor.start : anchor.end]) == quotes.fold_text(needle)


@settings(deadline=None)  # a loaded machine is no failure
@given(
    st.lists(
        st.sampled_from(["unwilling", "willing", "to", "attack", "10\u2074", "104", "1,000"]), max_size=8
    )
)
def test_whole_word_quotes_of_whole_word_texts_are_found(ws: list[str]) -> None:
    # "104 104" is one number, as "1 500" is: a space joins a group of three digits to one to
    # three digits before it.
    assume("104 104" not in " ".join(ws))
    text = " ".join(ws)
    for k in range(len(ws)):
        for m in range(k + 1, len(ws) + 1):
            anchor = quotes.find(quotes.fold(text), " ".join(ws[k:m]))
            assert anchor is not None
            assert quotes.fold_text(text[anchor.start : anchor.end]) == " ".join(ws[k:m])


@pytest.mark.parametrize(
    ("body", "quote", "starts_in", "ends_in"),
    [
        (
            "Iran said it was unwilling to attack Israel this week",
            "willing to attack Israel this week",
            "unwilling",
            "",
        ),
        ("Die Maßnahmen greifen.", "aßnahmen greifen", "Maßnahmen", ""),
        ("Die Größe zählt", "Die Grö", "", "Größe"),
        ("Москва заявила о неготовности", "готовности", "неготовности", ""),
        ("some 1,000 troops", "000 troops", "1,000", ""),
        ("grew by 3.5 million", "5 million", "3.5", ""),
        ("killed 10\u202f000 people", "000 people", "10\u202f000", ""),
        ("Israel\u2019s army moved", "said Israel", "", ""),  # not found at all
        ("then Israel\u2019s army moved", "then Israel", "", "Israel\u2019s"),
        ("an anti-Israel protest", "Israel protest", "anti-Israel", ""),
        ("they don\u2019t know", "t know", "don\u2019t", ""),
        ("Luftverteidigungs\u00adausr\u00fcstung", "ausr\u00fcstung", "Luftverteidigungsausr\u00fcstung", ""),
        # a sign before a digit belongs to the number
        ("of \u221240 degrees were recorded", "40 degrees were recorded", "\u221240", ""),
        ("of -40 degrees were recorded", "40 degrees were recorded", "-40", ""),
        ("-40 degrees", "40 degrees", "-40", ""),
        ("of +5 percent", "5 percent", "+5", ""),
        ("of -40 degrees", "of -", "", "-40"),
        ("the S-400 systems", "400 systems", "S-400", ""),  # a hyphen between a letter and a digit joins
        # thousands separators and decimal points of other typographies
        ("said 1\u2007000 troops", "000 troops", "1\u2007000", ""),
        ("said 1\u202f000 troops", "000 troops", "1\u202f000", ""),
        ("said 1\u00a0000 troops", "000 troops", "1\u00a0000", ""),
        ("said 1\u2009000 troops", "000 troops", "1\u2009000", ""),
        ("was 3\u00b75 percent", "5 percent", "3\u00b75", ""),
        ("was \u0663\u066b\u0665 percent", "\u0665 percent", "\u0663\u066b\u0665", ""),
        ("was 1\u066c000 troops", "000 troops", "1\u066c000", ""),
        ("was 3\u20275 percent", "5 percent", "3\u20275", ""),
        # every character folding takes for an apostrophe joins letters, and so does the backtick
        ("Russia can\u2032t deliver", "t deliver", "can\u2032t", ""),
        ("Russia can\u2018t deliver", "t deliver", "can\u2018t", ""),
        ("Russia can\u201bt deliver", "t deliver", "can\u201bt", ""),
        ("Russia can\u00b4t deliver", "t deliver", "can\u00b4t", ""),
        ("Russia can\u201at deliver", "t deliver", "can\u201at", ""),
        ("Russia can`t deliver", "t deliver", "can`t", ""),
    ],
)
def test_a_quote_found_only_inside_words_names_the_word(
    body: str, quote: str, starts_in: str, ends_in: str
) -> None:
    found = quotes.locate(quotes.fold(body), quote)
    if not (starts_in or ends_in):
        assert found is None
        return
    assert isinstance(found, quotes.Cut)
    assert (found.starts_in, found.ends_in) == (starts_in, ends_in)


@pytest.mark.parametrize(
    ("body", "quote"),
    [
        ("Iran said it was unwilling to attack", "unwilling to attack"),
        ("Москва заявила о неготовности", "о неготовности"),
        ("Die Straße war gesperrt", "Straße war"),
        ("said it had started\u2014and more", "said it had started"),  # a dash between words is no hyphen
        ("the analysts\u2019 report", "the analysts'"),
        ("\u201cNo,\u201d he said", '"No,"'),
        ("Cafe\u0301 noir", "Caf\u00e9"),
        ("俄罗斯向伊朗交付防空系统", "交付防空系统"),  # in Chinese each ideograph is a word (UAX #29)
        ("\u0995\u09c7\u09be", "\u0995\u09cb"),  # Bengali: a vowel sign of class 0 that NFC composes
        ("\u1100\u1161\u11a8", "\uac01"),  # Hangul jamo compose into a syllable
        ("of \u221240 degrees", "\u221240 degrees"),  # the number with its sign
        ("of -40 degrees", "-40 degrees"),
        ("the S-400 systems", "S-400 systems"),
        ("from 10\u201340 degrees", "40 degrees"),  # an en dash after a digit is a range, no sign
        ("the anti-Israel protest", "anti-Israel protest"),
        ("\u2018Russia\u2019 said", "Russia"),  # quotation marks around a word are no apostrophes
    ],
)
def test_whole_words_anchor(body: str, quote: str) -> None:
    assert quotes.find(quotes.fold(body), quote) is not None


@pytest.mark.parametrize(
    ("body", "quote"),
    [
        ("around 10\u2074 people", "around 104 people"),
        ("\ufb01ne print", "fine print"),
        ("x\u00b2 grows", "x2 grows"),
        ("\u00bd of them", "1/2 of them"),
        ("\uff11\uff10\uff10 missiles", "100 missiles"),
        ("S\uff0d300", "S-300"),
        ("Stra\u00dfe", "Strasse"),
        ("H\u2082O", "H2O"),
        ("Iran", "iran"),
    ],
)
def test_folding_keeps_what_typography_does_not_change(body: str, quote: str) -> None:
    assert quotes.locate(quotes.fold(body), quote) is None


def test_occurrences_count_whole_words_only() -> None:
    body = "they were unwilling to go; later willing to go"
    anchor = quotes.find(quotes.fold(body), "willing to go")
    assert anchor is not None
    assert anchor.occurrences == 1
    assert body[anchor.start : anchor.end] == "willing to go"
    assert anchor.start == body.rindex("willing")


def test_a_quote_inside_many_words_still_finds_the_whole_word() -> None:
    # The first 60 occurrences are inside words, so the search switches to its regex scan.
    body = " ".join(["aa"] * 60 + ["a", "a"])
    anchor = quotes.find(quotes.fold(body), "a")
    assert anchor is not None
    assert (anchor.start, anchor.occurrences) == (len(body) - 3, 2)


def test_work_stays_bounded_when_a_quote_occurs_inside_every_word(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    real = quotes.inside_word

    def counting(text: str, p: int) -> bool:
        nonlocal calls
        calls += 1
        return real(text, p)

    monkeypatch.setattr(quotes, "inside_word", counting)
    for body in ("a" * 1_000_000, "a-" * 500_000):
        calls = 0
        assert isinstance(quotes.locate(quotes.fold(body), "a"), quotes.Cut)
        # Bounded by the scan limits, not by the 500,000 occurrences.
        assert calls <= 2 * (quotes._CUT_SCAN_LIMIT + quotes._SCAN_REJECT_LIMIT) + 400


@pytest.mark.parametrize(
    ("body", "quote", "figure", "found"),
    [
        ("some 300 missiles and drones", "some 300 missiles and drones", "300 missiles", True),
        ("some 300 missiles and drones", "some 300 missiles and drones", "30", False),
        ("some 300 missiles and drones", "some 300 missiles and drones", "00 missiles", False),
        ("of \u221240 degrees were recorded", "\u221240 degrees were recorded", "\u221240 degrees", True),
        ("of \u221240 degrees were recorded", "\u221240 degrees were recorded", "40 degrees", False),
        ("of \u221240 degrees were recorded", "40 degrees were recorded", "40 degrees", False),  # a cut quote
        ("said 1\u2007000 troops were moved", "000 troops were moved", "000 troops", False),
        ("said 1\u2007000 troops were moved", "1\u2007000 troops were moved", "1 000 troops", True),
        (
            "40 degrees, then \u221240 degrees",
            "then \u221240 degrees",
            "40 degrees",
            False,
        ),  # not before the span
    ],
)
def test_a_figure_counts_only_as_whole_words_of_the_passage_its_quote_cites(
    body: str, quote: str, figure: str, found: bool
) -> None:
    folded = quotes.fold(body)
    span = quotes.locate(folded, quote)
    assert span is not None
    assert quotes.find_within(folded, figure, span.start, span.end) is found
