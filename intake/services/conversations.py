"""Channel conversations, inbound provider messages and shared key-values.

- ``claim_provider_message``/``record_response``: one row per inbound provider message, so a
  provider's retry of the same message finds the stored answer and creates nothing.
- ``record_provider_message``: the same, recorded with its answer in one statement at the end
  of an optimistic handling (the caller rolls back on a repeat).
- ``load_conversation``/``save_conversation``/``clear_conversation``: a dialogue's state,
  encrypted (it may hold a name or phone), with expiry, so any web process can answer the
  next message; ``mark_seen``/``last_seen``: when the sender last wrote (reply windows).
- ``get_value``/``put_value``: small shared values with expiry (an access token, a
  "sent" mark), written with an upsert so concurrent writers never collide.

Callers are channels (and their notifiers). Functions flush; the boundary commits.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, make_transient_to_detached

from intake.db import upsert_insert, utcnow
from intake.models.infra import Conversation, KeyValue, ProviderMessage
from intake.services.context import vault


def _insert(session: Session, model: Any) -> Any:
    return upsert_insert(session.get_bind(), model)


# The webhook's hot statements are built once per dialect and run on the session's
# connection: Core with bound parameters, no per-call statement building or ORM layer.
# Each is executed with a dict whose keys name the inserted columns.


@cache
def _record_message_stmt(dialect: str) -> Any:
    return (
        upsert_insert(dialect, ProviderMessage.__table__)
        .on_conflict_do_nothing(index_elements=["channel", "message_key"])
        .returning(ProviderMessage.__table__.c.id)
    )


@cache
def _save_conversation_stmt(dialect: str, seen: bool) -> Any:
    stmt = upsert_insert(dialect, Conversation.__table__)
    cols = ["state_enc", "updated_at", "expires_at"] + (["last_seen_at"] if seen else [])
    return stmt.on_conflict_do_update(index_elements=["channel", "sender_key"],
                                      set_={k: stmt.excluded[k] for k in cols})


# PostgreSQL, on the driver's connection (psycopg, inside the session's transaction): the
# webhook's two statements without the SQL layer's per-call work. The second writes the
# message with its answer and the dialogue's state at once; the state only when the
# message row was inserted (a repeat writes nothing).
_PG_LOAD = "SELECT state_enc, expires_at FROM conversation WHERE channel = %s AND sender_key = %s"
_PG_SAVE_AND_RECORD = """
    WITH msg AS (
        INSERT INTO provider_message (channel, message_key, received_at, response)
        VALUES (%(channel)s, %(message_key)s, %(at)s, %(response)s)
        ON CONFLICT (channel, message_key) DO NOTHING
        RETURNING id
    ), conv AS (
        INSERT INTO conversation (channel, sender_key, state_enc, updated_at, expires_at, last_seen_at)
        SELECT %(channel)s, %(sender_key)s, %(state_enc)s, %(at)s, %(expires_at)s, %(seen_at)s
        WHERE EXISTS (SELECT 1 FROM msg)
        ON CONFLICT (channel, sender_key) DO UPDATE SET
            state_enc = EXCLUDED.state_enc, updated_at = EXCLUDED.updated_at,
            expires_at = EXCLUDED.expires_at,
            last_seen_at = COALESCE(EXCLUDED.last_seen_at, conversation.last_seen_at)
    )
    SELECT id FROM msg
