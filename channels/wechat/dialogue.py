"""The WeChat bot's dialogue: a state machine over a JSON-able state dict. Pure.

``step(state, inbound, ports, now)`` returns the next state and the reply text. Everything
that touches the database (filing the report, reading a status, the hotline directory,
locating the county in a report with triage) is behind the ``Ports`` protocol, which
``channels.wechat.actions`` implements with intake services and tests may fake.

States: ``idle``; ``draft`` (collecting a report); ``county`` (the report is complete but
no county was found: the next answer names it); ``query`` and ``hotline`` (waiting for the
arguments of a command sent bare).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from channels.wechat import messages as M
from channels.wechat.parse import EVENT_KEYS, Command, Inbound, check_identity, command
from channels.wechat.places import Place, place_from_answer

MAX_MEDIA = 9


@dataclass(frozen=True)
class Draft:
    text: str
    media: tuple[tuple[str, str], ...] = ()  # (kind, media id)
    county_code: str | None = None
    township_code: str | None = None
    name: str | None = None
    phone: str | None = None
    openid: str = ""


@dataclass(frozen=True)
class Receipt:
    reference: str
    query_code: str
    county_code: str | None = None
    county_name: str | None = None


@dataclass(frozen=True)
class StatusView:
    reference: str
    status_label: str
    unit: str | None = None
    reply_text: str | None = None
    reply_date: str | None = None


@dataclass(frozen=True)
class HotlineView:
    unit: str
    numbers: tuple[str, ...]
    county_name: str


class Refused(Exception):
    """The core refused the report (e.g. text too long); ``message`` is for the citizen."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Ports(Protocol):
    def locate(self, text: str) -> Place | None: ...

    def submit(self, draft: Draft, message_key: str) -> Receipt: ...

    def status(self, reference: str, query_code: str) -> StatusView | None: ...

    def hotline(self, county_code: str) -> HotlineView | None: ...


@dataclass(frozen=True)
class Limits:
    max_text_chars: int = 10_000
    query_limit: int = 30
    query_window_s: int = 600


@dataclass
class Step:
    state: dict[str, Any] | None  # None: forget the conversation
    reply: str
    meta: dict[str, Any] = field(default_factory=dict)  # e.g. the filed reference, for logs


def new_state() -> dict[str, Any]:
    return {"mode": "idle", "parts": [], "media": [], "place": None, "name": None, "phone": None,
            "last_county": None, "queries": []}


def _reset_draft(state: dict[str, Any]) -> dict[str, Any]:
    state.update(mode="idle", parts=[], media=[], place=None, name=None, phone=None)
    return state


def step(state: dict[str, Any] | None, msg: Inbound, ports: Ports, now: dt.datetime,
         limits: Limits = Limits()) -> Step:
    st = {**new_state(), **(state or {})}
    if msg.kind == "event":
        return _event(st, msg, ports, now, limits)
    if msg.kind in ("image", "voice", "location") and st["mode"] in ("draft", "county"):
        return _media(st, msg)
    if msg.kind == "voice" and msg.text:
        return _text(st, msg, ports, now, limits, msg.text)
    if msg.kind == "text":
        return _text(st, msg, ports, now, limits, msg.text)
    if msg.kind in ("image", "voice", "location"):
        return Step(st, M.NOT_REPORTING)
    return Step(st, M.HELP)


# ---------------------------------------------------------------- events


def _event(st: dict[str, Any], msg: Inbound, ports: Ports, now: dt.datetime, limits: Limits) -> Step:
    if msg.event in ("subscribe", "subscribe_scan"):
        return Step(st, M.WELCOME)
    if msg.event == "unsubscribe":
        return Step(None, "")
    if msg.event == "click" and msg.event_key in EVENT_KEYS:
        return _command(st, Command(EVENT_KEYS[msg.event_key]), msg, ports, now, limits)
    return Step(st, "")  # automatic events (location reports, menu views) need no answer


# ---------------------------------------------------------------- media in a draft


