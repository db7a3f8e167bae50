"""Forgetting on schedule: what the platform keeps only for a while is deleted when its time
is up — expired channel dialogues (they may hold a name or phone) once no reply window needs
the sender's last_seen_at, provider-message receipts
past every retry window, and expired shared values (rate-limit counters, cached tokens)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from intake.models import Conversation, KeyValue, ProviderMessage
from intake.services.conversations import purgeable_conversations

# WeChat retries within seconds and Twilio within minutes; a week covers any replay by hand.
RECEIPT_RETENTION = dt.timedelta(days=7)


def purge_expired(session: Session, now: dt.datetime) -> dict[str, int]:
    def count(stmt: sa.Delete) -> int:
        return int(getattr(session.execute(stmt), "rowcount", 0) or 0)

    return {
        "conversations": count(sa.delete(Conversation).where(purgeable_conversations(now))),
        "provider_messages": count(
            sa.delete(ProviderMessage).where(ProviderMessage.received_at < now - RECEIPT_RETENTION)
        ),
        "key_values": count(
            sa.delete(KeyValue).where(KeyValue.expires_at.is_not(None), KeyValue.expires_at <= now)
        ),
    }
