"""`upgrade head` on an empty PostgreSQL yields exactly the models' schema."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from intake.db import db
from tests import pg
from tests.conftest import build_app


def test_upgrade_head_matches_models(pg_url: str, tmp_path: Path) -> None:
    from flask_migrate import upgrade

    with pg.fresh_database(pg_url) as url:
        app = build_app(url, tmp_path)
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                ctx = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(ctx, db.metadata)
            db.engine.dispose()
    assert diff == []


def test_upgrade_head_on_sqlite_matches_models(tmp_path: Path) -> None:
    from flask_migrate import upgrade

    app = build_app(f"sqlite:///{tmp_path / 'm.sqlite3'}", tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        db.engine.dispose()
    assert diff == []
