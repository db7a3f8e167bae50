"""Clock maths against dates computed by hand across the 2026 Spring Festival and National Day.

2026 calendar used (State Council notice; chinese_calendar agrees):
  Spring Festival off 02-15..02-23, make-up working Saturdays 02-14 and 02-28;
  Mid-Autumn off 09-25..09-27; National Day off 10-01..10-07; make-up 09-20 (Sun), 10-10 (Sat).
"""

from __future__ import annotations

import dataclasses
import warnings
from datetime import UTC, datetime, timedelta

import pytest

from triage.deadlines.calendar import CalendarGapWarning, WorkCalendar
from triage.deadlines.clocks import (
    ExtensionNotAllowed,
    Pause,
    due_at,
    due_with_pauses,
    escalation_chain,
    reminder_times,
)
from triage.deadlines.policy import (
    ClockRule,
    ExtensionRule,
    PolicyPack,
    ReminderRule,
    Start,
    Unit,
)
from triage.deadlines.timezone import CHINA_TZ


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.load()


@pytest.fixture(scope="module")
def pack() -> PolicyPack:
    return PolicyPack.for_received("35", datetime(2026, 1, 1, tzinfo=UTC))


def cst(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=CHINA_TZ)


def end_of(y: int, m: int, d: int) -> datetime:
    return cst(y, m, d, 23, 59, 59)


def rule(
    unit: Unit,
    length: int,
    *,
    pausable: bool = False,
    roll_to_workday: bool = False,
    extension: ExtensionRule | None = None,
    reminders: ReminderRule | None = None,
) -> ClockRule:
    return ClockRule(
        name="t",
        title="测试",
        unit=unit,
        length=length,
        starts_at=Start.RECEIVED,
        source="测试",
        pausable=pausable,
        roll_to_workday=roll_to_workday,
        extension=extension,
        reminders=reminders or ReminderRule(),
    )


# --- due times ---------------------------------------------------------------------------


def test_due_is_utc_and_ends_the_local_day(cal: WorkCalendar, pack: PolicyPack) -> None:
    due = due_at(pack.clock("objection"), cst(2026, 9, 30, 10), cal)
    assert due.tzinfo is UTC
    assert due == datetime(2026, 10, 13, 15, 59, 59, tzinfo=UTC)


def test_objection_over_national_day(cal: WorkCalendar, pack: PolicyPack) -> None:
    # 09-30 dispatch: 10-08, 10-09, 10-10 (make-up Sat), 10-12, 10-13.
    assert due_at(pack.clock("objection"), cst(2026, 9, 30, 10), cal) == end_of(2026, 10, 13)


def test_discipline_transfer_over_national_day(cal: WorkCalendar, pack: PolicyPack) -> None:
    # 09-29 identified: 09-30, 10-08, 10-09, 10-10, 10-12.
    clock = pack.clock("discipline_transfer")
    assert due_at(clock, cst(2026, 9, 29, 16), cal) == end_of(2026, 10, 12)


def test_working_days_from_the_make_up_sunday_skip_mid_autumn(cal: WorkCalendar) -> None:
    # 09-20 (make-up Sun) start: 09-21, 22, 23, 24, [25-27 off], 09-28.
    assert due_at(rule(Unit.WORKING_DAYS, 5), cst(2026, 9, 20, 9), cal) == end_of(2026, 9, 28)


def test_objection_over_spring_festival(cal: WorkCalendar, pack: PolicyPack) -> None:
    # 02-13 (Fri) dispatch: 02-14 (make-up Sat), 02-24, 25, 26, 27.
    assert due_at(pack.clock("objection"), cst(2026, 2, 13, 15), cal) == end_of(2026, 2, 27)


def test_discipline_transfer_over_spring_festival(cal: WorkCalendar, pack: PolicyPack) -> None:
    # 02-12 identified: 02-13, 02-14, 02-24, 25, 26.
    clock = pack.clock("discipline_transfer")
    assert due_at(clock, cst(2026, 2, 12, 11), cal) == end_of(2026, 2, 26)


def test_working_day_clock_reaching_the_second_make_up_saturday(cal: WorkCalendar) -> None:
    # 02-24 start: 02-25, 26, 27, 28 (make-up Sat), 03-02.
    assert due_at(rule(Unit.WORKING_DAYS, 5), cst(2026, 2, 24, 9), cal) == end_of(2026, 3, 2)


