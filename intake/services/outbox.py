"""The outbox: work that must leave the process after the transaction commits.

``enqueue`` writes a row in the caller's transaction and registers an after-commit kick that
hands the row to the task queue. If the kick fails (broker down), the row stays pending and
the periodic sweep delivers it. Handlers are registered by topic; each runs inside its own
unit of work, and a row is marked done in the same transaction as the handler's writes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from intake.db import after_commit, is_postgres, utcnow
from intake.models import Outbox

log = logging.getLogger(__name__)

Handler = Callable[[Session, dict[str, Any]], None]
_handlers: dict[str, Handler] = {}
# Set by the task layer at app start: hands an outbox id to the queue (or runs it in-process).
_kick: Callable[[int], None] | None = None

RETRY_BACKOFF = (30, 120, 600, 1800, 3600)


def register(topic: str) -> Callable[[Handler], Handler]:
    def deco(fn: Handler) -> Handler:
        _handlers[topic] = fn
        return fn

    return deco


def set_kicker(fn: Callable[[int], None] | None) -> None:
    global _kick
    _kick = fn


def enqueue(
    session: Session,
    topic: str,
    payload: dict[str, Any],
    *,
    dedupe_key: str | None = None,
    available_at: dt.datetime | None = None,
) -> Outbox | None:
    """Add work; with ``dedupe_key`` the same work is only ever queued once."""
    if dedupe_key is not None:
        exists = session.scalar(sa.select(Outbox.id).where(Outbox.dedupe_key == dedupe_key))
        if exists is not None:
            return None
    row = Outbox(topic=topic, payload=payload, dedupe_key=dedupe_key,
                 available_at=available_at or utcnow())
    session.add(row)
    if available_at is None or available_at <= utcnow():
        # The row is written by the caller's next flush (no flush of its own here); its id
        # is read after the commit from the identity key, which expiry does not clear.
        after_commit(session, lambda: _kick_row(row))
    return row


def _kick_row(row: Outbox) -> None:
    identity = sa.inspect(row).identity
    if _kick is not None and identity:
        _kick(int(identity[0]))


def deliver(session: Session, outbox_id: int) -> bool:
    """Run one pending row's handler; True when it ran. Safe to call twice."""
    q = sa.select(Outbox).where(Outbox.id == outbox_id, Outbox.done_at.is_(None))
    if is_postgres(session):
        q = q.with_for_update(skip_locked=True)
    row = session.scalar(q)
    if row is None:
        return False
    handler = _handlers.get(row.topic)
    if handler is None:
        row.last_error = f"no handler for topic {row.topic}"
        row.available_at = utcnow() + dt.timedelta(hours=1)
        return False
    handler(session, row.payload)
    row.done_at = utcnow()
    row.attempts += 1
    return True


def record_failure(session: Session, outbox_id: int, error: str) -> None:
    row = session.get(Outbox, outbox_id)
    if row is None or row.done_at is not None:
        return
    row.attempts += 1
    row.last_error = error[:2000]
    delay = RETRY_BACKOFF[min(row.attempts - 1, len(RETRY_BACKOFF) - 1)]
    row.available_at = utcnow() + dt.timedelta(seconds=delay)


def due_ids(session: Session, now: dt.datetime, limit: int = 500) -> list[int]:
    q = (
        sa.select(Outbox.id)
        .where(Outbox.done_at.is_(None), Outbox.available_at <= now)
        .order_by(Outbox.available_at)
        .limit(limit)
    )
    return list(session.scalars(q))
