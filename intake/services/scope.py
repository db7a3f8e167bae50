"""What a staff user may see: bounded by the unit's region subtree and kind.

Region codes nest by prefix (35 → 3505 → 350524 → 350524100), so "in scope" is a prefix
test. A ticket is invisible to a unit it accuses (conflict of interest), and a discipline
unit sees only tickets behind leads in its jurisdiction. Out of scope reads as not found:
a handler learns nothing about another county's tickets, not even that they exist.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from intake.models import Lead, Role, Ticket, Unit, UnitKind, User, lead_ticket
from intake.services.errors import Forbidden, NotFound

CIVIL_ROLES = (Role.RECEPTION, Role.DISPATCHER, Role.HANDLER, Role.SUPERVISOR)


def in_region(region_code: str, code: str | None) -> bool:
    return code is not None and code.startswith(region_code)


def ticket_filter(user: User) -> ColumnElement[bool]:
    unit = user.unit
    if unit.kind == UnitKind.DISCIPLINE:
        if not user.has_role(Role.DISCIPLINE):
            return sa.false()
        lead_units = sa.select(Unit.id).where(Unit.region_code.startswith(unit.region_code))
        linked = sa.select(lead_ticket.c.ticket_id).join(Lead, Lead.id == lead_ticket.c.lead_id).where(
            Lead.discipline_unit_id.in_(lead_units)
        )
        return Ticket.id.in_(linked)
    if not user.has_role(*CIVIL_ROLES):
        return sa.false()
    region_ok: ColumnElement[bool] = Ticket.county_code.startswith(unit.region_code)
    if len(unit.region_code) == 2:  # the province sees the unresolved queue as well
        region_ok = sa.or_(region_ok, Ticket.county_code.is_(None))
    visible = sa.or_(region_ok, Ticket.assigned_unit_id == unit.id)
    not_accused = sa.or_(Ticket.conflict_unit_id.is_(None), Ticket.conflict_unit_id != unit.id)
    return sa.and_(visible, not_accused)


def can_view(session: Session, user: User, ticket: Ticket) -> bool:
    q = sa.select(sa.literal(1)).select_from(Ticket).where(Ticket.id == ticket.id, ticket_filter(user))
    return session.scalar(q) is not None


def ticket_for(session: Session, user: User, reference: str, *, lock: bool = False) -> Ticket:
    q = sa.select(Ticket).where(Ticket.reference == reference, ticket_filter(user))
    if lock:
        q = q.with_for_update(of=Ticket)
    ticket = session.scalar(q)
    if ticket is None:
        raise NotFound("未找到该信访件，或您无权查看。", "ticket_not_found")
    return ticket


def require_role(user: User, *roles: Role) -> None:
    if not user.active or not user.has_role(*roles):
        names = "、".join(ROLE_LABELS[r] for r in roles)
        raise Forbidden(f"此操作需要以下角色之一：{names}。", "role_required")


ROLE_LABELS = {
    Role.RECEPTION: "接访员",
    Role.DISPATCHER: "分办员",
    Role.HANDLER: "承办人",
    Role.SUPERVISOR: "督办员",
    Role.DISCIPLINE: "纪检监察员",
    Role.ADMIN: "系统管理员",
}
