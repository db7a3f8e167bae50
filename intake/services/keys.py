"""PII key rotation: re-encrypt every ciphertext under the newest key of ``INTAKE_PII_KEYS``.

Rotation is: put a new key first in ``INTAKE_PII_KEYS`` (keep the old ones after it), restart,
run ``intake keys rotate``; once it reports nothing left under an old key, drop the old keys.
Batched and restartable; blind indexes are keyed by ``INTAKE_HASH_KEY`` and do not change.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from intake.models import Conversation, ProviderMessage, Ticket, User
from intake.services.context import vault

TICKET_COLUMNS = ("reporter_name_enc", "reporter_phone_enc", "reporter_id_number_enc", "reporter_openid_enc")


def _batches(session: Session, model: Any, batch: int) -> Iterator[list[Any]]:
    last = 0
    while True:
        rows = list(session.scalars(sa.select(model).where(model.id > last).order_by(model.id).limit(batch)))
        if not rows:
            return
        yield rows
        last = rows[-1].id


def rotate_pii(session: Session, batch: int = 500) -> dict[str, int]:
    """Re-encrypt in place; the caller commits (the CLI commits per batch)."""
    v = vault()
    counts = {"tickets": 0, "conversations": 0, "provider_messages": 0, "users": 0}
    for rows in _batches(session, Ticket, batch):
        for t in rows:
            for col in TICKET_COLUMNS:
                value = getattr(t, col)
                if value:
                    setattr(t, col, v.rotate(value))
            counts["tickets"] += 1
        session.flush()
    for rows in _batches(session, Conversation, batch):
        for c in rows:
            c.state_enc = v.rotate(c.state_enc) or c.state_enc
            counts["conversations"] += 1
        session.flush()
    for rows in _batches(session, ProviderMessage, batch):
        for m in rows:
            if m.response and m.response.get("enc"):
                m.response = {"enc": v.rotate(m.response["enc"])}
                counts["provider_messages"] += 1
        session.flush()
    for rows in _batches(session, User, batch):
        for u in rows:
            if u.totp_secret_enc:
                u.totp_secret_enc = v.rotate(u.totp_secret_enc)
                counts["users"] += 1
        session.flush()
    return counts
