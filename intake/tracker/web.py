"""Staff JSON for the tracker: county metrics for supervisors, scoped to their region."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from intake.db import current_session, utcnow
from intake.models import Role, UnitKind
from intake.services.errors import Forbidden
from intake.services.scope import require_role
from intake.tracker.metrics import county_metrics
from intake.web.auth import current_user, staff_required

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
