"""Retries of the same provider message create one ticket and give the same answer."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from flask import Flask

from intake.db import db
from intake.models import Channel, Ticket
from intake.services.tickets import NewTicket, submit_ticket


def _submit(msg_id: str) -> tuple[str, str, bool]:
    made = submit_ticket(db.session, NewTicket(channel=Channel.WECHAT, text="低保金被村干部截留",
                                               provider_message_id=msg_id, openid="o-test-openid"))
    db.session.commit()
    return made.ticket.reference, made.query_code, made.created


def test_same_message_twice_gives_one_ticket_and_same_code(app: Flask) -> None:
    first = _submit("msg-1")
    second = _submit("msg-1")
    assert first[:2] == second[:2]
    assert (first[2], second[2]) == (True, False)
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 1


def test_api_idempotency_key_header(client) -> None:  # type: ignore[no-untyped-def]
    a = client.post("/api/v1/tickets", json={"text": "低保问题"}, headers={"Idempotency-Key": "k1"})
    b = client.post("/api/v1/tickets", json={"text": "低保问题"}, headers={"Idempotency-Key": "k1"})
    assert (a.status_code, b.status_code) == (201, 200)
    assert a.json == b.json


def test_concurrent_same_message_on_postgres_gives_one_ticket(pg_app: Flask) -> None:
    results: list[tuple[str, str, bool]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            with pg_app.app_context():
                barrier.wait()
                results.append(_submit("msg-concurrent"))
                db.session.remove()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({(r, c) for r, c, _ in results}) == 1
    assert sum(created for _, _, created in results) == 1
    with pg_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 1
