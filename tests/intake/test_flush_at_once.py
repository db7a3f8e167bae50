"""``flush_at_once``: a filing's writes in one statement on PostgreSQL, left as a flush leaves them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm.exc import StaleDataError

from intake.db import db, flush_at_once
from intake.models import Channel, Outbox, ProviderMessage, Ticket, TicketEvent
from intake.services.audit import verify_chains
from intake.services.tickets import NewTicket, submit_ticket
from intake.tracker.models import Clock


def _count_statements(engine: sa.Engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, stmt, *_a: seen.append(stmt))
    return seen


def test_filing_on_postgres_writes_event_clocks_outbox_and_head_in_one_statement(pg_app: Flask) -> None:
    with pg_app.app_context():
        statements = _count_statements(db.engine)
        made = submit_ticket(db.session, NewTicket(channel=Channel.WECHAT, text="村干部把我家的低保金领走了",
                                                   provider_message_id="flush-1", openid="o-flush"),
                             look_up_first=False)
        # the ticket's insert, then everything else of the filing in one round trip
        assert len(statements) == 2, statements
        assert statements[1].lstrip().startswith("WITH")
        assert not db.session.new and not db.session.dirty
        ticket = made.ticket
        ev = db.session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)).one()
        assert (ev.seq, ev.kind) == (1, "submitted")
        head = db.session.execute(sa.select(Ticket.event_seq, Ticket.event_head).where(Ticket.id == ticket.id)).one()
        assert tuple(head) == (1, ev.hash)
        clocks = db.session.scalars(sa.select(Clock).where(Clock.ticket_id == ticket.id)).all()
        assert {c.name for c in clocks} == {"dispatch", "dispatch_target", "acceptance_notice"}
        assert all(c.due_at is not None and c.extensions == [] and c.round == 1 for c in clocks)
        row = db.session.scalars(sa.select(Outbox).where(Outbox.topic == "ticket.triage")).one()
        assert row.payload == {"ticket_id": ticket.id} and row.attempts == 0
        db.session.commit()
        assert list(verify_chains(db.session)) == []


def test_objects_end_persistent_with_ids_and_defaults(pg_app: Flask) -> None:
    with pg_app.app_context():
        made = submit_ticket(db.session, NewTicket(channel=Channel.WECHAT, text="低保评定优亲厚友",
                                                   provider_message_id="flush-2", openid="o-flush"))
        row = Outbox(topic="test.topic", payload={"n": 1})
        db.session.add(row)
        made.ticket.text = made.ticket.text + "（补充）"
        flush_at_once(db.session)
        state = sa.inspect(row)
        assert state.persistent and row.id is not None
        assert row.attempts == 0 and row.created_at is not None  # the columns' defaults, as a flush sets them
        assert not db.session.dirty and not db.session.new
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Outbox, row.id) is not None
        assert db.session.get(Ticket, made.ticket.id).text.endswith("（补充）")  # type: ignore[union-attr]


def test_what_it_cannot_write_takes_the_ordinary_flush(pg_app: Flask) -> None:
    with pg_app.app_context():
        made = submit_ticket(db.session, NewTicket(channel=Channel.WECHAT, text="临时救助被冒领",
                                                   provider_message_id="flush-3", openid="o-flush"))
        db.session.commit()
        ev = db.session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == made.ticket.id)).first()
        assert ev is not None
        chosen = Outbox(id=987654, topic="test.topic", payload={})  # an id given by the caller
        db.session.add(chosen)
        statements = _count_statements(db.engine)
        flush_at_once(db.session)
        assert chosen.id == 987654 and sa.inspect(chosen).persistent
        assert not any(s.lstrip().startswith("WITH") for s in statements)
        db.session.delete(ev)  # a delete: the ordinary flush (the chain check then sees it)
        flush_at_once(db.session)
        assert sa.inspect(ev).deleted
        db.session.rollback()


def test_on_sqlite_it_is_the_ordinary_flush(app: Flask) -> None:
    with app.app_context():
        made = submit_ticket(db.session, NewTicket(channel=Channel.WEB, text="低保金被挪用", anonymous=True))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Clock)
                                 .where(Clock.ticket_id == made.ticket.id)) == 3
        assert list(verify_chains(db.session)) == []


def test_none_is_written_as_the_ordinary_flush_writes_it(pg_app: Flask) -> None:
    with pg_app.app_context():
        made = submit_ticket(db.session, NewTicket(channel=Channel.WECHAT, text="低保金被挪用",
                                                   provider_message_id="flush-4", openid="o-flush"))
        row = Outbox(topic="test.none", payload={}, attempts=None)  # None where a default exists
        msg = ProviderMessage(channel="test", message_key="k-none", response=None)  # JSON None
        db.session.add_all([row, msg])
        made.ticket.text += "。"
        flush_at_once(db.session)
        assert row.attempts == 0
        db.session.commit()
        stored = db.session.execute(sa.text(
            "SELECT response IS NULL, response::text FROM provider_message WHERE message_key = 'k-none'")).one()
        assert tuple(stored) == (False, "null")  # the JSON null, as a flush stores it


def test_an_update_of_a_vanished_row_fails_and_leaves_nothing(pg_app: Flask) -> None:
    with pg_app.app_context():
        db.session.add(Outbox(topic="test.vanishing", payload={}))
        db.session.commit()
        row = db.session.scalars(sa.select(Outbox).where(Outbox.topic == "test.vanishing")).one()
        row.attempts = 3
        db.session.add(Outbox(topic="test.stale", payload={}))
        with db.engine.begin() as other:  # another connection deletes it behind the session's back
            other.execute(sa.text("DELETE FROM outbox WHERE id = :i"), {"i": row.id})
        with pytest.raises(StaleDataError):
            flush_at_once(db.session)
        assert not db.session().in_transaction()  # rolled back, as after a failed flush
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Outbox)
                                 .where(Outbox.topic == "test.stale")) == 0
