"""Ticket lifecycle: the only write path for tickets.

Every function checks the actor's role, the unit's scope and the ticket's state, records one
TicketEvent (hash-chained) and flushes. The caller's boundary commits. Messages to citizens
and queue work go through the outbox, so they leave only after the commit.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from intake import identifiers
from intake.crypto import random_query_code
from intake.db import flush_at_once, insert_or_skip, is_postgres, utcnow
from intake.messages import EVENT_LABELS
from intake.models import (
    Attachment,
    Channel,
    ExtensionStatus,
    Lead,
    Region,
    Reply,
    Role,
    Status,
    Ticket,
    Unit,
    UnitKind,
    User,
)
from intake.services import attachments as att_store
from intake.services import outbox
from intake.services.audit import record_event
from intake.services.context import Actor, settings, vault
from intake.services.errors import (
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from intake.services.scope import in_region, require_role

MAX_EXTENSION_DAYS = 30
MAX_REVIEW_LEVEL = 2  # 复查 then 复核, which is final


# ---------------------------------------------------------------- submission


@dataclass(frozen=True)
class NewTicket:
    channel: Channel
    text: str
    provider_message_id: str | None = None
    anonymous: bool = True
    name: str | None = None
    phone: str | None = None
    id_number: str | None = None
    openid: str | None = None
    county_code: str | None = None  # chosen in a form or menu
    township_code: str | None = None
    hotline_county_code: str | None = None  # the county hotline that was called
    attachments: tuple[att_store.NewAttachment, ...] = ()
    received_at: dt.datetime | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Submitted:
    ticket: Ticket
    query_code: str
    created: bool


def _clean_text(text: str, limit: int) -> str:
    if not isinstance(text, str):
        raise ValidationFailed("反映内容必须是文字。", "text_type")
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise ValidationFailed("请填写反映的问题。", "text_empty")
    if len(text) > limit:
        raise ValidationFailed(f"反映内容过长（{len(text)} 字），请控制在 {limit} 字以内。", "text_too_long")
    for ch in text:
        if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t":
            raise ValidationFailed("反映内容含有无法识别的控制字符。", "text_control_chars")
    return text


def _optional_text(value: Any, label: str, limit: int) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValidationFailed(f"{label}格式不正确。", "field_type")
    value = value.strip()
    if len(value) > limit or any(unicodedata.category(c) == "Cc" for c in value):
        raise ValidationFailed(f"{label}格式不正确。", "field_format")
    return value


def _check_phone(phone: str | None) -> str | None:
    if phone is None:
        return None
    digits = phone.replace("-", "").replace(" ", "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if not digits.isdigit() or not 7 <= len(digits) <= 12:
        raise ValidationFailed("手机号码格式不正确。", "phone_format")
    return digits


def _check_id_number(value: str | None) -> str | None:
    if value is None:
        return None
    v = value.upper()
    if len(v) != 18 or not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        raise ValidationFailed("身份证号码格式不正确。", "id_number_format")
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(a) * w for a, w in zip(v[:17], weights, strict=True)) % 11]
    if check != v[17]:
        raise ValidationFailed("身份证号码校验位不正确。", "id_number_check")
    return v


# Regions are static seed data: a code's level, once read, is kept for the process (per
# database). Only codes found are kept, so an unknown code is always looked up again.
_region_levels: dict[tuple[str, str], str] = {}


def _region_level(session: Session, code: str) -> str | None:
    cache_key = (str(session.get_bind().engine.url), code)
    level = _region_levels.get(cache_key)
    if level is None:
        level = session.scalar(sa.select(Region.level).where(Region.code == code))
        if level is not None:
            _region_levels[cache_key] = level
    return level


def _check_region(session: Session, code: str | None, level: str, label: str) -> str | None:
    if code is None or code == "":
        return None
    if not isinstance(code, str) or not code.isdigit():
        raise ValidationFailed(f"{label}代码格式不正确。", "region_format")
    if _region_level(session, code) != level:
        raise ValidationFailed(f"未知的{label}代码：{code}。", "region_unknown")
    return code


def _query_code_for(new: NewTicket) -> str:
    if new.provider_message_id:
        # Derived from a secret key: the same provider message gets the same code on a retry.
        return vault().derived_code("query", f"{new.channel.value}|{new.provider_message_id}")
    return random_query_code()


def _existing(session: Session, new: NewTicket) -> Ticket | None:
    if not new.provider_message_id:
        return None
    return session.scalar(
        sa.select(Ticket).where(
            Ticket.channel == new.channel, Ticket.provider_message_id == new.provider_message_id
        )
    )


def submit_ticket(session: Session, new: NewTicket, actor: Actor | None = None, *,
                  look_up_first: bool = True) -> Submitted:
    """Register a report. Idempotent on (channel, provider message id): a repeat gets the
    first ticket, found by a look-up before the insert or, with ``look_up_first=False``
    (for a caller that rarely sees repeats), after the insert conflicts."""
    s = settings()
    actor = actor or Actor.channel(new.channel.value)
    if new.channel == Channel.WALKIN and (actor.user is None or not actor.user.has_role(Role.RECEPTION)):
        raise Forbidden("现场接访件须由接访员登记。", "reception_required")
    if new.provider_message_id is not None and (
        not isinstance(new.provider_message_id, str) or len(new.provider_message_id) > 128
    ):
        raise ValidationFailed("消息编号格式不正确。", "provider_message_id")
    existing = _existing(session, new) if look_up_first else None
    if existing is not None:
        return Submitted(existing, _query_code_for(new), created=False)

    text = _clean_text(new.text, s.max_text_chars)
    name = _optional_text(new.name, "姓名", 64)
    phone = _check_phone(_optional_text(new.phone, "手机号码", 20))
    id_number = _check_id_number(_optional_text(new.id_number, "身份证号码", 18))
    openid = _optional_text(new.openid, "openid", 128)
    county = _check_region(session, new.county_code, "county", "县（市、区）")
    township = _check_region(session, new.township_code, "township", "乡镇（街道）")
    hotline_county = _check_region(session, new.hotline_county_code, "county", "热线所属县（市、区）")
    if township and county and not township.startswith(county):
        raise ValidationFailed("所选乡镇（街道）不属于所选县（市、区）。", "township_mismatch")
    if not new.anonymous and not (name and (phone or openid or id_number)):
        raise ValidationFailed("实名反映须留下姓名和联系方式。", "identity_incomplete")
    if len(new.attachments) > att_store.MAX_ATTACHMENTS:
        raise ValidationFailed(f"附件最多 {att_store.MAX_ATTACHMENTS} 个。", "too_many_attachments")
    checked = [(a, att_store.check(a)) for a in new.attachments]

    v = vault()
    received_at = new.received_at or utcnow()
    code = _query_code_for(new)
    reporter_key = None
    if phone:
        reporter_key = v.blind_index("phone", phone)
    elif openid:
        reporter_key = v.blind_index("openid", openid)
    named = not new.anonymous
    values = dict(
        query_code_hash=v.hash_query_code(code),
        channel=new.channel,
        provider_message_id=new.provider_message_id,
        received_at=received_at,
        text=text,
        anonymous=not named,
        reporter_name_enc=v.encrypt(name) if named else None,
        reporter_phone_enc=v.encrypt(phone),
        reporter_id_number_enc=v.encrypt(id_number) if named else None,
        reporter_openid_enc=v.encrypt(openid),
        reporter_key=reporter_key,
        hint_county_code=county,
        hint_hotline_county_code=hotline_county,
        township_code=township,
        status=Status.RECEIVED,
    )
    for _attempt in range(5):
        # One INSERT ... ON CONFLICT DO NOTHING RETURNING: no savepoint round trips. No row
        # back means a unique key was taken: the same provider message (a concurrent
        # delivery won; on PostgreSQL this insert waited for its commit) or, rarely, the
        # random reference number.
        ticket = insert_or_skip(session, Ticket, {"reference": identifiers.new_reference(received_at), **values})
        if ticket is not None:
            break
        again = _existing(session, new)
        if again is not None:
            return Submitted(again, code, created=False)
    else:  # pragma: no cover - five collisions in a row
        raise RuntimeError("could not allocate a reference number")

    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    for a, ctype in checked:
        key, digest = att_store.store(upload_dir, a.data)
        session.add(Attachment(ticket_id=ticket.id, filename=a.filename[:255] or "attachment",
                               content_type=ctype, size=len(a.data), sha256=digest, storage_key=key))
    record_event(
        session, ticket, "submitted", actor,
        {"channel": new.channel.value, "named": named, "attachments": len(checked),
         "hint_county": county, "hotline_county": hotline_county},
        public=True, at=received_at,
    )
    # A brand-new ticket cannot have queued triage already: no dedupe key (and no look-up).
    outbox.enqueue(session, "ticket.triage", {"ticket_id": ticket.id})
    flush_at_once(session)  # event, clocks, outbox row and chain head: one round trip
    return Submitted(ticket, code, created=True)


def add_attachment(session: Session, ticket: Ticket, new: att_store.NewAttachment, actor: Actor) -> Attachment:
    ctype = att_store.check(new)
    key, digest = att_store.store(Path(current_app.config["UPLOAD_DIR"]), new.data)
    row = Attachment(ticket_id=ticket.id, filename=new.filename[:255] or "attachment",
                     content_type=ctype, size=len(new.data), sha256=digest, storage_key=key)
    session.add(row)
    session.flush()
    record_event(session, ticket, "attachment_added", actor, {"attachment_id": row.id, "size": row.size})
    return row


# ---------------------------------------------------------------- citizen look-up


def ticket_for_citizen(session: Session, reference: str, query_code: str) -> Ticket:
    """Same NotFound for an unknown reference and a wrong code: nothing is learned by guessing."""
    ref = (reference or "").strip()
    code = (query_code or "").strip()
    ticket = None
    if identifiers.is_valid_reference(ref):
        ticket = session.scalar(sa.select(Ticket).where(Ticket.reference == ref))
    # The check runs (against a dummy when the reference is unknown) so that timing does not
    # reveal which of the two was wrong.
    stored = ticket.query_code_hash if ticket is not None else "h1$0$0"
    code_ok = vault().check_query_code(stored, code) and code.isdigit() and len(code) == 6
    if ticket is None or not code_ok:
        raise NotFound("未找到该信访件，请核对受理编号和查询码。", "ticket_not_found")
    return ticket


# ---------------------------------------------------------------- units and helpers


def civil_unit_for(session: Session, region_code: str) -> Unit | None:
    return session.scalar(
        sa.select(Unit).where(Unit.region_code == region_code, Unit.kind == UnitKind.CIVIL_AFFAIRS)
    )


def discipline_unit_for(session: Session, region_code: str) -> Unit | None:
    return session.scalar(
        sa.select(Unit).where(Unit.region_code == region_code, Unit.kind == UnitKind.DISCIPLINE)
    )


def parent_region(code: str) -> str | None:
    return {6: code[:4], 4: code[:2]}.get(len(code))


def _lock(session: Session, ticket: Ticket) -> Ticket:
    """Serialise transitions on one ticket (its event chain must not fork)."""
    if is_postgres(session):
        session.execute(sa.select(Ticket.id).where(Ticket.id == ticket.id).with_for_update())
        session.refresh(ticket)
    return ticket


def _require_state(ticket: Ticket, *states: Status, action: str) -> None:
    if ticket.status not in states:
        from intake.models.enums import STATUS_LABELS

        raise InvalidTransition(
            f"信访件当前状态为“{STATUS_LABELS[ticket.status]}”，不能{action}。", "invalid_state"
        )


def _require_assigned(actor: Actor, ticket: Ticket) -> None:
    user = actor.user
    if user is None or ticket.assigned_unit_id != user.unit_id:
        raise Forbidden("该信访件未交办给您所在单位。", "not_assigned")


def _as_handler(session: Session, actor: Actor, ticket: Ticket, *states: Status, action: str) -> User:
    """The common guard of a handler's step: role, lock, assignment to their unit, state.
    Input is validated by the caller first, so a bad request never takes the row lock."""
    user = actor.user
    if user is None:
        raise Forbidden("此操作需要承办人。", "role_required")
    require_role(user, Role.HANDLER)
    _lock(session, ticket)
    _require_assigned(actor, ticket)
    _require_state(ticket, *states, action=action)
    return user


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or utcnow()


def notify_citizen(session: Session, ticket: Ticket, kind: str, text: str) -> None:
    # One notice per (ticket, event, kind): its key is queued once and travels with the
    # message, so a channel can tell a retry of this notice from a new one with the same text.
    notice = f"notify:{ticket.id}:{ticket.event_seq}:{kind}"
    outbox.enqueue(
        session,
        "citizen.notify",
        {"ticket_id": ticket.id, "kind": kind, "text": text, "notice": notice},
        dedupe_key=notice,
    )


# ---------------------------------------------------------------- triage result


def apply_triage(session: Session, ticket: Ticket, result: dict[str, Any], *, now: dt.datetime | None = None) -> None:
    """Store triage's decision and explanation on the ticket (system actor)."""
    _lock(session, ticket)
    ticket.triage = result
    ticket.triaged_at = _now(now)
    ticket.domain = result.get("domain")
    ticket.issues = list(result.get("issues") or [])
    ticket.urgent = bool(result.get("urgent"))
    if ticket.county_code is None and result.get("county_code"):
        ticket.county_code = result["county_code"]
    if ticket.township_code is None and result.get("township_code"):
        ticket.township_code = result["township_code"]
    record_event(
        session, ticket, "triaged", Actor.system(),
        {k: result.get(k) for k in ("county_code", "township_code", "domain", "issues", "discipline",
                                    "urgent", "confidence", "keywords", "rules", "location_conflict")},
        at=now,
    )
    session.flush()