def test_calendar_day_deadline_on_a_holiday_is_not_extended(
    cal: WorkCalendar, pack: PolicyPack
) -> None:
    # Received 09-20: 15 days -> 10-05, a National Day holiday; stays.
    assert due_at(pack.clock("dispatch"), cst(2026, 9, 20, 9), cal) == end_of(2026, 10, 5)
    # Received 02-08: 15 days -> 02-23, the last Spring Festival holiday; stays.
    assert due_at(pack.clock("dispatch"), cst(2026, 2, 8, 9), cal) == end_of(2026, 2, 23)


def test_roll_to_workday_moves_a_holiday_deadline(cal: WorkCalendar, pack: PolicyPack) -> None:
    rolled = dataclasses.replace(pack.clock("dispatch"), roll_to_workday=True)
    assert due_at(rolled, cst(2026, 9, 20, 9), cal) == end_of(2026, 10, 8)
    assert due_at(rolled, cst(2026, 2, 8, 9), cal) == end_of(2026, 2, 24)
    # 01-20 + 60 = 03-21, a Saturday -> Monday 03-23.
    handle = dataclasses.replace(pack.clock("handle"), roll_to_workday=True)
    assert due_at(handle, cst(2026, 1, 20, 9), cal) == end_of(2026, 3, 23)


def test_rolled_deadline_on_a_make_up_day_stays(cal: WorkCalendar) -> None:
    # 09-25 + 15 = 10-10, a make-up working Saturday: already a working day.
    clock = rule(Unit.CALENDAR_DAYS, 15, roll_to_workday=True)
    assert due_at(clock, cst(2026, 9, 25, 9), cal) == end_of(2026, 10, 10)


def test_start_day_is_the_local_date_not_the_utc_date(cal: WorkCalendar, pack: PolicyPack) -> None:
    # 2026-09-19 20:00 UTC is 09-20 04:00 in Fuzhou, so the period counts from 09-20.
    start = datetime(2026, 9, 19, 20, tzinfo=UTC)
    assert due_at(pack.clock("dispatch"), start, cal) == end_of(2026, 10, 5)


def test_handle_60_days_from_acceptance(cal: WorkCalendar, pack: PolicyPack) -> None:
    # 09-10 + 60 = 11-09 (20 days to 09-30, 31 in October, 9 in November).
    assert due_at(pack.clock("handle"), cst(2026, 9, 10, 14), cal) == end_of(2026, 11, 9)


def test_review_and_recheck_windows(cal: WorkCalendar, pack: PolicyPack) -> None:
    assert due_at(pack.clock("review_request"), cst(2026, 9, 15, 9), cal) == end_of(2026, 10, 15)
    assert due_at(pack.clock("review_decision"), cst(2026, 10, 9, 9), cal) == end_of(2026, 11, 8)
    assert due_at(pack.clock("recheck_request"), cst(2026, 1, 25, 9), cal) == end_of(2026, 2, 24)
    assert due_at(pack.clock("recheck_decision"), cst(2026, 2, 1, 9), cal) == end_of(2026, 3, 3)


def test_hours_clock_is_exact_and_ignores_holidays(cal: WorkCalendar, pack: PolicyPack) -> None:
    assert due_at(pack.clock("urgent"), cst(2026, 10, 1, 10, 15), cal) == cst(2026, 10, 2, 10, 15)


def test_naive_start_is_refused(cal: WorkCalendar, pack: PolicyPack) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(pack.clock("handle"), datetime(2026, 9, 10), cal)


def test_missing_year_warns_and_counts_weekdays(pack: PolicyPack) -> None:
    cal = WorkCalendar.load()
    with pytest.warns(CalendarGapWarning, match="2027"):
        due = due_at(pack.clock("objection"), cst(2027, 9, 30, 10), cal)
    assert due == end_of(2027, 10, 7)  # Thu 09-30 + 5 weekdays; 2027 holidays unknown


# --- extension ---------------------------------------------------------------------------


