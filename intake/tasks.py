"""Celery tasks and outbox handlers. Thin: open a unit of work, call one service.

Running a task twice changes nothing the second time: outbox rows are marked done in the
same transaction as their work and locked with SKIP LOCKED on PostgreSQL.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from intake.celery_app import celery, run_later
from intake.db import unit_of_work, utcnow
from intake.services import outbox

log = logging.getLogger(__name__)


@celery.task(name="intake.deliver_outbox", acks_late=True)
def deliver_outbox(outbox_id: int) -> bool:
    try:
        with unit_of_work() as session:
            return outbox.deliver(session, outbox_id)
    except Exception as exc:
        log.warning("outbox %s failed: %s", outbox_id, type(exc).__name__)
        with unit_of_work() as session:
            # Only the type and a provider error code: a message may quote personal data.
            code = getattr(exc, "errcode", None)
            outbox.record_failure(session, outbox_id, type(exc).__name__ + (f" errcode={code}" if code else ""))
        return False


@celery.task(name="intake.sweep_outbox", acks_late=True)
def sweep_outbox() -> int:
    with unit_of_work() as session:
        ids = outbox.due_ids(session, utcnow())
    done = 0
    for outbox_id in ids:
        done += bool(deliver_outbox.run(outbox_id))
    return done


@celery.task(name="intake.sweep_tracker", acks_late=True)
def sweep_tracker(now: str | None = None) -> dict[str, int]:
    """Reminders and 督办 that are due (``now``: ISO time, for replays; default the clock)."""
    import datetime as dt

    from intake.tracker.sweep import sweep_all

    report = sweep_all(dt.datetime.fromisoformat(now) if now else utcnow())
    return {"clocks": report.clocks, **report.counts}


@celery.task(name="intake.housekeeping", acks_late=True)
def housekeeping(now: str | None = None) -> dict[str, int]:
    """Delete what is kept only for a while (idempotent: a second run finds nothing)."""
    import datetime as dt

    from intake.services.housekeeping import purge_expired

    with unit_of_work() as session:
        return purge_expired(session, dt.datetime.fromisoformat(now) if now else utcnow())


_publisher: ThreadPoolExecutor | None = None
_publisher_pid = 0


def _publish(outbox_id: int) -> None:
    try:
        deliver_outbox.delay(outbox_id)
    except Exception as exc:  # the row stays pending; the sweep sends it
        log.warning("could not queue outbox %s: %s", outbox_id, type(exc).__name__)


def _kick(outbox_id: int) -> None:
    """After commit: hand the row to the queue. Publishing to the broker happens on a
    background thread so the request (WeChat's 5-second window) never waits on the broker;
    a row whose publish is lost with the process is picked up by the sweep."""
    global _publisher, _publisher_pid
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.extensions["intake.task_mode"] != "queue":
        run_later(app, _run_in_fresh_context, app, outbox_id)
        return
    if _publisher is None or _publisher_pid != os.getpid():  # a fresh pool after a fork
        _publisher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="intake-publish")
        _publisher_pid = os.getpid()
    _publisher.submit(_publish, outbox_id)


def _run_in_fresh_context(app: Any, outbox_id: int) -> None:
    # A new app context gets its own database session, apart from the caller's.
    with app.app_context():
        deliver_outbox.run(outbox_id)


def register_handlers() -> None:
    outbox.set_kicker(_kick)

    @outbox.register("ticket.triage")
    def _triage(session: Session, payload: dict[str, Any]) -> None:
        from intake.services.triage_flow import triage_ticket

        triage_ticket(session, int(payload["ticket_id"]))

    @outbox.register("citizen.notify")
    def _notify(session: Session, payload: dict[str, Any]) -> None:
        from intake.services.notify import deliver_citizen_message

        deliver_citizen_message(session, payload)


PERIODIC = (("outbox", 30.0), ("tracker", 300.0), ("housekeeping", 3600.0))
_periodic_started = False
_periodic_lock = threading.Lock()


def start_periodic_in_process(app: Any) -> None:
    """The embedded mode has no Celery beat: a daemon thread runs the same sweeps on the
    same schedule (outbox every 30 s, tracker every 5 min). Started by the web process on its
    first request, never at import time or in tests."""
    global _periodic_started
    with _periodic_lock:
        if _periodic_started:
            return
        _periodic_started = True

    def loop() -> None:
        next_run = {name: 0.0 for name, _ in PERIODIC}
        while True:
            now = time.monotonic()
            for name, every in PERIODIC:
                if now >= next_run[name]:
                    next_run[name] = now + every
                    try:
                        with app.app_context():
                            {"outbox": sweep_outbox, "tracker": sweep_tracker, "housekeeping": housekeeping}[name].run()
                    except Exception:
                        log.exception("periodic %s sweep failed; it runs again on schedule", name)
            time.sleep(1.0)

    threading.Thread(target=loop, name="intake-periodic", daemon=True).start()