# ---------------------------------------------------------------- dispatcher


def dispatch_ticket(
    session: Session, actor: Actor, ticket: Ticket, unit: Unit, *, note: str = "", now: dt.datetime | None = None
) -> Ticket:
    if not actor.is_system:
        assert actor.user is not None
        require_role(actor.user, Role.DISPATCHER)
        if not in_region(actor.user.unit.region_code, unit.region_code):
            raise Forbidden("只能交办到本级及下级单位。", "unit_out_of_scope")
    _lock(session, ticket)
    _require_state(ticket, Status.RECEIVED, action="交办")
    if unit.kind != UnitKind.CIVIL_AFFAIRS:
        raise ValidationFailed("信访件只能交办给民政部门；违纪线索请使用“移送纪检监察”。", "unit_kind")
    if ticket.conflict_unit_id == unit.id:
        raise ValidationFailed("该信访件反映的正是该单位，不能交其办理。", "conflict_of_interest")
    after_objection = any(e.kind == "objected" for e in ticket.events)
    ticket.assigned_unit_id = unit.id
    ticket.status = Status.DISPATCHED
    ticket.dispatched_at = _now(now)
    if len(unit.region_code) == 6 and ticket.county_code is None:
        ticket.county_code = unit.region_code
    if after_objection:
        ticket.assignment_locked = True  # the dispatcher's ruling on an objection is final
    record_event(session, ticket, "dispatched", actor,
                 {"unit_id": unit.id, "unit": unit.name, "note": note, "locked": ticket.assignment_locked},
                 public=True, at=now)
    session.flush()
    return ticket


