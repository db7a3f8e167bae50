"""Status changes to a WeChat citizen: the outbox's ``citizen.notify`` handler calls ``send``.

Route, in order:
1. the customer-service message API, when the citizen wrote to the account in the last
   48 hours (WeChat's window; the webhook marks it on every message, as the conversation
   row's last_seen_at);
2. a subscribe message, when ``INTAKE_WECHAT_SUBSCRIBE_TEMPLATE`` is configured;
3. SMS through the notifier registered for ``"sms"``, when a phone number is known.
When none applies, ``send`` raises ``NoRoute``: the outbox row stays pending and is retried
(a later message from the citizen reopens the window), so nothing is lost.

Never twice: after WeChat accepts a message, a "sent" mark is committed in its own
transaction, and ``send`` skips a message that carries that mark; so an outbox retry after
a successful send (e.g. the task's commit failed) does not reach the citizen again. The mark
is the notice's id (one per ticket event and kind); a later notice with the same text is a
new notice and is sent. Without an id, the reference, kind and text stand in for it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session
from wechatpy.exceptions import WeChatClientException

from channels.wechat import messages as M
from channels.wechat.parse import digest
from intake.config import Settings
from intake.db import db, utcnow
from intake.ports import NotifierRegistry, OutboundMessage
from intake.services import conversations
from intake.services.context import vault
from intake.services.conversations import get_value, put_value

log = logging.getLogger(__name__)

WINDOW = dt.timedelta(hours=48)  # housekeeping keeps last_seen_at conversations.SEEN_RETENTION long
SENT_MARK_TTL = dt.timedelta(days=60)
# WeChat error codes that mean "this route is closed for this user", not "try again".
CLOSED_ROUTE_ERRORS = {
    45015,  # response out of time limit (outside the 48-hour window)
    45047,  # out of customer-service message quota for this user
    43004,  # the user unsubscribed
    43101,  # the user refused subscribe messages
    40037,  # invalid template id
}


class NoRoute(RuntimeError):
    """No way to reach this citizen now; the outbox retries later."""


def mark_seen(session: Session, sender_key: str, now: dt.datetime) -> None:
    """Opens the 48-hour window. The webhook writes the same mark with the dialogue's state
    (``save_conversation(..., seen=True)``), in one statement."""
    conversations.mark_seen(session, "wechat", sender_key, now)


class WeChatNotifier:
    def __init__(self, settings: Settings, registry: NotifierRegistry,
                 client_factory: Callable[[Settings], Any]) -> None:
        self.settings = settings
        self.registry = registry
        self.client_factory = client_factory

    def send(self, message: OutboundMessage) -> None:
        notice_id = message.meta.get("notice_id")
        mark = "wechat:sent:" + (digest("notice", str(notice_id)) if notice_id
                                 else digest(message.ticket_reference, message.kind, message.text))
        if self._get(mark) is not None:
            log.info("wechat notice for %s already sent; skipped", message.ticket_reference)
            return
        openid = message.recipient.get("openid")
        text = M.PUSH_TEXT.format(reference=message.ticket_reference, text=message.text)
        route = None
        if openid and self._in_window(openid):
            route = self._try(lambda c: c.message.send_text(openid, text), "customer service")
        if route is None and openid and self.settings.wechat_subscribe_template:
            data = {
                "character_string1": {"value": message.ticket_reference},
                "thing2": {"value": message.text[:20]},
                "phrase3": {"value": str(message.meta.get("status_label") or message.kind)[:5]},
            }
            template = self.settings.wechat_subscribe_template
            route = self._try(lambda c: c.message.send_subscribe_message(openid, template, data), "subscribe")
        if route is None and message.recipient.get("phone"):
            sms = self.registry.for_channel("sms")
            if sms is self.registry.default or sms is self:
                raise NoRoute("outside the WeChat window and no SMS notifier is registered")
            sms.send(message)
            route = "sms"
        if route is None:
            raise NoRoute("outside the WeChat window, no subscribe template, no phone")
        self._put(mark, route)
        log.info("wechat notice for %s sent by %s", message.ticket_reference, route)

    def _try(self, call: Callable[[Any], Any], route: str) -> str | None:
        try:
            call(self.client_factory(self.settings))
        except WeChatClientException as exc:
            if exc.errcode in CLOSED_ROUTE_ERRORS:
                log.info("wechat %s route closed (errcode %s)", route, exc.errcode)
                return None
            raise
        return route

    def _in_window(self, openid: str) -> bool:
        with Session(db.engine) as s:
            seen = conversations.last_seen(s, "wechat", vault().blind_index("openid", openid))
        return seen is not None and seen > utcnow() - WINDOW

    # Marks are read and written in their own transactions: they must outlive a rollback of
    # the outbox task that carries the message.
    def _get(self, key: str) -> str | None:
        with Session(db.engine) as s:
            return get_value(s, key)

    def _put(self, key: str, value: str) -> None:
        with Session(db.engine) as s, s.begin():
            put_value(s, key, value, utcnow() + SENT_MARK_TTL)
