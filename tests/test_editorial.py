"""Editorial consistency rules (issue 7): what the rules accept and refuse, beyond the one fixture each.

Each test edits the sound base dossier and runs ``dossier check`` as an analyst would; the
property tests pin the date arithmetic the rules rest on.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dossier import dates
from dossier.check import _later, _named_in, _numbers, _phrase_states, _states, check, name_index
from dossier.project import Project
from dossier.render import render
from tests.test_rules import run_check

PUBLISHED = dates.parse("2024-08-06")  # a Tuesday
DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
GERMAN_MONTHS = dates.GERMAN_MONTH_NAMES


def _edit(project: Path, old: str, new: str) -> None:
    path = project / "data" / "facts.yaml"
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


def _check(project: Path) -> str:
    return run_check(project, "--strict")[1]


# --- phrases ------------------------------------------------------------------------------
def test_weekday_in_a_named_week_is_one_day() -> None:
    phrase = dates.read_phrase("on Wednesday last week")
    assert dates.candidates(phrase, PUBLISHED) == [dt.date(2024, 7, 31)]


def test_day_words_in_both_languages() -> None:
    assert dates.candidates(dates.read_phrase("gestern"), PUBLISHED) == [dt.date(2024, 8, 5)]
    assert dates.candidates(dates.read_phrase("vorgestern"), PUBLISHED) == [dt.date(2024, 8, 4)]
    assert dates.candidates(dates.read_phrase("Yesterday"), PUBLISHED) == [dt.date(2024, 8, 5)]
    assert dates.candidates(dates.read_phrase("heute"), PUBLISHED) == [dt.date(2024, 8, 6)]


def test_a_bare_month_names_the_month_and_no_days() -> None:
    phrase = dates.read_phrase("im Juni")
    assert phrase.months == {6} and phrase.period is None
    assert dates.candidates(phrase, PUBLISHED) == []


def test_month_names_are_capitalised_words() -> None:
    assert dates.read_phrase("it may rain").months == frozenset()
    assert dates.read_phrase("in der ersten Augustwoche").months == {8}
    assert dates.read_phrase("Augusta").months == frozenset()


def test_a_week_cannot_be_placed_from_a_month() -> None:
    assert dates.candidates(dates.read_phrase("last week"), dates.parse("2024-08")) == []
    month = dates.candidates(dates.read_phrase("last month"), dates.parse("2024-08"))
    assert (month[0], month[-1]) == (dt.date(2024, 7, 1), dt.date(2024, 7, 31))


@given(DAYS, st.integers(0, 6))
def test_a_bare_weekday_means_that_weekday_within_six_days(day: dt.date, weekday: int) -> None:
    published = dates.parse(day.isoformat())
    found = dates.candidates(dates.read_phrase(f"on {dates.DAY_NAMES[weekday]}"), published)
    assert found and all(d.weekday() == weekday and abs((d - day).days) <= 6 for d in found)
    assert found == dates.candidates(dates.read_phrase(f"am {dates._TAGE[weekday]}"), published)


@given(DAYS)
def test_last_week_is_the_monday_to_sunday_before(day: dt.date) -> None:
    found = dates.candidates(dates.read_phrase("vergangene Woche"), dates.parse(day.isoformat()))
    assert len(found) == 7 and found[0].weekday() == 0 and found[-1] < day
    assert (day - found[-1]).days == day.weekday() + 1


@given(DAYS, DAYS, st.sampled_from(["year", "month", "day"]), st.sampled_from(["year", "month", "day"]))
def test_later_is_a_strict_order(a: dt.date, b: dt.date, pa: dates.Precision, pb: dates.Precision) -> None:
    assert not (_later((a, pa), (b, pb)) and _later((b, pb), (a, pa)))
    assert _later((a, "day"), (b, "day")) == (a > b)


@given(DAYS)
def test_written_dates_state_every_part(day: dt.date) -> None:
    english = f"on {day.day} {dates.MONTH_NAMES[day.month - 1]} {day.year}"
    american = f"on {dates.MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"
    german = f"am {day.day}. {GERMAN_MONTHS[day.month - 1]} {day.year}"
    numeric = f"am {day.day:02d}.{day.month:02d}.{day.year}"
    for text in (english, american, german, numeric, day.isoformat()):
        assert all(_states(text, part, day) for part in ("year", "month", "day")), text


@given(DAYS)
def test_a_month_alone_states_neither_day_nor_year(day: dt.date) -> None:
    text = f"im {GERMAN_MONTHS[day.month - 1]}"
    assert _states(text, "month", day)
    assert not _states(text, "year", day) and not _states(text, "day", day)
    assert not _phrase_states([], "year", day, "month")


@given(st.integers(0, 10**9))
def test_numbers_match_in_any_grouping(n: int) -> None:
    english, german = f"{n:,}", f"{n:,}".replace(",", ".")
    assert _numbers(english, words={}).keys() == _numbers(german, words={}).keys() == {str(n)}


# --- E307 ---------------------------------------------------------------------------------
_OTHER_SIDE = """  - id: radars-never-arrived
    statement: No radar units arrived.
    about: [radar]
    status: {status}
    contradicts: [{back}]
    sources:
      - seed: alpha-report
        quote: "A second official said “deliveries have started”"
    acknowledge:
      W401: "A fixture."
