"""Infrastructure tables: the outbox, inbound provider messages, channel conversations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from intake.db import Base, UTCDateTime, utcnow


class Outbox(Base):
    """Work that leaves the process, written in the same transaction as its cause.

    Drained after commit and by a periodic sweep: a dead broker delays work, never loses it.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(160), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    available_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        # The sweep reads only pending rows: a partial index keeps it proportional to them.
        sa.Index(
            "ix_outbox_pending",
            "available_at",
            postgresql_where=sa.text("done_at IS NULL"),
            sqlite_where=sa.text("done_at IS NULL"),
        ),
    )


class ProviderMessage(Base):
    """One row per inbound provider message: a retry finds it and gets the same answer."""

    __tablename__ = "provider_message"
    __table_args__ = (sa.UniqueConstraint("channel", "message_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(16))
    message_key: Mapped[str] = mapped_column(sa.String(160))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    response: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)


class Conversation(Base):
    """A channel sender's row: the dialogue's state (encrypted: it may hold a name or phone),
    with expiry, and when the sender last wrote (a provider's reply window, e.g. WeChat's 48
    hours). A finished dialogue empties ``state_enc``; the row stays while ``last_seen_at``
    is needed, and housekeeping deletes it after that."""

    __tablename__ = "conversation"
    __table_args__ = (sa.UniqueConstraint("channel", "sender_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(16))
    sender_key: Mapped[str] = mapped_column(sa.String(64))
    state_enc: Mapped[str | None] = mapped_column(sa.Text)  # None: no dialogue in progress
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)  # of the dialogue
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class KeyValue(Base):
    """Small shared values with expiry (e.g. a provider access token shared by all workers)."""

    __tablename__ = "key_value"

    key: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
