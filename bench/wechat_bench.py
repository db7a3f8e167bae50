"""WeChat webhook latency under 20 concurrent senders, as a ratio to a bare endpoint.

A real server process (werkzeug's threaded server on 127.0.0.1, SQLite file, tasks on the
in-process thread as in the embedded default) serves both ``/channels/wechat`` and a bare
``/bench/bare`` route that touches nothing. 20 senders, each a citizen with their own openid,
post signed WeChat messages (plain mode by default, ``--safe`` for AES): a report started,
three lines of text, then ``提交`` (so one message in five files a ticket and queues
triage), round after round. The bare endpoint gets the same number of requests from 20
threads. The two sides run in alternating blocks (``--blocks``), so that whatever else the
machine does at the time weighs on both alike. Prints both p99s and the ratio (target <= 3x,
and far inside WeChat's 5 s).

Bounded: ``--rounds`` (default 30) rounds of 5 messages per sender; it stops by itself.
Run: ``.venv/bin/python -m bench.wechat_bench`` (or ``make bench``).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

TOKEN = "bench-token"  # noqa: S105 - a throwaway token for a loopback benchmark
APP_ID = "wxbench000000000"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
SENDERS = 20
BROKER = "redis://127.0.0.1:6379/13"
WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "2"))
TEXT = ("<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        "<CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
        "<MsgId>{msg_id}</MsgId></xml>")
SCRIPT = ("举报", "福州市鼓楼区东街社区低保金本月未发放，", "已经打电话问过社区，", "希望尽快核实处理。", "提交")


# ---------------------------------------------------------------- server side


def serve(db_url: str, port: int, upload_dir: str, broker_url: str) -> None:
    from flask import Response
    from werkzeug.serving import make_server

    from intake.app import create_app
    from intake.config import load_settings
    from intake.db import db
    from intake.services import org

    settings = load_settings(
        {}, mode="demo", database_url=db_url, upload_dir=upload_dir,
        task_mode="queue" if broker_url else "thread", broker_url=broker_url,
        channels=("wechat",), wechat_token=TOKEN, wechat_app_id=APP_ID, wechat_app_secret="bench",  # noqa: S106 - loopback benchmark
        wechat_aes_key=AES_KEY, wechat_api_base="http://127.0.0.1:9/cgi-bin/",
    )
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        org.seed_regions(db.session)
        org.seed_units(db.session)
        db.session.commit()

    @app.post("/bench/bare")
    def bare() -> Response:
        return Response("success", mimetype="text/plain")

    logging_off()
    if WORKERS <= 1:
        make_server("127.0.0.1", port, app, threaded=True).serve_forever()
        return
    # Production shape: gunicorn, several processes (the app is built before the fork).
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"127.0.0.1:{port}")
            self.cfg.set("workers", WORKERS)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", int(os.environ.get("BENCH_WEB_THREADS", "8")))
            self.cfg.set("loglevel", "warning")

        def load(self) -> Any:
            return app

    with app.app_context():
        db.engine.dispose()  # no pooled connection may cross the fork
    Server().run()


def logging_off() -> None:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("intake").setLevel(logging.WARNING)
    logging.getLogger("channels").setLevel(logging.WARNING)


# ---------------------------------------------------------------- client side


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _sign(timestamp: str, nonce: str) -> str:
    # SHA-1 is what WeChat specifies for this signature.
    return hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce])).encode()).hexdigest()  # noqa: S324


block_ratios: list[float] = []  # the ratio within each block, to show the spread


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def run(rounds: int, safe: bool, db_url: str, broker_url: str,
        blocks: int = 5) -> tuple[float, float, int, float, float]:
    import requests
    from wechatpy.crypto import WeChatCrypto

    tmp = Path(tempfile.mkdtemp(prefix="wechat-bench-"))
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.wechat_bench", "--serve", db_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
         str(port), str(tmp / "uploads"), broker_url],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("bench server did not start: " + (proc.stderr.read().decode()[-2000:]
                                                                     if proc.stderr else ""))
            time.sleep(0.2)

        crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
        ids = itertools.count(10**15)
        nonces = itertools.count(1)
        lock = threading.Lock()
        errors = [0]

        def post_webhook(http: requests.Session, openid: str, content: str) -> float:
            with lock:
                msg_id, nonce = next(ids), str(next(nonces))
            ts = str(int(time.time()))
            xml = TEXT.format(openid=openid, ts=ts, content=content, msg_id=msg_id)
            params = {"signature": _sign(ts, nonce), "timestamp": ts, "nonce": nonce}
            body = xml.encode()
            if safe:
                import xmltodict

                enc = xmltodict.parse(crypto.encrypt_message(xml, nonce, ts))["xml"]
                params.update(encrypt_type="aes", msg_signature=enc["MsgSignature"])
                body = f"<xml><Encrypt><![CDATA[{enc['Encrypt']}]]></Encrypt></xml>".encode()
            started = time.perf_counter()
            resp = http.post(base + "/channels/wechat", params=params, data=body, timeout=30)
            elapsed = time.perf_counter() - started
            if resp.status_code != 200:
                with lock:
                    errors[0] += 1
            return elapsed

        filing: list[float] = []
        block_ratios.clear()

        def session(kind: str, i: int) -> requests.Session:
            # A fresh keep-alive connection per sender and block: the server closes idle ones.
            http = requests.Session()
            http.trust_env = False
            return http

        per_block = max(1, rounds // blocks)

        def sender(i: int) -> list[float]:
            http = session("hook", i)
            openid = f"o_bench_{i:03d}"
            out = []
            for _ in range(per_block):
                for line in SCRIPT:
                    elapsed = post_webhook(http, openid, line)
                    out.append(elapsed)
                    if line == "提交":
                        with lock:
                            filing.append(elapsed)
            return out

        def bare(i: int) -> list[float]:
            http = session("bare", i)
            out = []
            for _ in range(per_block * len(SCRIPT)):
                started = time.perf_counter()
                http.post(base + "/bench/bare", data=b"<xml/>", timeout=10)
                out.append(time.perf_counter() - started)
            return out

        # Warm-up of both sides alike, not measured: first connections (HTTP and the database
        # pool), compiled and prepared statements, lazy imports. A block of each.
        with ThreadPoolExecutor(SENDERS) as pool:
            list(pool.map(bare, range(SENDERS)))
        with ThreadPoolExecutor(SENDERS) as pool:
            list(pool.map(sender, range(SENDERS)))
        filing.clear()
        bare_samples: list[float] = []
        hook_samples: list[float] = []
        for _block in range(blocks):
            with ThreadPoolExecutor(SENDERS) as pool:
                block_bare = [s for chunk in pool.map(bare, range(SENDERS)) for s in chunk]
            with ThreadPoolExecutor(SENDERS) as pool:
                block_hook = [s for chunk in pool.map(sender, range(SENDERS)) for s in chunk]
            block_ratios.append(_p99(block_hook) / _p99(block_bare))
            bare_samples += block_bare
            hook_samples += block_hook
        dialogue_only = sorted(hook_samples)
        for f in filing:
            dialogue_only.remove(f)
        return _p99(hook_samples), _p99(bare_samples), errors[0], _p99(filing), _p99(dialogue_only)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--serve", nargs=4, metavar=("DB", "PORT", "UPLOADS", "BROKER"), help=argparse.SUPPRESS)
    parser.add_argument("--sqlite", action="store_true",
                        help="embedded mode: SQLite and in-process tasks (default: PostgreSQL and a Redis queue)")
    parser.add_argument("--rounds", type=int, default=30, help="report rounds per sender (5 messages each)")
    parser.add_argument("--blocks", type=int, default=5, help="alternating bare/webhook blocks")
    parser.add_argument("--safe", action="store_true", help="safe (AES) mode instead of plain")
    args = parser.parse_args(argv if argv is not None else [])
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), args.serve[2], args.serve[3])
        return 0
    if args.sqlite:
        hook, bare, errors, filing, chat = run(args.rounds, args.safe, "", "", args.blocks)
        setup = "SQLite, tasks in-process"
    else:
        # Production shape: PostgreSQL, heavy work queued to Redis for separate workers.
        from tests import pg

        with pg.postgres_server() as server:
            if server is None:
                print("skipped: no PostgreSQL (set INTAKE_TEST_DATABASE_URL or install PostgreSQL)")
                return 0
            with pg.fresh_database(server) as url:
                hook, bare, errors, filing, chat = run(args.rounds, args.safe, url, BROKER, args.blocks)
        setup = "PostgreSQL, tasks queued to Redis"
    n = SENDERS * max(1, args.rounds // args.blocks) * args.blocks * len(SCRIPT)
    ratio = hook / bare if bare else float("inf")
    mode = "safe" if args.safe else "plain"
    print(f"wechat webhook ({mode} mode, {setup}), {SENDERS} concurrent senders, {n} requests each side")
    print(f"  webhook p99: {hook * 1000:.1f} ms")
    print(f"  bare    p99: {bare * 1000:.1f} ms")
    print(f"  ratio: {ratio:.2f}x (target <= 3x; WeChat's window is 5000 ms)")
    print(f"  of which: dialogue messages p99 {chat * 1000:.1f} ms ({chat / bare:.2f}x), "
          f"filing (提交) p99 {filing * 1000:.1f} ms ({filing / bare:.2f}x)")
    if block_ratios:
        print("  ratio within each block: " + ", ".join(f"{r:.2f}x" for r in block_ratios)
              + f" (median {statistics.median(block_ratios):.2f}x)")
    if errors:
        print(f"  non-200 answers: {errors}")
    return 0 if errors == 0 and hook < 5.0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
