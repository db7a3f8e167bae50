"""Fixtures for every tier.

- ``app``: SQLite, schema from the models, tasks run inline (quick unit tier).
- ``pg_app``: a real PostgreSQL migrated with Alembic to head (integration tier).
Both come with regions, units and the demo users seeded, and a recording notifier.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from intake.app import create_app
from intake.config import load_settings
from intake.db import db
from intake.ports import RecordingNotifier
from tests import pg

os.environ.setdefault("JIEBA_CACHE_DIR", "")  # triage keeps its own cache beside its data


def build_app(db_url: str, tmp: Path, **overrides: object) -> Flask:
    settings = load_settings(
        {},
        mode="test",
        database_url=db_url,
        **{"task_mode": "sync", "upload_dir": str(tmp / "uploads"), "auto_dispatch": False, **overrides},
    )
    app = create_app(settings, test_config={"TESTING": True})
    recorder = RecordingNotifier()
    registry = app.extensions["intake.notifiers"]
    registry.default = recorder
    app.extensions["test.recorder"] = recorder
    return app


def seed(app: Flask) -> None:
    from intake.services import org

    with app.app_context():
        org.seed_regions(db.session)
        org.seed_units(db.session)
        org.seed_demo_users(db.session)
        db.session.commit()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("template")
    path = tmp / "template.sqlite3"
    app = build_app(f"sqlite:///{path}", tmp)
    with app.app_context():
        db.create_all()
    seed(app)
    with app.app_context():
        db.engine.dispose()
    return path


@contextmanager
def running_app(db_url: str, tmp: Path, *, truncate: bool = False, **overrides: object) -> Iterator[Flask]:
    """An app with its context pushed; ``truncate`` empties every table but the seeded ones."""
    application = build_app(db_url, tmp, **overrides)
    with application.app_context():
        if truncate:
            tables = [t.name for t in db.metadata.sorted_tables if t.name not in KEEP_TABLES]
            with db.engine.begin() as conn:
                conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        yield application
        db.session.remove()
        db.engine.dispose()


@contextmanager
def sqlite_app(template: Path, tmp: Path, **overrides: object) -> Iterator[Flask]:
    """A fresh copy of the seeded SQLite template, served by an app built with ``overrides``."""
    path = tmp / f"app-{len(list(tmp.glob('app-*.sqlite3')))}.sqlite3"
    shutil.copy(template, path)
    with running_app(f"sqlite:///{path}", tmp, **overrides) as application:
        yield application


@pytest.fixture
def app(sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    with sqlite_app(sqlite_template, tmp_path) as application:
        yield application


@pytest.fixture
def client(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def recorder(app: Flask) -> RecordingNotifier:
    return app.extensions["test.recorder"]  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    with pg.postgres_server() as server:
        if server is None:
            if os.environ.get("INTAKE_REQUIRE_POSTGRES") == "1":
                pytest.fail("PostgreSQL tier required but no server: "
                            "set INTAKE_TEST_DATABASE_URL or install PostgreSQL")
            pytest.skip("PostgreSQL tier SKIPPED: no INTAKE_TEST_DATABASE_URL and no initdb found")
        with pg.fresh_database(server) as url:
            yield url


@pytest.fixture(scope="session")
def pg_migrated(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    from flask_migrate import upgrade

    app = build_app(pg_url, tmp_path_factory.mktemp("pg"))
    with app.app_context():
        upgrade()
    seed(app)
    with app.app_context():
        db.engine.dispose()
    return pg_url


KEEP_TABLES = {"region", "unit", "app_user", "alembic_version"}


@pytest.fixture
def pg_app(pg_migrated: str, tmp_path: Path) -> Iterator[Flask]:
    with running_app(pg_migrated, tmp_path, truncate=True) as application:
        yield application


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "pg_app" in getattr(item, "fixturenames", ()) or "pg_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
