"""Statutory deadlines: the working-day calendar, policy packs and pure clock maths.

Pure (no Flask, SQLAlchemy, Celery or ``intake`` imports); ``intake`` calls it with
timezone-aware datetimes and stores what it returns. See ``clocks`` for the conventions.
"""

from triage.deadlines.calendar import CalendarGapWarning, HolidayYear, WorkCalendar
from triage.deadlines.clocks import (
    REMINDER_FRACTION,
    REMINDER_LAST_DAY,
    ExtensionNotAllowed,
    Pause,
    check_extensions,
    due_at,
    due_with_pauses,
    escalation_chain,
    reminder_times,
)
from triage.deadlines.policy import (
    ClockRule,
    ExtensionRule,
    NoPolicyPack,
    PolicyPack,
    ReminderRule,
    Start,
    Unit,
    load_packs,
)
from triage.deadlines.timezone import CHINA_TZ

__all__ = [
    "CHINA_TZ",
    "REMINDER_FRACTION",
    "REMINDER_LAST_DAY",
    "CalendarGapWarning",
    "ClockRule",
    "ExtensionNotAllowed",
    "ExtensionRule",
    "HolidayYear",
    "NoPolicyPack",
    "Pause",
    "PolicyPack",
    "ReminderRule",
    "Start",
    "Unit",
    "WorkCalendar",
    "check_extensions",
    "due_at",
    "due_with_pauses",
    "escalation_chain",
    "load_packs",
    "reminder_times",
]
