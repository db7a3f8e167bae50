"""A ticket's life through the staff API, and the clear refusals on the way."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from intake.config import ConfigError, load_settings
from intake.db import db
from intake.services.org import issue_api_token
from tests.intake.helpers import dispatched_ticket, login, user


def _post(client: FlaskClient, ref: str, action: str, headers: dict[str, str], **body: object):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/staff/tickets/{ref}/{action}", json=body, headers=headers)


def test_whole_life_through_the_api(client: FlaskClient) -> None:
    made = client.post("/api/v1/tickets", json={"text": "安溪县某村低保评议不公开", "anonymous": False,
                                                 "name": "陈六", "phone": "13700000000"}).json
    ref, code = made["reference"], made["query_code"]
    d = login(client, "dispatcher")
    assert _post(client, ref, "dispatch", d, county_code="350524").json["status"] == "dispatched"
    h = login(client, "handler-350524")
    assert _post(client, ref, "accept", h).json["status"] == "verifying"
    assert _post(client, ref, "verify", h, findings="入户核查属实").json["status"] == "handling"
    # replying before a decision is refused with a reason
    early = _post(client, ref, "reply", h, text="已处理")
    assert early.status_code == 409 and early.json["error"] == "decision_missing"
    assert _post(client, ref, "decide", h, decision="重新评议", substantiated=True).status_code == 200
    assert _post(client, ref, "reply", h, text="经核查，已重新组织民主评议并公示。").json["status"] == "replied"
    citizen = client.get(f"/api/v1/tickets/{ref}?query_code={code}").json
    assert citizen["status"] == "replied"
    assert [r["kind"] for r in citizen["replies"]] == ["acceptance", "answer"]
    assert client.post(f"/api/v1/tickets/{ref}/rating", json={"query_code": code, "rating": 5}).status_code == 200
    assert _post(client, ref, "close", h).json["status"] == "closed"
    events = [e["kind"] for e in client.get(f"/api/v1/staff/tickets/{ref}", headers=h).json["events"]]
    assert events[:2] == ["submitted", "triaged"] or events[0] == "submitted"
    assert events[-3:] == ["replied", "rated", "closed"]


def test_illegal_transition_is_409_with_a_reason(client: FlaskClient) -> None:
    t = dispatched_ticket("350524")
    h = login(client, "handler-350524")
    resp = _post(client, t.reference, "reply", h, text="答复")
    assert resp.status_code == 409
    assert "不能答复" in resp.json["message"]


def test_wrong_role_is_403(client: FlaskClient) -> None:
    t = dispatched_ticket("350524")
    s = login(client, "supervisor-3505")
    resp = _post(client, t.reference, "accept", s)
    assert resp.status_code == 403
    assert resp.json["error"] == "role_required"


def test_objection_returns_ticket_and_the_ruling_locks_it(client: FlaskClient) -> None:
    t = dispatched_ticket("350524")
    h = login(client, "handler-350524")
    assert _post(client, t.reference, "object", h, reason="该村属惠安县").json["status"] == "received"
    d = login(client, "dispatcher")
    assert _post(client, t.reference, "dispatch", d, county_code="350524").status_code == 200
    h = login(client, "handler-350524")
    again = _post(client, t.reference, "object", h, reason="再次退单")
    assert again.status_code == 409 and again.json["error"] == "assignment_locked"


def test_bearer_token_works_without_csrf(app: Flask, client: FlaskClient) -> None:
    t = dispatched_ticket("350524")
    token = issue_api_token(db.session, user("handler-350524"), "test")
    db.session.commit()
    resp = client.post(f"/api/v1/staff/tickets/{t.reference}/accept", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200
    bad = client.get("/api/v1/staff/tickets", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_wrong_password_is_401(client: FlaskClient) -> None:
    resp = client.post("/api/v1/auth/login", json={"username": "dispatcher", "password": "wrong-password"})
    assert resp.status_code == 401


def test_production_refuses_to_start_without_secrets() -> None:
    with pytest.raises(ConfigError, match="INTAKE_SECRET_KEY"):
        load_settings({"INTAKE_MODE": "production", "INTAKE_DATABASE_URL": "postgresql://x/y"})


def test_seed_and_user_create_commands(app: Flask) -> None:
    from intake.cli import main

    runner = app.test_cli_runner()
    out = runner.invoke(main, ["seed"])
    assert out.exit_code == 0 and "regions added: 0" in out.output  # idempotent: already seeded
    made = runner.invoke(main, ["user", "create", "handler-350102", "--unit-region", "350102", "--role", "handler"],
                         input="a-long-password\na-long-password\n")
    assert made.exit_code == 0, made.output
    assert user("handler-350102").unit.name == "鼓楼区民政局"
