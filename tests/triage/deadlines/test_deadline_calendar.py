"""WorkCalendar against the 2026 State Council notice and the data-file rules."""

from __future__ import annotations

import warnings
from datetime import date, datetime, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from triage.deadlines.calendar import (
    CalendarGapWarning,
    WorkCalendar,
    _shipped_years,
    parse_holiday_file,
)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.load()


# --- the CLI examples in issue 4 ---------------------------------------------------------


def test_five_working_days_after_30_september_2026_is_13_october(cal: WorkCalendar) -> None:
    # 10-01..07 off, 10-08 Thu, 10-09 Fri, 10-10 Sat (make-up), 10-12 Mon, 10-13 Tue.
    assert cal.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)


def test_make_up_saturday_10_october_2026_is_a_workday(cal: WorkCalendar) -> None:
    assert cal.is_workday(date(2026, 10, 10)) is True


def test_national_day_monday_5_october_2026_is_not_a_workday(cal: WorkCalendar) -> None:
    assert cal.is_workday(date(2026, 10, 5)) is False


# --- 2026 hand-checked -------------------------------------------------------------------


def test_national_day_2026_week(cal: WorkCalendar) -> None:
    assert cal.is_workday(date(2026, 9, 20)) is True  # Sunday, make-up
    assert [cal.is_workday(date(2026, 10, d)) for d in range(1, 8)] == [False] * 7
    assert cal.is_workday(date(2026, 10, 8)) is True
    assert cal.is_workday(date(2026, 10, 11)) is False  # ordinary Sunday


def test_spring_festival_2026(cal: WorkCalendar) -> None:
    assert cal.is_workday(date(2026, 2, 13)) is True  # Friday
    assert cal.is_workday(date(2026, 2, 14)) is True  # Saturday, make-up
    assert [cal.is_workday(date(2026, 2, d)) for d in range(15, 24)] == [False] * 9
    assert cal.is_workday(date(2026, 2, 24)) is True
    assert cal.is_workday(date(2026, 2, 28)) is True  # Saturday, make-up
    assert cal.is_workday(date(2026, 3, 1)) is False  # ordinary Sunday


def test_add_working_days_across_spring_festival(cal: WorkCalendar) -> None:
    # 02-13 Fri -> 02-14 Sat (1), 02-24 Tue (2), 25 (3), 26 (4), 27 (5), 28 Sat (6), 03-02 (7)
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert cal.add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert cal.add_working_days(date(2026, 2, 13), 6) == date(2026, 2, 28)
    assert cal.add_working_days(date(2026, 2, 13), 7) == date(2026, 3, 2)


def test_add_working_days_counts_from_a_holiday_start(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2026, 10, 3), 1) == date(2026, 10, 8)


def test_add_zero_working_days_is_the_same_day(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)


def test_add_negative_working_days_goes_back_over_holidays(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)
    assert cal.add_working_days(date(2026, 10, 12), -1) == date(2026, 10, 10)


def test_working_days_between_inverts_add_working_days(cal: WorkCalendar) -> None:
    start = date(2026, 9, 15)
    for n in range(0, 40):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


def test_working_days_between_counts_the_end_not_the_start(cal: WorkCalendar) -> None:
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert cal.working_days_between(date(2026, 10, 13), date(2026, 9, 30)) == -5
    assert cal.working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0


def test_datetime_is_refused_so_utc_dates_are_not_mistaken_for_local(cal: WorkCalendar) -> None:
    with pytest.raises(TypeError):
        cal.is_workday(datetime(2026, 10, 10, 12))


def test_known_years_include_2026_not_2027(cal: WorkCalendar) -> None:
    assert 2026 in cal.known_years()
    assert 2027 not in cal.known_years()


# --- the shipped data file ---------------------------------------------------------------


def test_shipped_2026_agrees_with_chinese_calendar_every_day() -> None:
    shipped = WorkCalendar(_shipped_years())
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert shipped.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_shipped_file_names_its_notice() -> None:
    assert _shipped_years()[2026].source == "国务院办公厅关于2026年部分节假日安排的通知"


# --- missing year ------------------------------------------------------------------------


def test_missing_year_warns_and_falls_back_to_monday_to_friday() -> None:
    cal = WorkCalendar.load()
    with pytest.warns(CalendarGapWarning, match="2027"):
        assert cal.is_workday(date(2027, 10, 1)) is True  # a Friday; surely a holiday, unknown
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a second question about 2027 must not warn again
        assert cal.is_workday(date(2027, 10, 2)) is False  # Saturday
        assert cal.add_working_days(date(2027, 9, 30), 5) == date(2027, 10, 7)


def test_missing_year_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    cal = WorkCalendar({})
    with pytest.warns(CalendarGapWarning):
        cal.is_workday(date(2030, 1, 1))
    assert "no State Council holiday data for 2030" in caplog.text


def test_each_missing_year_warns_once_separately() -> None:
    cal = WorkCalendar({})
    with pytest.warns(CalendarGapWarning) as record:
        cal.working_days_between(date(2030, 12, 1), date(2031, 1, 31))
    years = sorted(w.message.year for w in record if isinstance(w.message, CalendarGapWarning))
    assert years == [2030, 2031]


# --- the admin file ----------------------------------------------------------------------

ADMIN_2027 = """
[years.2027]
source = "测试用：管理员补录的2027年安排"
holidays = [{ name = "国庆节", first = 2027-10-01, last = 2027-10-07 }]
workdays = [2027-09-26]
"""


def test_admin_file_adds_a_year(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(ADMIN_2027, "utf-8")
    cal = WorkCalendar.load(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cal.is_workday(date(2027, 10, 1)) is False
        assert cal.is_workday(date(2027, 9, 26)) is True  # Sunday, make-up
    assert 2027 in cal.known_years()
    assert cal.source(2027) == "测试用：管理员补录的2027年安排"


def test_admin_file_overrides_a_known_year_wholesale(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(
        '[years.2026]\nsource = "更正"\nholidays = [2026-10-12]\nworkdays = []\n', "utf-8"
    )
    cal = WorkCalendar.load(path)
    assert cal.is_workday(date(2026, 10, 12)) is False
    assert cal.is_workday(date(2026, 10, 5)) is True  # the admin's year replaces the package's
    assert cal.is_workday(date(2026, 10, 10)) is False
    assert cal.source(2026) == "更正"


def test_missing_admin_file_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        WorkCalendar.load(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[years.2027]\nholidays = []\n", "source"),
        ('[years.2027]\nsource = "x"\nholidays = [2026-10-01]\n', "not in 2027"),
        ('[years.2027]\nsource = "x"\nworkdays = [2027-10-08]\n', "not a Saturday or Sunday"),
        ('[years.2027]\nsource = "x"\nholidays = ["2027-10-01"]\n', "TOML date"),
        (
            '[years.2027]\nsource = "x"\nholidays = [2027-10-02]\nworkdays = [2027-10-02]\n',
            "holiday and a working day",
        ),
        (
            '[years.2027]\nsource = "x"\nholidays = [{ first = 2027-10-07, last = 2027-10-01 }]\n',
            "ends before",
        ),
        ("[years\n", "not valid TOML"),
    ],
)
def test_malformed_data_file_is_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_holiday_file(text, "admin.toml")
