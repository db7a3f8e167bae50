"""Staff JSON for the tracker: county metrics for supervisors, scoped to their region, and the
discipline lead ledger for discipline officers of the jurisdiction."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from intake.db import current_session, utcnow
from intake.models import Lead, Role, UnitKind
from intake.services.context import Actor
from intake.services.errors import Forbidden, NotFound
from intake.services.scope import require_role
from intake.tracker import services
from intake.tracker.metrics import county_metrics
from intake.web.auth import current_user, staff_required
from intake.web.jsonbody import json_body, opt_str
from intake.web.serialize import lead_view

bp = Blueprint("tracker_api", __name__, url_prefix="/api/v1/staff")


@bp.get("/metrics")
@staff_required
def metrics() -> Response:
    user = current_user()
    assert user is not None
    require_role(user, Role.SUPERVISOR)
    if user.unit.kind != UnitKind.CIVIL_AFFAIRS:
        raise Forbidden("统计数据仅向民政督办人员开放。", "unit_kind")
    period = request.args.get("period") or utcnow().strftime("%Y-%m")
    rows = county_metrics(current_session(), user.unit.region_code, period, utcnow())
    return jsonify(period=period, region_code=user.unit.region_code, counties=[r.as_dict() for r in rows])


# ---------------------------------------------------------------- the lead ledger (问题线索台账)

LEAD_STEPS = {
    "transfer": lambda s, a, lead, b: services.transfer_lead(s, a, lead, opt_str(b, "note", 2000) or ""),
    "preliminary": lambda s, a, lead, b: services.start_preliminary(s, a, lead, opt_str(b, "note", 2000) or ""),
    "file": lambda s, a, lead, b: services.file_case(s, a, lead, opt_str(b, "note", 2000) or ""),
    "conclude": lambda s, a, lead, b: services.conclude_lead(
        s, a, lead, opt_str(b, "outcome", 2000) or "", opt_str(b, "note", 2000) or ""),
}


def _lead(lead_id: int) -> Lead:
    user = current_user()
    assert user is not None
    lead = current_session().get(Lead, lead_id) if 0 < lead_id < 2**31 else None
    if lead is None:
        raise NotFound("未找到该问题线索，或您无权查看。", "lead_not_found")
    services.require_jurisdiction(Actor.for_user(user), lead)
    return lead


def _ledger_view(lead: Lead) -> dict[str, Any]:
    data = lead_view(lead)
    data["history"] = [
        {"status": e.status.value, "at": e.at.isoformat(), "note": e.note, "actor_user_id": e.actor_user_id}
        for e in services.lead_history(current_session(), lead)
    ]
    return data


@bp.get("/leads/<int:lead_id>")
@staff_required
def get_lead(lead_id: int) -> Response:
    return jsonify(_ledger_view(_lead(lead_id)))


@bp.post("/leads/<int:lead_id>/<step>")
@staff_required
def advance_lead(lead_id: int, step: str) -> Response:
    fn = LEAD_STEPS.get(step)
    if fn is None:
        raise NotFound("未知的操作。", "action_unknown")
    body = json_body({"note", "outcome"}) if request.content_length else {}
    lead = _lead(lead_id)
    user = current_user()
    assert user is not None
    fn(current_session(), Actor.for_user(user), lead, body)
    return jsonify(_ledger_view(lead))
