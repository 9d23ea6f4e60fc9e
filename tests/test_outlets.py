"""W412's comparison: which outlets look like one outlet entered twice, and which do not."""

from __future__ import annotations

import pytest

from dossier.outlets import twins


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (("moscow-times", "The Moscow Times", []), ("moscow-time", "Moscow Time", [])),
        (("reuters", "Reuters", []), ("reuter", "Reuter", [])),
        # An alias of one is the other's name: the same outlet.
        (("mt", "The Moscow Times", ["Moscow Times"]), ("the-mt", "Moscow Times", [])),
        # Typography and case do not make two outlets.
        (("zeit", "Die Zeit", []), ("die-zeit", "DIE ZEIT", [])),
    ],
)
def test_one_outlet_entered_twice_is_found(
    earlier: tuple[str, str, list[str]], later: tuple[str, str, list[str]]
) -> None:
    assert twins([earlier, later]) == [(later[0], earlier[0])]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("times-of-india", "Times of India", []), ("toi", "Times of Israel", [])),
        (("rt-de", "RT DE", []), ("rt-en", "RT EN", [])),
        (("channel-4", "Channel 4", []), ("channel-5", "Channel 5", [])),
        (("outlet-1", "Outlet 1", []), ("outlet-11", "Outlet 11", [])),  # benchmarks/synth.py's outlets
        (("die-welt", "Die Welt", []), ("die-zeit", "Die Zeit", [])),
    ],
)
def test_different_outlets_are_not_reported(
    a: tuple[str, str, list[str]], b: tuple[str, str, list[str]]
) -> None:
    assert twins([a, b]) == []


def test_each_later_outlet_is_reported_once_against_the_first_it_resembles() -> None:
    # The third resembles both earlier ones (its name is the first's, 92% the second's).
    outlets: list[tuple[str, str, list[str]]] = [
        ("reuters", "Reuters", []),
        ("reuter", "Reuter", []),
        ("reuters-news", "Reuters", []),
    ]
    assert twins(outlets) == [("reuter", "reuters"), ("reuters-news", "reuters")]


def test_a_name_that_is_not_text_is_left_out() -> None:
    assert twins([("reuters", 5, []), ("reuter", None, [])]) == [("reuter", "reuters")]
