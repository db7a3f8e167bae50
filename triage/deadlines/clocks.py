"""Pure clock maths: when a deadline falls due, when to remind, who supervises next.

Pure: datetimes in, datetimes out, ``now`` never read. ``intake`` stores the results (for
example in an indexed next-due column) and decides what to do when they pass.

Conventions (the tests hold them):

* Every datetime in and out is timezone-aware; results are in UTC. Naive input raises.
* Day clocks are reckoned on local dates in China (Asia/Shanghai, UTC+8): the day of the
  starting event is not counted (as 民法典 Art. 201 counts periods), the period runs
  ``length`` calendar or working days after it, and ends at 23:59:59 local on its last day.
  So a 15-day clock started 2026-01-10 at any hour ends 2026-01-25 23:59:59+08:00.
  A clock is overdue when ``now > due``.
* A calendar-day period whose last day is a holiday or weekend is NOT extended, as 信访
  practice reads the 条例; a pack sets ``roll_to_workday = true`` to move such a last day to
  the next working day (the 民法典 Art. 203 rule).
* Hours clocks are exact: ``start + length`` hours, holidays ignored.
* Extensions (``extensions=[30]``) add to the unextended last day in the clock's unit.
* Pauses stop only clocks whose rule says ``pausable``; pauses on other clocks are ignored.
  An hours clock is extended by the exact paused time. A day clock is extended by the days
  the pause covers, counted like a period: a pause from day A to day B covers the days after
  A up to B (calendar days, or the working days among them), so a pause started and ended on
  the same day costs nothing and one from Friday to Monday costs one working day. A pause
  that starts after the deadline passed does not revive the clock; an open pause means the
  clock is stopped and has no due time (``None``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from triage.deadlines.calendar import WorkCalendar
from triage.deadlines.policy import ClockRule, Unit
from triage.deadlines.timezone import CHINA_TZ

__all__ = [
    "END_OF_DAY",
    "REMINDER_FRACTION",
    "REMINDER_LAST_DAY",
    "ExtensionNotAllowed",
    "Pause",
    "check_extensions",
    "due_at",
    "due_with_pauses",
    "escalation_chain",
    "reminder_times",
]

END_OF_DAY = time(23, 59, 59)
REMINDER_FRACTION = "reminder_80"  # the proportional reminder, 80 % by default
REMINDER_LAST_DAY = "reminder_last_day"  # on the working day(s) before the last day


class ExtensionNotAllowed(ValueError):
    """The clock's rule does not allow this extension."""


@dataclass(frozen=True, slots=True)
class Pause:
    """A recorded stop of a clock; ``ended_at`` is None while it lasts."""

    started_at: datetime
    ended_at: datetime | None = None


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")
    return value


def _local_day(value: datetime) -> date:
    return value.astimezone(CHINA_TZ).date()


def _end_of(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, CHINA_TZ).astimezone(UTC)


def _advance(clock: ClockRule, cal: WorkCalendar, day: date, n: int) -> date:
    if clock.unit is Unit.WORKING_DAYS:
        return cal.add_working_days(day, n)
    return day + timedelta(days=n)


def _last_day(clock: ClockRule, cal: WorkCalendar, nominal: date) -> date:
    if clock.roll_to_workday and not cal.is_workday(nominal):
        return cal.add_working_days(nominal, 1)
    return nominal


def check_extensions(clock: ClockRule, extensions: Sequence[int]) -> None:
    """Raise :class:`ExtensionNotAllowed` unless the rule allows these extensions."""
    if not extensions:
        return
    rule = clock.extension
    if rule is None:
        raise ExtensionNotAllowed(f"clock {clock.name} cannot be extended")
    if len(extensions) > rule.max_count:
        raise ExtensionNotAllowed(
            f"clock {clock.name} allows {rule.max_count} extension(s), {len(extensions)} given"
        )
    for length in extensions:
        if not 1 <= length <= rule.max_length:
            raise ExtensionNotAllowed(
                f"clock {clock.name}: an extension is 1..{rule.max_length} "
                f"{rule.unit.value}, {length} given"
            )


def _merged(pauses: Sequence[Pause], start: datetime) -> list[Pause]:
    """Pauses clipped to the clock's start, sorted, overlaps joined."""
    out: list[Pause] = []
    for p in sorted(pauses, key=lambda p: _aware(p.started_at, "Pause.started_at")):
        if p.ended_at is not None:
            _aware(p.ended_at, "Pause.ended_at")
            if p.ended_at < p.started_at:
                raise ValueError(f"pause ends before it starts: {p}")
            if p.ended_at <= start:
                continue
        p = Pause(max(p.started_at, start), p.ended_at)
        if out and (out[-1].ended_at is None or p.started_at <= out[-1].ended_at):
            last = out[-1]
            if last.ended_at is not None:
                end = None if p.ended_at is None else max(last.ended_at, p.ended_at)
                out[-1] = Pause(last.started_at, end)
            continue
        out.append(p)
    return out


