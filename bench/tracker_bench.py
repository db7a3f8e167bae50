"""Tracker sweep cost follows what is due, not what is stored (issue 4, DESIGN §9).

Two throwaway PostgreSQL databases, migrated to head: one with 20,000 stored tickets (one
handling clock each), one with 1,000,000; in both, the same 10,000 clocks are overdue. One
sweep over each escalates those 10,000 (event, action row, outbox notice each) and the ratio
of the two times is printed (target ≤ 2×). Rows are made with ``INSERT … SELECT
generate_series`` so setting up a million takes seconds.

Server: ``INTAKE_TEST_DATABASE_URL`` (as the tests), else a throwaway ``initdb`` cluster, else
the local postgresql://postgres@127.0.0.1:5432/postgres. Run: ``python -m bench.tracker_bench``.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import sqlalchemy as sa

DUE = 10_000
SMALL, LARGE = 20_000, 1_000_000
SWEEP_AT = dt.datetime(2026, 3, 7, 4, 0, tzinfo=dt.UTC)  # handling due 03-06 23:59:59 +08:00 has passed
LOCAL_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

TICKETS_SQL = """
INSERT INTO ticket (id, reference, query_code_hash, channel, received_at, text, anonymous, issues,
                    discipline, urgent, status, assigned_unit_id, county_code, assignment_locked,
                    dispatched_at, review_level, event_seq, event_head)
SELECT i, lpad(i::text, 13, '0'), 'x', 'api', TIMESTAMPTZ '2026-01-05 02:00+00', '低保发放问题', true, '[]',
       false, false, 'dispatched', :unit_id, '350524', false, TIMESTAMPTZ '2026-01-05 03:00+00', 0, 0, ''
FROM generate_series(1, :n) AS i
"""

CLOCKS_SQL = """
INSERT INTO tracker_clock (ticket_id, name, pack_id, pack_version, region_code, state, round, started_at,
                           due_at, extensions, pauses, escalation_level, next_action_at, updated_at)
SELECT i, 'handle', 'fujian-2022', '2022.1', '350524', 'running', 1, TIMESTAMPTZ '2026-01-05 03:00+00',
       CASE WHEN i <= :due THEN TIMESTAMPTZ '2026-03-06 15:59:59+00' ELSE TIMESTAMPTZ '2027-03-06 15:59:59+00' END,
       '[]', '[]', 0,
       CASE WHEN i <= :due THEN TIMESTAMPTZ '2026-03-06 16:00:00+00' ELSE TIMESTAMPTZ '2027-01-01 00:00+00' END,
       TIMESTAMPTZ '2026-01-05 03:00+00'
FROM generate_series(1, :n) AS i
"""


def _prepare(app: object, stored: int) -> float:
    from flask_migrate import upgrade

    from intake.db import db
    from intake.services import org
    from intake.services.tickets import civil_unit_for

    started = time.perf_counter()
    with app.app_context():  # type: ignore[attr-defined]
        upgrade()
        org.seed_regions(db.session)
        org.seed_units(db.session)
        db.session.commit()
        unit = civil_unit_for(db.session, "350524")
        assert unit is not None
        with db.engine.begin() as conn:
            conn.execute(sa.text(TICKETS_SQL), {"n": stored, "unit_id": unit.id})
            conn.execute(sa.text(f"SELECT setval('ticket_id_seq', {stored})"))
            conn.execute(sa.text(CLOCKS_SQL), {"n": stored, "due": DUE})
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE ticket"))
            conn.execute(sa.text("VACUUM ANALYZE tracker_clock"))
    return time.perf_counter() - started


def _sweep(app: object) -> tuple[float, int]:
    from intake.tracker.sweep import sweep_all

    with app.app_context():  # type: ignore[attr-defined]
        started = time.perf_counter()
        report = sweep_all(SWEEP_AT)
        took = time.perf_counter() - started
    return took, report.counts["escalation"]


def _app(url: str, tmp: Path) -> object:
    from intake.app import create_app
    from intake.config import load_settings

    settings = load_settings({}, mode="test", database_url=url, task_mode="sync", upload_dir=str(tmp / "up"))
    app = create_app(settings)
    # Measure the sweep, not the notifier: the outbox rows stay pending for the outbox sweep
    # (in production they go to the broker after the commit), and one log line per
    # escalation is not what is being timed.
    from intake.services import outbox

    outbox.set_kicker(None)
    logging.getLogger("intake.tracker.sweep").setLevel(logging.WARNING)
    return app


def main() -> None:
    from tests import pg

    with ExitStack() as stack:
        server = stack.enter_context(pg.postgres_server()) or LOCAL_SERVER
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        results = {}
        for stored in (SMALL, LARGE):
            url = stack.enter_context(pg.fresh_database(server))
            app = _app(url, tmp)
            setup = _prepare(app, stored)
            took, escalated = _sweep(app)
            assert escalated == DUE, f"expected {DUE} escalations, got {escalated}"
            results[stored] = took
            print(f"sweep over {stored:>9,} stored clocks, {DUE:,} due: {took:6.2f} s "
                  f"({DUE / took:,.0f} escalations/s; setup {setup:.1f} s)", flush=True)
            with app.app_context():  # type: ignore[attr-defined]
                from intake.db import db

                db.engine.dispose()
        ratio = results[LARGE] / results[SMALL]
        verdict = "ok" if ratio <= 2 else "TOO SLOW"
        print(f"ratio 1,000,000 stored / 20,000 stored: {ratio:.2f}x (target <= 2x): {verdict}")


if __name__ == "__main__":
    main()
