"""The tracker: statutory deadlines per ticket, reminders, 督办 escalation, the discipline
lead ledger, and the county metrics built on them (issue 4, DESIGN §5).

Feature folder: ``models`` (tables), ``services`` (the only write path for them, driven by
ticket events), ``sweep`` (the periodic pass), ``metrics``, ``web`` (staff JSON) and ``cli``.
The maths is pure and lives in ``triage.deadlines``. ``create_app`` calls :func:`init_app`;
nothing happens at import time.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the calendar and policy packs, follow ticket events, serve the metrics."""
    from intake.services import audit
    from intake.tracker import services
    from intake.tracker.web import bp

    services.configure(app)
    audit.add_listener(services.on_ticket_event)
    app.extensions["intake.objection_deadline"] = services.objection_deadline
    app.extensions["intake.review_request_deadline"] = services.review_request_deadline
    services.register_outbox_handlers()
    app.register_blueprint(bp)
