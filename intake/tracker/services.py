"""Tracker services: start and stop clocks as ticket events happen; the discipline lead ledger.

The lifecycle (``intake.services.tickets``) does not know the tracker: ``on_ticket_event``
is an audit listener, called after every recorded event in the same transaction, and it
maps events to the policy pack's ``Start`` points (the pack says which clocks start there):

==========================  ===============================  ================================
event                       starts (pack ``starts_at``)      stops
==========================  ===============================  ================================
submitted (original)        received: dispatch,              –
                            dispatch_target, acceptance_
                            notice (from received_at)
submitted (复查/复核 ticket)  review_requested /               –
                            recheck_requested: the decision
triaged with urgent, or     flagged_urgent: urgent           –
flagged_urgent
dispatched (original)       dispatched: objection (not       met: dispatch, dispatch_target
                            after a ruling: the assignment
                            is locked); accepted: handle,
                            restarted on a re-dispatch
accepted (签收)              –                                met: acceptance_notice, urgent
objected (退单)              –                                met: objection; stopped: handle
extension_approved          – (handle extended by its days)  –
replied                     replied / review_replied:        met: handle, review_decision,
                            the citizen's request window     recheck_decision, urgent,
                            (none after 复核: final)          acceptance_notice
review_requested            –                                met: review_request,
                                                             recheck_request
forwarded, merged           –                                met: dispatch, dispatch_target,
                                                             acceptance_notice; stopped: rest
escalated (to discipline)   identified: discipline_transfer  –
lead_transferred            –                                met: discipline_transfer
==========================  ===============================  ================================

Why the handling clock starts at ``dispatched``: DESIGN §5 and the issue say "the clock
starts at dispatch, not when the unit signs for it". The pack names the 条例's start point
``accepted`` (受理); for a matter handed down by the petition office, 受理 is the 交办 itself,
and our ``accepted`` event is the unit signing (签收), which must not move the deadline.
A re-dispatch after an objection gives the newly assigned unit its own window (a new round).

Windows that belong to someone who may or may not act (the unit's objection window, the
citizen's 复查/复核 request windows) lapse at their end without 督办: a right not used is no
one's failure. Every other clock is an officer's duty and is escalated when overdue.

Responsible region (where reminders go; 督办 goes to the levels above it): the province's
petition office for the register/notice clocks, the assigned unit for handling, objection,
review and urgent clocks, the lead's jurisdiction for the discipline transfer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session

from intake.db import utcnow
from intake.models import Lead, LeadStatus, Role, Ticket, TicketEvent, Unit, UnitKind
from intake.services import outbox
from intake.services.audit import record_event
from intake.services.context import Actor, settings
from intake.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from intake.services.scope import require_role
from intake.tracker import messages
from intake.tracker.models import OPEN_STATES, Clock, ClockState, LeadEntry
from triage.deadlines import (
    ClockRule,
    ExtensionNotAllowed,
    Pause,
    PolicyPack,
    Start,
    WorkCalendar,
    due_with_pauses,
    escalation_chain,
    load_packs,
    reminder_times,
)

CALENDAR_KEY = "intake.tracker.calendar"
PACKS_KEY = "intake.tracker.packs"

# Rights that lapse without 督办 (see the module docstring).
WINDOWS = frozenset({"objection", "review_request", "recheck_request"})
RECEIVED_STAGE = frozenset({"dispatch", "dispatch_target", "acceptance_notice"})
ONE_SECOND = dt.timedelta(seconds=1)


# ---------------------------------------------------------------- configuration


def configure(app: Flask) -> None:
    """Load the working-day calendar and the policy packs once per app (admin files included)."""
    s = app.extensions["intake.settings"]
    app.extensions[CALENDAR_KEY] = WorkCalendar.load(Path(s.holiday_file) if s.holiday_file else None)
    app.extensions[PACKS_KEY] = load_packs(Path(s.policy_dir) if s.policy_dir else None)


def calendar() -> WorkCalendar:
    cal: WorkCalendar = current_app.extensions[CALENDAR_KEY]
    return cal


def packs() -> tuple[PolicyPack, ...]:
    loaded: tuple[PolicyPack, ...] = current_app.extensions[PACKS_KEY]
    return loaded


def pack_for(ticket: Ticket) -> PolicyPack:
    """The pack in force when the ticket (or the original a review descends from) was received."""
    return PolicyPack.for_received(settings().province_code, ticket.received_at, packs())


def active_pack(at: dt.datetime | None = None) -> PolicyPack:
    return PolicyPack.for_received(settings().province_code, at or utcnow(), packs())


def pack_by_id(pack_id: str) -> PolicyPack:
    for p in packs():
        if p.id == pack_id:
            return p
    raise LookupError(f"policy pack {pack_id} is no longer installed")


def objection_deadline(ticket: Ticket) -> dt.datetime | None:
    """End of the unit's 退单 window: 5 working days from dispatch (the lifecycle's hook)."""
    if ticket.dispatched_at is None:
        return None
    pack = pack_for(ticket)
    if "objection" not in pack.clocks:
        return None
    return due_with_pauses(pack.clock("objection"), ticket.dispatched_at, calendar())


def review_request_deadline(ticket: Ticket) -> dt.datetime | None:
    """End of the citizen's window to ask for 复查 (or 复核 after a 复查), from the reply."""
    if ticket.replied_at is None:
        return None
    name = "review_request" if ticket.review_level == 0 else "recheck_request"
    pack = pack_for(ticket)
    if name not in pack.clocks:
        return None
    return due_with_pauses(pack.clock(name), ticket.replied_at, calendar())


