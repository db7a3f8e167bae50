"""The staff JSON API: queues, ticket detail and every lifecycle action. Views are a few
lines: parse, call one service, serialise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, jsonify, request

from intake.db import current_session
from intake.models import Lead, Status, Ticket, Unit, User
from intake.services import tickets as svc
from intake.services.context import Actor
from intake.services.errors import NotFound, ValidationFailed
from intake.services.scope import ticket_filter, ticket_for
from intake.web.auth import current_user, staff_required
from intake.web.jsonbody import json_body, opt_str, req_int, req_str
from intake.web.serialize import lead_view, staff_view

bp = Blueprint("staff_api", __name__, url_prefix="/api/v1/staff")


def _user() -> User:
    user = current_user()
    assert user is not None  # staff_required ran first
    return user


@bp.get("/me")
@staff_required
def me() -> Response:
    u = _user()
    return jsonify(username=u.username, display_name=u.display_name, roles=u.roles,
                   unit={"id": u.unit.id, "name": u.unit.name, "kind": u.unit.kind.value,
                         "region_code": u.unit.region_code})


@bp.get("/tickets")
@staff_required
def list_tickets() -> Response:
    user = _user()
    q = sa.select(Ticket).where(ticket_filter(user))
    status = request.args.get("status")
    if status:
        try:
            q = q.where(Ticket.status == Status(status))
        except ValueError as exc:
            raise ValidationFailed("未知的状态。", "status_unknown") from exc
    if request.args.get("unresolved") == "1":
        q = q.where(Ticket.county_code.is_(None))
    try:
        limit = min(max(int(request.args.get("limit", 50)), 1), 200)
        offset = min(max(int(request.args.get("offset", 0)), 0), 10**9)
    except ValueError as exc:
        raise ValidationFailed("limit 和 offset 须为整数。", "paging") from exc
    q = q.order_by(Ticket.received_at.desc(), Ticket.id.desc()).limit(limit).offset(offset)
    rows = current_session().scalars(q)
    return jsonify(tickets=[staff_view(t, full=False) for t in rows])


@bp.get("/tickets/<reference>")
@staff_required
def get_ticket(reference: str) -> Response:
    return jsonify(staff_view(ticket_for(current_session(), _user(), reference), viewer=_user()))


def _unit(body: dict[str, Any]) -> Unit:
    unit_id = body.get("unit_id")
    county = body.get("county_code")
    unit = None
    if isinstance(unit_id, int) and not isinstance(unit_id, bool):
        unit = current_session().get(Unit, unit_id) if 0 < unit_id < 2**31 else None
    elif isinstance(county, str):
        unit = svc.civil_unit_for(current_session(), county)
    else:
        raise ValidationFailed("请指定承办单位（unit_id 或 county_code）。", "unit_missing")
    if unit is None:
        raise ValidationFailed("未找到该承办单位。", "unit_unknown")
    return unit


def _ref_ticket(body: dict[str, Any], key: str) -> Ticket:
    return ticket_for(current_session(), _user(), req_str(body, key, 13))


Action = Callable[[Actor, Ticket, dict[str, Any]], Any]
ACTIONS: dict[str, Action] = {
    "dispatch": lambda a, t, b: svc.dispatch_ticket(
        current_session(), a, t, _unit(b), note=opt_str(b, "note", 500) or ""),
    "locate": lambda a, t, b: svc.set_location(current_session(), a, t, req_str(b, "county_code", 6),
                                               opt_str(b, "township_code", 9)),
    "accept": lambda a, t, b: svc.accept_ticket(current_session(), a, t),
    "object": lambda a, t, b: svc.object_to_assignment(current_session(), a, t, req_str(b, "reason", 2000)),
    "verify": lambda a, t, b: svc.record_verification(current_session(), a, t, req_str(b, "findings", 5000)),
    "decide": lambda a, t, b: svc.record_decision(
        current_session(), a, t, req_str(b, "decision", 5000),
        b.get("substantiated") if isinstance(b.get("substantiated"), bool) else None),
    "reply": lambda a, t, b: svc.reply_to_ticket(current_session(), a, t, req_str(b, "text", 5000)),
    "close": lambda a, t, b: svc.close_ticket(current_session(), a, t),
    "extension": lambda a, t, b: svc.request_extension(
        current_session(), a, t, req_int(b, "days"), req_str(b, "reason", 2000)),
    "extension-decision": lambda a, t, b: svc.decide_extension(
        current_session(), a, t, b.get("approve") is True, opt_str(b, "note", 500) or ""),
    "escalate": lambda a, t, b: svc.escalate_to_discipline(current_session(), a, t, req_str(b, "reason", 2000),
                                                           accused_unit=_unit(b) if b.get("accused_unit_id") else None),
    "forward": lambda a, t, b: svc.forward_ticket(current_session(), a, t, req_str(b, "department", 128),
                                                  req_str(b, "reason", 2000)),
    "merge": lambda a, t, b: svc.link_duplicate(current_session(), a, t, _ref_ticket(b, "original")),
}


@bp.post("/tickets/<reference>/<action>")
@staff_required
def act(reference: str, action: str) -> Response:
    fn = ACTIONS.get(action)
    if fn is None:
        raise NotFound("未知的操作。", "action_unknown")
    body = json_body() if request.content_length else {}
    if action == "escalate" and body.get("accused_unit_id") is not None:
        body = {**body, "unit_id": body["accused_unit_id"]}
    user = _user()
    ticket = ticket_for(current_session(), user, reference, lock=True)
    fn(Actor.for_user(user), ticket, body)
    current_session().refresh(ticket)
    return jsonify(staff_view(ticket, viewer=user))


@bp.post("/tickets/<reference>/reveal")
@staff_required
def reveal(reference: str) -> Response:
    body = json_body({"purpose"})
    user = _user()
    ticket = ticket_for(current_session(), user, reference)
    identity = svc.reveal_reporter(current_session(), Actor.for_user(user), ticket, req_str(body, "purpose", 500))
    resp = jsonify(identity)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/leads")
@staff_required
def leads() -> Response:
    user = _user()
    if user.unit.kind.value != "discipline" or not user.has_role("discipline"):
        return jsonify(leads=[])
    units = sa.select(Unit.id).where(Unit.region_code.startswith(user.unit.region_code))
    rows = current_session().scalars(sa.select(Lead).where(Lead.discipline_unit_id.in_(units)).order_by(Lead.id.desc()))
    return jsonify(leads=[lead_view(lead) for lead in rows])
