"""Regions, units and users: seeding and administration."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from intake.crypto import hash_password, token_digest
from intake.models import ApiToken, Region, Role, Unit, UnitKind, User
from intake.services.errors import ValidationFailed
from triage import gazetteer

DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented demo credential, refused in production
NOMINAL_COUNTIES = {"350527"}  # 金门县: a nominal code, no bureau takes complaints there


def seed_regions(session: Session) -> int:
    existing = set(session.scalars(sa.select(Region.code)))
    added = 0
    for d in gazetteer.divisions():
        if d.code in existing:
            continue
        session.add(Region(code=d.code, name=d.name, level=d.level, parent_code=d.parent_code,
                           former_names=[n for n, _ in d.former_names], aliases=list(d.aliases)))
        added += 1
    session.flush()
    return added


def _unit_names(region: Region) -> tuple[str, str]:
    if region.level == "province":
        return "福建省民政厅", "省纪委监委驻省民政厅纪检监察组"
    if region.level == "prefecture":
        return f"{region.name}民政局", f"{region.name}纪委监委"
    return f"{region.name}民政局", f"{region.name}纪委监委"


def seed_units(session: Session) -> int:
    regions = session.scalars(
        sa.select(Region).where(Region.level.in_(("province", "prefecture", "county"))).order_by(Region.code)
    ).all()
    have = {(u.region_code, u.kind) for u in session.scalars(sa.select(Unit))}
    added = 0
    for r in regions:
        if r.code in NOMINAL_COUNTIES:
            continue
        civil, discipline = _unit_names(r)
        for kind, name in ((UnitKind.CIVIL_AFFAIRS, civil), (UnitKind.DISCIPLINE, discipline)):
            if (r.code, kind) not in have:
                session.add(Unit(name=name, kind=kind, region_code=r.code, hotlines=[]))
                added += 1
    session.flush()
    return added


def unit_at(session: Session, region_code: str, kind: UnitKind) -> Unit:
    unit = session.scalar(sa.select(Unit).where(Unit.region_code == region_code, Unit.kind == kind))
    if unit is None:
        raise ValidationFailed(f"没有 {region_code} 的{kind.value}单位。", "unit_unknown")
    return unit


def create_user(session: Session, username: str, password: str, unit: Unit, roles: list[str],
                display_name: str | None = None) -> User:
    bad = [r for r in roles if r not in {x.value for x in Role}]
    if bad:
        raise ValidationFailed(f"未知的角色：{', '.join(bad)}。", "role_unknown")
    if Role.DISCIPLINE in roles and unit.kind != UnitKind.DISCIPLINE:
        raise ValidationFailed("纪检监察角色只能属于纪检监察单位。", "role_unit_kind")
    if len(password) < 12:
        raise ValidationFailed("密码至少 12 位。", "password_short")
    if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise ValidationFailed(f"用户名 {username} 已存在。", "username_taken")
    user = User(username=username, display_name=display_name or username, password_hash=hash_password(password),
                unit_id=unit.id, roles=list(roles))
    session.add(user)
    session.flush()
    return user


def issue_api_token(session: Session, user: User, label: str = "") -> str:
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), label=label))
    session.flush()
    return token


DEMO_USERS: tuple[tuple[str, str, UnitKind, tuple[str, ...], str], ...] = (
    ("dispatcher", "35", UnitKind.CIVIL_AFFAIRS, ("dispatcher",), "省厅分办员"),
    ("reception", "35", UnitKind.CIVIL_AFFAIRS, ("reception",), "省厅接访员"),
    ("dispatcher-3505", "3505", UnitKind.CIVIL_AFFAIRS, ("dispatcher",), "泉州市分办员"),
    ("handler-350524", "350524", UnitKind.CIVIL_AFFAIRS, ("handler",), "安溪县民政局承办人"),
    ("handler-350521", "350521", UnitKind.CIVIL_AFFAIRS, ("handler",), "惠安县民政局承办人"),
    ("supervisor-3505", "3505", UnitKind.CIVIL_AFFAIRS, ("supervisor",), "泉州市民政局督办员"),
    ("supervisor", "35", UnitKind.CIVIL_AFFAIRS, ("supervisor",), "省厅督办员"),
    ("discipline-350524", "350524", UnitKind.DISCIPLINE, ("discipline",), "安溪县纪委监委"),
    ("discipline-3505", "3505", UnitKind.DISCIPLINE, ("discipline",), "泉州市纪委监委"),
    ("admin", "35", UnitKind.CIVIL_AFFAIRS, ("admin",), "系统管理员"),
)


def seed_demo_users(session: Session) -> list[str]:
    made = []
    for username, region, kind, roles, display in DEMO_USERS:
        if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
            continue
        create_user(session, username, DEMO_PASSWORD, unit_at(session, region, kind), list(roles), display)
        made.append(username)
    # Demo hotline numbers (fictional 12345-style extensions) so the directory is not empty.
    for unit in session.scalars(sa.select(Unit).where(Unit.kind == UnitKind.CIVIL_AFFAIRS)):
        if not unit.hotlines:
            unit.hotlines = [f"+86-591-{int(unit.region_code.ljust(6, '0')) % 10_000_000:07d}"]
    session.flush()
    return made
