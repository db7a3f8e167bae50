"""WeChat retries a message it got no answer for: the same MsgId arriving concurrently at a
live server on PostgreSQL gives one ticket and the same reply."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import make_server

from intake.db import db
from intake.models import Ticket
from intake.models.infra import ProviderMessage
from tests.channels.wechat.conftest import URL
from tests.channels.wechat.wx import WeChat, payload


@pytest.fixture
def live(wx_pg_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, wx_pg_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{URL}"
    finally:
        server.shutdown()


@pytest.mark.parametrize("safe", [False, True], ids=["plain", "safe"])
def test_same_msgid_posted_concurrently_gives_one_ticket_and_the_same_reply(live: str, safe: bool) -> None:
    wechat = WeChat(safe)
    http = requests.Session()
    http.trust_env = False
    openid = "o_concurrent_citizen"

    def post(xml: str) -> str:
        query, body = wechat.request(xml)
        resp = http.post(live, params=query, data=body, timeout=10)
        assert resp.status_code == 200, resp.text
        return wechat.read(resp.content)

    post(payload("text", openid=openid, content="举报"))
    post(payload("text", openid=openid, content="福州市鼓楼区低保金迟迟不发放。"))
    submit = payload("text", openid=openid, content="提交", msg_id=880001)
    barrier = threading.Barrier(3)

    def deliver(_: int) -> str:
        barrier.wait()
        return post(submit)

    with ThreadPoolExecutor(3) as pool:
        replies = list(pool.map(deliver, range(3)))
    replies.append(post(submit))  # and once more, late
    assert re.search(r"受理编号：\d{13}", replies[0]), replies[0]
    assert len(set(replies)) == 1
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProviderMessage)
                             .where(ProviderMessage.message_key == "msg:880001")) == 1
