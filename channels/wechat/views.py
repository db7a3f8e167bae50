"""Transport for the WeChat official account: ``/channels/wechat``.

GET answers WeChat's URL verification; POST takes messages in plain or safe (AES) mode.
Every request's signature is checked (403). Bodies are capped at 64 KB (413) and parsed by
defusedxml, refusing any DTD or entity, before wechatpy (xmltodict) sees them (400): nothing
is expanded and nothing is stored for a refused body.

The handler stays inside WeChat's 5-second window: it moves the dialogue one step, stores
the state (with the sender's "last seen" mark for the 48-hour window), records the message
with its answer, and answers. On PostgreSQL a line of text is two statements (read, write)
and a filing five (read, ticket, the rest of the ticket in one statement, write, commit).
Triage and media downloads go through the outbox after the commit. The message is recorded last, with
INSERT ... ON CONFLICT DO NOTHING: a repeat of the same message (WeChat retries up to 3
times) conflicts with the first delivery's row, rolls its own work back and answers with
the stored answer, so it creates nothing. On PostgreSQL a concurrent repeat's insert waits
for the first delivery's commit before it conflicts, so exactly one delivery's work stays.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import nullcontext
from typing import Any

from flask import Blueprint, Response, abort, current_app, request
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from channels.wechat import dialogue
from channels.wechat import messages as M
from channels.wechat.actions import ServicePorts
from channels.wechat.parse import BadXML, inbound_from, safe_xml
from intake.config import Settings
from intake.db import db, is_postgres, utcnow
from intake.services.context import vault
from intake.services.conversations import (
    autocommit_driver,
    load_conversation,
    save_conversation_and_record,
    wait_for_stored_response,
)

log = logging.getLogger(__name__)

bp = Blueprint("wechat", __name__, url_prefix="/channels/wechat")

CHANNEL = "wechat"
MAX_BODY_BYTES = 64 * 1024  # a WeChat message is a few KB; anything near this is not WeChat
CONVERSATION_TTL = dt.timedelta(days=7)


def _settings() -> Settings:
    settings: Settings = current_app.extensions["intake.settings"]
    return settings


def _check_signature(s: Settings) -> None:
    args = request.args
    if not s.wechat_token:
        abort(403)
    try:
        check_signature(s.wechat_token, args.get("signature", ""), args.get("timestamp", ""), args.get("nonce", ""))
    except InvalidSignatureException:
        abort(403)


def _read_body() -> bytes:
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        abort(413)
    body = request.stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        abort(413)
    return body


@bp.get("")
def verify() -> Response:
    _check_signature(_settings())
    echostr = request.args.get("echostr", "")
    return Response(echostr, mimetype="text/plain")


@bp.post("")
def receive() -> Response:
    s = _settings()
    _check_signature(s)
    body = _read_body()
    try:
        safe_xml(body)
    except BadXML:
        abort(400)
    crypto: WeChatCrypto | None = None
    nonce = request.args.get("nonce", "")
    timestamp = request.args.get("timestamp", "")
    xml: str | bytes = body
    if request.args.get("encrypt_type", "raw") == "aes":
        if not s.wechat_aes_key:
            abort(400)
        crypto = WeChatCrypto(s.wechat_token, s.wechat_aes_key, s.wechat_app_id)
        try:
            xml = crypto.decrypt_message(body, request.args.get("msg_signature", ""), timestamp, nonce)
        except InvalidSignatureException:
            abort(403)
        except (InvalidAppIdException, ValueError, KeyError, TypeError):
            abort(400)
        try:
            safe_xml(xml)
        except BadXML:
            abort(400)
    try:
        message = parse_message(xml)
    except Exception:  # xmltodict/wechatpy on a document that defusedxml accepted but is not a message
        abort(400)
    if message is None:
        abort(400)
    text = handle(message)
    return _render(message, text, crypto, nonce, timestamp)


def handle(message: Any) -> str:
    """Run one dialogue step, store it and the answer, and return the answer; a repeat of a
    message gets the first delivery's answer and leaves nothing of its own."""
    inbound = inbound_from(message)
    if not inbound.sender:
        abort(400)
    session = db.session()
    now = utcnow()
    sender_key = vault().blind_index("openid", inbound.sender)
    message_key = inbound.dedupe_key(sender_key)
    s = _settings()
    limits = dialogue.Limits(s.max_text_chars, s.query_rate_limit, s.query_rate_window_s)
    # On PostgreSQL the state is read, and, when the step wrote nothing else (a line of a
    # report, a menu), written with the message in one statement, each on an autocommit
    # connection: no BEGIN/COMMIT round trips. A step that files, queries or looks up works
    # in the request's transaction, and the write joins it.
    fast = is_postgres(session)
    with autocommit_driver(session) if fast else nullcontext(None) as driver:
        state = load_conversation(session, CHANNEL, sender_key, now, driver=driver)
    result = dialogue.step(state, inbound, ServicePorts(session), now, limits)
    seen = inbound.kind != "event" or inbound.event not in ("unsubscribe",)
    response = {"type": "text", "content": result.reply}
    alone = fast and not session.in_transaction()
    with autocommit_driver(session) if alone else nullcontext(None) as driver:
        first = save_conversation_and_record(session, CHANNEL, sender_key, result.state, CONVERSATION_TTL, now,
                                             message_key, response, seen=seen, driver=driver)
    if first:
        if result.meta.get("reference"):
            log.info("wechat message answered for %s", result.meta["reference"])
        return result.reply
    # A repeat: the first delivery's work stands, this one's is undone (its dialogue step ran
    # on a state the first delivery had already moved, or raced it).
    session.rollback()
    stored = wait_for_stored_response(session, CHANNEL, message_key)
    return str(stored.get("content", "")) if stored else M.STILL_WORKING


def _render(message: Any, text: str, crypto: WeChatCrypto | None, nonce: str, timestamp: str) -> Response:
    if not text:
        return Response("success", mimetype="text/plain")
    xml = TextReply(message=message, content=text).render()
    if crypto is not None:
        xml = crypto.encrypt_message(xml, nonce, timestamp)
    return Response(xml, mimetype="application/xml")
