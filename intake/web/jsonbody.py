"""Strict JSON bodies: a clear 400 for anything that is not the expected shape."""

from __future__ import annotations

from typing import Any

from flask import request

from intake.services.errors import ValidationFailed


def json_body(allowed: set[str] | None = None) -> dict[str, Any]:
    if not request.is_json:
        raise ValidationFailed("请求体必须是 JSON（Content-Type: application/json）。", "not_json")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("请求体不是有效的 JSON 对象。", "bad_json")
    if allowed is not None:
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ValidationFailed(f"不认识的字段：{', '.join(unknown)[:200]}。", "unknown_field")
    return data


def req_str(body: dict[str, Any], key: str, limit: int) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(f"缺少字段 {key}，或其不是文字。", "field_missing")
    if len(value) > limit:
        raise ValidationFailed(f"字段 {key} 过长。", "field_too_long")
    return value


def opt_str(body: dict[str, Any], key: str, limit: int) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationFailed(f"字段 {key} 必须是文字。", "field_type")
    if len(value) > limit:
        raise ValidationFailed(f"字段 {key} 过长。", "field_too_long")
    return value


def opt_bool(body: dict[str, Any], key: str, default: bool) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        raise ValidationFailed(f"字段 {key} 必须是 true 或 false。", "field_type")
    return value


def req_int(body: dict[str, Any], key: str) -> int:
    value = body.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationFailed(f"字段 {key} 必须是整数。", "field_type")
    return value
