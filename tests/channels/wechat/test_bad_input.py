"""Bad requests get a clear status and leave nothing behind: 403, 400 (no entity expanded), 413."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from intake.db import db
from intake.models import Ticket
from intake.models.infra import Conversation, ProviderMessage
from tests.channels.wechat.conftest import URL, Bot
from tests.channels.wechat.wx import WeChat, fixture, payload, signature


def _nothing_stored() -> None:
    db.session.expire_all()
    for model in (ProviderMessage, Conversation, Ticket):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0, model.__name__


def test_bad_signature_is_403(bot: Bot) -> None:
    status, _ = bot.post(payload("text", openid=bot.openid, content="举报"), bad_signature=True)
    assert status == 403
    _nothing_stored()


def test_safe_mode_with_a_forged_msg_signature_is_403(wx_app: Flask) -> None:
    wechat = WeChat(safe=True)
    query, body = wechat.request(payload("text", openid="o_x", content="举报"))
    query["msg_signature"] = "0" * 40
    resp = wx_app.test_client().post(URL, query_string=query, data=body)
    assert resp.status_code == 403
    _nothing_stored()


@pytest.mark.parametrize("name", ["malformed.xml", "billion_laughs.xml", "xxe.xml"])
def test_hostile_or_malformed_xml_is_400_with_nothing_stored(bot: Bot, name: str) -> None:
    status, body = bot.post(fixture(name))
    assert status == 400
    assert b"lol" not in body and b"root:" not in body
    _nothing_stored()


def test_entity_payload_sent_plainly_in_safe_mode_url_is_400(wx_app: Flask) -> None:
    # Attacker posts the billion-laughs document directly, with a valid URL signature.
    q = {"timestamp": "1767225600", "nonce": "7", "encrypt_type": "aes", "msg_signature": "x"}
    q["signature"] = signature(WeChat(True).token, q["timestamp"], q["nonce"])
    resp = wx_app.test_client().post(URL, query_string=q, data=fixture("billion_laughs.xml"))
    assert resp.status_code == 400
    _nothing_stored()


def test_oversize_body_is_413(bot: Bot) -> None:
    big = payload("text", openid=bot.openid, content="投" * 40_000)
    status, _ = bot.post(big)
    assert status == 413
    _nothing_stored()


def test_a_non_message_document_is_400(bot: Bot) -> None:
    status, _ = bot.post("<html><body>hi</body></html>")
    assert status == 400
    _nothing_stored()
