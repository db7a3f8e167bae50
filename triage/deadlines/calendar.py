"""China's working-day calendar: State Council holidays and weekend make-up working days (调休).

Owns the answer to "is this date a working day?" for every deadline in the tracker.
Pure: importable by ``intake`` and the rest of ``triage``; reads only its own package data
and, when asked, one admin file.

Where a year's data comes from (highest first; a source that defines a year defines the
whole year, sources are never mixed within one year):

1. the admin file passed to :meth:`WorkCalendar.load` (a correction or a year published
   after our release; the admin's file wins);
2. the ``chinese_calendar`` package, for the years it knows;
3. ``data/holidays.toml`` shipped with this package, for years the installed
   ``chinese_calendar`` does not know yet (``pyproject`` allows versions older than 1.11).

A year with no data is not guessed silently: the calendar emits :class:`CalendarGapWarning`
(and logs it) once per year and per calendar, then treats Monday–Friday as working days.

Data file format (TOML; dates are TOML local dates)::

    [years.2026]
    source = "国务院办公厅关于2026年部分节假日安排的通知"
    holidays = [
      { name = "春节", first = 2026-02-15, last = 2026-02-23 },  # a range, both ends included
      2026-06-19,                                                  # or a single date
    ]
    workdays = [2026-02-14, 2026-02-28]   # weekend days that are working days (调休)
"""

from __future__ import annotations

import logging
import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import chinese_calendar

log = logging.getLogger(__name__)

__all__ = ["CalendarGapWarning", "HolidayYear", "WorkCalendar", "parse_holiday_file"]


class CalendarGapWarning(UserWarning):
    """A year has no holiday data; Monday–Friday is used instead."""

    def __init__(self, message: str, year: int) -> None:
        super().__init__(message)
        self.year = year


@dataclass(frozen=True, slots=True)
class HolidayYear:
    """One year of the State Council's notice."""

    year: int
    holidays: frozenset[date]  # days off, weekend days inside a holiday period included
    workdays: frozenset[date]  # weekend days that are working days (调休)
    source: str  # the notice's title, or where the data came from


def _as_date(value: Any, where: str) -> date:
    # tomllib returns datetime for offset/local date-times; a deadline calendar wants days only.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{where}: expected a TOML date such as 2026-10-01, got {value!r}")
    return value


def _parse_year(year: int, table: Mapping[str, Any], origin: str) -> HolidayYear:
    where = f"{origin} [years.{year}]"
    source = table.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ValueError(f"{where}: 'source' (the notice's title) is required")
    holidays: set[date] = set()
    for item in table.get("holidays", []):
        if isinstance(item, Mapping):
            first = _as_date(item.get("first"), f"{where} holidays.first")
            last = _as_date(item.get("last", first), f"{where} holidays.last")
            if last < first:
                raise ValueError(f"{where}: holiday range {first}..{last} ends before it starts")
            holidays.update(first + timedelta(days=i) for i in range((last - first).days + 1))
        else:
            holidays.add(_as_date(item, f"{where} holidays"))
    workdays = {_as_date(item, f"{where} workdays") for item in table.get("workdays", [])}
    for d in sorted(holidays | workdays):
        if d.year != year:
            raise ValueError(f"{where}: {d} is not in {year}")
    for d in sorted(workdays):
        # A make-up working day on a weekday means nothing; it is almost surely a typo.
        if d.weekday() < 5:
            raise ValueError(f"{where}: make-up working day {d} is not a Saturday or Sunday")
    both = holidays & workdays
    if both:
        raise ValueError(f"{where}: {sorted(both)[0]} is listed as a holiday and a working day")
    return HolidayYear(year, frozenset(holidays), frozenset(workdays), source.strip())