def set_location(session: Session, actor: Actor, ticket: Ticket, county_code: str,
                 township_code: str | None = None, *, now: dt.datetime | None = None) -> Ticket:
    """A dispatcher corrects the county (the correction becomes a labelled example)."""
    assert actor.user is not None
    require_role(actor.user, Role.DISPATCHER)
    _lock(session, ticket)
    _require_state(ticket, Status.RECEIVED, action="修改属地")
    county = _check_region(session, county_code, "county", "县（市、区）")
    township = _check_region(session, township_code, "township", "乡镇（街道）")
    if township and county and not township.startswith(county):
        raise ValidationFailed("所选乡镇（街道）不属于所选县（市、区）。", "township_mismatch")
    if not in_region(actor.user.unit.region_code, county):
        raise Forbidden("只能将属地改为本辖区内的县（市、区）；其他地区请报上级分办。", "region_out_of_scope")
    before = ticket.county_code
    ticket.county_code = county
    ticket.township_code = township
    record_event(session, ticket, "location_corrected", actor,
                 {"from": before, "to": county, "township": township}, at=now)
    session.flush()
    return ticket


def forward_ticket(session: Session, actor: Actor, ticket: Ticket, department: str, reason: str,
                   *, now: dt.datetime | None = None) -> Ticket:
    assert actor.user is not None
    require_role(actor.user, Role.DISPATCHER)
    department = _clean_text(department, 128)
    reason = _clean_text(reason, 2000)
    _lock(session, ticket)
    _require_state(ticket, Status.RECEIVED, Status.DISPATCHED, action="转交")
    ticket.status = Status.FORWARDED
    ticket.forwarded_to = department
    ticket.assigned_unit_id = None
    text = f"您反映的问题不属于民政部门职责，已转交{department}办理。{reason}"
    session.add(Reply(ticket_id=ticket.id, author_user_id=actor.user.id, kind="forwarded", text=text))
    record_event(session, ticket, "forwarded", actor, {"department": department, "reason": reason},
                 public=True, at=now)
    notify_citizen(session, ticket, "forwarded", text)
    session.flush()
    return ticket


