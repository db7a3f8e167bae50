"""Bad input gets a clear answer (400/413 with a reason), never a 500, never a partial row."""

from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from intake.db import db
from intake.models import Attachment, Outbox, Ticket, TicketEvent

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CASES = [
    ("not json", {"data": "text=hello", "content_type": "application/x-www-form-urlencoded"}, 400, "not_json"),
    ("broken json", {"data": '{"text": "低保', "content_type": "application/json"}, 400, "bad_json"),
    ("json array", {"json": ["低保"]}, 400, "bad_json"),
    ("text missing", {"json": {"county_code": "350524"}}, 400, "field_missing"),
    ("text wrong type", {"json": {"text": 12345}}, 400, "field_missing"),
    ("anonymous wrong type", {"json": {"text": "低保问题", "anonymous": "no"}}, 400, "field_type"),
    ("county wrong type", {"json": {"text": "低保问题", "county_code": 350524}}, 400, "field_type"),
    ("text 20000 chars", {"json": {"text": "低" * 20_000}}, 400, "text_too_long"),
    ("unknown county", {"json": {"text": "低保问题", "county_code": "359999"}}, 400, "region_unknown"),
    ("township outside county", {"json": {"text": "低保问题", "county_code": "350524",
                                           "township_code": "350102001"}}, 400, "township_mismatch"),
    ("control characters", {"json": {"text": "低保\x00问题\x07"}}, 400, "text_control_chars"),
    ("unknown field", {"json": {"text": "低保问题", "secret": 1}}, 400, "unknown_field"),
    ("named without contact", {"json": {"text": "低保问题", "anonymous": False, "name": "李四"}}, 400,
     "identity_incomplete"),
    ("bad phone", {"json": {"text": "低保问题", "anonymous": False, "name": "李四", "phone": "abc"}}, 400,
     "phone_format"),
    ("bad id number", {"json": {"text": "低保问题", "anonymous": False, "name": "李四", "phone": "13800000000",
                                "id_number": "350524199001011234"}}, 400, "id_number_check"),
    ("attachment not base64", {"json": {"text": "低保问题", "attachments": [{"filename": "a.png",
                                                                             "content_base64": "!!!"}]}}, 400,
     "attachment_encoding"),
    ("attachment wrong type", {"json": {"text": "低保问题", "attachments": [
        {"filename": "a.exe", "content_base64": base64.b64encode(b"MZ\x90\x00" * 10).decode()}]}}, 400,
     "attachment_type"),
    ("attachment too large", {"json": {"text": "低保问题", "attachments": [
        {"filename": "big.png", "content_base64": base64.b64encode(PNG + b"\x00" * (8 * 1024 * 1024)).decode()}]}},
     413, "attachment_too_large"),
    ("body too large", {"data": b"{" + b" " * (13 * 1024 * 1024) + b"}", "content_type": "application/json"}, 413,
     "too_large"),
]


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(m)) or 0 for m in (Ticket, TicketEvent, Attachment,
                                                                                    Outbox)
    )


@pytest.mark.parametrize(("name", "kwargs", "status", "code"), CASES, ids=[c[0] for c in CASES])
def test_malformed_body_gets_reason_and_writes_nothing(
    client: FlaskClient, name: str, kwargs: dict[str, object], status: int, code: str
) -> None:
    before = _counts()
    resp = client.post("/api/v1/tickets", **kwargs)  # type: ignore[arg-type]
    assert resp.status_code == status, (name, resp.get_data(as_text=True)[:200])
    assert resp.json["error"] == code
    assert resp.json["message"]  # a reason a person can read
    db.session.expire_all()
    assert _counts() == before


def test_valid_attachment_is_stored_outside_the_database(client: FlaskClient, app) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    resp = client.post("/api/v1/tickets", json={"text": "低保问题附照片", "attachments": [
        {"filename": "photo.png", "content_base64": base64.b64encode(PNG).decode()}]})
    assert resp.status_code == 201
    att = db.session.scalar(sa.select(Attachment))
    assert att is not None and att.content_type == "image/png" and att.size == len(PNG)
    assert (Path(app.config["UPLOAD_DIR"]) / att.storage_key).read_bytes() == PNG


def test_unknown_route_and_method_are_json(client: FlaskClient) -> None:
    assert client.get("/api/v1/nope").json["error"] == "not_found"
    assert client.put("/api/v1/tickets").json["error"] == "method_not_allowed"