"""


def _driver(session: Session) -> Any:
    return session.connection().connection.driver_connection


@contextmanager
def autocommit_driver(session: Session) -> Iterator[Any]:
    """A pooled PostgreSQL connection of its own in autocommit, as the driver's connection:
    one statement commits by itself, without the BEGIN and COMMIT round trips. For the
    webhook's read of the state and its one-statement write when the dialogue step wrote
    nothing else. The pool puts the connection back in transactional mode on return."""
    with session.get_bind().engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        yield conn.connection.driver_connection


_conversation = Conversation.__table__.c
_LOAD_CONVERSATION = sa.select(_conversation.state_enc, _conversation.expires_at).where(
    _conversation.channel == sa.bindparam("channel"), _conversation.sender_key == sa.bindparam("sender_key")
)


def _dialect(session: Session) -> str:
    return str(session.get_bind().dialect.name)


# ---------------------------------------------------------------- provider messages


def _find_message(session: Session, channel: str, key: str) -> ProviderMessage | None:
    return session.scalar(
        sa.select(ProviderMessage).where(ProviderMessage.channel == channel, ProviderMessage.message_key == key)
    )


def claim_provider_message(session: Session, channel: str, key: str) -> tuple[ProviderMessage, bool]:
    """Return (row, True) for a first delivery, (row, False) for a repeat.

    Concurrent deliveries race on the unique (channel, message_key) constraint: on
    PostgreSQL the loser's insert waits for the winner's commit, then finds its row.
    """
    key = key[:160]
    at = utcnow()
    # One statement for the common case (a first delivery): insert, or do nothing on a repeat.
    stmt = (
        _insert(session, ProviderMessage)
        .values(channel=channel, message_key=key, received_at=at)
        .on_conflict_do_nothing(index_elements=["channel", "message_key"])
        .returning(ProviderMessage.id)
    )
    new_id = session.execute(stmt).scalar_one_or_none()
    if new_id is None:
        again = _find_message(session, channel, key)
        if again is None:  # pragma: no cover - the winner rolled back between our two statements
            raise RuntimeError("provider message vanished after a conflict")
        return again, False
    row = ProviderMessage(id=new_id, channel=channel, message_key=key, received_at=at, response=None)
    make_transient_to_detached(row)  # known to exist: attach without reading it back
    session.add(row)
    return row, True


def _sealed(response: dict[str, Any]) -> dict[str, Any]:
    return {"enc": vault().encrypt(json.dumps(response, ensure_ascii=False))}


def record_provider_message(session: Session, channel: str, key: str, response: dict[str, Any]) -> bool:
    """Record a message with its answer at the end of its handling, in one statement: True
    for the first delivery, False for a repeat (the row exists: nothing is written).

    For callers that handle a message optimistically and record it last: on False they must
    roll back their transaction's work and answer with ``wait_for_stored_response``. On
    PostgreSQL a concurrent repeat's insert waits for the first delivery's commit, then
    conflicts, so exactly one delivery's work survives.
    """
    params = {"channel": channel, "message_key": key[:160], "received_at": utcnow(), "response": _sealed(response)}
    result = session.connection().execute(_record_message_stmt(_dialect(session)), params)
    return result.scalar_one_or_none() is not None


def wait_for_stored_response(session: Session, channel: str, key: str,
                             timeout_s: float = 3.0) -> dict[str, Any] | None:
    """The first delivery's answer; waits while it has none yet (a row claimed before its
    answer was stored, by ``claim_provider_message``)."""
    row = _find_message(session, channel, key[:160])
    if row is None:
        return None
    return stored_response(row) or wait_for_response(session, row, timeout_s)


def stored_response(row: ProviderMessage) -> dict[str, Any] | None:
    """The answer given to the first delivery. Stored encrypted: it may carry a reference
    and its query code, which must not sit in the table in clear."""
    if row.response is None:
        return None
    plain = vault().decrypt(row.response.get("enc"))
    return json.loads(plain) if plain else None


def wait_for_response(session: Session, row: ProviderMessage, timeout_s: float = 3.0) -> dict[str, Any] | None:
    """A repeat that arrived while the first delivery is still being answered: wait for it."""
    deadline = time.monotonic() + timeout_s
    while row.response is None and time.monotonic() < deadline:
        time.sleep(0.05)
        session.expire(row)
        session.refresh(row)
    return stored_response(row)


def record_response(session: Session, row: ProviderMessage, response: dict[str, Any]) -> None:
    row.response = _sealed(response)
    session.flush()


# ---------------------------------------------------------------- conversations

# How long a sender's last_seen_at is kept after a dialogue ends: the longest reply window
# any channel needs it for (WeChat's customer-service window is 48 hours).
SEEN_RETENTION = dt.timedelta(hours=48)


def load_conversation(session: Session, channel: str, sender_key: str,
                      now: dt.datetime | None = None, *, driver: Any = None) -> dict[str, Any] | None:
    """The dialogue's state, or None; ``driver``: a connection from ``autocommit_driver``."""
    if driver is not None or _dialect(session) == "postgresql":
        row = (driver or _driver(session)).execute(_PG_LOAD, (channel, sender_key)).fetchone()
    else:
        row = session.connection().execute(_LOAD_CONVERSATION, {"channel": channel, "sender_key": sender_key}).first()
    if row is None or row[0] is None or row[1] <= (now or utcnow()):
        return None
    plain = vault().decrypt(row[0])
    return json.loads(plain) if plain else None


