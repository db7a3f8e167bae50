"""From a new ticket to its first decision: triage, store the explanation, then escalate,
dispatch automatically, or leave it in the dispatcher's queue.

Only confident results with a resolved county are dispatched automatically, and only when
the policy allows (``INTAKE_AUTO_DISPATCH``); everything else waits for a person.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy.orm import Session

from intake.models import Status, Ticket
from intake.services.context import Actor, settings
from intake.services.tickets import (
    apply_triage,
    civil_unit_for,
    dispatch_ticket,
    escalate_to_discipline,
    parent_region,
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


def _hints(ticket: Ticket) -> Any:
    from triage.engine import Hints

    return Hints(
        county_code=ticket.hint_county_code,
        hotline_county_code=ticket.hint_hotline_county_code,
        township_code=ticket.township_code,
    )


def triage_ticket(session: Session, ticket_id: int) -> None:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or ticket.triaged_at is not None:
        return  # gone, or already done: running twice changes nothing
    result = get_triager().triage(ticket.text, _hints(ticket))
    data = result.to_dict()
    apply_triage(session, ticket, data)
    log.info("ticket %s triaged: county=%s domain=%s", ticket.reference, data.get("county_code"), data.get("domain"))
    if ticket.status != Status.RECEIVED:
        return
    system = Actor.system()
    accused = None
    if data.get("discipline") and ticket.county_code:
        if data.get("accuses_unit") == "county_civil_affairs":
            accused = civil_unit_for(session, ticket.county_code)
        escalate_to_discipline(session, system, ticket, "智能分拣识别为疑似违纪线索", accused_unit=accused)
    s = settings()
    if not s.auto_dispatch or ticket.county_code is None or data.get("location_conflict"):
        return
    if data.get("domain") == "not_civil" or float(data.get("confidence") or 0) < s.auto_dispatch_min_confidence:
        return
    region = ticket.county_code
    if ticket.conflict_unit_id is not None:
        region = parent_region(region) or region
    unit = civil_unit_for(session, region)
    if unit is not None and unit.id != ticket.conflict_unit_id:
        dispatch_ticket(session, system, ticket, unit, note="智能分拣自动交办")