# ---------------------------------------------------------------- scheduling (pure over a row)


def _pauses(clock: Clock) -> list[Pause]:
    return [
        Pause(dt.datetime.fromisoformat(p["started_at"]),
              dt.datetime.fromisoformat(p["ended_at"]) if p.get("ended_at") else None)
        for p in clock.pauses or []
    ]


def compute_due(clock: Clock, rule: ClockRule, cal: WorkCalendar) -> dt.datetime | None:
    return due_with_pauses(rule, clock.started_at, cal, _pauses(clock), extensions=list(clock.extensions or []))


def escalation_targets(clock: Clock, pack: PolicyPack) -> list[str]:
    """督办 levels above the responsible region, nearest first; at the top, the province itself."""
    chain = escalation_chain(clock.region_code, pack.escalation_overrides)
    return chain[:2] or [clock.region_code]


def planned_actions(clock: Clock, rule: ClockRule, pack: PolicyPack, cal: WorkCalendar,
                    grace: dt.timedelta) -> list[tuple[str, int, dt.datetime]]:
    """Every (kind, level, time) this clock may still act on in its current round."""
    if clock.state not in OPEN_STATES or clock.due_at is None:
        return []
    due = clock.due_at
    level = len(clock.extensions or [])
    out = [(kind, level, at) for kind, at in reminder_times(rule, clock.started_at, due, cal)]
    if clock.name in WINDOWS:
        out.append(("lapse", 0, due + ONE_SECOND))
        return out
    first = due + ONE_SECOND  # overdue when now > due
    for n in range(1, len(escalation_targets(clock, pack)) + 1):
        if n > clock.escalation_level:
            out.append(("escalation", n, first if n == 1 else first + grace * (n - 1)))
    return sorted(out, key=lambda a: a[2])


def grace() -> dt.timedelta:
    return dt.timedelta(hours=settings().tracker_second_escalation_hours)


def reschedule(clock: Clock, after: dt.datetime, rule: ClockRule | None = None,
               pack: PolicyPack | None = None) -> None:
    """Set ``next_action_at`` to the first planned action later than ``after`` (or NULL)."""
    pack = pack or pack_by_id(clock.pack_id)
    rule = rule or pack.clock(clock.name)
    times = [at for _k, _l, at in planned_actions(clock, rule, pack, calendar(), grace()) if at > after]
    clock.next_action_at = min(times) if times else None


# ---------------------------------------------------------------- starting and stopping


def _clocks(session: Session, ticket: Ticket) -> dict[str, Clock]:
    if ticket.event_seq <= 1:  # the first event: no clock can exist yet (saves a query per filing)
        return {}
    return {c.name: c for c in session.scalars(sa.select(Clock).where(Clock.ticket_id == ticket.id))}


