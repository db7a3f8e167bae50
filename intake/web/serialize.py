"""Views of a ticket for citizens and for staff. Neither includes the reporter's identity:
staff get it only through the reveal action, which is recorded."""

from __future__ import annotations

from typing import Any

from intake.messages import EVENT_LABELS
from intake.models import STATUS_LABELS_EXPORT as STATUS_LABELS
from intake.models import Lead, Ticket, User
from intake.services.tickets import public_timeline


def citizen_view(ticket: Ticket) -> dict[str, Any]:
    return {
        "reference": ticket.reference,
        "status": ticket.status.value,
        "status_label": STATUS_LABELS[ticket.status],
        "received_at": ticket.received_at.isoformat(),
        "unit": ticket.assigned_unit.name if ticket.assigned_unit else None,
        "timeline": public_timeline(ticket),
        "replies": [
            {"kind": r.kind, "text": r.text, "at": r.created_at.isoformat()} for r in ticket.replies
        ],
        "rating": ticket.rating,
        "review_level": ticket.review_level,
    }


def _triage_for(ticket: Ticket, viewer: User | None) -> dict[str, Any] | None:
    """Triage explanation as the viewer may see it. On a discipline ticket, links to the
    same reporter's other tickets would let civil-affairs staff identify the reporter."""
    if ticket.triage is None or not ticket.discipline or (viewer and viewer.has_role("discipline")):
        return ticket.triage
    data = dict(ticket.triage)
    data["duplicates"] = [d for d in data.get("duplicates") or [] if "same reporter" not in d.get("reasons", [])]
    return data


def staff_view(ticket: Ticket, *, full: bool = True, viewer: User | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": ticket.reference,
        "channel": ticket.channel.value,
        "status": ticket.status.value,
        "status_label": STATUS_LABELS[ticket.status],
        "received_at": ticket.received_at.isoformat(),
        "county_code": ticket.county_code,
        "township_code": ticket.township_code,
        "domain": ticket.domain,
        "issues": ticket.issues,
        "discipline": ticket.discipline,
        "urgent": ticket.urgent,
        "assigned_unit": ticket.assigned_unit.name if ticket.assigned_unit else None,
        "assigned_unit_id": ticket.assigned_unit_id,
        "reporter": {"anonymous": ticket.anonymous, "identity_protected": ticket.discipline},
        "review_level": ticket.review_level,
    }
    if full:
        data.update(
            text=ticket.text,
            triage=_triage_for(ticket, viewer),
            extension={"status": ticket.extension_status.value if ticket.extension_status else None,
                       "days": ticket.extension_days, "reason": ticket.extension_reason},
            rating=ticket.rating,
            events=[
                {"seq": e.seq, "kind": e.kind, "label": EVENT_LABELS.get(e.kind, e.kind), "actor": e.actor,
                 "at": e.at.isoformat(), "data": e.data}
                for e in ticket.events
            ],
            replies=[{"kind": r.kind, "text": r.text, "at": r.created_at.isoformat()} for r in ticket.replies],
            attachments=[{"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size}
                         for a in ticket.attachments],
        )
    return data


def lead_view(lead: Lead) -> dict[str, Any]:
    return {
        "id": lead.id,
        "status": lead.status.value,
        "region_code": lead.region_code,
        "discipline_unit": lead.discipline_unit.name,
        "identified_at": lead.identified_at.isoformat(),
        "transferred_at": lead.transferred_at.isoformat() if lead.transferred_at else None,
        "outcome": lead.outcome,
        "tickets": [t.reference for t in lead.tickets],
    }
