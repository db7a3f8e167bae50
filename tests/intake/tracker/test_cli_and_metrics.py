"""The tracker's commands (through Flask's CLI runner) and the supervisors' metrics endpoint."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from intake.cli import main
from intake.db import current_session
from intake.models import Channel
from intake.services import tickets as svc
from intake.services.org import DEMO_PASSWORD
from tests.intake.tracker.helpers import actor, bj, unit


def _run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(main, list(args))  # the `intake` command, on this app
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_add_working_days_skips_national_day_and_counts_the_make_up_saturday(app: Flask) -> None:
    assert _run(app, "calendar", "add-working-days", "2026-09-30", "5") == "2026-10-13"


def test_is_workday_knows_make_up_days_and_holidays(app: Flask) -> None:
    assert _run(app, "calendar", "is-workday", "2026-10-10") == "true"
    assert _run(app, "calendar", "is-workday", "2026-10-05") == "false"
    assert _run(app, "calendar", "is-workday", "2026-02-28") == "true"
    assert _run(app, "calendar", "is-workday", "2026-02-16") == "false"


def test_policy_show_prints_the_active_pack(app: Flask) -> None:
    out = _run(app, "policy", "show")
    assert out.startswith("fujian-2022 2022.1")
    assert "handle" in out and "objection" in out and "信访工作条例" in out


def _overdue_ticket() -> None:
    s = current_session()
    made = svc.submit_ticket(s, svc.NewTicket(channel=Channel.API, text="临时救助被推诿", received_at=bj(1, 5, 10)))
    svc.apply_triage(s, made.ticket, {"county_code": "350524", "urgent": False}, now=bj(1, 5, 10, 1))
    svc.dispatch_ticket(s, actor("dispatcher"), made.ticket, unit("350524"), now=bj(1, 5, 11))
    s.commit()


def test_tracker_sweep_prints_what_it_did_and_nothing_the_second_time(app: Flask) -> None:
    _overdue_ticket()
    out = _run(app, "tracker", "sweep", "--now", "2026-03-07T12:00:00+08:00")
    assert "handle: escalation level 1 -> 3505" in out
    assert "2 escalation(s)" in out
    again = _run(app, "tracker", "sweep", "--now", "2026-03-07T12:00:00+08:00")
    assert again.startswith("swept 0 due clock(s)")


def _login(client: FlaskClient, username: str) -> None:
    resp = client.post("/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert resp.status_code == 200


def test_metrics_show_the_supervisors_counties_only(app: Flask, client: FlaskClient) -> None:
    s = current_session()
    _overdue_ticket()  # handling due 2026-03-06, still open: overdue in March
    made = svc.submit_ticket(s, svc.NewTicket(channel=Channel.API, text="低保", received_at=bj(3, 2, 10)))
    svc.apply_triage(s, made.ticket, {"county_code": "350524", "urgent": False}, now=bj(3, 2, 10, 1))
    t = made.ticket
    svc.dispatch_ticket(s, actor("dispatcher"), t, unit("350521"), now=bj(3, 2, 11))
    svc.object_to_assignment(s, actor("handler-350521"), t, "不属本县", now=bj(3, 3, 11))
    svc.dispatch_ticket(s, actor("dispatcher"), t, unit("350524"), now=bj(3, 3, 15))
    h = actor("handler-350524")
    svc.accept_ticket(s, h, t, now=bj(3, 4, 9))
    svc.record_verification(s, h, t, "核查", now=bj(3, 5, 9))
    svc.record_decision(s, h, t, "决定", now=bj(3, 6, 9))
    s.commit()  # ticket.events is a view-only relationship, read fresh after the commit
    svc.reply_to_ticket(s, h, t, "答复", now=bj(3, 9, 9))
    svc.rate_ticket(s, t, 5, now=bj(3, 10, 9))
    s.commit()

    _login(client, "supervisor-3505")
    body = client.get("/api/v1/staff/metrics?period=2026-03").json
    rows = {r["county_code"]: r for r in body["counties"]}
    assert rows["350524"]["on_time_rate"] == 1.0 and rows["350524"]["satisfaction_rate"] == 1.0
    assert rows["350524"]["overdue"] == 1
    assert rows["350521"]["objection_rate"] == 1.0
    assert rows["350524"]["objection_rate"] == 0.0
    assert all(code.startswith("3505") for code in rows)

    client.post("/api/v1/auth/logout")
    _login(client, "handler-350524")
    assert client.get("/api/v1/staff/metrics?period=2026-03").status_code == 403
