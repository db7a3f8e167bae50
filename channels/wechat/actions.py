"""The dialogue's ports backed by intake services, plus the media-download outbox handler.

Everything here runs inside the caller's unit of work (the webhook request or an outbox
task) and only flushes. Image downloads are queued through the outbox after a report is
filed, so the webhook never waits on WeChat's media API.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy.orm import Session

from channels.wechat.dialogue import Draft, HotlineView, Receipt, Refused, StatusView
from channels.wechat.parse import digest
from channels.wechat.places import Place, county_name, place_in_text
from intake.models import STATUS_LABELS_EXPORT as STATUS_LABELS
from intake.models import Channel, Ticket
from intake.services import outbox
from intake.services.attachments import NewAttachment
from intake.services.context import Actor, settings
from intake.services.errors import DomainError, NotFound
from intake.services.tickets import (
    NewTicket,
    add_attachment,
    civil_unit_for,
    parent_region,
    submit_ticket,
    ticket_for_citizen,
)

log = logging.getLogger(__name__)

MEDIA_TOPIC = "wechat.media"
_CST = dt.timezone(dt.timedelta(hours=8), "CST")  # dates shown to citizens are Beijing dates


def _triage_place(text: str) -> Place | None:
    """The Triager's county, when the triage engine is installed; None otherwise."""
    try:
        from triage.engine import Hints
    except ImportError:
        return None
    try:
        from intake.services.triage_flow import get_triager

        result = get_triager().triage(text, Hints(county_code=None, hotline_county_code=None, township_code=None))
    except Exception:  # a locator failure must not lose the report: fall back to the gazetteer
        log.warning("triage locate failed; using the gazetteer", exc_info=True)
        return None
    code = getattr(result, "county_code", None)
    if not code:
        return None
    name = getattr(result, "county_name", None) or county_name(code) or code
    return Place(code, name, getattr(result, "township_code", None))


class ServicePorts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def locate(self, text: str) -> Place | None:
        # Exact gazetteer names first: cheap, and no model load inside WeChat's 5 s window.
        return place_in_text(text) or _triage_place(text)

    def submit(self, draft: Draft, message_key: str) -> Receipt:
        new = NewTicket(
            channel=Channel.WECHAT,
            text=draft.text,
            provider_message_id=message_key,
            anonymous=draft.name is None,
            name=draft.name,
            phone=draft.phone,
            openid=draft.openid,
            county_code=draft.county_code,
            township_code=draft.township_code,
        )
        try:
            # The webhook records a message last and rolls a repeat back, so a repeat of
            # 提交 meets the first ticket only when concurrent: the insert's conflict finds it.
            result = submit_ticket(self.session, new, look_up_first=False)
        except DomainError as exc:
            raise Refused(exc.message) from exc
        ticket = result.ticket
        if result.created:
            for kind, media_id in draft.media:
                outbox.enqueue(self.session, MEDIA_TOPIC,
                               {"ticket_id": ticket.id, "media_id": media_id, "kind": kind},
                               dedupe_key=f"wechat-media:{ticket.id}:{digest(media_id)[:32]}")
            log.info("wechat report filed: %s", ticket.reference)
        code = draft.county_code or ticket.hint_county_code
        return Receipt(ticket.reference, result.query_code, code, county_name(code) if code else None)

    def status(self, reference: str, query_code: str) -> StatusView | None:
        try:
            ticket = ticket_for_citizen(self.session, reference, query_code)
        except NotFound:
            return None
        latest = max(ticket.replies, key=lambda r: (r.created_at, r.id), default=None)
        return StatusView(
            reference=ticket.reference,
            status_label=STATUS_LABELS[ticket.status],
            unit=ticket.assigned_unit.name if ticket.assigned_unit else None,
            reply_text=latest.text if latest else None,
            reply_date=latest.created_at.astimezone(_CST).strftime("%Y-%m-%d") if latest else None,
        )

    def hotline(self, county_code: str) -> HotlineView | None:
        name = county_name(county_code) or county_code
        region: str | None = county_code
        while region:
            unit = civil_unit_for(self.session, region)
            if unit is not None and unit.hotlines:
                return HotlineView(unit.name, tuple(unit.hotlines), name)
            region = parent_region(region)
        return HotlineView("", (), name)


def fetch_media(session: Session, payload: dict[str, Any]) -> None:
    """Outbox handler: download one image or voice note and attach it to the ticket.

    A network or API failure raises (the outbox retries later). A file that is too large or
    of a refused type is a final answer: logged with the ticket reference, not retried.
    """
    from channels.wechat.client import make_client

    ticket = session.get(Ticket, int(payload["ticket_id"]))
    if ticket is None:
        return
    limit = settings().max_attachment_bytes
    res = make_client(settings()).media.download(str(payload["media_id"]))
    if isinstance(res, dict):  # a JSON body that is not an error: nothing to store
        log.warning("wechat media for %s: unexpected JSON answer", ticket.reference)
        return
    res.raise_for_status()
    declared = int(res.headers.get("Content-Length") or 0)
    data = res.content
    if declared > limit or len(data) > limit:
        log.warning("wechat media for %s refused: %d bytes over the limit", ticket.reference, len(data))
        return
    kind = str(payload.get("kind") or "image")
    try:
        add_attachment(session, ticket, NewAttachment(filename=f"wechat-{kind}", data=data),
                       Actor.channel("wechat"))
    except DomainError as exc:
        log.warning("wechat media for %s refused: %s", ticket.reference, exc.code)
        return
    log.info("wechat media attached to %s", ticket.reference)


def register_handlers() -> None:
    outbox.register(MEDIA_TOPIC)(fetch_media)