"""


def test_two_sided_contradiction_between_disputed_facts_is_clean(base_project: Path) -> None:
    _edit(
        base_project,
        "    status: reported\n",
        "    status: disputed\n    contradicts: [radars-never-arrived]\n",
    )
    facts = base_project / "data" / "facts.yaml"
    facts.write_text(facts.read_text() + _OTHER_SIDE.format(status="denied", back="radars-arrived"))
    assert _check(base_project) == ""


def test_one_sided_contradiction_names_the_other_fact_and_what_to_add(base_project: Path) -> None:
    _edit(
        base_project,
        "    status: reported\n",
        "    status: disputed\n    contradicts: [radars-never-arrived]\n",
    )
    facts = base_project / "data" / "facts.yaml"
    facts.write_text(
        facts.read_text()
        + _OTHER_SIDE.format(status="disputed", back="radars-arrived").replace(
            "    contradicts: [radars-arrived]\n", ""
        )
    )
    assert _check(base_project) == (
        "data/facts.yaml:23:19: E307 one-sided contradiction: 'radars-never-arrived' does not list "
        "'radars-arrived'; add 'radars-arrived' to the 'contradicts' of 'radars-never-arrived' (line 39)\n"
    )


# --- W501 / W502 --------------------------------------------------------------------------
def test_w501_can_be_acknowledged(base_project: Path) -> None:
    _edit(
        base_project, '    date: "2024-08-05"\n', '    date: "2024-08-06"\n    date_inferred: "A fixture."\n'
    )
    assert ": W501 " in _check(base_project)
    _edit(
        base_project,
        "    status: reported\n",
        "    status: reported\n    acknowledge:\n      W501: The seed errs.\n",
    )
    assert run_check(base_project, "--strict")[0] == 0


def test_date_after_one_source_but_not_another_is_no_finding(base_project: Path) -> None:
    # Alpha was published on 6 August, Beta only "in August": at month precision the 20th is not later.
    _edit(
        base_project,
        '    date: "2024-08-05"\n    date_resolved:\n      phrase: on Monday\n      seed: alpha-report\n',
        '    date: "2024-08-20"\n    date_inferred: "A fixture."\n',
    )
    assert _check(base_project) == ""


# --- E502 ---------------------------------------------------------------------------------
def test_a_weekday_in_a_quote_pins_nothing_without_date_resolved(base_project: Path) -> None:
    _edit(base_project, "    date_resolved:\n      phrase: on Monday\n      seed: alpha-report\n", "")
    assert ": E502 " in _check(base_project)
    _edit(
        base_project,
        'deliveries have started\\""',
        'deliveries have started\\"" \n      - seed: alpha-report\n        quote: "Officials said on Monday that the first radar units"',
    )
    assert ": E502 " in _check(base_project)  # "Monday" in a quote pins nothing: only date_resolved resolves


def test_date_inferred_answers_e502(base_project: Path) -> None:
    _edit(
        base_project,
        "    date_resolved:\n      phrase: on Monday\n      seed: alpha-report\n",
        '    date_inferred: "The Monday before the Tuesday report."\n',
    )
    assert _check(base_project) == ""


def test_a_resolution_against_an_inferred_publication_date_states_nothing(base_project: Path) -> None:
    seed = base_project / "seeds" / "alpha-report.md"
    seed.write_text(
        seed.read_text().replace("language: en\n", 'language: en\ninferred:\n  published: "From the URL."\n')
    )
    assert ": E502 date '2024-08-05': the year (2024), the month (August), the day (5 August)" in _check(
        base_project
    )


# --- W407-W410 ----------------------------------------------------------------------------
def test_number_words_match_digits(base_project: Path) -> None:
    _edit(base_project, "The first radar units arrived", "The first 2 radar units arrived")
    assert ": W409 the statement's number '2' is" in _check(base_project)
    _edit(base_project, "translation: the first radar", "translation: the first two radar")
    assert _check(base_project) == ""
    _edit(base_project, "The first 2 radar units arrived", "The first two radar units arrived")
    assert _check(base_project) == ""


def test_numbers_in_entity_names_are_not_counts(base_project: Path) -> None:
    _edit(base_project, "    aliases: [Radaranlagen]\n", "    aliases: [Radaranlagen, S-400]\n")
    _edit(base_project, "The first radar units arrived", "The first S-400 radar units arrived")
    assert _check(base_project) == ""


def test_an_entity_credited_or_the_outlet_needs_no_quote(base_project: Path) -> None:
    _edit(
        base_project,
        "    aliases: [Radaranlagen]\n",
        "    aliases: [Radaranlagen]\n  - id: gamma-works\n    type: organization\n    name: Gamma Works\n",
    )
    _edit(
        base_project, "arrived in the capital.\n", "arrived in the capital, Gamma Works told Beta Zeitung.\n"
    )
    _edit(
        base_project,
        "        translation: the first",
        "        attributed_to: [gamma-works]\n        translation: the first",
    )
    assert _check(base_project) == ""


def test_anonymous_and_named_sources_may_confirm(base_project: Path) -> None:
    _edit(base_project, "    status: reported\n", "    status: confirmed\n")
    _edit(
        base_project,
        "        quote: The report counted",
        "        anonymous: true\n        quote: The report counted",
    )
    assert _check(base_project) == ""


def test_names_are_read_as_written_and_the_longest_wins() -> None:
    names = {
        "new-york-times": ["The New York Times", "the Times"],
        "times-of-israel": ["The Times of Israel", "Times of Israel"],
        "united-states": ["United States", "US"],
        "israel": ["Israel"],
    }
    assert _named_in("as the Times of Israel told us", name_index(names)) == ["times-of-israel"]
    assert _named_in("the Times said the US and Israel", name_index(names)) == [
        "new-york-times",
        "united-states",
        "israel",
    ]


@given(st.text())
@example("am 05.08.2024, Version 1.2.3, 1e999")
def test_reading_any_text_never_fails(text: str) -> None:
    _numbers(text, words={"two": "2"})
    phrase = dates.read_phrase(text)
    dates.candidates(phrase, PUBLISHED)
    assert all(
        isinstance(_states(text, part, dt.date(2024, 8, 5)), bool) for part in ("year", "month", "day")
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    statement=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40),
    phrase=st.sampled_from(["on Monday", "Officials said", "the capital", "radar units"]),
    date=st.sampled_from(["2024", "2024-08", "2024-08-05", "2024-07/2024-08-06", "1999-01-01"]),
)
def test_the_editorial_rules_never_crash_the_check(
    base_project: Path, statement: str, phrase: str, date: str
) -> None:
    facts = base_project / "data" / "facts.yaml"
    original = facts.read_text("utf-8")
    try:
        text = original.replace("The first radar units arrived in the capital.", json.dumps(statement))
        text = text.replace("phrase: on Monday", f"phrase: {phrase}").replace(
            '"2024-08-05"', json.dumps(date)
        )
        facts.write_text(text, "utf-8")
        code, output = run_check(base_project, "--strict")
        assert code in (0, 1) and "Traceback" not in output
    finally:
        facts.write_text(original, "utf-8")


def test_the_fact_page_marks_anonymous_sources_and_the_inference(base_project: Path) -> None:
    _edit(
        base_project,
        "        quote: The report counted",
        "        anonymous: true\n        quote: The report counted",
    )
    _edit(
        base_project,
        "    date_resolved:\n      phrase: on Monday\n      seed: alpha-report\n",
        '    date_inferred: "The Monday before the Tuesday report."\n',
    )
    result = check(Project(base_project))
    assert result.dossier is not None
    page = render(result.dossier, built="2024-09-01")["facts/radars-arrived.md"]
    assert (
        "- **Happened:** 5 August 2024 (inferred)\n- **How the date was inferred:** The Monday before the Tuesday report."
        in page
    )
    assert page.count("- **Credited:** anonymous sources\n") == 1


def test_a_phrase_names_four_digit_years_only() -> None:
    assert dates.read_phrase("seit dem 7. Oktober 2023, 12.2024 Stück, 1,2024 und 20245").years == {2023}


def test_a_mistyped_seed_does_not_make_an_acknowledgement_stale(base_project: Path) -> None:
    # The typo is E302; whether the fact rests on one outlet cannot be judged until it is fixed,
    # so W405 must not tell the analyst to remove the W401 acknowledgement they will need again.
    facts = base_project / "data" / "facts.yaml"
    text = facts.read_text("utf-8")
    text = text.replace("      - seed: beta-bericht\n", "      - seed: beta-berich\n")
    text = text.replace(
        "    status: reported\n", "    status: reported\n    acknowledge:\n      W401: one outlet\n", 1
    )
    facts.write_text(text, "utf-8")
    codes = [d.code for d in check(Project(base_project)).diagnostics]
    assert "E302" in codes and "W405" not in codes


def test_a_day_written_with_another_year_does_not_state_this_date() -> None:
    """Found by review: each part was searched alone, so '5 August 2023 … in 2024' stated 2024-08-05."""
    day = dt.date(2024, 8, 5)
    mixed = "The S-400 arrived on 5 August 2023, and a second batch followed in 2024"
    assert not _states(mixed, "day", day) and not _states("on 05.08.2023", "day", day)
    assert _states("on 5 August 2024", "day", day) and _states("on 05.08.2024", "day", day)
    assert _states("on 5 August, officials said", "day", day)
