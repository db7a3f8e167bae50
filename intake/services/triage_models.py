"""Learned triage models: versioned files an admin can inspect, activate and roll back.

Each trained model is a readable JSON file in ``INTAKE_MODEL_DIR``; which one is active is a
row in the shared key-value table, so every web process and worker switches together.
Dispatchers' corrections are kept as labelled examples (events), exported for training.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from intake.models import KeyValue, Ticket, TicketEvent
from intake.services.errors import NotFound, ValidationFailed

ACTIVE_KEY = "triage.model.active"
HISTORY_KEY = "triage.model.history"


def active_model(session: Session) -> str | None:
    row = session.get(KeyValue, ACTIVE_KEY)
    return row.value if row and row.value else None


def _history(session: Session) -> list[str]:
    row = session.get(KeyValue, HISTORY_KEY)
    return list(json.loads(row.value)) if row else []


def _put(session: Session, key: str, value: str) -> None:
    row = session.get(KeyValue, key)
    if row is None:
        session.add(KeyValue(key=key, value=value))
    else:
        row.value = value
    session.flush()


def activate_model(session: Session, path: Path) -> None:
    if not path.is_file():
        raise NotFound(f"模型文件不存在：{path}", "model_missing")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationFailed("模型文件无法读取。", "model_invalid") from exc
    if not isinstance(data, dict) or "labels" not in data:
        raise ValidationFailed("模型文件格式不正确。", "model_invalid")
    current = active_model(session)
    history = _history(session)
    if current:
        history.append(current)
    _put(session, HISTORY_KEY, json.dumps(history[-20:]))
    _put(session, ACTIVE_KEY, str(path.resolve()))


def rollback_model(session: Session) -> str | None:
    history = _history(session)
    previous = history.pop() if history else ""
    _put(session, HISTORY_KEY, json.dumps(history))
    _put(session, ACTIVE_KEY, previous)
    return previous or None


CORRECTION_KINDS = ("county", "discipline")


def corrections(session: Session, kind: str | None = None) -> Iterator[dict[str, Any]]:
    """People's decisions on what triage decided, as labelled examples, oldest first:
    ``{"text", "label", "kind", "reference"}``.

    - ``county``: a dispatcher corrected the place; the label is the county code.
    - ``discipline``: a person's judgement whether a ticket is a lead: escalating it to
      discipline officers (``discipline``: above all the leads the flag missed), or sending
      on without escalating a ticket that triage held back for a person because it found a
      corruption-type issue but no accusation (``not_discipline``). Leads that triage opened
      itself are its own decision, not a person's, and are left out; a ticket sent on and
      escalated later counts once, as a lead.
    """
    if kind is not None and kind not in CORRECTION_KINDS:
        raise ValidationFailed(f"未知的更正类型：{kind}。", "correction_kind")
    rows: list[tuple[int, dict[str, Any]]] = []
    if kind in (None, "county"):
        q = (
            sa.select(TicketEvent.id, Ticket.reference, Ticket.text, TicketEvent.data)
            .join(Ticket, TicketEvent.ticket_id == Ticket.id)
            .where(TicketEvent.kind == "location_corrected")
        )
        rows += [(eid, {"text": text, "label": data["to"], "kind": "county", "reference": ref})
                 for eid, ref, text, data in session.execute(q) if data.get("to")]
    if kind in (None, "discipline"):
        rows += _discipline_corrections(session)
    for _eid, row in sorted(rows, key=lambda r: r[0]):
        yield row


def _discipline_corrections(session: Session) -> list[tuple[int, dict[str, Any]]]:
    from triage.route import CORRUPTION_ISSUES

    escalated = set(session.scalars(sa.select(TicketEvent.ticket_id).where(TicketEvent.kind == "escalated")))
    q = (
        sa.select(TicketEvent.id, TicketEvent.kind, Ticket.id, Ticket.reference, Ticket.text, Ticket.triage)
        .join(Ticket, TicketEvent.ticket_id == Ticket.id)
        .where(TicketEvent.actor_user_id.is_not(None),
               TicketEvent.kind.in_(("escalated", "dispatched", "forwarded")))
        .order_by(TicketEvent.id)
    )
    out: list[tuple[int, dict[str, Any]]] = []
    seen: set[int] = set()
    for eid, event, ticket_id, ref, text, triage in session.execute(q):
        if ticket_id in seen:
            continue
        if event == "escalated":
            label = "discipline"
        elif (ticket_id not in escalated and not (triage or {}).get("discipline")
              and CORRUPTION_ISSUES.intersection((triage or {}).get("issues") or ())):
            label = "not_discipline"
        else:
            continue
        seen.add(ticket_id)
        out.append((eid, {"text": text, "label": label, "kind": "discipline", "reference": ref}))
    return out
