"""Dates with their precision: ``2024``, ``2024-08``, ``2024-08-05`` and ranges ``A/B``."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
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
