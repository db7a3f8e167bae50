"""The tracker sweep: send what is due (reminders, 督办), once, then plan the next action.

One query on the indexed ``next_action_at`` column picks the due clocks (with their tickets,
locked ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent sweeps split the work and
never wait on a ticket a person is changing), then an idempotent loop. Each reminder or
escalation is one ``tracker_action`` row (unique per clock, round, kind and level), one
TicketEvent and one ``staff.notify`` outbox row; ``next_action_at`` then moves past ``now``,
so a repeated sweep finds nothing. Callers commit (one batch per unit of work).

Imported by ``intake.tasks`` and the CLI.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from intake.db import is_postgres
from intake.models import Ticket, Unit, UnitKind
from intake.services import outbox
from intake.services.audit import record_event
from intake.services.context import Actor, settings
from intake.tracker import messages
from intake.tracker.models import Clock, ClockAction, ClockState
from intake.tracker.services import (
    calendar,
    escalation_targets,
    grace,
    pack_by_id,
    planned_actions,
    reschedule,
)

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    now: dt.datetime
    clocks: int = 0  # due clocks this sweep locked and handled
    counts: Counter[str] = field(default_factory=Counter)  # reminder / escalation / lapsed / skipped
    lines: list[str] = field(default_factory=list)  # one per action, for the CLI

    def merge(self, other: SweepReport) -> None:
        self.clocks += other.clocks
        self.counts.update(other.counts)
        self.lines.extend(other.lines)

    def summary(self) -> str:
        c = self.counts
        return (f"swept {self.clocks} due clock(s) at {self.now.isoformat()}: "
                f"{c['reminder']} reminder(s), {c['escalation']} escalation(s), {c['lapsed']} lapsed window(s)")


def due_clocks(session: Session, now: dt.datetime, limit: int) -> list[tuple[Clock, Ticket]]:
    q = (
        sa.select(Clock, Ticket)
        .join(Ticket, Ticket.id == Clock.ticket_id)
        .where(Clock.next_action_at <= now)
        .order_by(Clock.next_action_at)
        .limit(limit)
    )
    if is_postgres(session):
        # Lock the ticket too: the sweep appends to its event chain. SKIP LOCKED means a
        # sweep never waits for (or deadlocks with) a person working on the same ticket.
        q = q.with_for_update(skip_locked=True, of=[Clock, Ticket])
    return [(c, t) for c, t in session.execute(q).all()]


UnitCache = dict[tuple[str, UnitKind], int | None]


def _unit_at(session: Session, region: str, kind: UnitKind, cache: UnitCache) -> int | None:
    key = (region, kind)
    if key not in cache:
        cache[key] = session.scalar(sa.select(Unit.id).where(Unit.region_code == region, Unit.kind == kind))
    return cache[key]


def sweep(session: Session, now: dt.datetime, *, limit: int | None = None) -> SweepReport:
    """Handle one batch of due clocks at ``now``; the caller commits."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(dt.UTC)
    limit = limit or settings().tracker_sweep_batch
    report = SweepReport(now)
    cal, wait = calendar(), grace()
    units: UnitCache = {}
    system = Actor.system()
    for clock, ticket in due_clocks(session, now, limit):
        report.clocks += 1
        try:
            pack = pack_by_id(clock.pack_id)
            rule = pack.clock(clock.name)
        except (LookupError, KeyError):
            # A pack was removed while clocks still run under it: say so loudly, retry in an
            # hour, and let the rest of the batch go on.
            log.error("tracker: ticket %s clock %s refers to missing policy pack %s",
                      ticket.reference, clock.name, clock.pack_id)
            clock.next_action_at = now + dt.timedelta(hours=1)
            continue
        since = clock.next_action_at
        assert since is not None
        due = [a for a in planned_actions(clock, rule, pack, cal, wait) if since <= a[2] <= now]
        kind_of_unit = UnitKind.DISCIPLINE if clock.name == "discipline_transfer" else UnitKind.CIVIL_AFFAIRS
        escalations = [a for a in due if a[0] == "escalation"]
        reminders = [a for a in due if a[0].startswith("reminder")]
        if escalations or any(a[0] == "lapse" for a in due):
            report.counts["skipped"] += len(reminders)  # late reminders say nothing new now
            reminders = []
        elif len(reminders) > 1:  # a sweep that ran late sends only the latest reminder
            report.counts["skipped"] += len(reminders) - 1
            reminders = reminders[-1:]
        for kind, level, at in reminders:
            _act(session, report, clock, ticket, kind, level, at, clock.region_code,
                 _unit_at(session, clock.region_code, kind_of_unit, units), now, system,
                 messages.reminder_text(ticket.reference, clock.name, clock.due_at or at))
            report.counts["reminder"] += 1
        if any(a[0] == "lapse" for a in due):
            clock.state = ClockState.STOPPED
            clock.stopped_at = clock.due_at
            report.counts["lapsed"] += 1
            report.lines.append(f"{ticket.reference} {clock.name}: window lapsed")
        targets = escalation_targets(clock, pack)
        for kind, level, at in escalations:
            target = targets[level - 1]
            _act(session, report, clock, ticket, kind, level, at, target,
                 _unit_at(session, target, kind_of_unit, units), now, system,
                 messages.escalation_text(ticket.reference, clock.name, clock.due_at or at, level))
            clock.escalation_level = level
            clock.state = ClockState.OVERDUE
            report.counts["escalation"] += 1
        clock.updated_at = now
        reschedule(clock, now, rule, pack)
    session.flush()
    return report


def _act(session: Session, report: SweepReport, clock: Clock, ticket: Ticket, kind: str, level: int,
         scheduled: dt.datetime, region: str, unit_id: int | None, now: dt.datetime, actor: Actor,
         text: str) -> None:
    is_escalation = kind == "escalation"
    event = record_event(
        session, ticket, "escalation" if is_escalation else "reminder", actor,
        {"clock": clock.name, "kind": kind, "level": level, "round": clock.round,
         "due_at": clock.due_at.isoformat() if clock.due_at else None,
         "target_region": region, "target_unit_id": unit_id},
        at=now,
    )
    session.flush()
    action = ClockAction(clock_id=clock.id, ticket_id=ticket.id, round=clock.round, kind=kind, level=level,
                         target_region_code=region, target_unit_id=unit_id, scheduled_at=scheduled,
                         sent_at=now, event_id=event.id)
    session.add(action)
    session.flush()
    outbox.enqueue(
        session, "staff.notify",
        {"reference": ticket.reference, "ticket_id": ticket.id, "kind": kind, "level": level,
         "clock": clock.name, "due_at": clock.due_at.isoformat() if clock.due_at else None,
         "unit_id": unit_id, "region_code": region, "text": text,
         "audience": "supervisor" if is_escalation else "handler"},
        dedupe_key=f"tracker:{action.id}",
    )
    report.lines.append(f"{ticket.reference} {clock.name}: {kind} level {level} -> {region}")
    log.info("tracker %s: ticket %s clock %s level %s -> %s", kind, ticket.reference, clock.name, level, region)


def sweep_all(now: dt.datetime, *, batch: int | None = None, max_batches: int = 10_000) -> SweepReport:
    """Sweep batch by batch, one unit of work each, until fewer than a batch is due."""
    from intake.db import unit_of_work

    total = SweepReport(now)
    for _ in range(max_batches):
        with unit_of_work() as session:
            size = batch or settings().tracker_sweep_batch
            part = sweep(session, now, limit=size)
        total.merge(part)
        if part.clocks < size:
            break
    return total
