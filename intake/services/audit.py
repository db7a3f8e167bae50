"""The append-only, hash-chained ticket history.

Each event's hash covers its content and the previous event's hash, so editing, deleting or
reordering a row behind the application's back breaks the chain from that row on.
Appending is O(1): the ticket row carries the chain's head (and is locked by the caller).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from intake.db import utcnow
from intake.models import Ticket, TicketEvent
from intake.services.context import Actor

GENESIS = "0" * 64

# Called as listener(session, ticket, event) after every recorded event, in the same
# transaction: the tracker starts and stops clocks here without the lifecycle knowing it.
EventListener = Callable[[Session, Ticket, TicketEvent], None]
listeners: list[EventListener] = []


def add_listener(fn: EventListener) -> None:
    if fn not in listeners:
        listeners.append(fn)


def _digest(prev_hash: str, ticket_id: int, seq: int, kind: str, actor: str, at: dt.datetime,
            public: bool, data: dict[str, Any]) -> str:
    body = json.dumps(
        {
            "prev": prev_hash,
            "ticket": ticket_id,
            "seq": seq,
            "kind": kind,
            "actor": actor,
            "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "public": public,
            "data": data,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record_event(
    session: Session,
    ticket: Ticket,
    kind: str,
    actor: Actor,
    data: dict[str, Any] | None = None,
    *,
    public: bool = False,
    at: dt.datetime | None = None,
) -> TicketEvent:
    if ticket.id is None:
        session.flush()
    at = (at or utcnow()).astimezone(dt.UTC)
    data = dict(data or {})
    seq = ticket.event_seq + 1
    prev = ticket.event_head or GENESIS
    digest = _digest(prev, ticket.id, seq, kind, actor.label, at, public, data)
    event = TicketEvent(
        ticket_id=ticket.id,
        seq=seq,
        kind=kind,
        actor_user_id=actor.user.id if actor.user else None,
        actor=actor.label,
        at=at,
        public=public,
        data=data,
        prev_hash=prev,
        hash=digest,
    )
    session.add(event)
    ticket.event_seq = seq
    ticket.event_head = digest
    for listener in listeners:
        listener(session, ticket, event)
    return event


@dataclass(frozen=True)
class ChainBreak:
    ticket_id: int
    event_id: int | None
    seq: int
    reason: str


def verify_chains(session: Session, batch: int = 5000) -> Iterator[ChainBreak]:
    """Walk every ticket's chain in (ticket, seq) order, streaming; yield each broken chain once."""
    heads = dict(session.execute(sa.select(Ticket.id, Ticket.event_head)).all())
    counts = dict(session.execute(sa.select(Ticket.id, Ticket.event_seq)).all())
    stmt = sa.select(TicketEvent).order_by(TicketEvent.ticket_id, TicketEvent.seq)
    current: int | None = None
    prev = GENESIS
    expected_seq = 1
    broken: set[int] = set()
    seen: dict[int, int] = {}
    for ev in session.scalars(stmt.execution_options(yield_per=batch)):
        if ev.ticket_id != current:
            current, prev, expected_seq = ev.ticket_id, GENESIS, 1
        if ev.ticket_id in broken:
            continue
        reason = None
        if ev.seq != expected_seq:
            reason = f"sequence gap: expected {expected_seq}, found {ev.seq}"
        elif ev.prev_hash != prev:
            reason = "previous-hash link does not match"
        elif ev.hash != _digest(prev, ev.ticket_id, ev.seq, ev.kind, ev.actor, ev.at, ev.public, ev.data):
            reason = "content does not match its hash (edited)"
        if reason:
            broken.add(ev.ticket_id)
            yield ChainBreak(ev.ticket_id, ev.id, ev.seq, reason)
            continue
        prev = ev.hash
        expected_seq += 1
        seen[ev.ticket_id] = ev.seq
        if heads.get(ev.ticket_id) is not None and ev.seq == counts.get(ev.ticket_id) and prev != heads[ev.ticket_id]:
            broken.add(ev.ticket_id)
            yield ChainBreak(ev.ticket_id, ev.id, ev.seq, "chain head on the ticket does not match")
    for tid, count in counts.items():
        if tid not in broken and seen.get(tid, 0) != count:
            yield ChainBreak(tid, None, seen.get(tid, 0) + 1, f"events missing: ticket records {count}")
