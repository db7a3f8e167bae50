"""All models, imported here so Alembic and ``db.create_all`` see every table."""

from intake.models.enums import STATUS_LABELS as STATUS_LABELS_EXPORT
from intake.models.enums import Channel, ExtensionStatus, LeadStatus, Role, Status, UnitKind
from intake.models.infra import Conversation, KeyValue, Outbox, ProviderMessage
from intake.models.org import ApiToken, Region, Unit, User
from intake.models.tickets import Attachment, Lead, Reply, Ticket, TicketEvent, lead_ticket
from intake.tracker.models import Clock, ClockAction, ClockState, LeadEntry

__all__ = [
    "STATUS_LABELS_EXPORT",
    "ApiToken",
    "Attachment",
    "Channel",
    "Clock",
    "ClockAction",
    "ClockState",
    "Conversation",
    "ExtensionStatus",
    "KeyValue",
    "Lead",
    "LeadEntry",
    "LeadStatus",
    "Outbox",
    "ProviderMessage",
    "Region",
    "Reply",
    "Role",
    "Status",
    "Ticket",
    "TicketEvent",
    "Unit",
    "UnitKind",
    "User",
    "lead_ticket",
]