def link_duplicate(session: Session, actor: Actor, ticket: Ticket, original: Ticket,
                   *, now: dt.datetime | None = None) -> Ticket:
    assert actor.user is not None
    require_role(actor.user, Role.DISPATCHER)
    if original.id == ticket.id:
        raise ValidationFailed("不能与自身合并。", "self_link")
    # Lock both, in id order, so two merges cannot deadlock or fork either event chain.
    for t in sorted((ticket, original), key=lambda x: x.id):
        _lock(session, t)
    if original.duplicate_of_id is not None or original.status in (Status.MERGED, Status.FORWARDED):
        raise ValidationFailed("请关联到最早的、仍在办理的原件。", "chain_link")
    _require_state(ticket, Status.RECEIVED, Status.DISPATCHED, action="合并")
    ticket.duplicate_of_id = original.id
    ticket.status = Status.MERGED
    record_event(session, ticket, "merged", actor, {"into": original.reference}, public=True, at=now)
    record_event(session, original, "duplicate_linked", actor, {"from": ticket.reference}, at=now)
    notify_citizen(session, ticket, "merged", f"您反映的问题与受理编号 {original.reference} 为同一事项，已合并办理。")
    session.flush()
    return ticket


# ---------------------------------------------------------------- handler


def accept_ticket(session: Session, actor: Actor, ticket: Ticket, *, now: dt.datetime | None = None) -> Ticket:
    user = _as_handler(session, actor, ticket, Status.DISPATCHED, action="签收")
    ticket.status = Status.VERIFYING
    ticket.accepted_at = _now(now)
    unit = ticket.assigned_unit
    text = f"您反映的问题已由{unit.name if unit else '承办单位'}受理，将依规核查处理并在法定期限内答复。"
    session.add(Reply(ticket_id=ticket.id, author_user_id=user.id, kind="acceptance", text=text))
    record_event(session, ticket, "accepted", actor, {}, public=True, at=now)
    notify_citizen(session, ticket, "acceptance", text)
    session.flush()
    return ticket


