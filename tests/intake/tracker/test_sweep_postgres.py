"""Sweeps on a real PostgreSQL: two processes at once escalate each overdue clock once, and a
sweep repeated changes nothing (FOR UPDATE SKIP LOCKED plus the unique action key)."""

from __future__ import annotations

import multiprocessing as mp
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from intake.db import current_session
from intake.models import Channel, ClockAction, Outbox, TicketEvent
from intake.services import tickets as svc
from intake.tracker.sweep import sweep_all
from tests.intake.tracker.helpers import actor, bj, unit

TICKETS = 30
SWEEP_AT = bj(3, 7, 12)  # handling (due 03-06) and the acceptance notice (01-20) are overdue


def _file_overdue_tickets(n: int) -> None:
    s = current_session()
    dispatcher = actor("dispatcher")
    for i in range(n):
        made = svc.submit_ticket(s, svc.NewTicket(channel=Channel.API, text=f"低保发放问题 {i}",
                                                  received_at=bj(1, 5, 10)))
        # Triage done by hand (with its time) so the real triager has nothing left to do.
        svc.apply_triage(s, made.ticket, {"county_code": "350524", "urgent": False}, now=bj(1, 5, 10, 1))
        svc.dispatch_ticket(s, dispatcher, made.ticket, unit("350524"), now=bj(1, 5, 11))
    s.commit()


def _sweeper(url: str, tmp: str, barrier: Barrier, out: Any) -> None:
    from tests.conftest import build_app

    app = build_app(url, Path(tmp))
    with app.app_context():
        barrier.wait(timeout=60)
        report = sweep_all(SWEEP_AT, batch=4)
        out.put((report.clocks, dict(report.counts)))


def _escalations() -> list[tuple[int, int, int]]:
    rows = current_session().execute(
        sa.select(ClockAction.clock_id, ClockAction.level, sa.func.count())
        .where(ClockAction.kind == "escalation").group_by(ClockAction.clock_id, ClockAction.level)
    ).all()
    return [(a, b, c) for a, b, c in rows]


def test_two_sweeps_at_once_escalate_each_overdue_clock_once(pg_app: Flask, tmp_path: Path) -> None:
    _file_overdue_tickets(TICKETS)
    url = pg_app.config["SQLALCHEMY_DATABASE_URI"]
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_sweeper, args=(url, str(tmp_path / f"p{i}"), barrier, out)) for i in range(2)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    escalations = _escalations()
    # Per ticket: handling → 泉州, acceptance notice → the province (nobody above it).
    assert len(escalations) == 2 * TICKETS
    assert all(count == 1 for _clock, _level, count in escalations)
    assert sum(r[1].get("escalation", 0) for r in results) == 2 * TICKETS  # split, not doubled
    s = current_session()
    events = s.scalar(sa.select(sa.func.count()).where(TicketEvent.kind == "escalation"))
    notices = s.scalar(sa.select(sa.func.count()).where(Outbox.topic == "staff.notify"))
    assert events == notices == 2 * TICKETS


def test_a_repeated_sweep_changes_nothing(pg_app: Flask) -> None:
    _file_overdue_tickets(3)
    first = sweep_all(SWEEP_AT)
    assert first.counts["escalation"] == 6
    s = current_session()
    before = (s.scalar(sa.select(sa.func.count()).select_from(TicketEvent)),
              s.scalar(sa.select(sa.func.count()).select_from(Outbox)))
    again = sweep_all(SWEEP_AT)
    assert again.clocks == 0 and not again.lines
    s = current_session()
    after = (s.scalar(sa.select(sa.func.count()).select_from(TicketEvent)),
             s.scalar(sa.select(sa.func.count()).select_from(Outbox)))
    assert after == before