def _media(st: dict[str, Any], msg: Inbound) -> Step:
    if msg.kind == "location":
        label = msg.label or f"{msg.latitude},{msg.longitude}"
        st["parts"].append(f"位置：{label}（纬度 {msg.latitude}，经度 {msg.longitude}）")
        return Step(st, M.ADDED_LOCATION.format(label=label))
    if msg.media_id:
        if len(st["media"]) >= MAX_MEDIA:
            return Step(st, M.TOO_MANY_IMAGES.format(limit=MAX_MEDIA))
        st["media"].append([msg.kind, msg.media_id])
    if msg.kind == "voice":
        if msg.text:
            st["parts"].append(msg.text)
            return Step(st, M.ADDED_TEXT.format(parts=len(st["parts"])))
        return Step(st, M.VOICE_NOT_RECOGNISED)
    images = sum(1 for kind, _ in st["media"] if kind == "image")
    return Step(st, M.ADDED_IMAGE.format(images=images))


# ---------------------------------------------------------------- text


def _text(st: dict[str, Any], msg: Inbound, ports: Ports, now: dt.datetime, limits: Limits, text: str) -> Step:
    cmd = command(text)
    mode = st["mode"]
    if cmd.name == "text" or (mode == "county" and cmd.name in ("skip", "submit")):
        if mode == "draft":
            total = sum(len(p) for p in st["parts"]) + len(text)
            if total > limits.max_text_chars:
                return Step(st, M.DRAFT_TOO_LONG.format(limit=limits.max_text_chars))
            st["parts"].append(text)
            return Step(st, M.ADDED_TEXT.format(parts=len(st["parts"])))
        if mode == "county":
            return _county_answer(st, msg, ports, text, skip=cmd.name in ("skip", "submit"))
        if mode == "query":
            st["mode"] = "idle"
            return _query(st, tuple(text.split()), ports, now, limits)
        if mode == "hotline":
            st["mode"] = "idle"
            return _hotline(st, (text,), ports)
        return Step(st, M.HELP)
    return _command(st, cmd, msg, ports, now, limits)


def _command(st: dict[str, Any], cmd: Command, msg: Inbound, ports: Ports, now: dt.datetime,
             limits: Limits) -> Step:
    name, mode = cmd.name, st["mode"]
    if name == "help":
        return Step(st, M.MENU)
    if name == "report":
        if mode in ("draft", "county"):
            return Step(st, M.REPORT_CONTINUES)
        _reset_draft(st)
        st["mode"] = "draft"
        return Step(st, M.REPORT_STARTED)
    if name == "cancel":
        was_reporting = mode in ("draft", "county")
        _reset_draft(st)
        return Step(st, M.CANCELLED if was_reporting else M.MENU)
    if name == "query":
        if not cmd.args:
            if mode not in ("draft", "county"):
                st["mode"] = "query"
            return Step(st, M.ASK_QUERY)
        return _query(st, cmd.args, ports, now, limits)
    if name == "hotline":
        if not cmd.args:
            if st.get("last_county"):
                return _hotline_for(st, st["last_county"], ports)
            if mode not in ("draft", "county"):
                st["mode"] = "hotline"
            return Step(st, M.ASK_HOTLINE_COUNTY)
        return _hotline(st, cmd.args, ports)
    if mode not in ("draft", "county"):
        return Step(st, M.NOT_REPORTING if name in ("submit", "named", "anonymous") else M.HELP)
    if name == "named":
        identity = check_identity(cmd.args)
        if identity is None:
            return Step(st, M.NAMED_FORMAT)
        st["name"], st["phone"] = identity
        return Step(st, M.NAMED_OK.format(masked_name=M.mask_name(identity[0]),
                                          masked_phone=M.mask_phone(identity[1])))
    if name == "anonymous":
        st["name"] = st["phone"] = None
        return Step(st, M.ANONYMOUS_OK)
    if name == "submit":
        return _submit(st, msg, ports)
    return Step(st, M.HELP)


# ---------------------------------------------------------------- filing


