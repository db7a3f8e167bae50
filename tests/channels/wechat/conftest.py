"""Fixtures for the WeChat channel: an app with the channel on (SQLite or PostgreSQL), a fake
WeChat API on loopback, and a ``Bot`` that talks to the webhook as WeChat would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.channels.wechat.wx import AES_KEY, APP_ID, APP_SECRET, TOKEN, FakeWeChatAPI, WeChat, payload
from tests.conftest import running_app, sqlite_app

URL = "/channels/wechat"


def wechat_settings(api_base: str) -> dict[str, object]:
    return {
        "channels": ("wechat",),
        "wechat_token": TOKEN,
        "wechat_app_id": APP_ID,
        "wechat_app_secret": APP_SECRET,
        "wechat_aes_key": AES_KEY,
        "wechat_api_base": api_base,
    }


@pytest.fixture
def fake_api() -> Iterator[FakeWeChatAPI]:
    with FakeWeChatAPI() as api:
        yield api


@pytest.fixture
def wx_app(sqlite_template: Path, tmp_path: Path, fake_api: FakeWeChatAPI) -> Iterator[Flask]:
    with sqlite_app(sqlite_template, tmp_path, **wechat_settings(fake_api.base)) as app:
        yield app


@pytest.fixture
def wx_pg_app(pg_migrated: str, tmp_path: Path, fake_api: FakeWeChatAPI) -> Iterator[Flask]:
    with running_app(pg_migrated, tmp_path, truncate=True, **wechat_settings(fake_api.base)) as app:
        yield app


class Bot:
    """One citizen talking to the webhook through Flask's test client."""

    def __init__(self, app: Flask, safe: bool, openid: str = "o_citizen_0001") -> None:
        self.client = app.test_client()
        self.wechat = WeChat(safe)
        self.openid = openid

    def post(self, xml: str | bytes, *, bad_signature: bool = False) -> tuple[int, bytes]:
        query, body = self.wechat.request(xml, bad_signature=bad_signature)
        resp = self.client.post(URL, query_string=query, data=body, content_type="text/xml")
        return resp.status_code, resp.data

    def send(self, kind: str, **values: object) -> str:
        status, body = self.post(payload(kind, openid=self.openid, **values))
        assert status == 200, body
        return self.wechat.read(body)

    def say(self, text: str, **values: object) -> str:
        return self.send("text", content=text, **values)


@pytest.fixture(params=["plain", "safe"])
def bot(request: pytest.FixtureRequest, wx_app: Flask) -> Bot:
    return Bot(wx_app, safe=request.param == "safe")
