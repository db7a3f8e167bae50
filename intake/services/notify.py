"""Deliver one queued message to a citizen through their ticket's channel notifier."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from intake.models import Ticket
from intake.ports import NotifierRegistry, OutboundMessage
from intake.services.context import vault


def deliver_citizen_message(session: Session, payload: dict[str, Any]) -> None:
    ticket = session.get(Ticket, int(payload["ticket_id"]))
    if ticket is None:
        return
    v = vault()
    recipient = {
        k: val
        for k, val in (
            ("openid", v.decrypt(ticket.reporter_openid_enc)),
            ("phone", v.decrypt(ticket.reporter_phone_enc)),
        )
        if val
    }
    registry: NotifierRegistry = current_app.extensions["intake.notifiers"]
    notifier = registry.for_channel(ticket.channel.value)
    notifier.send(
        OutboundMessage(
            ticket_reference=ticket.reference,
            kind=str(payload.get("kind", "status")),
            text=str(payload.get("text", "")),
            recipient=recipient,
            meta={"channel": ticket.channel.value, "status": ticket.status.value,
                  **({"notice_id": str(payload["notice"])} if payload.get("notice") else {})},
        )
    )