def parse_holiday_file(text: str, origin: str = "<holidays>") -> dict[int, HolidayYear]:
    """Parse a holiday data file (format in the module docstring); errors name the file."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{origin}: not valid TOML: {exc}") from exc
    years = doc.get("years", {})
    if not isinstance(years, Mapping):
        raise ValueError(f"{origin}: 'years' must be a table of [years.YYYY] tables")
    out: dict[int, HolidayYear] = {}
    for key, table in years.items():
        if not str(key).isdigit() or not isinstance(table, Mapping):
            raise ValueError(f"{origin}: expected [years.YYYY], found {key!r}")
        out[int(key)] = _parse_year(int(key), table, origin)
    return out


def _shipped_years() -> dict[int, HolidayYear]:
    text = resources.files(__package__).joinpath("data/holidays.toml").read_text("utf-8")
    return parse_holiday_file(text, "triage/deadlines/data/holidays.toml")


def _chinese_calendar_years() -> dict[int, HolidayYear]:
    by_year: dict[int, tuple[set[date], set[date]]] = {}
    for d in chinese_calendar.holidays:
        by_year.setdefault(d.year, (set(), set()))[0].add(d)
    for d in chinese_calendar.workdays:
        by_year.setdefault(d.year, (set(), set()))[1].add(d)
    label = f"chinese_calendar {getattr(chinese_calendar, '__version__', '')}".strip()
    return {y: HolidayYear(y, frozenset(h), frozenset(w), label) for y, (h, w) in by_year.items()}


class WorkCalendar:
    """Working days by the State Council's holiday notices.

    Dates are local dates in China (the caller converts an instant to Asia/Shanghai first);
    passing a ``datetime`` is refused so a UTC date is never mistaken for a local one.
    """

    def __init__(self, years: Mapping[int, HolidayYear]) -> None:
        self._years: dict[int, HolidayYear] = dict(years)
        self._warned: set[int] = set()

    @classmethod
    def load(cls, extra_path: Path | None = None) -> WorkCalendar:
        """The shipped data, ``chinese_calendar`` over it, an admin file over both.

        A missing or malformed admin file raises: an admin who configured one means it.
        """
        years = _shipped_years()
        years.update(_chinese_calendar_years())
        if extra_path is not None:
            years.update(parse_holiday_file(Path(extra_path).read_text("utf-8"), str(extra_path)))
        return cls(years)

    def known_years(self) -> tuple[int, ...]:
        """Years with holiday data, ascending."""
        return tuple(sorted(self._years))

    def source(self, year: int) -> str | None:
        """Where the year's data came from (the notice's title for data files), or None."""
        hy = self._years.get(year)
        return hy.source if hy else None

    def _year(self, year: int) -> HolidayYear | None:
        hy = self._years.get(year)
        if hy is None and year not in self._warned:
            self._warned.add(year)
            msg = (
                f"no State Council holiday data for {year}; treating Monday-Friday as working "
                f"days. Add [years.{year}] to the holiday data file "
                "(format in triage/deadlines/calendar.py)."
            )
            log.warning(msg)
            warnings.warn(CalendarGapWarning(msg, year), stacklevel=3)
        return hy

    def is_workday(self, day: date) -> bool:
        if isinstance(day, datetime):
            raise TypeError("is_workday takes a local date, not a datetime")
        hy = self._year(day.year)
        if hy is not None:
            if day in hy.workdays:
                return True
            if day in hy.holidays:
                return False
        return day.weekday() < 5

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (``day`` itself not counted); n < 0 goes back.

        ``add_working_days(d, 0)`` is ``d`` whether or not ``d`` is a working day.
        """
        if isinstance(day, datetime):
            raise TypeError("add_working_days takes a local date, not a datetime")
        step = timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        current = day
        while remaining:
            current += step
            if self.is_workday(current):
                remaining -= 1
        return current

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]: ``working_days_between(d, add_working_days(d, n)) == n``.

        Negative when ``b`` is before ``a``.
        """
        if a == b:
            return 0
        if b < a:
            return -self.working_days_between(b, a)
        return sum(1 for i in range(1, (b - a).days + 1) if self.is_workday(a + timedelta(i)))
