"""The hash chain: `intake audit verify` passes on a busy database and names the first
event edited behind the application's back."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from intake.db import db
from intake.models import TicketEvent
from intake.services import tickets as svc
from tests.intake.helpers import actor, dispatched_ticket


def _busy(n: int = 30) -> None:
    for i in range(n):
        t = dispatched_ticket("350524" if i % 2 else "350521", text=f"第{i}件：低保评议不公开")
        if i % 2:
            svc.accept_ticket(db.session, actor("handler-350524"), t)
            svc.record_verification(db.session, actor("handler-350524"), t, "已入户核查")
            svc.record_decision(db.session, actor("handler-350524"), t, "重新评议")
            svc.reply_to_ticket(db.session, actor("handler-350524"), t, "经核查，已重新组织评议。")
        db.session.commit()


def _verify(app: Flask) -> tuple[int, str]:
    from intake.cli import main

    result = app.test_cli_runner().invoke(main, ["audit", "verify"])
    return result.exit_code, result.output


def _tamper_and_check(app: Flask) -> None:
    _busy()
    code, out = _verify(app)
    assert code == 0, out
    assert "every chain intact" in out
    victim = db.session.scalar(
        sa.select(TicketEvent).where(TicketEvent.kind == "replied").order_by(TicketEvent.id).limit(1)
    )
    assert victim is not None
    victim_id = victim.id
    db.session.execute(
        sa.text("UPDATE ticket_event SET actor = 'user:999' WHERE id = :id"), {"id": victim_id}
    )
    db.session.commit()
    code, out = _verify(app)
    assert code == 1
    assert f"event id {victim_id}" in out
    assert "edited" in out


def test_audit_verify_catches_sql_edit_on_sqlite(app: Flask) -> None:
    _tamper_and_check(app)


def test_audit_verify_catches_sql_edit_on_postgres(pg_app: Flask) -> None:
    _tamper_and_check(pg_app)


def test_deleted_event_breaks_the_chain(app: Flask) -> None:
    _busy(4)
    from intake.models import Ticket

    busiest = db.session.scalar(sa.select(Ticket).order_by(Ticket.event_seq.desc()).limit(1))
    assert busiest is not None and busiest.event_seq >= 3
    victim = db.session.scalar(sa.select(TicketEvent).where(TicketEvent.ticket_id == busiest.id, TicketEvent.seq == 2))
    assert victim is not None
    db.session.execute(sa.text("DELETE FROM ticket_event WHERE id = :id"), {"id": victim.id})
    db.session.commit()
    code, out = _verify(app)
    assert code == 1
    assert "sequence gap" in out
