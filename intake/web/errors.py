"""Every error is JSON with a reason in Chinese and a stable code; never a bare 500 page."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from sqlalchemy.exc import DataError, DBAPIError
from werkzeug.exceptions import HTTPException

from intake.db import db
from intake.services.errors import DomainError

log = logging.getLogger(__name__)

_HTTP_REASONS = {
    400: ("bad_request", "请求格式不正确。"),
    401: ("unauthorized", "请先登录。"),
    403: ("forbidden", "没有权限。"),
    404: ("not_found", "未找到。"),
    405: ("method_not_allowed", "不支持该请求方法。"),
    413: ("too_large", "提交的内容过大。"),
    415: ("unsupported_media_type", "不支持的内容类型。"),
    429: ("rate_limited", "尝试次数过多，请稍后再试。"),
}


def error_response(status: int, code: str, message: str) -> Response:
    resp = jsonify(error=code, message=message)
    resp.status_code = status
    return resp


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Response:
        db.session.rollback()
        return error_response(exc.status, exc.code, exc.message)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        db.session.rollback()
        status = exc.code or 500
        code, message = _HTTP_REASONS.get(status, ("http_error", exc.description or "请求失败。"))
        resp = error_response(status, code, message)
        if status == 429 and exc.description:
            resp = error_response(status, code, exc.description)
        return resp

    @app.errorhandler(DataError)
    def _data(exc: DataError) -> Response:
        # A value the database cannot hold (out of range, too long): bad input, not a crash.
        db.session.rollback()
        return error_response(400, "value_out_of_range", "提交的数值超出允许范围。")

    @app.errorhandler(DBAPIError)
    def _db(exc: DBAPIError) -> Response:
        db.session.rollback()
        if exc.connection_invalidated:
            # The database dropped this pooled connection (restarted): the pool is renewed,
            # nothing was written, the client may simply retry.
            log.warning("database connection lost; pool renewed")
            resp = error_response(503, "database_reconnecting", "系统正在恢复连接，请稍后重试。")
            resp.headers["Retry-After"] = "1"
            return resp
        log.exception("database error")
        return error_response(500, "internal_error", "系统繁忙，请稍后再试。")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        db.session.rollback()
        log.exception("unhandled error")
        return error_response(500, "internal_error", "系统繁忙，请稍后再试。")
