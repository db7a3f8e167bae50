"""Tickets and everything attached to them: events, replies, attachments, leads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.db import Base, UTCDateTime, utcnow
from intake.models.enums import (
    Channel,
    ExtensionStatus,
    LeadStatus,
    Status,
    enum_column,
)
from intake.models.org import Unit


class Ticket(Base):
    __tablename__ = "ticket"
    __table_args__ = (sa.UniqueConstraint("channel", "provider_message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(13), unique=True)
    query_code_hash: Mapped[str] = mapped_column(sa.String(128))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 16))
    provider_message_id: Mapped[str | None] = mapped_column(sa.String(128))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    text: Mapped[str] = mapped_column(sa.Text)

    # Reporter identity: ciphertext only (intake.crypto); reporter_key is a keyed hash of
    # the phone number or openid so the same person's tickets link without decrypting.
    anonymous: Mapped[bool] = mapped_column(default=True)
    reporter_name_enc: Mapped[str | None] = mapped_column(sa.Text)
    reporter_phone_enc: Mapped[str | None] = mapped_column(sa.Text)
    reporter_id_number_enc: Mapped[str | None] = mapped_column(sa.Text)
    reporter_openid_enc: Mapped[str | None] = mapped_column(sa.Text)
    reporter_key: Mapped[str | None] = mapped_column(sa.String(64), index=True)

    # Location: what the channel said (hint) and what triage or a dispatcher decided.
    hint_county_code: Mapped[str | None] = mapped_column(sa.String(6))
    hint_hotline_county_code: Mapped[str | None] = mapped_column(sa.String(6))
    county_code: Mapped[str | None] = mapped_column(sa.ForeignKey("region.code"), index=True)
    township_code: Mapped[str | None] = mapped_column(sa.ForeignKey("region.code"))

    # Triage result with its explanation (keywords, rules, confidence).
    triage: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    triaged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    domain: Mapped[str | None] = mapped_column(sa.String(32))
    issues: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    discipline: Mapped[bool] = mapped_column(default=False)
    urgent: Mapped[bool] = mapped_column(default=False)

    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.RECEIVED, index=True)
    assigned_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    # A unit accused by the ticket never sees it (conflict of interest).
    conflict_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    assignment_locked: Mapped[bool] = mapped_column(default=False)
    forwarded_to: Mapped[str | None] = mapped_column(sa.String(128))

    dispatched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    extension_status: Mapped[ExtensionStatus | None] = mapped_column(enum_column(ExtensionStatus))
    extension_days: Mapped[int | None]
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)

    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(sa.Text)

    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ticket.id"))
    review_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ticket.id"))
    review_level: Mapped[int] = mapped_column(default=0)  # 0 original, 1 复查, 2 复核 (final)

    # Head of this ticket's event hash chain, so appending is O(1).
    event_seq: Mapped[int] = mapped_column(default=0)
    event_head: Mapped[str] = mapped_column(sa.String(64), default="")

    assigned_unit: Mapped[Unit | None] = relationship(foreign_keys=[assigned_unit_id])
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.seq", viewonly=True
    )
    replies: Mapped[list[Reply]] = relationship(order_by="Reply.id", viewonly=True)
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id", viewonly=True)

    @property
    def region_code(self) -> str | None:
        return self.county_code


class TicketEvent(Base):
    """Append-only; each row carries the hash of the previous one of its ticket."""

    __tablename__ = "ticket_event"
    __table_args__ = (sa.UniqueConstraint("ticket_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id"), index=True)
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(48))
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    actor: Mapped[str] = mapped_column(sa.String(64))  # "user:12", "citizen", "system", "channel:wechat"
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    public: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class Reply(Base):
    __tablename__ = "reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id"), index=True)
    author_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))  # acceptance, answer, extension, review
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(Base):
    """Metadata only; the bytes live in the upload directory under ``storage_key``."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(128), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


lead_ticket = sa.Table(
    "lead_ticket",
    Base.metadata,
    sa.Column("lead_id", sa.ForeignKey("lead.id"), primary_key=True),
    sa.Column("ticket_id", sa.ForeignKey("ticket.id"), primary_key=True),
)


class Lead(Base):
    """问题线索: a discipline case built from one or more tickets."""

    __tablename__ = "lead"

    id: Mapped[int] = mapped_column(primary_key=True)
    discipline_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("region.code"), index=True)
    status: Mapped[LeadStatus] = mapped_column(
        enum_column(LeadStatus), default=LeadStatus.PENDING_TRANSFER
    )
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    identified_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    transferred_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(sa.Text)
    created_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))

    discipline_unit: Mapped[Unit] = relationship()
    tickets: Mapped[list[Ticket]] = relationship(secondary=lead_ticket)
