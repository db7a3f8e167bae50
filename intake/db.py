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
from sqlalchemy.orm.exc import StaleDataError

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


def _default_value(col: Any) -> Any:
    """The value a column's Python-side default gives a new row (None without one)."""
    default = col.default
    if default is None:
        return None
    return default.arg(None) if default.is_callable else default.arg


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
        row[col.key] = _default_value(col)
    new_id = session.connection().execute(stmt, row).scalar_one_or_none()
    if new_id is None:
        return None
    obj = model(id=new_id, **row)
    make_transient_to_detached(obj)  # known to be in the database as given: attach, no read
    session.add(obj)
    return obj


# ---------------------------------------------------------------- one-statement flush

_Shape = tuple[tuple[str, sa.Table, tuple[str, ...]], ...]
_MISSING = object()


@cache
def _flush_stmt(shape: _Shape) -> Any:
    """One statement for a shape of writes: each row an INSERT (or an UPDATE by id) in a
    data-modifying CTE returning its id, the final SELECT joining their one-row results."""
    ctes = []
    for i, (kind, table, cols) in enumerate(shape):
        params = {c: sa.bindparam(f"p{i}_{c}", type_=table.c[c].type) for c in cols}
        if kind == "insert":
            dml: Any = sa.insert(table).values(params)
        else:
            dml = sa.update(table).where(table.c.id == sa.bindparam(f"p{i}_id")).values(params)
        ctes.append(dml.returning(table.c.id).cte(f"w{i}"))
    joined: Any = ctes[0]
    for cte in ctes[1:]:
        joined = joined.join(cte, sa.true())
    return sa.select(*(cte.c.id.label(f"id{i}") for i, cte in enumerate(ctes))).select_from(joined)


@cache
def _plain_columns(mapper: Any) -> tuple[tuple[str, sa.Column[Any]], ...] | None:
    """The mapper's columns by attribute key, when it maps one table with an integer ``id``
    key and every column under its own name; else None."""
    if len(mapper.tables) != 1 or [c.key for c in mapper.primary_key] != ["id"]:
        return None
    if mapper.version_id_col is not None:
        return None
    cols = []
    for prop in mapper.column_attrs:
        if len(prop.columns) != 1 or prop.key != prop.columns[0].key:
            return None
        col = prop.columns[0]
        if col.onupdate is not None or col.server_onupdate is not None:
            return None  # values the flush computes on every update
        if col.default is not None and not (col.default.is_scalar or col.default.is_callable):
            return None  # a SQL expression or a sequence: only the database evaluates it
        cols.append((prop.key, col))
    return tuple(cols)


def flush_at_once(session: Session) -> None:
    """``session.flush()`` in one round trip on PostgreSQL, for a unit of work made of new
    rows and changed plain columns of loaded rows (a filing: its event, clocks and outbox
    row, and the ticket's chain head). The unit of work would send a statement per table and
    spend more on its bookkeeping than the database spends on the rows; here each row is a
    data-modifying CTE of one statement, built once per shape. Objects end as a flush leaves
    them: persistent, with their ids, nothing to write. Anything else (deletes, relationship
    changes, another dialect, a row without a plain ``id``) takes the ordinary flush."""
    if not is_postgres(session) or session.deleted:
        session.flush()
        return
    shape: list[tuple[str, sa.Table, tuple[str, ...]]] = []
    params: dict[str, Any] = {}
    writes: list[tuple[str, Any, dict[str, Any]]] = []
    for kind, objs in (("insert", list(session.new)), ("update", [o for o in session.dirty if session.is_modified(o)])):
        for obj in objs:
            state = sa.inspect(obj)
            mapper = state.mapper
            cols = _plain_columns(mapper)
            if cols is None or any(state.attrs[r.key].history.has_changes() for r in mapper.relationships):
                session.flush()
                return
            values: dict[str, Any] = {}
            defaulted: dict[str, Any] = {}
            if kind == "insert":
                given = state.dict
                if given.get("id") is not None:  # an id chosen by the caller: the flush keeps it
                    session.flush()
                    return
                for key, col in cols:
                    value = given.get(key, _MISSING)
                    if value is not _MISSING and (value is not None or col.type.should_evaluate_none):
                        values[key] = value  # (JSON keeps None: it is the JSON null)
                    elif key == "id":
                        continue
                    elif col.server_default is not None:
                        session.flush()  # a value only the database knows: let the flush read it back
                        return
                    elif col.default is not None:
                        # unset or None: as the flush, the column's default fills it
                        values[key] = defaulted[key] = _default_value(col)
            else:
                for key, _col in cols:
                    added = state.attrs[key].history.added
                    if added:
                        values[key] = added[0]
                if not values:
                    continue
                if "id" in values:  # a new primary key: the flush handles it
                    session.flush()
                    return
                params[f"p{len(shape)}_id"] = state.identity[0]
            if any(isinstance(v, sa.sql.ClauseElement) for v in values.values()):
                session.flush()  # a SQL expression as a value: the flush renders it
                return
            i = len(shape)
            shape.append((kind, mapper.local_table, tuple(values)))
            params.update({f"p{i}_{k}": v for k, v in values.items()})
            writes.append((kind, obj, defaulted))
    if not shape:
        return
    try:
        ids = session.connection().execute(_flush_stmt(tuple(shape)), params).one_or_none()
        if ids is None:  # an updated row is gone (the statement's inserts ran all the same)
            raise StaleDataError("flush_at_once: a row to update no longer exists")
    except BaseException:
        # As a failed flush: nothing of this transaction may be committed after it.
        session.rollback()
        raise
    for (kind, obj, defaulted), new_id in zip(writes, ids, strict=True):
        if kind == "insert":
            session.expunge(obj)
            for key, value in defaulted.items():  # as the flush sets them: the defaults used
                setattr(obj, key, value)
            obj.id = new_id
            make_transient_to_detached(obj)  # written as given: attach, no read
            session.add(obj)
        else:
            # As the flush ends: the values are the committed ones, nothing is left modified.
            state = sa.inspect(obj)
            state._commit_all(state.dict, session.identity_map)


def is_postgres(session: Session) -> bool:
    bind = session.get_bind()
    return bind.dialect.name == "postgresql"
