"""Regions, units, users and API tokens."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.db import Base, UTCDateTime, utcnow
from intake.models.enums import UnitKind, enum_column


class Region(Base):
    __tablename__ = "region"

    code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    level: Mapped[str] = mapped_column(sa.String(16))
    parent_code: Mapped[str | None] = mapped_column(sa.ForeignKey("region.code"), index=True)
    former_names: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    aliases: Mapped[list[str]] = mapped_column(sa.JSON, default=list)


class Unit(Base):
    __tablename__ = "unit"
    __table_args__ = (sa.UniqueConstraint("region_code", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128))
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind))
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("region.code"), index=True)
    hotlines: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    region: Mapped[Region] = relationship()

    @property
    def level(self) -> int:
        """2 province, 4 prefecture, 6 county: the region code's length."""
        return len(self.region_code)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(64))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    totp_secret_enc: Mapped[str | None] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