def object_to_assignment(session: Session, actor: Actor, ticket: Ticket, reason: str,
                         *, now: dt.datetime | None = None) -> Ticket:
    """退单: the unit says the matter is not theirs; the dispatcher rules (and that locks it)."""
    reason = _clean_text(reason, 2000)
    user = _as_handler(session, actor, ticket, Status.DISPATCHED, action="退单")
    if ticket.assignment_locked:
        raise InvalidTransition("分办员已就退单作出裁定，不能再次退单。", "assignment_locked")
    deadline = objection_deadline(ticket)
    if deadline is not None and _now(now) > deadline:
        raise InvalidTransition("已超过退单期限（交办后 5 个工作日）。", "objection_window_closed")
    ticket.status = Status.RECEIVED
    ticket.assigned_unit_id = None
    record_event(session, ticket, "objected", actor, {"reason": reason, "unit_id": user.unit_id}, at=now)
    session.flush()
    return ticket


def objection_deadline(ticket: Ticket) -> dt.datetime | None:
    """End of the objection window; None when no calendar is wired (the tracker sets it)."""
    hook = current_app.extensions.get("intake.objection_deadline")
    return hook(ticket) if hook and ticket.dispatched_at else None


def record_verification(session: Session, actor: Actor, ticket: Ticket, findings: str,
                        *, now: dt.datetime | None = None) -> Ticket:
    findings = _clean_text(findings, 5000)
    _as_handler(session, actor, ticket, Status.VERIFYING, action="登记核查结果")
    ticket.status = Status.HANDLING
    record_event(session, ticket, "verified", actor, {"findings": findings}, at=now)
    session.flush()
    return ticket


