"""Small helpers shared by the intake tests: log in, file and route a ticket."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient

from intake.db import db
from intake.models import Channel, Ticket, Unit, UnitKind, User
from intake.services import tickets as svc
from intake.services.context import Actor
from intake.services.org import DEMO_PASSWORD


def user(username: str) -> User:
    found = db.session.scalar(sa.select(User).where(User.username == username))
    assert found is not None, username
    return found


def actor(username: str) -> Actor:
    return Actor.for_user(user(username))


def civil(region: str) -> Unit:
    unit = db.session.scalar(sa.select(Unit).where(Unit.region_code == region, Unit.kind == UnitKind.CIVIL_AFFAIRS))
    assert unit is not None
    return unit


def login(client: FlaskClient, username: str) -> dict[str, str]:
    resp = client.post("/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert resp.status_code == 200, resp.json
    return {"X-CSRF-Token": resp.json["csrf_token"]}


def dispatched_ticket(county: str, text: str = "我村低保评定不公开，村干部优亲厚友", **kw: object) -> Ticket:
    """A ticket filed by API and dispatched by the provincial dispatcher to ``county``."""
    made = svc.submit_ticket(db.session, svc.NewTicket(channel=Channel.API, text=text, **kw))  # type: ignore[arg-type]
    ticket = made.ticket
    if ticket.status == "received":
        svc.dispatch_ticket(db.session, actor("dispatcher"), ticket, civil(county))
    db.session.commit()
    return ticket
