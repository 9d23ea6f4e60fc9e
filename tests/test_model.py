"""Corroboration counts outlets and origins, never documents."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from dossier.dates import FuzzyDate
from dossier.model import Citation, Dossier, Entity, Fact, Seed

_DAY = FuzzyDate(dt.date(2024, 8, 6), dt.date(2024, 8, 6), "2024-08-06", "day")


def _seed(seed_id: str, outlet: str, same_as: str | None = None, body: str = "") -> Seed:
    body = body or f"the text of {seed_id}"
    sha = hashlib.sha256(body.encode()).hexdigest()
    return Seed(seed_id, "t", outlet, _DAY, "en", None, sha, body, f"seeds/{seed_id}.md", 6, same_as)


SEEDS = (
    _seed("toi", "times-of-israel"),
    _seed("breitbart", "breitbart-news"),
    _seed("mt-text", "the-moscow-times", "mt-md"),
    _seed("mt-md", "the-moscow-times", "mt-text"),
)


def _level(*citations: tuple[str, tuple[str, ...]]) -> tuple[str, int, int, int]:
    fact = Fact(
        "f",
        "s",
        ("x",),
        "reported",
        tuple(Citation(seed, "q", 0, 1, credited) for seed, credited in citations),
    )
    dossier = Dossier("t", "", (Entity("x", "other", "X"),), (fact,), SEEDS)
    c = dossier.corroboration(fact)
    return c.level, len(c.articles), len(c.outlets), len(c.origins)


@pytest.mark.parametrize(
    ("citations", "expected"),
    [
        # Every outlet relays the New York Times: one origin, however many documents.
        (
            [
                ("toi", ("new-york-times",)),
                ("breitbart", ("new-york-times",)),
                ("mt-text", ("new-york-times",)),
                ("mt-md", ("new-york-times",)),
            ],
            ("relayed", 3, 3, 1),
        ),
        # Two captures of one article are one article and one outlet.
        ([("mt-text", ()), ("mt-md", ())], ("single", 1, 1, 1)),
        # One outlet quoting a speaker via a channel is one origin (the speaker), still single.
        ([("breitbart", ("sergei-shoigu", "rossiya-24"))], ("single", 1, 1, 1)),
        # One outlet crediting two different origins is still one outlet's word.
        ([("breitbart", ("tass",)), ("breitbart", ("new-york-times",))], ("single", 1, 1, 2)),
        # Two outlets, each with its own origin: independent.
        ([("toi", ()), ("breitbart", ("tass",))], ("independent", 2, 2, 2)),
        # Breitbart repeating the Times of Israel, next to the Times of Israel itself: relayed.
        ([("toi", ()), ("breitbart", ("times-of-israel",))], ("relayed", 2, 2, 1)),
    ],
)
def test_corroboration_levels(
    citations: list[tuple[str, tuple[str, ...]]], expected: tuple[str, int, int, int]
) -> None:
    assert _level(*citations) == expected


def test_one_text_printed_by_three_outlets_is_one_report() -> None:
    """Byte-identical bodies are one article with one origin, even without ``same_as``: a
    syndicated text is not three confirmations."""
    seeds = tuple(_seed(f"s{i}", f"outlet-{i}", body="Russia delivered radars.") for i in (3, 1, 2))
    fact = Fact("f", "s", ("x",), "confirmed", tuple(Citation(s.id, "q", 0, 1) for s in seeds))
    dossier = Dossier("t", "", (Entity("x", "other", "X"),), (fact,), seeds)
    c = dossier.corroboration(fact)
    assert (c.level, c.articles, c.outlets, c.origins) == (
        "relayed",
        ("s1",),
        ("outlet-1", "outlet-2", "outlet-3"),
        ("outlet-1",),
    )


def test_an_origin_that_names_no_one_never_makes_a_fact_independent() -> None:
    """RT DE credits 'media reports' it does not name: they may be the New York Times report the
    other outlets relay, so the fact stays relayed, not independent."""
    fact = Fact(
        "f",
        "s",
        ("x",),
        "reported",
        (
            Citation("toi", "q", 0, 1, ("new-york-times",)),
            Citation("breitbart", "q", 0, 1, ("media-reports",)),
        ),
    )
    entities = (
        Entity("x", "other", "X"),
        Entity("media-reports", "outlet", "Media reports", unidentified=True),
    )
    c = Dossier("t", "", entities, (fact,), SEEDS).corroboration(fact)
    assert (c.level, c.origins, c.unidentified) == (
        "relayed",
        ("media-reports", "new-york-times"),
        ("media-reports",),
    )
    named = Dossier("t", "", (entities[0], Entity("media-reports", "outlet", "M")), (fact,), SEEDS)
    assert named.corroboration(fact).level == "independent"


def test_captures_chained_by_same_as_and_identical_text_are_one_article() -> None:
    """a and b print one text; c captures b (same_as) with a footer: all three are one report."""
    seeds = (
        _seed("a", "outlet-x", body="Radars arrived."),
        _seed("b", "outlet-y", body="Radars arrived."),
        _seed("c", "outlet-z", "b", body="Radars arrived. Footer."),
    )
    fact = Fact("f", "s", ("x",), "reported", (Citation("a", "q", 0, 1), Citation("c", "q", 0, 1)))
    c = Dossier("t", "", (Entity("x", "other", "X"),), (fact,), seeds).corroboration(fact)
    assert (c.level, c.articles, c.origins) == ("relayed", ("a",), ("outlet-x",))
