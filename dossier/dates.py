"""Dates with their precision: ``2024``, ``2024-08``, ``2024-08-05`` and ranges ``A/B``."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

Precision = Literal["year", "month", "day"]

# ASCII digits only: Python's \d also takes fullwidth and Arabic-Indic digits, which int() reads.
_PART = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True, order=True)
class FuzzyDate:
    """A date or range as precise as the source allows: the first and last day it covers."""

    start: dt.date
    end: dt.date
    text: str
    precision: Precision

    @property
    def start_precision(self) -> Precision:
        """The precision of the first date of a range (of the date itself otherwise)."""
        return _precision(self.text.split("/")[0])

    @property
    def points(self) -> tuple[tuple[dt.date, Precision], ...]:
        """Each date as written with its precision: one, or the two ends of a range."""
        return tuple((parse_point(part)[0], _precision(part)) for part in self.text.split("/"))

    @property
    def is_range(self) -> bool:
        return "/" in self.text

    def human(self) -> str:
        """``5 August 2024``, ``August 2024``, ``2024``, or ``1–5 August 2024`` for a range."""
        if not self.is_range:
            return _human_point(self.start, self.precision)
        first, last = self.text.split("/")
        return f"{_human_point(parse_point(first)[0], _precision(first))} – " + _human_point(
            parse_point(last)[1], _precision(last)
        )


def _precision(text: str) -> Precision:
    return ("year", "month", "day")[text.count("-")]


def _human_point(day: dt.date, precision: Precision) -> str:
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{_MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def parse_point(text: str) -> tuple[dt.date, dt.date]:
    """First and last day covered by one date of any precision; ``ValueError`` says what is wrong."""
    m = _PART.fullmatch(text)
    if not m:
        raise ValueError(f"{text!r} is not a date: write 2024, 2024-08 or 2024-08-05")
    year = int(m[1])
    if year < dt.MINYEAR:
        raise ValueError(f"{text!r}: there is no year 0; the calendar starts at year 0001")
    if m[2] is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(m[2])
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r}: there is no month {month}")
    last_day = calendar.monthrange(year, month)[1]
    if m[3] is None:
        return dt.date(year, month, 1), dt.date(year, month, last_day)
    day = int(m[3])
    if not 1 <= day <= last_day:
        raise ValueError(f"{text!r}: {_MONTHS[month - 1]} {year} has {last_day} days")
    return dt.date(year, month, day), dt.date(year, month, day)


def parse(value: object) -> FuzzyDate:
    """Parse a date or a ``start/end`` range; an int is read as a year."""
    # No stripping: the schema refuses spaces and line breaks around a date, and so does this.
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not text:
        raise ValueError(f"{value!r} is not a date: write 2024, 2024-08 or 2024-08-05")
    parts = text.split("/")
    if len(parts) > 2:
        raise ValueError(f"{text!r}: a range has exactly one '/'")
    start, end = parse_point(parts[0])
    precision = _precision(parts[0])
    if len(parts) == 2:
        end_start, end = parse_point(parts[1])
        if end_start < start:
            raise ValueError(f"{text!r}: the range ends before it starts")
        precision = min(precision, _precision(parts[1]), key=("year", "month", "day").index)
    return FuzzyDate(start, end, text, precision)


# --- what a relative phrase says ("on Monday", "im Juni", "last week") -----------------------
# Weekday and month names in the seeds' languages (English, German).
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = tuple(_MONTHS)
_TAGE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
WEEKDAYS: dict[str, int] = {
    **{name: i for i, name in enumerate(DAY_NAMES)},
    **{name: i for i, name in enumerate(_TAGE)},
    "Sonnabend": 5,
}
GERMAN_MONTH_NAMES = (
    *("Januar", "Februar", "März", "April", "Mai", "Juni"),
    *("Juli", "August", "September", "Oktober", "November", "Dezember"),
)
MONTHS: dict[str, int] = {
    **{name: i for i, name in enumerate(MONTH_NAMES, 1)},
    **{name: i for i, name in enumerate(GERMAN_MONTH_NAMES, 1)},
    "Jänner": 1,
}
# Names are matched as written, capitalised, in both languages.
_YEAR_RE = re.compile(r"(?<![\d.,])(1[89]\d\d|20\d\d)(?![\d])")  # four digits, not part of a longer number
_WEEKDAY_RE = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")


def month_pattern(names: Iterable[str]) -> str:
    """A regex for month names as words, capitalised (so the verb "may" is not May), also opening
    a German compound ("Augustwoche")."""
    return r"\b(" + "|".join(names) + r")(?:(?![a-zäöüß])|(?=woche))"


MONTH_RE = re.compile(month_pattern(MONTHS))

Period = Literal["day", "week", "month", "year"]
# Words naming a period relative to the publication date: (pattern, period, offset in periods).
# Longer phrases come first ("the day before yesterday" is not "yesterday").
_RELATIVE_WORDS: tuple[tuple[str, Period, int], ...] = (
    (r"\bday before yesterday\b|\bvorgestern\b", "day", -2),
    (r"\byesterday\b|\bgestern\b", "day", -1),
    (r"\btoday\b|\bheute\b", "day", 0),
    (r"\btomorrow\b", "day", 1),
    (r"\b(last|previous) week\b|\b(vergangene|letzte|vorige)[nr]? woche\b", "week", -1),
    (r"\bthis week\b|\bdiese[rn]? woche\b", "week", 0),
    (r"\bnext week\b|\bnächste[nr]? woche\b", "week", 1),
    (r"\b(last|previous) month\b|\b(vergangene|letzte|vorige)[nm]? monat\b|\bvormonat", "month", -1),
    (r"\bthis month\b|\bdiese[nms]? monat", "month", 0),
    (r"\bnext month\b|\bnächste[nm]? monat\b", "month", 1),
    (r"\b(last|previous) year\b|\b(vergangene|letzte|vorige)[nms]? jahr|\bvorjahr", "year", -1),
    (r"\bthis year\b|\bdiese[nms]? jahr", "year", 0),
    (r"\bnext year\b|\bnächste[nms]? jahr", "year", 1),
)
_RELATIVE = tuple(
    (re.compile(pattern, re.IGNORECASE), period, offset) for pattern, period, offset in _RELATIVE_WORDS
)
# How precise a publication date must be to place each period.
PERIOD_NEEDS: dict[Period, Precision] = {"day": "day", "week": "day", "month": "month", "year": "year"}
PRECISION_RANK: dict[Precision, int] = {"year": 0, "month": 1, "day": 2}


@dataclass(frozen=True)
class Phrase:
    """What a relative date phrase names: weekdays, months, years, and a period relative to publication."""

    text: str
    weekdays: frozenset[int]
    months: frozenset[int]
    years: frozenset[int] = frozenset()
    period: Period | None = None
    period_words: str = ""
    offset: int = 0


@cache
def read_phrase(text: str) -> Phrase:
    """The weekdays, months, years and relative period ("last week") that ``text`` names."""
    weekdays = frozenset(WEEKDAYS[m[1]] for m in _WEEKDAY_RE.finditer(text))
    months = frozenset(MONTHS[m[1]] for m in MONTH_RE.finditer(text))
    years = frozenset(int(y) for y in _YEAR_RE.findall(text))
    for pattern, period, offset in _RELATIVE:
        found = pattern.search(text)
        if found:
            return Phrase(text, weekdays, months, years, period, found[0], offset)
    return Phrase(text, weekdays, months, years)


def _clipped(first: int, last: int) -> tuple[dt.date, dt.date] | None:
    """The days between two ordinals that the calendar has (0001-01-01 to 9999-12-31), or None.

    A phrase relative to a date at the calendar's edge ("tomorrow" after 9999-12-31) names days
    that do not exist: they are simply not candidates."""
    first, last = max(first, dt.date.min.toordinal()), min(last, dt.date.max.toordinal())
    return (dt.date.fromordinal(first), dt.date.fromordinal(last)) if first <= last else None


def period_span(phrase: Phrase, published: FuzzyDate) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the phrase's relative period, or None where the publication date
    is too coarse to place it (a week needs a day-precise date), the phrase names no period, or the
    period lies outside the calendar (years 0001 to 9999)."""
    if (
        phrase.period is None
        or PRECISION_RANK[published.precision] < PRECISION_RANK[PERIOD_NEEDS[phrase.period]]
    ):
        return None
    day = published.start
    if phrase.period == "day":
        one = day.toordinal() + phrase.offset
        return _clipped(one, one)
    if phrase.period == "week":  # Monday to Sunday, as the seeds' calendars count
        monday = day.toordinal() - day.weekday() + 7 * phrase.offset
        return _clipped(monday, monday + 6)
    if phrase.period == "month":
        year, month = divmod(day.year * 12 + day.month - 1 + phrase.offset, 12)
        month += 1
    else:
        year, month = day.year + phrase.offset, 0
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    return parse_point(f"{year:04d}-{month:02d}" if month else f"{year:04d}")


def candidates(phrase: Phrase, published: FuzzyDate) -> list[dt.date]:
    """The days a phrase can mean relative to its seed's publication date, in order.

    A relative period ("last week", "gestern", "im vergangenen Jahr") gives its days, only those on
    a named weekday if any ("Wednesday last week"); a bare weekday ("Monday") means that weekday in
    the six days before or after publication, so it needs a day-precise date. An empty list: the
    phrase names no period, the publication date is too coarse to place it, or the days it names
    lie outside the calendar.
    """
    span = period_span(phrase, published)
    if span is None and phrase.weekdays and phrase.period is None and published.precision == "day":
        span = _clipped(published.start.toordinal() - 6, published.start.toordinal() + 6)
    if span is None:
        return []
    days = [span[0] + dt.timedelta(days=n) for n in range((span[1] - span[0]).days + 1)]
    return [d for d in days if not phrase.weekdays or d.weekday() in phrase.weekdays]
