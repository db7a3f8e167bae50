"""The webhook played by WeChat (wechatpy's own signing and crypto), plain and safe mode."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask

from intake.db import db
from intake.models import Channel, Ticket, Unit, UnitKind
from intake.models.infra import Conversation, ProviderMessage
from intake.services.context import vault
from intake.services.tickets import ticket_for_citizen
from tests.channels.wechat.conftest import URL, Bot
from tests.channels.wechat.wx import TOKEN, payload, signature

REF = re.compile(r"受理编号：(\d{13})")
CODE = re.compile(r"查询码：(\d{6})")


def _tickets() -> list[Ticket]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Ticket)))


def _file(bot: Bot, *lines: str) -> tuple[str, str]:
    bot.say("举报")
    for line in lines:
        bot.say(line)
    reply = bot.say("提交")
    ref, code = REF.search(reply), CODE.search(reply)
    assert ref and code, reply
    return ref.group(1), code.group(1)


def test_get_verification_echoes_echostr(wx_app: Flask) -> None:
    q = {"timestamp": "1767225600", "nonce": "42", "echostr": "echo-123"}
    q["signature"] = signature(TOKEN, q["timestamp"], q["nonce"])
    resp = wx_app.test_client().get(URL, query_string=q)
    assert resp.status_code == 200
    assert resp.data == b"echo-123"


def test_get_verification_with_bad_signature_is_403(wx_app: Flask) -> None:
    q = {"timestamp": "1767225600", "nonce": "42", "echostr": "echo-123", "signature": "f" * 40}
    assert wx_app.test_client().get(URL, query_string=q).status_code == 403


def test_subscribe_event_gets_the_welcome_menu(bot: Bot) -> None:
    reply = bot.send("subscribe")
    assert "欢迎关注" in reply and "1 或“举报”" in reply


def test_unknown_input_gets_help(bot: Bot) -> None:
    reply = bot.say("你好呀")
    assert "没有理解" in reply and "举报" in reply


def test_whole_report_by_text_is_filed_with_reference_and_query_code(bot: Bot) -> None:
    assert "请直接发送" in bot.say("举报")
    assert "已记录" in bot.say("福州市鼓楼区东街社区的低保金这个月没有发放。")
    assert "已设为实名" in bot.say("实名 张三 13800000000")
    reply = bot.say("提交")
    ref, code = REF.search(reply), CODE.search(reply)
    assert ref and code, reply
    assert "鼓楼区" in reply
    [ticket] = _tickets()
    assert ticket.reference == ref.group(1)
    assert ticket.channel == Channel.WECHAT
    assert ticket.hint_county_code == "350102"
    assert not ticket.anonymous
    assert vault().decrypt(ticket.reporter_openid_enc) == bot.openid
    assert "低保金" in ticket.text
    assert ticket_for_citizen(db.session, ref.group(1), code.group(1)).id == ticket.id


def test_voice_and_location_are_added_to_the_report(bot: Bot) -> None:
    bot.say("举报")
    assert "已记录" in bot.send("voice", content="养老院的饭菜不卫生。", media_id="VOICE-1")
    assert "已记录位置" in bot.send("location", content="福建省福州市仓山区盖山镇")
    reply = bot.say("提交")
    assert REF.search(reply), reply
    [ticket] = _tickets()
    assert "养老院" in ticket.text and "盖山镇" in ticket.text
    assert ticket.hint_county_code == "350104"


def test_report_without_a_county_asks_for_it_and_accepts_a_short_name(bot: Bot) -> None:
    bot.say("举报")
    bot.say("我家门口的残疾人坡道被占用了很久。")
    reply = bot.say("提交")
    assert "哪个县（市、区）" in reply
    assert _tickets() == []
    assert "没有找到" in bot.say("火星")
    reply = bot.say("平潭")
    assert REF.search(reply) and "平潭县" in reply, reply
    [ticket] = _tickets()
    assert ticket.hint_county_code == "350128"
    assert ticket.anonymous


def test_status_query_answers_with_the_status(bot: Bot) -> None:
    ref, code = _file(bot, "厦门市思明区养老补贴问题。")
    reply = bot.say(f"查询 {ref} {code}")
    assert ref in reply and "当前状态：已登记" in reply and "暂无答复" in reply


def test_status_query_in_two_steps_and_wrong_code(bot: Bot) -> None:
    ref, code = _file(bot, "厦门市思明区养老补贴问题。")
    assert "受理编号 查询码" in bot.say("2")
    wrong = "000000" if code != "000000" else "111111"
    assert "未找到" in bot.say(f"{ref} {wrong}")


def test_hotline_query_names_the_county_unit_and_number(bot: Bot) -> None:
    unit = db.session.scalar(sa.select(Unit).where(Unit.region_code == "350102", Unit.kind == UnitKind.CIVIL_AFFAIRS))
    assert unit is not None and unit.hotlines
    reply = bot.say("热线 鼓楼区")
    assert unit.name in reply and unit.hotlines[0] in reply


def test_hotline_without_a_county_uses_the_last_report(bot: Bot) -> None:
    _file(bot, "泉州市晋江市婚姻登记排队太久。")
    unit = db.session.scalar(sa.select(Unit).where(Unit.region_code == "350582", Unit.kind == UnitKind.CIVIL_AFFAIRS))
    assert unit is not None
    reply = bot.say("3")
    assert unit.name in reply and unit.hotlines[0] in reply


def test_the_same_msgid_three_times_gives_one_ticket_and_the_same_reply(bot: Bot) -> None:
    bot.say("举报")
    bot.say("福州市仓山区临时救助申请没人受理。")
    xml = payload("text", openid=bot.openid, content="提交", msg_id=7001)
    replies = []
    for _ in range(3):
        status, body = bot.post(xml)
        assert status == 200
        replies.append(bot.wechat.read(body))
    assert REF.search(replies[0])
    assert replies[0] == replies[1] == replies[2]
    assert len(_tickets()) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProviderMessage)
                             .where(ProviderMessage.message_key == "msg:7001")) == 1


def test_repeated_subscribe_event_is_deduplicated_by_sender_and_time(bot: Bot) -> None:
    xml = payload("subscribe", openid=bot.openid, create_time=1767225600)
    first = bot.wechat.read(bot.post(xml)[1])
    second = bot.wechat.read(bot.post(xml)[1])
    assert first == second and "欢迎" in first
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProviderMessage)) == 1


def test_conversation_state_is_encrypted_at_rest(bot: Bot) -> None:
    bot.say("举报")
    bot.say("实名 李四 13900000000")
    row = db.session.scalar(sa.select(Conversation))
    assert row is not None
    assert "李四" not in row.state_enc and "13900000000" not in row.state_enc
