"""Staff authentication: a session cookie with a CSRF token for browsers, bearer tokens for
API clients. Also the shared rate limiter for guessable look-ups (query codes, logins)."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Callable
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, abort, jsonify, request, session
from werkzeug.exceptions import TooManyRequests

from intake.crypto import constant_time_equal, hash_password, token_digest, verify_password
from intake.db import db, upsert_insert, utcnow
from intake.models import ApiToken, KeyValue, User
from intake.services.context import settings
from intake.web.errors import error_response
from intake.web.jsonbody import json_body, opt_str, req_str

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")
F = TypeVar("F", bound=Callable[..., Any])
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def current_user() -> User | None:
    # Cached on the request (not on g, which outlives a request inside an outer app context).
    if "intake.user" in request.environ:
        return cast(User | None, request.environ["intake.user"])
    user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = header.removeprefix("Bearer ").strip()
        row = db.session.scalar(
            sa.select(ApiToken).where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))
        )
        user = row.user if row and row.user.active else None
        request.environ["intake.auth"] = "bearer"
    elif session.get("user_id"):
        found = db.session.get(User, session["user_id"])
        user = found if found and found.active else None
        request.environ["intake.auth"] = "session"
    request.environ["intake.user"] = user
    return user


def staff_required(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = current_user()
        if user is None:
            return error_response(401, "unauthorized", "请先登录。")
        if request.environ.get("intake.auth") == "session" and request.method not in SAFE_METHODS:
            sent = request.headers.get("X-CSRF-Token", "")
            expected = session.get("csrf_token", "")
            if not sent or not expected or not constant_time_equal(sent, expected):
                return error_response(403, "csrf_failed", "页面已过期，请刷新后重试。")
        return fn(*args, **kwargs)

    return cast(F, wrapper)


def rate_limit(scope: str, limit: int | None = None, window_s: int | None = None) -> None:
    """Count one attempt for this client; 429 past the limit. Shared through the database so
    every web process enforces the same budget."""
    s = settings()
    limit = limit or s.query_rate_limit
    window_s = window_s or s.query_rate_window_s
    now = utcnow()
    bucket = int(now.timestamp()) // window_s
    key = f"rl:{scope}:{request.remote_addr}:{bucket}"[:128]
    # Counted in a transaction of its own, committed before the guess is checked: a wrong
    # guess ends in a rollback of the request, which must not take the count with it. One
    # atomic upsert, so concurrent first attempts do not collide on the key.
    table = KeyValue.__table__
    stmt = upsert_insert(db.engine, table).values(key=key, value="1", expires_at=now + dt.timedelta(seconds=window_s))
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"value": sa.cast(sa.cast(table.c.value, sa.Integer) + 1, sa.Text)},
    ).returning(table.c.value)
    with db.engine.begin() as conn:
        count = int(conn.execute(stmt).scalar_one())
    if count > limit:
        raise TooManyRequests("尝试次数过多，请稍后再试。")




_DUMMY_PASSWORD_HASH = hash_password("not-a-real-password")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.post("/login")
def login() -> Response:
    body = json_body()
    username = req_str(body, "username", 64)
    password = req_str(body, "password", 256)
    rate_limit("login", limit=20)
    user = db.session.scalar(sa.select(User).where(User.username == username))
    # Verify against a dummy hash for an unknown name, so timing does not reveal which names exist.
    ok = verify_password(user.password_hash if user else _DUMMY_PASSWORD_HASH, password)
    if user is None or not user.active or not ok:
        abort(_unauthorized("用户名或密码不正确。"))
    session.clear()
    session["user_id"] = user.id
    session["csrf_token"] = secrets.token_urlsafe(32)
    session.permanent = False
    return jsonify(user=user.username, roles=user.roles, csrf_token=session["csrf_token"])


@bp.post("/logout")
def logout() -> Response:
    session.clear()
    return jsonify(status="ok")


def _unauthorized(message: str) -> Response:
    return error_response(401, "bad_credentials", message)


__all__ = ["bp", "current_user", "opt_str", "rate_limit", "staff_required"]