def record_decision(session: Session, actor: Actor, ticket: Ticket, decision: str, substantiated: bool | None = None,
                    *, now: dt.datetime | None = None) -> Ticket:
    decision = _clean_text(decision, 5000)
    _as_handler(session, actor, ticket, Status.HANDLING, action="登记处理决定")
    record_event(session, ticket, "decided", actor, {"decision": decision, "substantiated": substantiated}, at=now)
    session.flush()
    return ticket


def reply_to_ticket(session: Session, actor: Actor, ticket: Ticket, text: str,
                    *, now: dt.datetime | None = None) -> Reply:
    text = _clean_text(text, 5000)
    user = _as_handler(session, actor, ticket, Status.HANDLING, action="答复")
    if not any(e.kind == "decided" for e in ticket.events):
        raise InvalidTransition("请先登记处理决定，再答复信访人。", "decision_missing")
    ticket.status = Status.REPLIED
    ticket.replied_at = _now(now)
    reply = Reply(ticket_id=ticket.id, author_user_id=user.id, kind="answer", text=text)
    session.add(reply)
    record_event(session, ticket, "replied", actor, {}, public=True, at=now)
    notify_citizen(session, ticket, "reply", text)
    session.flush()
    return reply


def close_ticket(session: Session, actor: Actor, ticket: Ticket, *, now: dt.datetime | None = None) -> Ticket:
    if not actor.is_system:
        assert actor.user is not None
        require_role(actor.user, Role.HANDLER, Role.DISPATCHER, Role.SUPERVISOR)
        if not actor.user.has_role(Role.DISPATCHER, Role.SUPERVISOR):
            _require_assigned(actor, ticket)
    _lock(session, ticket)
    _require_state(ticket, Status.REPLIED, action="办结")
    ticket.status = Status.CLOSED
    ticket.closed_at = _now(now)
    record_event(session, ticket, "closed", actor, {}, public=True, at=now)
    session.flush()
    return ticket


def request_extension(session: Session, actor: Actor, ticket: Ticket, days: int, reason: str,
                      *, now: dt.datetime | None = None) -> Ticket:
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationFailed(f"延期天数须为 1 至 {MAX_EXTENSION_DAYS} 天。", "extension_days")
    reason = _clean_text(reason, 2000)
    _as_handler(session, actor, ticket, Status.VERIFYING, Status.HANDLING, action="申请延期")
    if ticket.extension_status is not None:
        raise InvalidTransition("办理期限只能延长一次。", "extension_used")
    ticket.extension_status = ExtensionStatus.REQUESTED
    ticket.extension_days = days
    ticket.extension_reason = reason
    record_event(session, ticket, "extension_requested", actor, {"days": days, "reason": reason}, at=now)
    session.flush()
    return ticket


def decide_extension(session: Session, actor: Actor, ticket: Ticket, approve: bool, note: str = "",
                     *, now: dt.datetime | None = None) -> Ticket:
    assert actor.user is not None
    require_role(actor.user, Role.SUPERVISOR)
    _lock(session, ticket)
    if ticket.extension_status != ExtensionStatus.REQUESTED:
        raise InvalidTransition("没有待审批的延期申请。", "no_extension_request")
    assigned = ticket.assigned_unit
    if assigned is not None and len(actor.user.unit.region_code) >= len(assigned.region_code):
        raise Forbidden("延期须由上级督办单位审批。", "approval_level")
    ticket.extension_status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    record_event(session, ticket, "extension_approved" if approve else "extension_rejected", actor,
                 {"days": ticket.extension_days, "note": note}, public=approve, at=now)
    if approve:
        text = f"因{ticket.extension_reason}，办理期限延长 {ticket.extension_days} 日。"
        session.add(Reply(ticket_id=ticket.id, author_user_id=actor.user.id, kind="extension", text=text))
        notify_citizen(session, ticket, "extension", text)
    session.flush()
    return ticket


# ---------------------------------------------------------------- discipline


def mark_conflict_of_interest(session: Session, actor: Actor, ticket: Ticket, accused_unit: Unit,
                              *, now: dt.datetime | None = None) -> None:
    """The ticket accuses ``accused_unit``: from now on that unit neither sees it nor may be
    given it (信访工作条例 Art. 30), whoever handles it. Idempotent."""
    _lock(session, ticket)
    if ticket.conflict_unit_id == accused_unit.id:
        return
    ticket.conflict_unit_id = accused_unit.id
    record_event(session, ticket, "conflict_of_interest", actor,
                 {"conflict_unit_id": accused_unit.id, "unit": accused_unit.name}, at=now)
    session.flush()


