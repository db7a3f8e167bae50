"""The wechatpy API client, aimed at ``INTAKE_WECHAT_API_BASE`` and sharing its access token
through the database.

WeChat allows a limited number of token fetches a day and a new token retires the old one,
so every worker must use the same token: it lives in the ``key_value`` table, written in
its own short transaction (a rolled-back task must not lose a fresh token).
Tests point the real client at a fake WeChat API on loopback by setting the base URL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session
from wechatpy import WeChatClient
from wechatpy.session import SessionStorage

from intake.config import Settings
from intake.db import db, utcnow
from intake.services.conversations import delete_value, get_value, put_value

KEY_PREFIX = "wechat:"
# Refresh a little before WeChat's expiry, so a request never carries a token that dies in flight.
EXPIRY_MARGIN = dt.timedelta(seconds=120)


class KeyValueStorage(SessionStorage):
    """wechatpy's session storage backed by the shared ``key_value`` table."""

    def get(self, key: str, default: Any = None) -> Any:
        with Session(db.engine) as s:
            value = get_value(s, KEY_PREFIX + key, utcnow() + EXPIRY_MARGIN)
        return default if value is None else value

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        if value is None:
            return
        expires = utcnow() + dt.timedelta(seconds=int(ttl)) if ttl else None
        with Session(db.engine) as s, s.begin():
            put_value(s, KEY_PREFIX + key, str(value), expires)

    def delete(self, key: str) -> None:
        with Session(db.engine) as s, s.begin():
            delete_value(s, KEY_PREFIX + key)

    def __bool__(self) -> bool:  # wechatpy does ``session or MemoryStorage()``
        return True


class Client(WeChatClient):
    """wechatpy's client with every URL, the token endpoint included, under one base."""

    def __init__(self, appid: str, secret: str, api_base: str, storage: SessionStorage,
                 timeout: float = 4.0) -> None:
        super().__init__(appid, secret, session=storage, timeout=timeout)
        self.API_BASE_URL = api_base if api_base.endswith("/") else api_base + "/"

    def fetch_access_token(self) -> Any:
        # wechatpy hard-codes api.weixin.qq.com here; the configured base must win.
        return self._fetch_access_token(
            url=self.API_BASE_URL + "token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )


def make_client(settings: Settings) -> Client:
    return Client(settings.wechat_app_id, settings.wechat_app_secret, settings.wechat_api_base,
                  KeyValueStorage())