def test_handle_extension_adds_up_to_30_days(cal: WorkCalendar, pack: PolicyPack) -> None:
    start = cst(2026, 9, 10, 14)
    handle = pack.clock("handle")
    assert due_at(handle, start, cal, extensions=[30]) == end_of(2026, 12, 9)
    assert due_at(handle, start, cal, extensions=[10]) == end_of(2026, 11, 19)


def test_extension_over_30_days_is_refused(cal: WorkCalendar, pack: PolicyPack) -> None:
    with pytest.raises(ExtensionNotAllowed, match=r"1\.\.30"):
        due_at(pack.clock("handle"), cst(2026, 9, 10), cal, extensions=[31])


def test_second_extension_is_refused(cal: WorkCalendar, pack: PolicyPack) -> None:
    with pytest.raises(ExtensionNotAllowed, match="1 extension"):
        due_at(pack.clock("handle"), cst(2026, 9, 10), cal, extensions=[10, 10])


def test_clock_without_extension_rule_cannot_be_extended(
    cal: WorkCalendar, pack: PolicyPack
) -> None:
    with pytest.raises(ExtensionNotAllowed, match="cannot be extended"):
        due_at(pack.clock("objection"), cst(2026, 9, 30), cal, extensions=[1])


# --- reminders ---------------------------------------------------------------------------


def test_calendar_clock_reminders(cal: WorkCalendar, pack: PolicyPack) -> None:
    # Start 01-20 23:59:59, due 03-21 23:59:59: exactly 60 days; 80 % = 48 days -> 03-09.
    # 03-21 is a Saturday; the working day before it is Friday 03-20.
    handle = pack.clock("handle")
    start = cst(2026, 1, 20, 23, 59, 59)
    due = due_at(handle, start, cal)
    assert due == end_of(2026, 3, 21)
    assert reminder_times(handle, start, due, cal) == [
        ("reminder_80", end_of(2026, 3, 9)),
        ("reminder_last_day", cst(2026, 3, 20, 8, 30)),
    ]


def test_last_day_reminder_before_a_holiday_deadline(cal: WorkCalendar, pack: PolicyPack) -> None:
    # Due 10-05 (holiday, not extended): the working day before is 09-30.
    dispatch = pack.clock("dispatch")
    start = cst(2026, 9, 20, 9)
    due = due_at(dispatch, start, cal)
    assert ("reminder_last_day", cst(2026, 9, 30, 8, 30)) in reminder_times(
        dispatch, start, due, cal
    )


def test_working_day_clock_80_percent_counts_working_time(cal: WorkCalendar) -> None:
    # Start 09-29 23:59:59, 10 working days -> due 10-19 23:59:59; working time is exactly
    # 10 days (1 s of 09-29, 09-30, 10-08, 09, 10, 12..16, 10-19 less 1 s). 8 days of it have
    # passed at the end of 10-15. The last-day reminder: working day before 10-19 is 10-16.
    clock = rule(Unit.WORKING_DAYS, 10)
    start = cst(2026, 9, 29, 23, 59, 59)
    due = due_at(clock, start, cal)
    assert due == end_of(2026, 10, 19)
    assert reminder_times(clock, start, due, cal) == [
        ("reminder_80", end_of(2026, 10, 15)),
        ("reminder_last_day", cst(2026, 10, 16, 8, 30)),
    ]


def test_short_working_window_keeps_only_the_last_day_reminder(
    cal: WorkCalendar, pack: PolicyPack
) -> None:
    # 80 % of a 5-working-day window lands late on day 4, after 08:30 that day.
    objection = pack.clock("objection")
    start = cst(2026, 2, 13, 10)
    due = due_at(objection, start, cal)
    assert reminder_times(objection, start, due, cal) == [
        ("reminder_last_day", cst(2026, 2, 26, 8, 30)),
    ]


def test_last_day_reminder_skips_the_spring_festival(cal: WorkCalendar) -> None:
    # Start 02-13: 02-14 (make-up Sat), 02-24 = due; the working day before 02-24 is 02-14.
    clock = rule(Unit.WORKING_DAYS, 2, reminders=ReminderRule(fraction=0))
    start = cst(2026, 2, 13, 9)
    due = due_at(clock, start, cal)
    assert due == end_of(2026, 2, 24)
    assert reminder_times(clock, start, due, cal) == [
        ("reminder_last_day", cst(2026, 2, 14, 8, 30))
    ]