def _start(session: Session, ticket: Ticket, starts: Iterable[Start], at: dt.datetime, region: str,
           *, restart: bool = False, skip: Iterable[str] = ()) -> list[Clock]:
    pack = pack_for(ticket)
    wanted = set(starts)
    existing = _clocks(session, ticket)
    cal = calendar()
    started = []
    for rule in pack.clocks.values():
        if rule.starts_at not in wanted or rule.name in skip:
            continue
        clock = existing.get(rule.name)
        if clock is not None and clock.state in OPEN_STATES and not restart:
            continue
        if clock is None:
            clock = Clock(ticket_id=ticket.id, name=rule.name, round=1, escalation_level=0)
            session.add(clock)
        else:
            clock.round += 1
        clock.pack_id, clock.pack_version = pack.id, pack.version
        clock.region_code = region
        clock.state = ClockState.RUNNING
        clock.started_at = at
        clock.extensions, clock.pauses = [], []
        clock.stopped_at, clock.on_time = None, None
        clock.escalation_level = 0
        clock.due_at = compute_due(clock, rule, cal)
        clock.updated_at = at
        reschedule(clock, at, rule, pack)
        started.append(clock)
    return started


def _finish(session: Session, ticket: Ticket, names: Iterable[str], at: dt.datetime, *, met: bool) -> None:
    wanted = set(names)
    for clock in _clocks(session, ticket).values():
        if clock.name not in wanted or clock.state not in OPEN_STATES:
            continue
        clock.state = ClockState.MET if met else ClockState.STOPPED
        clock.stopped_at = at
        clock.on_time = (clock.due_at is None or at <= clock.due_at) if met else None
        clock.next_action_at = None
        clock.updated_at = at


def _unit_region(session: Session, unit_id: int | None) -> str | None:
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    return unit.region_code if unit else None


def _assigned_region(session: Session, ticket: Ticket) -> str:
    return (_unit_region(session, ticket.assigned_unit_id) or ticket.county_code
            or settings().province_code)


def on_ticket_event(session: Session, ticket: Ticket, event: TicketEvent) -> None:
    """The audit listener: keep the ticket's clocks in step with its lifecycle."""
    kind, at, data = event.kind, event.at, event.data or {}
    if kind == "submitted":
        if ticket.review_of_id is None:
            _start(session, ticket, [Start.RECEIVED], at, settings().province_code)
        else:
            start = Start.REVIEW_REQUESTED if ticket.review_level == 1 else Start.RECHECK_REQUESTED
            _start(session, ticket, [start], at, _assigned_region(session, ticket))
    elif (kind == "triaged" and data.get("urgent")) or kind == "flagged_urgent":
        _start(session, ticket, [Start.FLAGGED_URGENT], at, _assigned_region(session, ticket))
    elif kind == "dispatched":
        if ticket.review_of_id is not None:
            return  # a 复查/复核 ticket runs on its decision clock, started at submission
        _finish(session, ticket, RECEIVED_STAGE - {"acceptance_notice"}, at, met=True)
        region = _assigned_region(session, ticket)
        skip = ("objection",) if ticket.assignment_locked else ()
        _start(session, ticket, [Start.DISPATCHED, Start.ACCEPTED], at, region, restart=True, skip=skip)
        urgent = _clocks(session, ticket).get("urgent")
        if urgent is not None and urgent.state in OPEN_STATES:
            urgent.region_code = region
    elif kind == "accepted":
        _finish(session, ticket, ("acceptance_notice", "urgent"), at, met=True)
    elif kind == "objected":
        _finish(session, ticket, ("objection",), at, met=True)
        _finish(session, ticket, ("handle",), at, met=False)
    elif kind == "extension_approved":
        _extend(session, ticket, int(data.get("days") or ticket.extension_days or 0), at)
    elif kind == "replied":
        _finish(session, ticket, ("handle", "review_decision", "recheck_decision", "urgent",
                                  "acceptance_notice"), at, met=True)
        if ticket.review_level < 2:  # 复核 is final: no further request window
            start = Start.REPLIED if ticket.review_level == 0 else Start.REVIEW_REPLIED
            _start(session, ticket, [start], at, _assigned_region(session, ticket))
    elif kind == "review_requested":
        _finish(session, ticket, ("review_request", "recheck_request"), at, met=True)
    elif kind in ("forwarded", "merged"):
        _finish(session, ticket, RECEIVED_STAGE, at, met=True)
        _finish(session, ticket, [c for c in _clocks(session, ticket) if c not in RECEIVED_STAGE], at, met=False)
    elif kind == "escalated":
        lead = session.get(Lead, data.get("lead_id"))
        region = lead.region_code if lead else _assigned_region(session, ticket)
        _start(session, ticket, [Start.IDENTIFIED], at, region)
    elif kind == "lead_transferred":
        _finish(session, ticket, ("discipline_transfer",), at, met=True)


