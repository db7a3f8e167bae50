"""From a new ticket to its first decision: triage, store the explanation, then escalate,
dispatch automatically, or leave it in the dispatcher's queue.

Only confident results with a resolved county are dispatched automatically, and only when
the policy allows (``INTAKE_AUTO_DISPATCH``); everything else waits for a person.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from intake.models import Status, Ticket
from intake.services.context import Actor, settings
from intake.services.tickets import (
    apply_triage,
    civil_unit_for,
    dispatch_ticket,
    escalate_to_discipline,
    mark_conflict_of_interest,
)

log = logging.getLogger(__name__)
_lock = threading.Lock()
_triagers: dict[str, Any] = {}


def get_triager() -> Any:
    """One Triager per process and model, loaded on first use (it holds a jieba tokenizer)."""
    from intake.db import current_session
    from intake.services.triage_models import active_model

    model = settings().triage_model or active_model(current_session()) or ""
    triager = _triagers.get(model)
    if triager is None:
        with _lock:
            triager = _triagers.get(model)
            if triager is None:
                from triage.engine import Triager

                triager = Triager.load(model_path=model or None)
                _triagers[model] = triager
    return triager


DUPLICATE_WINDOW_DAYS = 30
DUPLICATE_SCAN_LIMIT = 300


def _previous_county(session: Session, ticket: Ticket) -> str | None:
    if not ticket.reporter_key:
        return None
    return session.scalar(
        sa.select(Ticket.county_code)
        .where(Ticket.reporter_key == ticket.reporter_key, Ticket.id != ticket.id, Ticket.county_code.is_not(None))
        .order_by(Ticket.received_at.desc())
        .limit(1)
    )


def _duplicates(session: Session, ticket: Ticket, tokens: list[str], county: str | None) -> list[dict[str, Any]]:
    """Recent tickets from the same reporter or county with similar text: suggested links."""
    from triage.duplicates import DupCandidate, find_duplicates, fingerprint

    since = ticket.received_at - dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
    near = [Ticket.county_code == county] if county else []
    if ticket.reporter_key:
        near.append(Ticket.reporter_key == ticket.reporter_key)
    if not near:
        return []
    rows = session.execute(
        sa.select(Ticket.reference, Ticket.text, Ticket.reporter_key, Ticket.county_code, Ticket.received_at)
        .where(Ticket.id != ticket.id, Ticket.received_at >= since, Ticket.duplicate_of_id.is_(None), sa.or_(*near))
        .order_by(Ticket.received_at.desc())
        .limit(DUPLICATE_SCAN_LIMIT)
    ).all()
    triager = get_triager()
    me = DupCandidate(ticket.reference, fingerprint(tokens), ticket.reporter_key, county, ticket.received_at)
    recent = [DupCandidate(r.reference, fingerprint(triager.tokens(r.text)), r.reporter_key, r.county_code,
                           r.received_at) for r in rows]
    found = find_duplicates(me, recent, DUPLICATE_WINDOW_DAYS, ticket.received_at)
    return [{"reference": ref, "score": score, "reasons": list(reasons)} for ref, score, reasons in found[:5]]


def triage_ticket(session: Session, ticket_id: int) -> None:
    from triage.engine import Hints
    from triage.route import DISCIPLINE, route

    ticket = session.get(Ticket, ticket_id)
    if ticket is None or ticket.triaged_at is not None:
        return  # gone, or already done: running twice changes nothing
    triager = get_triager()
    hints = Hints(
        county_code=ticket.hint_county_code,
        hotline_county_code=ticket.hint_hotline_county_code,
        township_code=ticket.township_code,
        previous_county_code=_previous_county(session, ticket),
    )
    tokens = triager.tokens(ticket.text)
    result = triager.triage_tokens(tokens, hints)
    decision = route(result)
    data = result.to_dict()
    data["route"] = decision.to_dict()
    data["duplicates"] = _duplicates(session, ticket, tokens, result.county_code)
    apply_triage(session, ticket, data)
    log.info("ticket %s triaged: county=%s domain=%s route=%s", ticket.reference, data.get("county_code"),
             data.get("domain"), decision.target_kind)
    system = Actor.system()
    accused = civil_unit_for(session, decision.hidden_from) if decision.hidden_from else None
    if accused is not None and ticket.status == Status.RECEIVED:
        # Whatever happens next (a unit one level up, a lead, the dispatcher's queue), the
        # accused unit never sees the ticket nor may it be given it.
        mark_conflict_of_interest(session, system, ticket, accused)
    if ticket.status != Status.RECEIVED or decision.region_code is None:
        return  # unresolved or conflicting: the dispatcher's queue, never a guess
    if decision.target_kind == DISCIPLINE and ticket.county_code:
        escalate_to_discipline(session, system, ticket, "智能分拣识别为疑似违纪线索", accused_unit=accused)
    s = settings()
    if not s.auto_dispatch or data["duplicates"] or result.domain == "not_civil":
        return
    if result.confidence < s.auto_dispatch_min_confidence:
        return
    unit = civil_unit_for(session, decision.region_code)
    if unit is not None and unit.id != ticket.conflict_unit_id:
        dispatch_ticket(session, system, ticket, unit, note="智能分拣自动交办")