def escalate_to_discipline(session: Session, actor: Actor, ticket: Ticket, reason: str,
                           *, accused_unit: Unit | None = None, now: dt.datetime | None = None) -> Lead:
    """Open a lead at the jurisdiction's discipline unit; the reporter's identity is then
    hidden from civil-affairs handlers. A lead that accuses a unit goes one level up."""
    if not actor.is_system:
        assert actor.user is not None
        require_role(actor.user, Role.DISPATCHER, Role.HANDLER, Role.SUPERVISOR)
    reason = _clean_text(reason, 2000)
    _lock(session, ticket)
    if ticket.status in (Status.FORWARDED, Status.MERGED):
        raise InvalidTransition("已转交或合并的信访件不能移送。", "invalid_state")
    existing = session.scalar(sa.select(Lead).where(Lead.tickets.any(Ticket.id == ticket.id)))
    if existing is not None:
        raise InvalidTransition("该信访件已移送纪检监察。", "already_escalated")
    region = ticket.county_code or (ticket.assigned_unit.region_code if ticket.assigned_unit else None)
    if region is None:
        raise ValidationFailed("请先确定属地，再移送纪检监察。", "region_unknown")
    if accused_unit is not None:
        chain = {region[:n] for n in (2, 4, 6) if len(region) >= n}
        if accused_unit.kind != UnitKind.CIVIL_AFFAIRS or accused_unit.region_code not in chain:
            raise Forbidden("被反映单位须是该信访件属地的民政部门（县、市或省）。", "accused_unit_out_of_chain")
        if len(accused_unit.region_code) == 2:
            raise Forbidden("反映省民政厅的线索请直接移送省纪委监委驻厅纪检监察组。", "accused_unit_top")
        ticket.conflict_unit_id = accused_unit.id
        region = parent_region(accused_unit.region_code) or accused_unit.region_code
        if ticket.assigned_unit_id == accused_unit.id:
            upper = civil_unit_for(session, region)
            ticket.assigned_unit_id = upper.id if upper else None
    target = discipline_unit_for(session, region)
    if target is None:
        raise ValidationFailed("未找到属地纪检监察机关。", "discipline_unit_missing")
    lead = Lead(discipline_unit_id=target.id, region_code=region, summary=ticket.text[:500],
                identified_at=_now(now), created_by_user_id=actor.user.id if actor.user else None)
    lead.tickets.append(ticket)
    session.add(lead)
    ticket.discipline = True
    session.flush()
    record_event(session, ticket, "escalated", actor,
                 {"lead_id": lead.id, "discipline_unit_id": target.id, "reason": reason,
                  "conflict_unit_id": ticket.conflict_unit_id}, at=now)
    session.flush()
    return lead


# ---------------------------------------------------------------- identity


REVEAL_ROLES = (Role.DISPATCHER, Role.HANDLER, Role.SUPERVISOR, Role.DISCIPLINE)


def reveal_reporter(session: Session, actor: Actor, ticket: Ticket, purpose: str,
                    *, now: dt.datetime | None = None) -> dict[str, str | None]:
    """Decrypt the reporter's identity for a user who needs it; every reveal is an event."""
    user = actor.user
    assert user is not None
    require_role(user, *REVEAL_ROLES)
    purpose = _clean_text(purpose, 500)
    if ticket.anonymous:
        # An anonymous reporter's phone or openid is kept only to send them progress; it is
        # never shown to anyone.
        raise NotFound("该信访件为匿名反映，没有可查看的身份信息。", "anonymous")
    if ticket.discipline and not user.has_role(Role.DISCIPLINE):
        raise Forbidden("该件已移送纪检监察，信访人身份受保护。", "identity_protected")
    if user.has_role(Role.HANDLER) and not user.has_role(Role.DISPATCHER, Role.SUPERVISOR, Role.DISCIPLINE):
        _require_assigned(actor, ticket)
    _lock(session, ticket)
    v = vault()
    record_event(session, ticket, "identity_revealed", actor, {"purpose": purpose}, at=now)
    session.flush()
    return {
        "name": v.decrypt(ticket.reporter_name_enc),
        "phone": v.decrypt(ticket.reporter_phone_enc),
        "id_number": v.decrypt(ticket.reporter_id_number_enc),
        "openid": v.decrypt(ticket.reporter_openid_enc),
    }


