"""Enumerations stored by value."""

from __future__ import annotations

import enum

import sqlalchemy as sa


class Channel(enum.StrEnum):
    WECHAT = "wechat"
    PHONE = "phone"
    SMS = "sms"
    WEB = "web"
    WALKIN = "walkin"
    API = "api"


class UnitKind(enum.StrEnum):
    CIVIL_AFFAIRS = "civil_affairs"
    DISCIPLINE = "discipline"


class Role(enum.StrEnum):
    RECEPTION = "reception"
    DISPATCHER = "dispatcher"
    HANDLER = "handler"
    SUPERVISOR = "supervisor"
    DISCIPLINE = "discipline"
    ADMIN = "admin"


class Status(enum.StrEnum):
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    VERIFYING = "verifying"
    HANDLING = "handling"
    REPLIED = "replied"
    CLOSED = "closed"
    FORWARDED = "forwarded"
    MERGED = "merged"


class LeadStatus(enum.StrEnum):
    PENDING_TRANSFER = "pending_transfer"  # 待移送
    TRANSFERRED = "transferred"  # 已移送
    PRELIMINARY = "preliminary"  # 初核
    FILED = "filed"  # 立案
    CONCLUDED = "concluded"  # 了结


class ExtensionStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"


def enum_column(cls: type[enum.Enum], length: int = 32) -> sa.Enum:
    return sa.Enum(
        cls,
        native_enum=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        create_constraint=False,
    )


STATUS_LABELS = {
    Status.RECEIVED: "已登记",
    Status.DISPATCHED: "已交办",
    Status.VERIFYING: "核查中",
    Status.HANDLING: "处理中",
    Status.REPLIED: "已答复",
    Status.CLOSED: "已办结",
    Status.FORWARDED: "已转交其他部门",
    Status.MERGED: "已合并办理",
}