def _extend(session: Session, ticket: Ticket, days: int, at: dt.datetime) -> None:
    clock = _clocks(session, ticket).get("handle")
    if clock is None or clock.state not in OPEN_STATES:
        raise InvalidTransition("办理期限未在计时，不能延期。", "clock_not_running")
    pack = pack_by_id(clock.pack_id)
    rule = pack.clock("handle")
    extensions = [*(clock.extensions or []), days]
    try:
        clock.extensions = extensions
        clock.due_at = compute_due(clock, rule, calendar())
    except ExtensionNotAllowed as exc:
        raise InvalidTransition("延期不符合时限规定（只能延期一次，且不超过 30 日）。", "extension_rule") from exc
    if clock.due_at is not None and at <= clock.due_at:
        clock.state = ClockState.RUNNING
    clock.updated_at = at
    reschedule(clock, at, rule, pack)


def pause_clock(session: Session, actor: Actor, ticket: Ticket, name: str, reason: str,
                *, now: dt.datetime | None = None) -> Clock:
    """Stop a clock the policy lets pause (e.g. the internal dispatch target while waiting for
    the citizen's material); recorded as an event. Statutory clocks refuse."""
    return _set_pause(session, actor, ticket, name, reason, now or utcnow(), pausing=True)


def resume_clock(session: Session, actor: Actor, ticket: Ticket, name: str,
                 *, now: dt.datetime | None = None) -> Clock:
    return _set_pause(session, actor, ticket, name, "", now or utcnow(), pausing=False)


def _set_pause(session: Session, actor: Actor, ticket: Ticket, name: str, reason: str, at: dt.datetime,
               *, pausing: bool) -> Clock:
    assert actor.user is not None
    require_role(actor.user, Role.DISPATCHER, Role.SUPERVISOR)
    clock = _clocks(session, ticket).get(name)
    if clock is None or clock.state not in OPEN_STATES:
        raise InvalidTransition("该期限未在计时。", "clock_not_running")
    pack = pack_by_id(clock.pack_id)
    rule = pack.clock(name)
    if not rule.pausable:
        raise InvalidTransition("该期限为法定期限，不能中止计时。", "clock_not_pausable")
    pauses = list(clock.pauses or [])
    if pausing:
        if pauses and not pauses[-1].get("ended_at"):
            raise InvalidTransition("该期限已中止计时。", "clock_paused")
        pauses.append({"started_at": at.isoformat(), "ended_at": None})
        clock.state = ClockState.PAUSED
    else:
        if not pauses or pauses[-1].get("ended_at"):
            raise InvalidTransition("该期限未中止计时。", "clock_not_paused")
        pauses[-1] = {**pauses[-1], "ended_at": at.isoformat()}
        clock.state = ClockState.RUNNING
    clock.pauses = pauses
    clock.due_at = compute_due(clock, rule, calendar())
    clock.updated_at = at
    reschedule(clock, at, rule, pack)
    record_event(session, ticket, "clock_paused" if pausing else "clock_resumed", actor,
                 {"clock": name, "reason": reason}, at=at)
    session.flush()
    return clock


def clocks_of(session: Session, ticket: Ticket) -> list[Clock]:
    return list(session.scalars(sa.select(Clock).where(Clock.ticket_id == ticket.id).order_by(Clock.id)))


# ---------------------------------------------------------------- staff notifications


def register_outbox_handlers() -> None:
    @outbox.register("staff.notify")
    def _staff_notify(session: Session, payload: dict[str, Any]) -> None:
        from intake.ports import NotifierRegistry, OutboundMessage

        registry: NotifierRegistry = current_app.extensions["intake.notifiers"]
        registry.for_staff().send(OutboundMessage(
            ticket_reference=str(payload.get("reference", "")),
            kind=str(payload.get("kind", "reminder")),
            text=str(payload.get("text", "")),
            recipient={"unit_id": str(payload.get("unit_id") or ""), "region_code": str(payload.get("region_code"))},
            meta={k: payload.get(k) for k in ("clock", "level", "due_at", "audience")},
        ))


# ---------------------------------------------------------------- discipline lead ledger


