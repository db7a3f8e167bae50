"""The composition root: ``create_app`` wires settings, database, tasks, web and channels.

Nothing happens at import time. Channels are found by name from configuration
(``INTAKE_CHANNELS=wechat,phone``), so the core never imports a channel module.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import Migrate

from intake.config import Settings, load_settings
from intake.crypto import Vault
from intake.db import db
from intake.ports import NotifierRegistry

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(settings: Settings | None = None, test_config: dict[str, Any] | None = None) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__, instance_relative_config=False)
    root = Path.cwd()
    db_url = settings.database_url
    if db_url.startswith("sqlite:///") and not db_url.startswith("sqlite:////"):
        path = root / db_url.removeprefix("sqlite:///")
        path.parent.mkdir(parents=True, exist_ok=True)
        db_url = f"sqlite:///{path}"
    upload_dir = Path(settings.upload_dir)
    if not upload_dir.is_absolute():
        upload_dir = root / upload_dir
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=db_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(db_url),
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        UPLOAD_DIR=str(upload_dir),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if settings.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Rate limits are per client: behind a proxy the client is in X-Forwarded-For.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops)  # type: ignore[method-assign]

    app.extensions["intake.settings"] = settings
    app.extensions["intake.vault"] = Vault(settings.pii_keys, settings.hash_key)
    app.extensions["intake.notifiers"] = NotifierRegistry()

    db.init_app(app)
    import intake.models  # noqa: F401 - register every table on the metadata

    Migrate(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    _configure_sqlite(app)

    from intake import tasks
    from intake.celery_app import init_celery

    init_celery(app, settings)
    tasks.register_handlers()

    from intake.web import init_web

    init_web(app)
    if settings.effective_task_mode == "thread" and settings.mode != "test":

        @app.before_request
        def _start_sweeps() -> None:
            tasks.start_periodic_in_process(app)

    from intake import tracker

    tracker.init_app(app)
    for name in settings.channels:
        module = importlib.import_module(f"channels.{name}")
        module.init_app(app)
    logging.getLogger("intake").setLevel(logging.INFO)
    return app


def _engine_options(url: str) -> dict[str, Any]:
    # hide_parameters: an error message must never carry a petitioner's text or identity.
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}, "hide_parameters": True}
    # No pre-ping: it costs a round trip on every request. A connection the server dropped
    # (a restart) fails the one request that meets it with a 503 (intake.web.errors), and
    # SQLAlchemy then discards the whole pool; recycling retires idle connections early.
    return {"pool_pre_ping": False, "pool_recycle": 600, "hide_parameters": True}


def _configure_sqlite(app: Flask) -> None:
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite":
            return

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
