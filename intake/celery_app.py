"""The one Celery app. JSON only; tasks run inside a Flask app context.

Modes (``INTAKE_TASK_MODE``): ``queue`` sends to ``INTAKE_BROKER_URL`` (workers and beat run
separately); ``thread`` (the embedded default) runs tasks in-process on a background thread
after the commit, so a web request never waits for triage; ``sync`` runs them inline (tests).
"""

from __future__ import annotations

import atexit
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from celery import Celery, Task
from flask import Flask

from intake.config import Settings

log = logging.getLogger(__name__)

celery = Celery("intake")
_executor: ThreadPoolExecutor | None = None


def init_celery(app: Flask, settings: Settings) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    mode = settings.effective_task_mode
    celery.conf.update(
        broker_url=settings.broker_url or "memory://",
        result_backend=settings.result_backend or None,
        task_ignore_result=True,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_always_eager=mode != "queue",
        task_eager_propagates=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
        timezone="Asia/Shanghai",
        enable_utc=True,
        beat_schedule={
            "outbox-sweep": {"task": "intake.sweep_outbox", "schedule": 30.0},
            "tracker-sweep": {"task": "intake.sweep_tracker", "schedule": 300.0},
            "housekeeping": {"task": "intake.housekeeping", "schedule": 3600.0},
        },
    )
    celery.Task = FlaskTask
    app.extensions["celery"] = celery
    app.extensions["intake.task_mode"] = mode
    return celery


def run_later(app: Flask, fn: Any, *args: Any) -> None:
    """Run ``fn(*args)`` according to the task mode (after the caller's commit)."""
    global _executor
    mode = app.extensions["intake.task_mode"]
    if mode == "thread":
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="intake-task")
            atexit.register(_executor.shutdown, wait=True)
        _executor.submit(_in_context, app, fn, *args)
    else:
        fn(*args)


def _in_context(app: Flask, fn: Any, *args: Any) -> None:
    try:
        with app.app_context():
            fn(*args)
    except Exception:
        log.exception("in-process task failed; the outbox sweep retries")


def drain_executor() -> None:
    """Wait for in-process tasks (used by tests and the CLI before exit)."""
    global _executor
    if _executor is not None:
        _executor.shutdown(wait=True)
        _executor = None