_NEXT = {
    "transfer": ((LeadStatus.PENDING_TRANSFER,), LeadStatus.TRANSFERRED, "lead_transferred"),
    "preliminary": ((LeadStatus.TRANSFERRED,), LeadStatus.PRELIMINARY, "lead_preliminary"),
    "file": ((LeadStatus.PRELIMINARY,), LeadStatus.FILED, "lead_filed"),
    "conclude": ((LeadStatus.TRANSFERRED, LeadStatus.PRELIMINARY, LeadStatus.FILED),
                 LeadStatus.CONCLUDED, "lead_concluded"),
}


def lead_filter(actor_unit: Unit) -> sa.ColumnElement[bool]:
    """Leads in the discipline unit's jurisdiction (its region subtree)."""
    return Lead.region_code.startswith(actor_unit.region_code)


def require_jurisdiction(actor: Actor, lead: Lead) -> None:
    user = actor.user
    if user is None:
        raise Forbidden("此操作需要纪检监察员。", "role_required")
    require_role(user, Role.DISCIPLINE)
    if user.unit.kind != UnitKind.DISCIPLINE or not lead.region_code.startswith(user.unit.region_code):
        # Out of jurisdiction reads as not found: nothing learned about other leads.
        raise NotFound("未找到该问题线索，或您无权查看。", "lead_not_found")


def _lock_lead(session: Session, lead: Lead) -> Lead:
    from intake.db import is_postgres

    if is_postgres(session):
        session.execute(sa.select(Lead.id).where(Lead.id == lead.id).with_for_update())
        session.refresh(lead)
    return lead


def _advance(session: Session, actor: Actor, lead: Lead, step: str, note: str,
             now: dt.datetime | None, outcome: str | None = None) -> Lead:
    from intake.services.tickets import notify_citizen

    require_jurisdiction(actor, lead)
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationFailed("说明过长，请控制在 2000 字以内。", "note_too_long")
    _lock_lead(session, lead)
    allowed, target, kind = _NEXT[step]
    if lead.status not in allowed:
        labels = messages.LEAD_STATUS_LABELS
        raise InvalidTransition(
            f"线索当前状态为“{labels[lead.status.value]}”，不能变更为“{labels[target.value]}”。", "invalid_lead_state"
        )
    at = now or utcnow()
    lead.status = target
    if target is LeadStatus.TRANSFERRED:
        lead.transferred_at = at
    if outcome is not None:
        lead.outcome = outcome
    assert actor.user is not None
    session.add(LeadEntry(lead_id=lead.id, status=target, at=at, actor_user_id=actor.user.id, note=note))
    for ticket in lead.tickets:
        from intake.services.tickets import _lock

        _lock(session, ticket)
        record_event(session, ticket, kind, actor, {"lead_id": lead.id, "status": target.value}, at=at)
        if not ticket.anonymous:
            text = messages.LEAD_FEEDBACK[target.value].format(outcome=outcome or "")
            notify_citizen(session, ticket, f"lead_{target.value}", text)
    session.flush()
    return lead


def transfer_lead(session: Session, actor: Actor, lead: Lead, note: str = "",
                  *, now: dt.datetime | None = None) -> Lead:
    """待移送 → 已移送: meets the ticket's 5-working-day discipline transfer clock."""
    return _advance(session, actor, lead, "transfer", note, now)


def start_preliminary(session: Session, actor: Actor, lead: Lead, note: str = "",
                      *, now: dt.datetime | None = None) -> Lead:
    """已移送 → 初核."""
    return _advance(session, actor, lead, "preliminary", note, now)


def file_case(session: Session, actor: Actor, lead: Lead, note: str = "",
              *, now: dt.datetime | None = None) -> Lead:
    """初核 → 立案."""
    return _advance(session, actor, lead, "file", note, now)


def conclude_lead(session: Session, actor: Actor, lead: Lead, outcome: str, note: str = "",
                  *, now: dt.datetime | None = None) -> Lead:
    """→ 了结, with the outcome the named reporter is told."""
    outcome = (outcome or "").strip()
    if not outcome or len(outcome) > 2000:
        raise ValidationFailed("请填写办理结果（2000 字以内）。", "outcome_missing")
    return _advance(session, actor, lead, "conclude", note, now, outcome=outcome)


def lead_history(session: Session, lead: Lead) -> list[LeadEntry]:
    return list(session.scalars(sa.select(LeadEntry).where(LeadEntry.lead_id == lead.id).order_by(LeadEntry.id)))
