"""Who sees what: a county handler sees only its county; a prefecture supervisor sees the
prefecture; a discipline ticket shows no identity to a handler."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.intake.helpers import actor, dispatched_ticket, login


def test_handler_gets_404_for_another_countys_ticket(client: FlaskClient) -> None:
    other = dispatched_ticket("350521")  # 惠安县
    headers = login(client, "handler-350524")  # 安溪县
    resp = client.get(f"/api/v1/staff/tickets/{other.reference}", headers=headers)
    assert resp.status_code == 404
    assert client.post(f"/api/v1/staff/tickets/{other.reference}/accept", headers=headers).status_code == 404


def test_handler_sees_own_countys_ticket(client: FlaskClient) -> None:
    own = dispatched_ticket("350524")
    headers = login(client, "handler-350524")
    resp = client.get(f"/api/v1/staff/tickets/{own.reference}", headers=headers)
    assert resp.status_code == 200
    assert resp.json["assigned_unit"] == "安溪县民政局"


def test_supervisor_sees_every_county_of_the_prefecture(client: FlaskClient) -> None:
    a = dispatched_ticket("350524")
    b = dispatched_ticket("350521")
    outside = dispatched_ticket("350102")  # 福州 鼓楼区
    headers = login(client, "supervisor-3505")
    listed = {t["reference"] for t in client.get("/api/v1/staff/tickets", headers=headers).json["tickets"]}
    assert {a.reference, b.reference} <= listed
    assert outside.reference not in listed
    assert client.get(f"/api/v1/staff/tickets/{outside.reference}", headers=headers).status_code == 404


def test_handler_sees_no_identity_on_a_discipline_ticket(app, client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    from intake.db import db
    from intake.services import tickets as svc

    t = dispatched_ticket("350524", text="村支书贪污低保金", anonymous=False, name="张三", phone="13800000000")
    svc.escalate_to_discipline(db.session, actor("dispatcher"), t, "涉嫌贪污")
    db.session.commit()
    headers = login(client, "handler-350524")
    view = client.get(f"/api/v1/staff/tickets/{t.reference}", headers=headers)
    assert view.status_code == 200
    assert "张三" not in view.get_data(as_text=True)
    assert "13800000000" not in view.get_data(as_text=True)
    reveal = client.post(f"/api/v1/staff/tickets/{t.reference}/reveal", json={"purpose": "核实"}, headers=headers)
    assert reveal.status_code == 403
    assert reveal.json["error"] == "identity_protected"


def test_discipline_officer_reveal_is_recorded(client: FlaskClient) -> None:
    from intake.db import db
    from intake.services import tickets as svc

    t = dispatched_ticket("350524", text="村支书贪污低保金", anonymous=False, name="张三", phone="13800000000")
    svc.escalate_to_discipline(db.session, actor("dispatcher"), t, "涉嫌贪污")
    db.session.commit()
    headers = login(client, "discipline-350524")
    reveal = client.post(f"/api/v1/staff/tickets/{t.reference}/reveal", json={"purpose": "初核联系"}, headers=headers)
    assert reveal.status_code == 200
    assert reveal.json["name"] == "张三"
    events = client.get(f"/api/v1/staff/tickets/{t.reference}", headers=headers).json["events"]
    assert events[-1]["kind"] == "identity_revealed"
    assert events[-1]["actor"].startswith("user:")


def test_accused_unit_never_sees_the_ticket(client: FlaskClient) -> None:
    from intake.db import db
    from intake.services import tickets as svc
    from tests.intake.helpers import civil

    t = dispatched_ticket("350524", text="安溪县民政局局长收受贿赂")
    svc.escalate_to_discipline(db.session, actor("dispatcher"), t, "举报县局负责人", accused_unit=civil("350524"))
    db.session.commit()
    headers = login(client, "handler-350524")
    assert client.get(f"/api/v1/staff/tickets/{t.reference}", headers=headers).status_code == 404
    sup = login(client, "supervisor-3505")
    assert client.get(f"/api/v1/staff/tickets/{t.reference}", headers=sup).status_code == 200
    city = login(client, "discipline-3505")
    assert client.get(f"/api/v1/staff/tickets/{t.reference}", headers=city).status_code == 200


def test_session_write_without_csrf_token_is_refused(client: FlaskClient) -> None:
    own = dispatched_ticket("350524")
    login(client, "handler-350524")
    resp = client.post(f"/api/v1/staff/tickets/{own.reference}/accept")
    assert resp.status_code == 403
    assert resp.json["error"] == "csrf_failed"
