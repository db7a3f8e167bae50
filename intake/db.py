"""Database handle and the unit of work.

Services only ``flush()``. The boundary (request, task, CLI command) commits once, then runs
the callbacks registered with :func:`after_commit` (queue sends, notifications). A rollback
discards them, so nothing leaves the process for work that was not saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

_AFTER_COMMIT_KEY = "intake_after_commit"


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite keeps no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused; pass an aware UTC datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def current_session() -> Session:
    """The request's (or task's) session, typed as a plain Session for the services."""
    return db.session()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` after the session's transaction commits; dropped on rollback."""
    session.info.setdefault(_AFTER_COMMIT_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop(_AFTER_COMMIT_KEY, [])
    for cb in callbacks:
        try:
            cb()
        except Exception:  # a dead broker must not fail a committed request
            import logging

            logging.getLogger(__name__).exception("after-commit callback failed; the sweep retries")


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT_KEY, None)


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Commit on success, roll back on error. For tasks and CLI commands."""
    session = current_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        db.session.remove()


def upsert_insert(bind: Any, target: Any) -> Any:
    """An INSERT that supports ``on_conflict_do_*`` for the bind's dialect (PostgreSQL,
    SQLite); ``bind`` may also be the dialect's name (for statements built once and cached)."""
    name = bind if isinstance(bind, str) else bind.dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(target)
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(target)
    raise NotImplementedError(f"upsert not supported on {name}")


@cache
def _insert_or_skip_stmt(table: sa.Table, dialect: str) -> Any:
    return upsert_insert(dialect, table).on_conflict_do_nothing().returning(table.c.id)


def insert_or_skip(session: Session, model: type[Any], values: dict[str, Any]) -> Any | None:
    """Insert one row with ON CONFLICT DO NOTHING (any unique key) and return it as a
    persistent instance, or None when a unique key was taken. One Core statement built once
    per model and dialect, returning only the id; the instance is built from the values and
    the columns' defaults (models without server-side defaults only), so nothing is read
    back and no savepoint is needed for the conflict."""
    table = model.__table__
    dialect = str(session.get_bind().dialect.name)
    stmt = _insert_or_skip_stmt(table, dialect)
    row = dict(values)
    for col in table.c:
        if col.key in row or col.primary_key:
            continue
        default = col.default
        if default is None:
            row[col.key] = None
        elif default.is_callable:
            row[col.key] = default.arg(None)
        else:
            row[col.key] = default.arg
    new_id = session.connection().execute(stmt, row).scalar_one_or_none()
    if new_id is None:
        return None
    obj = model(id=new_id, **row)
    make_transient_to_detached(obj)  # known to be in the database as given: attach, no read
    session.add(obj)
    return obj


def is_postgres(session: Session) -> bool:
    bind = session.get_bind()
    return bind.dialect.name == "postgresql"