def _draft(st: dict[str, Any], msg: Inbound, place: Place | None) -> Draft:
    return Draft(
        text="\n".join(st["parts"]),
        media=tuple((k, m) for k, m in st["media"]),
        county_code=place.county_code if place else None,
        township_code=place.township_code if place else None,
        name=st["name"],
        phone=st["phone"],
        openid=msg.sender,
    )


def _stored_place(st: dict[str, Any]) -> Place | None:
    p = st.get("place")
    return Place(**p) if p else None


def _submit(st: dict[str, Any], msg: Inbound, ports: Ports) -> Step:
    if not st["parts"]:
        return Step(st, M.NOTHING_TO_SUBMIT)
    place = _stored_place(st) or ports.locate("\n".join(st["parts"]))
    if place is None:
        st["mode"] = "county"
        return Step(st, M.ASK_COUNTY)
    return _file(st, msg, ports, place)


def _county_answer(st: dict[str, Any], msg: Inbound, ports: Ports, text: str, *, skip: bool) -> Step:
    if skip:
        return _file(st, msg, ports, None)
    place = place_from_answer(text)
    if place is None:
        return Step(st, M.COUNTY_NOT_FOUND.format(answer=text[:20]))
    st["place"] = place.__dict__.copy()
    return _file(st, msg, ports, place)


def _file(st: dict[str, Any], msg: Inbound, ports: Ports, place: Place | None) -> Step:
    try:
        receipt = ports.submit(_draft(st, msg, place), msg.dedupe_key(""))
    except Refused as exc:
        st["mode"] = "draft"
        return Step(st, M.SUBMIT_REFUSED.format(reason=exc.message))
    _reset_draft(st)
    st["last_county"] = receipt.county_code or (place.county_code if place else None)
    county = receipt.county_name or (place.county_name if place else None)
    county_line = M.SUBMITTED_COUNTY.format(county=county) if county else ""
    return Step(st, M.SUBMITTED.format(reference=receipt.reference, query_code=receipt.query_code,
                                       county_line=county_line), meta={"reference": receipt.reference})


# ---------------------------------------------------------------- look-ups


def _query(st: dict[str, Any], args: tuple[str, ...], ports: Ports, now: dt.datetime, limits: Limits) -> Step:
    if len(args) != 2 or not (args[0].isdigit() and len(args[0]) == 13 and args[1].isdigit() and len(args[1]) == 6):
        return Step(st, M.QUERY_FORMAT)
    t = now.timestamp()
    recent = [q for q in st.get("queries", []) if t - q < limits.query_window_s]
    if len(recent) >= limits.query_limit:
        st["queries"] = recent
        return Step(st, M.QUERY_RATE_LIMITED)
    st["queries"] = [*recent, t]
    view = ports.status(args[0], args[1])
    if view is None:
        return Step(st, M.QUERY_NOT_FOUND)
    unit_line = M.STATUS_UNIT.format(unit=view.unit) if view.unit else ""
    reply_line = (M.STATUS_REPLY.format(date=view.reply_date, text=view.reply_text)
                  if view.reply_text else M.STATUS_NO_REPLY)
    return Step(st, M.STATUS.format(reference=view.reference, status=view.status_label,
                                    unit_line=unit_line, reply_line=reply_line))


def _hotline(st: dict[str, Any], args: tuple[str, ...], ports: Ports) -> Step:
    answer = "".join(args)
    place = place_from_answer(answer)
    if place is None:
        return Step(st, M.HOTLINE_COUNTY_NOT_FOUND.format(answer=answer[:20]))
    return _hotline_for(st, place.county_code, ports)


def _hotline_for(st: dict[str, Any], county_code: str, ports: Ports) -> Step:
    view = ports.hotline(county_code)
    if view is None or not view.numbers:
        name = view.county_name if view else county_code
        return Step(st, M.HOTLINE_NONE.format(county=name))
    return Step(st, M.HOTLINE.format(unit=view.unit, numbers="、".join(view.numbers)))
