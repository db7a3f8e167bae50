"""Pure parsing: untrusted XML checked before any XML library with entity support sees it,
wechatpy messages turned into a small ``Inbound`` value, and the citizen's commands.

No Flask, no database. ``views`` calls ``safe_xml`` on every body (and on the decrypted
inner message in safe mode) before ``wechatpy`` (which uses xmltodict/expat) parses it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

MAX_FIELD_CHARS = 4000


class BadXML(ValueError):
    """The body is not a plain WeChat XML document (malformed, DTD, entities)."""


def safe_xml(body: bytes | str) -> dict[str, str]:
    """Parse with defusedxml, refusing any DTD or entity declaration; return the flat
    ``<xml>`` children as text. Nothing is expanded: a DTD is refused before parsing."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    head = raw[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in raw.upper():
        raise BadXML("DTD or entity declaration refused")
    try:
        root = DET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise BadXML(type(exc).__name__) from exc
    if root.tag != "xml":
        raise BadXML("root element is not <xml>")
    out: dict[str, str] = {}
    for child in root:
        if len(child):
            continue  # nested blocks (e.g. ScanCodeInfo) are not used by this bot
        out[child.tag] = (child.text or "")[:MAX_FIELD_CHARS]
    return out


@dataclass(frozen=True)
class Inbound:
    """One message or event from a WeChat user, reduced to what the dialogue needs."""

    kind: str  # text | image | voice | location | event | other
    sender: str  # openid (never logged)
    create_time: int
    msg_id: str | None = None
    text: str = ""
    media_id: str | None = None
    event: str | None = None
    event_key: str | None = None
    label: str | None = None  # location label
    latitude: str | None = None
    longitude: str | None = None

    def dedupe_key(self, sender_key: str) -> str:
        """MsgId for messages; sender + CreateTime for events (WeChat's own advice)."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        return f"evt:{sender_key}:{self.create_time}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()[:MAX_FIELD_CHARS]


def inbound_from(message: Any) -> Inbound:
    """Turn a ``wechatpy`` message or event into an ``Inbound``."""
    kind = getattr(message, "type", "other") or "other"
    sender = _text(getattr(message, "source", ""))
    try:
        create_time = int(getattr(message, "_data", {}).get("CreateTime") or 0)
    except (TypeError, ValueError):
        create_time = 0
    msg_id = getattr(message, "id", None)
    msg_id = str(msg_id) if msg_id not in (None, "", 0) else None
    if kind == "event":
        return Inbound("event", sender, create_time, None,
                       event=_text(getattr(message, "event", "")).lower() or None,
                       event_key=_text(getattr(message, "key", "")) or None)
    if kind == "text":
        return Inbound("text", sender, create_time, msg_id, text=_text(message.content))
    if kind == "image":
        return Inbound("image", sender, create_time, msg_id, media_id=_text(message.media_id) or None)
    if kind == "voice":
        return Inbound("voice", sender, create_time, msg_id, text=_text(message.recognition),
                       media_id=_text(message.media_id) or None)
    if kind == "location":
        return Inbound("location", sender, create_time, msg_id, label=_text(message.label) or None,
                       latitude=_text(message.location_x), longitude=_text(message.location_y))
    return Inbound("other", sender, create_time, msg_id)


# ---------------------------------------------------------------- commands

_WORDS = {
    "report": ("举报", "1", "反映", "投诉", "我要举报", "我要反映"),
    "query": ("查询", "2", "查进度", "进度"),
    "hotline": ("热线", "3", "电话"),
    "help": ("帮助", "0", "菜单", "?", "？", "help", "HELP"),
    "submit": ("提交", "确认", "确认提交"),
    "cancel": ("取消", "放弃"),
    "skip": ("跳过", "不清楚", "不知道"),
    "anonymous": ("匿名",),
}
_BY_WORD = {w: cmd for cmd, words in _WORDS.items() for w in words}
_SPACES = re.compile(r"[\s\u3000]+")
_PHONE = re.compile(r"^(?:\+?86)?1\d{10}$|^0\d{2,3}-?\d{7,8}$")
# Menu buttons send CLICK events with these keys.
EVENT_KEYS = {"REPORT": "report", "QUERY": "query", "HOTLINE": "hotline", "HELP": "help"}


@dataclass(frozen=True)
class Command:
    name: str  # report | query | hotline | help | submit | cancel | skip | anonymous | named | text
    args: tuple[str, ...] = ()


def command(text: str) -> Command:
    """Read a command; anything else is ``Command("text")`` (report content or an answer)."""
    # Voice recognition ends sentences with punctuation: "举报。" is still the command.
    text = unicodedata.normalize("NFKC", text).strip().rstrip("。.!！")
    parts = _SPACES.split(text) if text else []
    if not parts:
        return Command("text")
    head = parts[0]
    if len(parts) == 1 and head in _BY_WORD:
        return Command(_BY_WORD[head])
    if head == "实名":
        return Command("named", tuple(parts[1:]))
    if head in ("查询", "热线"):
        return Command("query" if head == "查询" else "hotline", tuple(parts[1:]))
    if head.startswith("查询") and head[2:].isdigit():
        return Command("query", (head[2:], *parts[1:]))
    if head.startswith("热线") and len(head) > 2:
        return Command("hotline", (head[2:], *parts[1:]))
    if len(parts) == 2 and parts[0].isdigit() and len(parts[0]) == 13 and parts[1].isdigit():
        return Command("query", tuple(parts))  # a bare "reference code" pair
    return Command("text")


def check_identity(args: tuple[str, ...]) -> tuple[str, str] | None:
    """``实名 姓名 手机号`` -> (name, phone) or None when the format is wrong."""
    if len(args) != 2:
        return None
    name, phone = args
    phone = phone.replace("-", "")
    if not (1 <= len(name) <= 20) or any(c.isdigit() for c in name) or not _PHONE.match(phone):
        return None
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("86") and len(phone) == 13:
        phone = phone[2:]
    return name, phone


def digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()