def due_with_pauses(
    clock: ClockRule,
    start: datetime,
    cal: WorkCalendar,
    pauses: Sequence[Pause] = (),
    *,
    extensions: Sequence[int] = (),
) -> datetime | None:
    """The due time in UTC, or None while a pause is open on a pausable clock."""
    _aware(start, "start")
    check_extensions(clock, extensions)
    live = _merged(pauses, start) if clock.pausable else []
    if clock.unit is Unit.HOURS:
        due = start + timedelta(hours=clock.length + sum(extensions))
        for p in live:
            if p.started_at > due:
                break
            if p.ended_at is None:
                return None
            due += p.ended_at - p.started_at
        return due.astimezone(UTC)

    nominal = _advance(clock, cal, _local_day(start), clock.length)
    for length in extensions:
        nominal = _advance(clock, cal, nominal, length)
    for p in live:
        if p.started_at > _end_of(_last_day(clock, cal, nominal)):
            break
        if p.ended_at is None:
            return None
        a, b = _local_day(p.started_at), _local_day(p.ended_at)
        covered = (
            cal.working_days_between(a, b) if clock.unit is Unit.WORKING_DAYS else (b - a).days
        )
        nominal = _advance(clock, cal, nominal, covered)
    return _end_of(_last_day(clock, cal, nominal))


def due_at(
    clock: ClockRule, start: datetime, cal: WorkCalendar, *, extensions: Sequence[int] = ()
) -> datetime:
    """When ``clock`` started at ``start`` falls due (UTC), with approved extensions."""
    due = due_with_pauses(clock, start, cal, (), extensions=extensions)
    if due is None:  # only an open pause yields None, and none was given
        raise AssertionError("due_with_pauses returned None without pauses")
    return due


def _working_point(start: datetime, due: datetime, fraction: float, cal: WorkCalendar) -> datetime:
    """The instant when ``fraction`` of the working time between start and due has passed."""
    s, e = start.astimezone(CHINA_TZ), due.astimezone(CHINA_TZ)
    segments: list[tuple[datetime, datetime]] = []
    day = s.date()
    while day <= e.date():
        if cal.is_workday(day):
            lo = max(s, datetime.combine(day, time(), CHINA_TZ))
            hi = min(e, datetime.combine(day + timedelta(days=1), time(), CHINA_TZ))
            if hi > lo:
                segments.append((lo, hi))
        day += timedelta(days=1)
    total = sum((hi - lo for lo, hi in segments), timedelta())
    if not total:
        return start + (due - start) * fraction
    left = total * fraction
    for lo, hi in segments:
        if left <= hi - lo:
            return lo + left
        left -= hi - lo
    return due


def reminder_times(
    clock: ClockRule, start: datetime, due: datetime, cal: WorkCalendar
) -> list[tuple[str, datetime]]:
    """The reminders the clock's rule asks for, as (kind, UTC time), in time order.

    * ``reminder_80``: when the rule's fraction (80 % by default) of the window has passed;
      a working-day clock measures the window in working time, others in elapsed time.
    * ``reminder_last_day``: at the rule's local time of day (08:30 by default) on the
      working day ``working_days_before_end`` (1 by default) working days before the last
      day, so one full working day remains.

    Only reminders strictly between start and due are returned; a proportional reminder
    that would come at or after the last-day one is dropped as saying nothing new.
    """
    _aware(start, "start")
    _aware(due, "due")
    rule = clock.reminders
    last_day: datetime | None = None
    if rule.working_days_before_end > 0:
        day = cal.add_working_days(_local_day(due), -rule.working_days_before_end)
        last_day = datetime.combine(day, rule.time_of_day, CHINA_TZ).astimezone(UTC)
        if not start < last_day < due:
            last_day = None
    proportional: datetime | None = None
    if rule.fraction > 0:
        if clock.unit is Unit.WORKING_DAYS:
            proportional = _working_point(start, due, rule.fraction, cal)
        else:
            proportional = start + (due - start) * rule.fraction
        # Whole seconds: sweeps compare against stored timestamps, fractions add nothing.
        proportional = proportional.astimezone(UTC).replace(microsecond=0)
        if not start < proportional < due or (last_day is not None and proportional >= last_day):
            proportional = None
    out = [(REMINDER_FRACTION, proportional), (REMINDER_LAST_DAY, last_day)]
    return sorted(((k, t) for k, t in out if t is not None), key=lambda kt: kt[1])


def _parent(code: str) -> str | None:
    return {9: code[:6], 6: code[:4], 4: code[:2], 2: None}[len(code)]


def _normalise(code: str) -> str:
    # NBS 12-digit codes and 6-digit codes padded with zeros name the unit one level up.
    if not code.isdigit() or len(code) not in (2, 4, 6, 9, 12):
        raise ValueError(f"not a region code: {code!r}")
    if len(code) == 12:
        code = code[:9]
    for full, short in ((9, 6), (6, 4), (4, 2)):
        if len(code) == full and set(code[short:]) == {"0"}:
            code = code[:short]
    return code


def escalation_chain(
    region_code: str, overrides: Mapping[str, Sequence[str]] | None = None
) -> list[str]:
    """Codes of the supervising levels above a region, nearest first (督办 goes to the first,
    then the next): township 9-digit → county 6 → prefecture 4 → province 2.

    ``escalation_chain("350102") == ["3501", "35"]``. ``overrides`` (a pack's
    ``escalation_overrides``) replaces the chain above a code. 平潭 (350128) is a county under
    福州 (3501) in the NBS data, so it escalates to 3501 unless a pack overrides it; the
    综合实验区 actually holds prefecture-level powers under the province.
    """
    code = _normalise(region_code.strip())
    chain: list[str] = []
    while True:
        if overrides and code in overrides:
            chain.extend(overrides[code])
            return chain
        parent = _parent(code)
        if parent is None:
            return chain
        chain.append(parent)
        code = parent
