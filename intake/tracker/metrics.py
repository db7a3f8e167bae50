"""County metrics for a month: on-time rate, satisfaction rate, objection (退单) rate, overdue count.

Read-only; used by the staff metrics endpoint (and the console). A month is a local
(Beijing) calendar month. Definitions:

* on-time rate: handling clocks (办理答复) met during the month, share met by their due time;
* satisfaction rate: tickets answered during the month and rated, share rated 4 or 5;
* objection rate: dispatches to the county's unit during the month, share it objected to;
* overdue: officer clocks (not the objection or citizens' request windows) falling due during
  the month that were met late or are still open past due.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from intake.models import Region, Ticket, TicketEvent, Unit
from intake.services.errors import ValidationFailed
from intake.tracker.models import Clock, ClockState
from intake.tracker.services import WINDOWS
from triage.deadlines import CHINA_TZ


@dataclass
class CountyMetrics:
    county_code: str
    county: str
    handled: int = 0
    on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    dispatched: int = 0
    objected: int = 0
    overdue: int = 0

    @staticmethod
    def _rate(n: int, d: int) -> float | None:
        return round(n / d, 4) if d else None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["on_time_rate"] = self._rate(self.on_time, self.handled)
        out["satisfaction_rate"] = self._rate(self.satisfied, self.rated)
        out["objection_rate"] = self._rate(self.objected, self.dispatched)
        return out


def period_bounds(period: str) -> tuple[dt.datetime, dt.datetime]:
    """'2026-10' → [2026-10-01 00:00, 2026-11-01 00:00) Beijing time, in UTC."""
    try:
        year, month = (int(p) for p in period.split("-"))
        first = dt.date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed("统计期须为 YYYY-MM 格式，如 2026-10。", "period_format") from exc
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)

    def at(d: dt.date) -> dt.datetime:
        return dt.datetime.combine(d, dt.time(), CHINA_TZ).astimezone(dt.UTC)

    return at(first), at(nxt)


def county_metrics(session: Session, region_prefix: str, period: str, now: dt.datetime) -> list[CountyMetrics]:
    start, end = period_bounds(period)
    rows: dict[str, CountyMetrics] = {}

    def row(code: str) -> CountyMetrics:
        if code not in rows:
            rows[code] = CountyMetrics(code, "")
        return rows[code]

    in_scope = sa.and_(sa.func.length(Clock.region_code) == 6, Clock.region_code.startswith(region_prefix))
    handled = session.execute(
        sa.select(Clock.region_code, sa.func.count(), sa.func.sum(sa.case((Clock.on_time.is_(True), 1), else_=0)))
        .where(in_scope, Clock.name == "handle", Clock.state == ClockState.MET,
               Clock.stopped_at >= start, Clock.stopped_at < end)
        .group_by(Clock.region_code)
    ).all()
    for code, n, ok in handled:
        row(code).handled, row(code).on_time = int(n), int(ok or 0)

    late = sa.or_(Clock.stopped_at > Clock.due_at, sa.and_(Clock.stopped_at.is_(None), Clock.due_at < now))
    overdue = session.execute(
        sa.select(Clock.region_code, sa.func.count())
        .where(in_scope, Clock.name.not_in(sorted(WINDOWS)), Clock.due_at >= start, Clock.due_at < end,
               Clock.state != ClockState.STOPPED, late)
        .group_by(Clock.region_code)
    ).all()
    for code, n in overdue:
        row(code).overdue = int(n)

    rated = session.execute(
        sa.select(Ticket.county_code, sa.func.count(), sa.func.sum(sa.case((Ticket.rating >= 4, 1), else_=0)))
        .where(Ticket.county_code.startswith(region_prefix), Ticket.rating.is_not(None),
               Ticket.replied_at >= start, Ticket.replied_at < end)
        .group_by(Ticket.county_code)
    ).all()
    for code, n, ok in rated:
        if code:
            row(code).rated, row(code).satisfied = int(n), int(ok or 0)

    unit_region = dict(session.execute(sa.select(Unit.id, Unit.region_code)).all())
    counts: dict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for kind, data in session.execute(
        sa.select(TicketEvent.kind, TicketEvent.data)
        .where(TicketEvent.kind.in_(("dispatched", "objected")), TicketEvent.at >= start, TicketEvent.at < end)
    ).all():
        unit_id = (data or {}).get("unit_id")
        code = unit_region.get(unit_id) if isinstance(unit_id, int) else None
        if code and len(code) == 6 and code.startswith(region_prefix):
            counts[code][kind] += 1
    for code, c in counts.items():
        row(code).dispatched, row(code).objected = c["dispatched"], c["objected"]

    names = dict(session.execute(sa.select(Region.code, Region.name).where(Region.code.in_(list(rows)))).all())
    for code, m in rows.items():
        m.county = names.get(code, "")
    return [rows[c] for c in sorted(rows)]
