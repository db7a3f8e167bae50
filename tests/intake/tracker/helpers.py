"""Shared by the tracker tests: frozen Beijing times, actors, clocks by name."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from intake.db import current_session
from intake.models import Clock, Ticket, Unit, UnitKind, User
from intake.services.context import Actor
from triage.deadlines import CHINA_TZ


def bj(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, year: int = 2026) -> dt.datetime:
    """A Beijing wall-clock time (aware)."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=CHINA_TZ)


def end_of(month: int, day: int, year: int = 2026) -> dt.datetime:
    """23:59:59 Beijing time: where a day clock ends."""
    return bj(month, day, 23, 59, 59, year=year)


def actor(username: str) -> Actor:
    user = current_session().scalar(sa.select(User).where(User.username == username))
    assert user is not None, username
    return Actor.for_user(user)


def unit(region: str, kind: UnitKind = UnitKind.CIVIL_AFFAIRS) -> Unit:
    found = current_session().scalar(sa.select(Unit).where(Unit.region_code == region, Unit.kind == kind))
    assert found is not None
    return found


def clocks(ticket: Ticket) -> dict[str, Clock]:
    rows = current_session().scalars(sa.select(Clock).where(Clock.ticket_id == ticket.id))
    return {c.name: c for c in rows}
