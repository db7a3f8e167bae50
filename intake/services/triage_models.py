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
    ``{"text", "label", "kind", "reference"}``; one per ticket and kind, the last decision.

    - ``county``: a dispatcher corrected the place; the label is the county code.
    - ``discipline``: a person's judgement whether a ticket is a lead: escalating it to
      discipline officers (``discipline``: above all the leads the flag missed), or
      dispatching without escalating a ticket that triage had held back for a person as a
      possible lead: flagged, or of a corruption-type issue with no accusation found
      (``not_discipline``). Left out: leads triage opened itself (its decision, not a
      person's), tickets forwarded to another department (not civil affairs says nothing
      about a lead) and duplicates merged into another ticket (they follow the original).
      A ticket dispatched and escalated later counts once, as a lead.
    """
    if kind is not None and kind not in CORRECTION_KINDS:
        raise ValidationFailed(f"未知的更正类型：{kind}。", "correction_kind")
    rows: dict[tuple[str, int], tuple[int, dict[str, Any]]] = {}
    if kind in (None, "county"):
        q = (
            sa.select(TicketEvent.id, Ticket.id, Ticket.reference, Ticket.text, TicketEvent.data)
            .join(Ticket, TicketEvent.ticket_id == Ticket.id)
            .where(TicketEvent.kind == "location_corrected")
            .order_by(TicketEvent.id)
        )
        for eid, ticket_id, ref, text, data in session.execute(q):
            if data.get("to"):  # a later correction of the same ticket replaces an earlier one
                rows[("county", ticket_id)] = (
                    eid, {"text": text, "label": data["to"], "kind": "county", "reference": ref})
    if kind in (None, "discipline"):
        rows.update(_discipline_corrections(session))
    for _eid, row in sorted(rows.values(), key=lambda r: r[0]):
        yield row


def _held_for_a_person(triage: dict[str, Any] | None) -> bool:
    """Triage sent the ticket to the dispatcher as a possible lead."""
    from triage.route import CORRUPTION_ISSUES, DISPATCHER

    if not triage or (triage.get("route") or {}).get("target_kind") != DISPATCHER:
        return False
    return bool(triage.get("discipline")) or bool(CORRUPTION_ISSUES.intersection(triage.get("issues") or ()))


def _discipline_corrections(session: Session) -> dict[tuple[str, int], tuple[int, dict[str, Any]]]:
    escalated = set(session.scalars(sa.select(TicketEvent.ticket_id).where(TicketEvent.kind == "escalated")))
    q = (
        sa.select(TicketEvent.id, TicketEvent.kind, TicketEvent.at, Ticket.id, Ticket.reference, Ticket.text,
                  Ticket.triage, Ticket.triaged_at, Ticket.duplicate_of_id)
        .join(Ticket, TicketEvent.ticket_id == Ticket.id)
        .where(TicketEvent.actor_user_id.is_not(None), TicketEvent.kind.in_(("escalated", "dispatched")))
        .order_by(TicketEvent.id)
    )
    out: dict[tuple[str, int], tuple[int, dict[str, Any]]] = {}
    for eid, event, at, ticket_id, ref, text, triage, triaged_at, duplicate_of in session.execute(q):
        key = ("discipline", ticket_id)
        if key in out:
            continue
        if event == "escalated":
            label = "discipline"
        elif (ticket_id not in escalated and duplicate_of is None and triaged_at is not None
              and triaged_at <= at and _held_for_a_person(triage)):
            label = "not_discipline"
        else:
            continue
        out[key] = (eid, {"text": text, "label": label, "kind": "discipline", "reference": ref})
    return out
