"""The lead ledger over HTTP: only discipline officers of the jurisdiction read and advance it."""

from __future__ import annotations

from flask.testing import FlaskClient

from intake.db import db
from intake.services import tickets as svc
from tests.intake.helpers import actor, dispatched_ticket, login


def _lead_id() -> int:
    t = dispatched_ticket("350524", text="某村支书贪污低保金", anonymous=False, name="赵八", phone="13500000000")
    lead = svc.escalate_to_discipline(db.session, actor("dispatcher"), t, "涉嫌贪污")
    db.session.commit()
    return lead.id


def test_discipline_officer_walks_the_ledger(client: FlaskClient) -> None:
    lead_id = _lead_id()
    h = login(client, "discipline-350524")
    assert client.get(f"/api/v1/staff/leads/{lead_id}", headers=h).json["status"] == "pending_transfer"
    for step, status in (("transfer", "transferred"), ("preliminary", "preliminary"), ("file", "filed")):
        resp = client.post(f"/api/v1/staff/leads/{lead_id}/{step}", json={"note": "依规办理"}, headers=h)
        assert resp.status_code == 200, resp.json
        assert resp.json["status"] == status
    done = client.post(f"/api/v1/staff/leads/{lead_id}/conclude", json={"outcome": "给予党内警告处分"}, headers=h)
    assert done.json["status"] == "concluded" and done.json["outcome"] == "给予党内警告处分"
    assert [e["status"] for e in done.json["history"]][-1] == "concluded"


def test_illegal_ledger_step_is_409(client: FlaskClient) -> None:
    lead_id = _lead_id()
    h = login(client, "discipline-350524")
    resp = client.post(f"/api/v1/staff/leads/{lead_id}/file", headers=h)
    assert resp.status_code == 409


def test_civil_affairs_staff_cannot_read_the_ledger(client: FlaskClient) -> None:
    lead_id = _lead_id()
    for user in ("handler-350524", "supervisor-3505", "dispatcher"):
        h = login(client, user)
        assert client.get(f"/api/v1/staff/leads/{lead_id}", headers=h).status_code in (403, 404)
        assert client.post(f"/api/v1/staff/leads/{lead_id}/transfer", headers=h).status_code in (403, 404)


def test_city_discipline_officers_see_county_leads_but_not_the_reverse(client: FlaskClient) -> None:
    lead_id = _lead_id()
    assert client.get(f"/api/v1/staff/leads/{lead_id}", headers=login(client, "discipline-3505")).status_code == 200
    assert client.get("/api/v1/staff/leads/99999", headers=login(client, "discipline-350524")).status_code == 404
