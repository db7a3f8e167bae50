"""Tracker tables: one clock per (ticket, clock name), the reminders and 督办 it sent, and the
discipline lead ledger's history.

Owned by ``intake.tracker``; imported by ``intake.models`` so Alembic and ``create_all`` see
them. Only ``intake.tracker.services`` and ``intake.tracker.sweep`` write these rows.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.db import Base, UTCDateTime, utcnow
from intake.models.enums import LeadStatus, enum_column
from intake.models.tickets import Ticket


class ClockState(enum.StrEnum):
    RUNNING = "running"
    PAUSED = "paused"  # an open pause on a pausable clock: no due time
    STOPPED = "stopped"  # no longer applies (objection, forwarded, a window that lapsed)
    MET = "met"  # the duty was done (on time or late: see ``on_time``)
    OVERDUE = "overdue"  # still open past its due time


OPEN_STATES = (ClockState.RUNNING, ClockState.PAUSED, ClockState.OVERDUE)


class Clock(Base):
    """A statutory or internal deadline running on one ticket.

    ``next_action_at`` is the next reminder or escalation time (NULL when nothing is due):
    the sweep reads only rows where it has passed, through its index, so a sweep costs what
    is due, not what is stored. ``round`` counts restarts (a re-dispatch after an objection
    starts the handling clock again); reminders and 督办 are unique per round.
    """

    __tablename__ = "tracker_clock"
    __table_args__ = (sa.UniqueConstraint("ticket_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id"))
    name: Mapped[str] = mapped_column(sa.String(32))
    pack_id: Mapped[str] = mapped_column(sa.String(64))
    pack_version: Mapped[str] = mapped_column(sa.String(32))
    # The region whose unit answers for the clock; 督办 goes to the levels above it.
    region_code: Mapped[str] = mapped_column(sa.String(12), index=True)
    state: Mapped[ClockState] = mapped_column(enum_column(ClockState, 16), default=ClockState.RUNNING)
    round: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    extensions: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    # Recorded pauses [{"started_at": iso, "ended_at": iso | null}], pausable clocks only.
    pauses: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    stopped_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    on_time: Mapped[bool | None]
    escalation_level: Mapped[int] = mapped_column(default=0)  # 督办 sent so far this round
    next_action_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship()


class ClockAction(Base):
    """One reminder or 督办 sent for a clock. The unique key is what makes a sweep safe to
    repeat or to run twice at once: the same notice can never be recorded twice.

    ``level``: for reminders the number of extensions in force (an extended window gets its
    own reminders); for escalations 1 (the supervisor one level up) or 2 (the next level).
    """

    __tablename__ = "tracker_action"
    __table_args__ = (sa.UniqueConstraint("clock_id", "round", "kind", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(sa.ForeignKey("tracker_clock.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id"), index=True)
    round: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(32))  # reminder_80, reminder_last_day, escalation
    level: Mapped[int]
    target_region_code: Mapped[str] = mapped_column(sa.String(12))
    target_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    scheduled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ticket_event.id"))


class LeadEntry(Base):
    """问题线索台账: every status change of a lead, with who recorded it and when."""

    __tablename__ = "tracker_lead_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("lead.id"), index=True)
    status: Mapped[LeadStatus] = mapped_column(enum_column(LeadStatus))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