# ---------------------------------------------------------------- citizen actions


def rate_ticket(session: Session, ticket: Ticket, rating: int, comment: str | None = None,
                *, now: dt.datetime | None = None) -> Ticket:
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationFailed("评价须为 1 至 5 分。", "rating_range")
    comment = _optional_text(comment, "评价意见", 1000)
    _lock(session, ticket)
    _require_state(ticket, Status.REPLIED, Status.CLOSED, action="评价")
    if ticket.rating is not None:
        raise InvalidTransition("该信访件已评价。", "already_rated")
    ticket.rating = rating
    ticket.rating_comment = comment
    record_event(session, ticket, "rated", Actor.citizen(), {"rating": rating}, public=True, at=now)
    session.flush()
    return ticket


def request_review(session: Session, ticket: Ticket, reason: str, *, now: dt.datetime | None = None) -> Ticket:
    """复查 (then 复核, final): a new ticket linked to this one, for the unit one level up."""
    reason = _clean_text(reason, 5000)
    _lock(session, ticket)
    _require_state(ticket, Status.REPLIED, Status.CLOSED, action="申请复查")
    if ticket.review_level >= MAX_REVIEW_LEVEL:
        raise InvalidTransition("复核意见为最终意见，不能再申请。", "review_final")
    hook = current_app.extensions.get("intake.review_request_deadline")
    deadline = hook(ticket) if hook else None
    if deadline is None and ticket.replied_at is not None:
        deadline = ticket.replied_at + dt.timedelta(days=30)
    if deadline is None or _now(now) > deadline:
        raise InvalidTransition("已超过申请期限（收到答复之日起 30 日）。", "review_window_closed")
    if session.scalar(sa.select(Ticket.id).where(Ticket.review_of_id == ticket.id)) is not None:
        raise InvalidTransition("已申请过复查。", "review_exists")
    assigned = ticket.assigned_unit
    upper_region = parent_region(assigned.region_code) if assigned else None
    upper = civil_unit_for(session, upper_region) if upper_region else None
    if upper is None:
        raise InvalidTransition("没有可受理复查的上级单位。", "no_upper_unit")
    at = _now(now)
    review = Ticket(
        reference=identifiers.new_reference(at),
        query_code_hash=ticket.query_code_hash,  # the citizen keeps the same query code
        channel=ticket.channel,
        received_at=at,
        text=reason,
        anonymous=ticket.anonymous,
        reporter_name_enc=ticket.reporter_name_enc,
        reporter_phone_enc=ticket.reporter_phone_enc,
        reporter_id_number_enc=ticket.reporter_id_number_enc,
        reporter_openid_enc=ticket.reporter_openid_enc,
        reporter_key=ticket.reporter_key,
        county_code=ticket.county_code,
        township_code=ticket.township_code,
        domain=ticket.domain,
        issues=list(ticket.issues),
        discipline=ticket.discipline,
        conflict_unit_id=ticket.conflict_unit_id,
        review_of_id=ticket.id,
        review_level=ticket.review_level + 1,
        status=Status.DISPATCHED,
        assigned_unit_id=upper.id,
        dispatched_at=at,
        assignment_locked=True,
    )
    session.add(review)
    session.flush()
    kind = "复查" if review.review_level == 1 else "复核"
    record_event(session, review, "submitted", Actor.citizen(),
                 {"review_of": ticket.reference, "level": review.review_level, "kind": kind}, public=True, at=at)
    record_event(session, review, "dispatched", Actor.system(), {"unit_id": upper.id, "unit": upper.name},
                 public=True, at=at)
    record_event(session, ticket, "review_requested", Actor.citizen(),
                 {"review": review.reference, "level": review.review_level}, public=True, at=at)
    session.flush()
    return review


def public_timeline(ticket: Ticket) -> list[dict[str, Any]]:
    return [
        {"at": e.at.isoformat(), "event": e.kind, "label": EVENT_LABELS.get(e.kind, e.kind)}
        for e in ticket.events
        if e.public
    ]

