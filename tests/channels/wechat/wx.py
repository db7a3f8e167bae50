"""Test helpers that play WeChat: its signing and crypto (wechatpy's own), recorded payloads,
and a fake WeChat API on loopback for the real wechatpy client."""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import parse_qs, urlparse

import xmltodict
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "test-wechat-token"
APP_ID = "wx0123456789abcdef"
APP_SECRET = "test-app-secret"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 chars, as WeChat issues them

_ids = itertools.count(int(time.time()) * 1000)


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text("utf-8")


def payload(name: str, **values: Any) -> str:
    values.setdefault("create_time", int(time.time()))
    values.setdefault("msg_id", next(_ids))
    values.setdefault("content", "")
    values.setdefault("media_id", "")
    return Template(fixture(f"{name}.xml")).substitute(values)


def signature(token: str, timestamp: str, nonce: str) -> str:
    """What WeChat computes (and wechatpy.utils.check_signature verifies)."""
    # SHA-1 is what WeChat specifies for this signature; not our choice.
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()  # noqa: S324


class WeChat:
    """Builds signed (and in safe mode encrypted) webhook requests and reads the replies."""

    def __init__(self, safe: bool, token: str = TOKEN) -> None:
        self.safe = safe
        self.token = token
        self.crypto = WeChatCrypto(token, AES_KEY, APP_ID)
        self._nonce = itertools.count(1000)

    def request(self, xml: str | bytes, *, bad_signature: bool = False) -> tuple[dict[str, str], bytes]:
        timestamp = str(int(time.time()))
        nonce = str(next(self._nonce))
        sig = signature(self.token, timestamp, nonce)
        if bad_signature:
            sig = "0" * 40
        query = {"signature": sig, "timestamp": timestamp, "nonce": nonce, "openid": "ignored"}
        body = xml.encode() if isinstance(xml, str) else xml
        if self.safe:
            enc = xmltodict.parse(self.crypto.encrypt_message(body.decode(), nonce, timestamp))["xml"]
            query.update(encrypt_type="aes", msg_signature=enc["MsgSignature"])
            body = (f"<xml><ToUserName><![CDATA[gh_fujian_minzheng]]></ToUserName>"
                    f"<Encrypt><![CDATA[{enc['Encrypt']}]]></Encrypt></xml>").encode()
        return query, body

    def read(self, body: bytes) -> str:
        """The reply's text (decrypted in safe mode); '' for WeChat's "success"."""
        text = body.decode()
        if text in ("", "success"):
            return ""
        if self.safe:
            outer = xmltodict.parse(text)["xml"]
            text = self.crypto.decrypt_message(text, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])
        return str(parse_message(text).content)


# ---------------------------------------------------------------- fake WeChat API


class FakeWeChatAPI:
    """The parts of api.weixin.qq.com the channel uses, on 127.0.0.1, recording every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.token_fetches = 0
        self.fail_next: list[dict[str, Any] | int] = []  # errcode bodies or HTTP statuses
        self.media: dict[str, bytes] = {}
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                return None

            def _json(self, status: int, obj: dict[str, Any]) -> None:
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/cgi-bin/token":
                    with api.lock:
                        api.token_fetches += 1
                        n = api.token_fetches
                    if q.get("appid") != APP_ID or q.get("secret") != APP_SECRET:
                        return self._json(200, {"errcode": 40013, "errmsg": "invalid appid"})
                    return self._json(200, {"access_token": f"TOKEN-{n}", "expires_in": 7200})
                if url.path == "/cgi-bin/media/get":
                    api.calls.append(("media/get", q))
                    data = api.media.get(q.get("media_id", ""))
                    if data is None:
                        return self._json(200, {"errcode": 40007, "errmsg": "invalid media_id"})
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return None
                return self._json(404, {"errcode": 404, "errmsg": "not found"})

            def do_POST(self) -> None:
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                endpoint = url.path.removeprefix("/cgi-bin/")
                with api.lock:
                    failure = api.fail_next.pop(0) if api.fail_next else None
                if isinstance(failure, int):
                    return self._json(failure, {"errcode": -1, "errmsg": "system error"})
                if isinstance(failure, dict):
                    return self._json(200, failure)
                if not q.get("access_token", "").startswith("TOKEN-"):
                    return self._json(200, {"errcode": 40001, "errmsg": "invalid credential"})
                with api.lock:
                    api.calls.append((endpoint, body))
                return self._json(200, {"errcode": 0, "errmsg": "ok"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/"

    def sent(self, endpoint: str) -> list[dict[str, Any]]:
        return [body for ep, body in self.calls if ep == endpoint]

    def __enter__(self) -> FakeWeChatAPI:
        self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


Poster = Callable[[dict[str, str], bytes], tuple[int, bytes]]