def test_hours_clock_reminds_at_80_percent_only(cal: WorkCalendar, pack: PolicyPack) -> None:
    urgent = pack.clock("urgent")
    start = cst(2026, 10, 1, 10)
    due = due_at(urgent, start, cal)
    assert reminder_times(urgent, start, due, cal) == [("reminder_80", cst(2026, 10, 2, 5, 12))]


def test_citizen_window_has_no_reminders(cal: WorkCalendar, pack: PolicyPack) -> None:
    clock = pack.clock("review_request")
    start = cst(2026, 9, 15, 9)
    assert reminder_times(clock, start, due_at(clock, start, cal), cal) == []


def test_reminders_outside_the_window_are_dropped(cal: WorkCalendar) -> None:
    # Start 10-09 09:00, one working day -> due 10-10 (make-up Sat); the last-day reminder
    # would be 10-09 08:30, before the start, so there is none.
    clock = rule(Unit.WORKING_DAYS, 1, reminders=ReminderRule(fraction=0))
    start = cst(2026, 10, 9, 9)
    assert reminder_times(clock, start, due_at(clock, start, cal), cal) == []


def test_reminder_times_are_utc(cal: WorkCalendar, pack: PolicyPack) -> None:
    start = cst(2026, 9, 10, 14)
    times = reminder_times(
        pack.clock("handle"), start, due_at(pack.clock("handle"), start, cal), cal
    )
    assert all(t.tzinfo is UTC for _, t in times)


# --- pauses ------------------------------------------------------------------------------


def test_pause_extends_a_pausable_working_day_clock(cal: WorkCalendar, pack: PolicyPack) -> None:
    # dispatch_target: 5 working days from 09-28 -> 09-29, 09-30, 10-08, 09, 10 = 10-10.
    # Paused 09-29 10:00 .. 10-09 10:00 covers 09-30, 10-08, 10-09 = 3 working days
    # -> 10-12, 13, 14.
    clock = pack.clock("dispatch_target")
    start = cst(2026, 9, 28, 9)
    assert due_at(clock, start, cal) == end_of(2026, 10, 10)
    pause = Pause(cst(2026, 9, 29, 10), cst(2026, 10, 9, 10))
    assert due_with_pauses(clock, start, cal, [pause]) == end_of(2026, 10, 14)


def test_overlapping_pauses_count_once(cal: WorkCalendar, pack: PolicyPack) -> None:
    clock = pack.clock("dispatch_target")
    pauses = [
        Pause(cst(2026, 10, 8, 9), cst(2026, 10, 9, 10)),
        Pause(cst(2026, 9, 29, 10), cst(2026, 10, 8, 10)),
    ]
    assert due_with_pauses(clock, cst(2026, 9, 28, 9), cal, pauses) == end_of(2026, 10, 14)


def test_same_day_pause_costs_nothing(cal: WorkCalendar, pack: PolicyPack) -> None:
    clock = pack.clock("dispatch_target")
    pause = Pause(cst(2026, 9, 29, 10), cst(2026, 9, 29, 16))
    assert due_with_pauses(clock, cst(2026, 9, 28, 9), cal, [pause]) == end_of(2026, 10, 10)


def test_open_pause_stops_the_clock(cal: WorkCalendar, pack: PolicyPack) -> None:
    clock = pack.clock("dispatch_target")
    assert due_with_pauses(clock, cst(2026, 9, 28, 9), cal, [Pause(cst(2026, 9, 29, 10))]) is None


def test_pause_after_the_deadline_does_not_revive_it(cal: WorkCalendar, pack: PolicyPack) -> None:
    clock = pack.clock("dispatch_target")
    late = Pause(cst(2026, 10, 11, 9), cst(2026, 10, 20, 9))
    assert due_with_pauses(clock, cst(2026, 9, 28, 9), cal, [late]) == end_of(2026, 10, 10)


def test_pauses_are_ignored_on_a_clock_that_may_not_pause(
    cal: WorkCalendar, pack: PolicyPack
) -> None:
    objection = pack.clock("objection")
    pause = Pause(cst(2026, 10, 8, 9), cst(2026, 10, 12, 9))
    assert due_with_pauses(objection, cst(2026, 9, 30, 10), cal, [pause]) == end_of(2026, 10, 13)


