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


def corrections(session: Session) -> Iterator[dict[str, Any]]:
    """Dispatchers' location corrections as labelled examples: {"text", "label"}."""
    q = (
        sa.select(Ticket.text, TicketEvent.data)
        .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
        .where(TicketEvent.kind == "location_corrected")
        .order_by(TicketEvent.id)
    )
    for text, data in session.execute(q):
        if data.get("to"):
            yield {"text": text, "label": data["to"], "kind": "county"}
