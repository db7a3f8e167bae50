"""Tasks over a real broker: a Celery worker (separate process, Redis) triages a ticket
filed through the API; with the broker down nothing is lost and the sweep delivers later."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from intake.db import db
from intake.models import Outbox, Ticket
from tests.conftest import sqlite_app

pytestmark = pytest.mark.broker


@pytest.fixture(scope="module")
def broker_url() -> str:
    url = os.environ.get("INTAKE_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("INTAKE_REQUIRE_BROKER") == "1":
            pytest.fail(f"broker required but not reachable at {url}")
        pytest.skip(f"broker tier SKIPPED: no Redis at {url}")
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def queued_app(sqlite_template: Path, tmp_path: Path, broker_url: str) -> Iterator[tuple[Flask, str]]:
    with sqlite_app(sqlite_template, tmp_path, broker_url=broker_url, task_mode="queue") as app:
        yield app, app.config["SQLALCHEMY_DATABASE_URI"]


def _worker(db_url: str, broker_url: str, tmp: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "INTAKE_MODE": "test", "INTAKE_DATABASE_URL": db_url, "INTAKE_BROKER_URL": broker_url,
           "INTAKE_TASK_MODE": "queue", "INTAKE_UPLOAD_DIR": str(tmp / "uploads"), "INTAKE_AUTO_DISPATCH": "false"}
    return subprocess.Popen(
        [sys.executable, "-m", "intake.cli", "worker", "--pool", "solo", "--concurrency", "1", "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _wait_triaged(reference: str, seconds: float = 60) -> Ticket:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.expire_all()
        t = db.session.scalar(sa.select(Ticket).where(Ticket.reference == reference))
        if t is not None and t.triaged_at is not None:
            return t
        time.sleep(0.3)
    raise AssertionError("the worker did not triage the ticket in time")


def test_worker_over_redis_triages_a_new_ticket(queued_app: tuple[Flask, str], broker_url: str,
                                                tmp_path: Path) -> None:
    app, db_url = queued_app
    worker = _worker(db_url, broker_url, tmp_path)
    try:
        resp = app.test_client().post("/api/v1/tickets", json={"text": "泉州市安溪县城厢镇低保评议不公开"})
        assert resp.status_code == 201
        ticket = _wait_triaged(resp.json["reference"])
        assert ticket.county_code == "350524"
        assert db.session.scalar(sa.select(sa.func.count(Outbox.id)).where(Outbox.done_at.is_(None))) == 0
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_dead_broker_loses_nothing_and_the_sweep_delivers(sqlite_template: Path, tmp_path: Path) -> None:
    with sqlite_app(sqlite_template, tmp_path, broker_url="redis://127.0.0.1:1/0", task_mode="queue") as app:
        resp = app.test_client().post("/api/v1/tickets", json={"text": "安溪县低保金发放拖欠"})
        assert resp.status_code == 201  # committed and acknowledged although the broker is down
        pending = db.session.scalar(sa.select(sa.func.count(Outbox.id)).where(Outbox.done_at.is_(None)))
        assert pending == 1
        from intake.tasks import sweep_outbox

        assert sweep_outbox.run() == 1
        db.session.expire_all()
        t = db.session.scalar(sa.select(Ticket).where(Ticket.reference == resp.json["reference"]))
        assert t is not None and t.triaged_at is not None
        assert sweep_outbox.run() == 0  # a second sweep finds nothing to do