def test_pause_on_a_calendar_day_clock_counts_calendar_days(cal: WorkCalendar) -> None:
    # 15 days from 01-10 -> 01-25; paused 01-12 .. 01-15 covers 3 days -> 01-28.
    clock = rule(Unit.CALENDAR_DAYS, 15, pausable=True)
    pause = Pause(cst(2026, 1, 12, 9), cst(2026, 1, 15, 17))
    assert due_with_pauses(clock, cst(2026, 1, 10, 9), cal, [pause]) == end_of(2026, 1, 28)


def test_pause_on_an_hours_clock_adds_the_exact_time(cal: WorkCalendar) -> None:
    clock = rule(Unit.HOURS, 24, pausable=True)
    start = cst(2026, 10, 1, 10)
    pause = Pause(cst(2026, 10, 1, 12), cst(2026, 10, 1, 14, 30))
    due = due_with_pauses(clock, start, cal, [pause])
    assert due == start + timedelta(hours=26, minutes=30)


def test_pause_and_extension_combine(cal: WorkCalendar) -> None:
    # 60 days from 09-10 -> 11-09, +30 extension -> 12-09, paused 10-01..10-04 (3 days) -> 12-12.
    extension = ExtensionRule(max_count=1, max_length=30, unit=Unit.CALENDAR_DAYS, source="测试")
    clock = rule(Unit.CALENDAR_DAYS, 60, pausable=True, extension=extension)
    pause = Pause(cst(2026, 10, 1, 9), cst(2026, 10, 4, 9))
    due = due_with_pauses(clock, cst(2026, 9, 10, 9), cal, [pause], extensions=[30])
    assert due == end_of(2026, 12, 12)


def test_pause_ending_before_it_starts_is_refused(cal: WorkCalendar) -> None:
    clock = rule(Unit.HOURS, 24, pausable=True)
    with pytest.raises(ValueError, match="ends before"):
        due_with_pauses(clock, cst(2026, 10, 1), cal, [Pause(cst(2026, 10, 2), cst(2026, 10, 1))])


# --- escalation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "chain"),
    [
        ("350102", ["3501", "35"]),  # 鼓楼区 -> 福州市 -> 福建省
        ("350102001", ["350102", "3501", "35"]),  # a township
        ("350102001000", ["350102", "3501", "35"]),  # NBS 12-digit form
        ("3501", ["35"]),
        ("350100", ["35"]),  # padded prefecture code
        ("35", []),
        ("350128", ["3501", "35"]),  # 平潭: under 福州 in the NBS data
    ],
)
def test_escalation_chain(code: str, chain: list[str]) -> None:
    assert escalation_chain(code) == chain


def test_escalation_override_for_pingtan() -> None:
    overrides = {"350128": ["35"]}
    assert escalation_chain("350128", overrides) == ["35"]
    assert escalation_chain("350128107", overrides) == ["350128", "35"]


@pytest.mark.parametrize("code", ["", "35a", "351", "3501020"])
def test_bad_region_code_is_refused(code: str) -> None:
    with pytest.raises(ValueError, match="region code"):
        escalation_chain(code)


# --- a ticket's life under the Fujian pack -----------------------------------------------


def test_ticket_life_across_national_day(cal: WorkCalendar, pack: PolicyPack) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every date here is in a known year
        received = cst(2026, 9, 18, 16)
        assert due_at(pack.clock("dispatch"), received, cal) == end_of(2026, 10, 3)
        assert due_at(pack.clock("acceptance_notice"), received, cal) == end_of(2026, 10, 3)
        dispatched = cst(2026, 9, 24, 11)
        # 09-25..27 off: 09-28, 29, 30, 10-08, 10-09.
        assert due_at(pack.clock("objection"), dispatched, cal) == end_of(2026, 10, 9)
        accepted = cst(2026, 10, 9, 15)
        handle = pack.clock("handle")
        assert due_at(handle, accepted, cal) == end_of(2026, 12, 8)
        assert due_at(handle, accepted, cal, extensions=[30]) == end_of(2027, 1, 7)
        replied = cst(2027, 1, 5, 10)
        assert due_at(pack.clock("review_request"), replied, cal) == end_of(2027, 2, 4)
