"""The citizen API: file a report, read its status with reference and query code, rate,
request a review. Wrong code and unknown reference give the same 404."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, jsonify, request

from intake.db import current_session
from intake.models import Channel, Ticket
from intake.services.attachments import NewAttachment
from intake.services.errors import InvalidTransition, ValidationFailed
from intake.services.tickets import (
    NewTicket,
    rate_ticket,
    request_review,
    submit_ticket,
    ticket_for_citizen,
)
from intake.web.auth import rate_limit
from intake.web.jsonbody import json_body, opt_bool, opt_str, req_int, req_str
from intake.web.serialize import citizen_view

bp = Blueprint("public_api", __name__, url_prefix="/api/v1")

TICKET_FIELDS = {"text", "county_code", "township_code", "anonymous", "name", "phone", "id_number", "attachments"}


def _attachments(body: dict[str, Any]) -> tuple[NewAttachment, ...]:
    raw = body.get("attachments", [])
    if not isinstance(raw, list):
        raise ValidationFailed("attachments 必须是列表。", "field_type")
    out = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("content_base64"), str):
            raise ValidationFailed("每个附件须包含 filename 和 content_base64。", "attachment_format")
        name = item.get("filename") or "attachment"
        if not isinstance(name, str) or len(name) > 255:
            raise ValidationFailed("附件文件名格式不正确。", "attachment_format")
        try:
            data = base64.b64decode(item["content_base64"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationFailed("附件内容不是有效的 Base64。", "attachment_encoding") from exc
        out.append(NewAttachment(filename=name, data=data))
    return tuple(out)


def _idempotency_id() -> str | None:
    """``Idempotency-Key`` scoped by the body's hash: a retry of the same request gets the
    same answer; the same key with another body is refused, so a key alone never unlocks
    somebody else's ticket and query code."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not key or len(key) > 100 or not key.isascii() or "#" in key or not key.isprintable():
        raise ValidationFailed("Idempotency-Key 须为 1 至 100 个可打印 ASCII 字符（不含 #）。", "idempotency_key")
    digest = hashlib.sha256(request.get_data()).hexdigest()[:24]
    clash = current_session().scalar(
        sa.select(Ticket.id).where(
            Ticket.channel == Channel.API,
            Ticket.provider_message_id.startswith(f"{key}#", autoescape=True),
            Ticket.provider_message_id != f"{key}#{digest}",
        ).limit(1)
    )
    if clash is not None:
        raise InvalidTransition("该 Idempotency-Key 已用于另一份内容不同的请求。", "idempotency_key_reused")
    return f"{key}#{digest}"


@bp.post("/tickets")
def create_ticket() -> tuple[Response, int]:
    body = json_body(TICKET_FIELDS)
    text = req_str(body, "text", 1_000_000)
    anonymous = opt_bool(body, "anonymous", True)
    new = NewTicket(
        channel=Channel.API,
        text=text,
        provider_message_id=_idempotency_id(),
        anonymous=anonymous,
        name=opt_str(body, "name", 200),
        phone=opt_str(body, "phone", 200),
        id_number=opt_str(body, "id_number", 200),
        county_code=opt_str(body, "county_code", 20),
        township_code=opt_str(body, "township_code", 20),
        attachments=_attachments(body),
    )
    result = submit_ticket(current_session(), new)
    status = 201 if result.created else 200
    return jsonify(
        reference=result.ticket.reference, query_code=result.query_code, status=result.ticket.status.value
    ), status


@bp.get("/tickets/<reference>")
def get_ticket(reference: str) -> Response:
    rate_limit("status")
    ticket = ticket_for_citizen(current_session(), reference, request.args.get("query_code", ""))
    return jsonify(citizen_view(ticket))


@bp.post("/tickets/<reference>/rating")
def rate(reference: str) -> Response:
    body = json_body({"query_code", "rating", "comment"})
    rate_limit("status")
    ticket = ticket_for_citizen(current_session(), reference, req_str(body, "query_code", 12))
    rate_ticket(current_session(), ticket, req_int(body, "rating"), opt_str(body, "comment", 2000))
    return jsonify(citizen_view(ticket))


@bp.post("/tickets/<reference>/review")
def review(reference: str) -> tuple[Response, int]:
    body = json_body({"query_code", "reason"})
    rate_limit("status")
    ticket = ticket_for_citizen(current_session(), reference, req_str(body, "query_code", 12))
    new = request_review(current_session(), ticket, req_str(body, "reason", 10_000))
    return jsonify(reference=new.reference, status=new.status.value, review_level=new.review_level), 201