def save_conversation(session: Session, channel: str, sender_key: str, state: dict[str, Any] | None,
                      ttl: dt.timedelta, now: dt.datetime | None = None, *, seen: bool = False) -> None:
    """Store the dialogue's state (None: the dialogue is over, its state is emptied) and,
    with ``seen``, mark that the sender wrote now, in one upsert."""
    at = now or utcnow()
    enc = vault().encrypt(json.dumps(state, ensure_ascii=False, separators=(",", ":"))) if state is not None else None
    values: dict[str, Any] = {"channel": channel, "sender_key": sender_key, "state_enc": enc, "updated_at": at,
                              "expires_at": at + ttl if state is not None else at}
    if seen:
        values["last_seen_at"] = at
    session.connection().execute(_save_conversation_stmt(_dialect(session), seen), values)


def save_conversation_and_record(session: Session, channel: str, sender_key: str,
                                 state: dict[str, Any] | None, ttl: dt.timedelta, now: dt.datetime,
                                 message_key: str, response: dict[str, Any], *, seen: bool,
                                 driver: Any = None) -> bool:
    """``save_conversation`` then ``record_provider_message``, as one statement on
    PostgreSQL: True for a first delivery; False for a repeat, which writes nothing (the
    caller rolls back and answers with the stored response). ``driver``: a connection from
    ``autocommit_driver``, when the statement is the request's only write."""
    if driver is None and _dialect(session) != "postgresql":
        save_conversation(session, channel, sender_key, state, ttl, now, seen=seen)
        return record_provider_message(session, channel, message_key, response)
    enc = vault().encrypt(json.dumps(state, ensure_ascii=False, separators=(",", ":"))) if state is not None else None
    from psycopg.types.json import Json

    params = {"channel": channel, "message_key": message_key[:160], "at": now, "response": Json(_sealed(response)),
              "sender_key": sender_key, "state_enc": enc, "expires_at": now + ttl if state is not None else now,
              "seen_at": now if seen else None}
    return (driver or _driver(session)).execute(_PG_SAVE_AND_RECORD, params).fetchone() is not None


def clear_conversation(session: Session, channel: str, sender_key: str, now: dt.datetime | None = None) -> None:
    """End the dialogue: its state is emptied; the row (and its last_seen_at) stays."""
    at = now or utcnow()
    session.execute(
        sa.update(Conversation)
        .where(Conversation.channel == channel, Conversation.sender_key == sender_key)
        .values(state_enc=None, updated_at=at, expires_at=at)
    )


def mark_seen(session: Session, channel: str, sender_key: str, now: dt.datetime) -> None:
    """The sender wrote now (for a channel whose handler does not save a state)."""
    stmt = _insert(session, Conversation).values(channel=channel, sender_key=sender_key, state_enc=None,
                                                 updated_at=now, expires_at=now, last_seen_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=["channel", "sender_key"],
                                      set_={"last_seen_at": stmt.excluded.last_seen_at})
    session.execute(stmt)


def last_seen(session: Session, channel: str, sender_key: str) -> dt.datetime | None:
    return session.scalar(
        sa.select(Conversation.last_seen_at)
        .where(Conversation.channel == channel, Conversation.sender_key == sender_key)
    )


def purgeable_conversations(now: dt.datetime) -> sa.ColumnElement[bool]:
    """Rows to delete: the dialogue expired (or ended) and no reply window still needs
    last_seen_at. An expired dialogue's state is always older than SEEN_RETENTION (every
    message rewrites the row, and a dialogue lives longer than that), so no state outlives
    its expiry by this rule."""
    return sa.and_(
        Conversation.expires_at <= now,
        sa.or_(Conversation.last_seen_at.is_(None), Conversation.last_seen_at <= now - SEEN_RETENTION),
    )


def purge_expired_conversations(session: Session, now: dt.datetime | None = None) -> int:
    result = session.execute(sa.delete(Conversation).where(purgeable_conversations(now or utcnow())))
    return int(getattr(result, "rowcount", 0) or 0)


# ---------------------------------------------------------------- key-values


def get_value(session: Session, key: str, now: dt.datetime | None = None) -> str | None:
    row = session.get(KeyValue, key, populate_existing=True)
    if row is None or (row.expires_at is not None and row.expires_at <= (now or utcnow())):
        return None
    return row.value


def put_value(session: Session, key: str, value: str, expires_at: dt.datetime | None) -> None:
    stmt = _insert(session, KeyValue).values(key=key, value=value, expires_at=expires_at)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key"], set_={"value": stmt.excluded.value, "expires_at": stmt.excluded.expires_at}
    )
    session.execute(stmt)


def delete_value(session: Session, key: str) -> None:
    session.execute(sa.delete(KeyValue).where(KeyValue.key == key))
