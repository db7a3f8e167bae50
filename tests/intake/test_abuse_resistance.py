"""Guessing, replaying and overreaching: what a hostile or careless caller cannot do."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from intake.celery_app import drain_executor
from intake.db import db
from intake.models import Ticket
from intake.services import tickets as svc
from tests.conftest import sqlite_app
from tests.intake.helpers import actor, civil, dispatched_ticket, login


@pytest.fixture
def strict_app(sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    with sqlite_app(sqlite_template, tmp_path, query_rate_limit=3) as app:
        yield app


def test_wrong_query_code_guesses_are_counted_and_limited(strict_app: Flask) -> None:
    client = strict_app.test_client()
    made = client.post("/api/v1/tickets", json={"text": "低保问题"}).json
    codes = [f"{n:06d}" for n in range(10) if f"{n:06d}" != made["query_code"]]
    answers = [client.get(f"/api/v1/tickets/{made['reference']}?query_code={c}").status_code for c in codes[:5]]
    assert answers[:3] == [404, 404, 404]
    assert answers[3:] == [429, 429]
    # the right code is refused too while the budget is spent: guessing gains nothing
    assert client.get(f"/api/v1/tickets/{made['reference']}?query_code={made['query_code']}").status_code == 429


def test_concurrent_first_lookups_on_postgres_never_500(pg_app: Flask) -> None:
    made = pg_app.test_client().post("/api/v1/tickets", json={"text": "低保问题"}).json
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def look() -> None:
        c = pg_app.test_client()
        barrier.wait()
        statuses.append(c.get(f"/api/v1/tickets/{made['reference']}?query_code={made['query_code']}").status_code)

    threads = [threading.Thread(target=look) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 8


def test_idempotency_key_reused_with_another_body_is_refused(client: FlaskClient) -> None:
    first = client.post("/api/v1/tickets", json={"text": "甲的反映"}, headers={"Idempotency-Key": "abc"})
    other = client.post("/api/v1/tickets", json={"text": "乙的反映"}, headers={"Idempotency-Key": "abc"})
    again = client.post("/api/v1/tickets", json={"text": "甲的反映"}, headers={"Idempotency-Key": "abc"})
    assert first.status_code == 201
    assert other.status_code == 409 and "query_code" not in other.json
    assert again.status_code == 200 and again.json == first.json


def test_anonymous_reporters_contact_is_never_revealed(client: FlaskClient) -> None:
    t = dispatched_ticket("350524", anonymous=True, phone="13800000000")
    headers = login(client, "dispatcher")
    resp = client.post(f"/api/v1/staff/tickets/{t.reference}/reveal", json={"purpose": "核实"}, headers=headers)
    assert resp.status_code == 404
    assert "13800000000" not in resp.get_data(as_text=True)


def test_escalation_cannot_hide_a_ticket_from_an_unrelated_unit(client: FlaskClient) -> None:
    t = dispatched_ticket("350524")
    headers = login(client, "handler-350524")
    outside = civil("350102")
    resp = client.post(f"/api/v1/staff/tickets/{t.reference}/escalate",
                       json={"reason": "测试", "accused_unit_id": outside.id}, headers=headers)
    assert resp.status_code == 403
    assert resp.json["error"] == "accused_unit_out_of_chain"


def test_dispatcher_cannot_move_a_ticket_out_of_their_region(app: Flask) -> None:
    from intake.models import Channel
    from intake.services.errors import Forbidden

    made = svc.submit_ticket(db.session, svc.NewTicket(channel=Channel.API, text="低保问题"))
    with pytest.raises(Forbidden):
        svc.set_location(db.session, actor("dispatcher-3505"), made.ticket, "350102")


def test_huge_numbers_are_bad_input_not_a_crash(client: FlaskClient) -> None:
    t = dispatched_ticket("350524")
    headers = login(client, "dispatcher")
    assert client.get("/api/v1/staff/tickets?offset=99999999999999999999999", headers=headers).status_code == 200
    big = client.post(f"/api/v1/staff/tickets/{t.reference}/merge", json={"original": "9" * 40}, headers=headers)
    assert big.status_code in (400, 404)
    resp = client.post(f"/api/v1/tickets/{t.reference}/rating", json={"query_code": "000000", "rating": 10**30})
    assert resp.status_code in (400, 404)


def test_handler_cannot_close_a_review_handled_above(client: FlaskClient) -> None:
    from intake.models import Status

    t = dispatched_ticket("350524")
    t.status = Status.REPLIED  # arrange: the higher unit answered a ticket assigned to it
    t.assigned_unit_id = civil("3505").id
    db.session.commit()
    headers = login(client, "handler-350524")
    resp = client.post(f"/api/v1/staff/tickets/{t.reference}/close", headers=headers)
    assert resp.status_code in (403, 404)


def test_a_connection_dropped_by_the_database_costs_one_503_and_nothing_is_written(pg_app: Flask) -> None:
    client = pg_app.test_client()
    assert client.post("/api/v1/tickets", json={"text": "低保问题"}).status_code == 201  # pools a connection
    drain_executor()  # the ticket's triage ran: nothing else is using the pool now
    # The server drops every pooled connection, as a restart would.
    dsn = pg_app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as admin:
        dropped = admin.execute("select count(pg_terminate_backend(pid)) from pg_stat_activity "
                                "where datname = current_database() and pid <> pg_backend_pid()").fetchone()
    assert dropped is not None and dropped[0] >= 1
    first = client.post("/api/v1/tickets", json={"text": "低保问题第二件"})
    assert first.status_code == 503
    assert first.json["error"] == "database_reconnecting" and first.headers["Retry-After"] == "1"
    again = client.post("/api/v1/tickets", json={"text": "低保问题第二件"})
    assert again.status_code == 201
    with pg_app.app_context():
        texts = db.session.scalars(sa.select(Ticket.text)).all()
    assert sorted(texts) == ["低保问题", "低保问题第二件"]
