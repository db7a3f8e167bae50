"""Outbound: the WeChat notifier and the media task through the real wechatpy client, aimed
at a fake WeChat API on loopback."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from channels.wechat.client import make_client
from channels.wechat.notifier import NoRoute, mark_seen
from intake.db import db, utcnow
from intake.models import Attachment, Channel, Ticket
from intake.models.infra import KeyValue, Outbox
from intake.ports import OutboundMessage, RecordingNotifier
from intake.services.context import vault
from intake.services.tickets import NewTicket, notify_citizen, submit_ticket
from intake.tasks import deliver_outbox
from tests.channels.wechat.conftest import Bot
from tests.channels.wechat.wx import APP_ID, FakeWeChatAPI

OPENID = "o_citizen_notify"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _ticket(phone: str | None = None) -> Ticket:
    result = submit_ticket(db.session, NewTicket(channel=Channel.WECHAT, text="福州市鼓楼区低保问题。",
                                                 openid=OPENID, phone=phone))
    db.session.commit()
    return result.ticket


def _open_window() -> None:
    mark_seen(db.session, vault().blind_index("openid", OPENID), utcnow())
    db.session.commit()


def _notifier(app: Flask):  # type: ignore[no-untyped-def]
    return app.extensions["intake.notifiers"].for_channel("wechat")


def _message(ticket: Ticket, text: str = "您反映的问题已答复，请查看。", phone: str | None = None) -> OutboundMessage:
    recipient = {"openid": OPENID, **({"phone": phone} if phone else {})}
    return OutboundMessage(ticket.reference, "reply", text, recipient=recipient)


def test_customer_service_message_inside_the_48_hour_window(wx_app: Flask, fake_api: FakeWeChatAPI) -> None:
    ticket = _ticket()
    _open_window()
    _notifier(wx_app).send(_message(ticket))
    [sent] = fake_api.sent("message/custom/send")
    assert sent["touser"] == OPENID and sent["msgtype"] == "text"
    assert ticket.reference in sent["text"]["content"] and "已答复" in sent["text"]["content"]


def test_access_token_is_fetched_once_and_shared_through_the_database(wx_app: Flask, fake_api: FakeWeChatAPI) -> None:
    ticket = _ticket()
    _open_window()
    _notifier(wx_app).send(_message(ticket, "第一条"))
    _notifier(wx_app).send(_message(ticket, "第二条"))
    another_worker = make_client(wx_app.extensions["intake.settings"])
    assert another_worker.access_token == "TOKEN-1"
    assert fake_api.token_fetches == 1
    assert len(fake_api.sent("message/custom/send")) == 2
    row = db.session.get(KeyValue, f"wechat:{APP_ID}_access_token")
    assert row is not None and row.expires_at is not None


def test_failed_send_is_retried_from_the_outbox_and_never_sent_twice(wx_app: Flask, fake_api: FakeWeChatAPI) -> None:
    ticket = _ticket()
    reference = ticket.reference
    _open_window()
    db.session.execute(sa.delete(Outbox))
    db.session.commit()
    fake_api.fail_next.append(500)
    notify_citizen(db.session, db.session.merge(ticket), "reply", "您反映的问题已答复。")
    db.session.commit()  # the after-commit kick runs the outbox row (sync mode) and it fails
    db.session.expire_all()
    row = db.session.scalar(sa.select(Outbox).where(Outbox.topic == "citizen.notify"))
    assert row is not None and row.done_at is None and row.attempts == 1 and row.last_error
    assert fake_api.sent("message/custom/send") == []
    row_id, notice_id = row.id, row.payload["notice"]

    assert deliver_outbox.run(row_id) is True
    assert deliver_outbox.run(row_id) is False  # done: a second run changes nothing
    again = OutboundMessage(reference, "reply", "您反映的问题已答复。", recipient={"openid": OPENID},
                            meta={"notice_id": notice_id})
    _notifier(wx_app).send(again)  # e.g. a retry after a lost commit
    assert len(fake_api.sent("message/custom/send")) == 1


def test_a_later_notice_with_the_same_text_is_sent_again(wx_app: Flask, fake_api: FakeWeChatAPI) -> None:
    ticket = _ticket()
    _open_window()
    for _round in range(2):  # e.g. two extensions, each told to the citizen in the same words
        t = db.session.merge(ticket)
        notify_citizen(db.session, t, "extension", "办理期限已延长，请耐心等待。")
        t.event_seq += 1  # the next notice belongs to a later event
        db.session.commit()
    sent = fake_api.sent("message/custom/send")
    assert len(sent) == 2 and all("办理期限已延长" in m["text"]["content"] for m in sent)


def test_outside_the_window_a_subscribe_message_is_sent(wx_app: Flask, fake_api: FakeWeChatAPI) -> None:
    wx_app.extensions["intake.settings"].wechat_subscribe_template = "TPL-STATUS"
    ticket = _ticket()
    _notifier(wx_app).send(_message(ticket))
    assert fake_api.sent("message/custom/send") == []
    [sent] = fake_api.sent("message/subscribe/bizsend")
    assert sent["template_id"] == "TPL-STATUS" and sent["touser"] == OPENID
    assert sent["data"]["character_string1"]["value"] == ticket.reference


def test_closed_window_error_falls_back_to_sms_when_a_phone_is_known(wx_app: Flask, fake_api: FakeWeChatAPI) -> None:
    sms = RecordingNotifier()
    wx_app.extensions["intake.notifiers"].register("sms", sms)
    ticket = _ticket(phone="13800000000")
    _open_window()
    fake_api.fail_next.append({"errcode": 45015, "errmsg": "response out of time limit"})
    _notifier(wx_app).send(_message(ticket, phone="13800000000"))
    assert [m.ticket_reference for m in sms.sent] == [ticket.reference]


def test_no_route_raises_so_the_outbox_keeps_the_message(wx_app: Flask, fake_api: FakeWeChatAPI) -> None:
    ticket = _ticket(phone="13800000000")
    with pytest.raises(NoRoute):
        _notifier(wx_app).send(_message(ticket, phone="13800000000"))  # no SMS notifier registered
    with pytest.raises(NoRoute):
        _notifier(wx_app).send(_message(ticket))
    assert fake_api.calls == []


@pytest.mark.parametrize("safe", [False, True], ids=["plain", "safe"])
def test_images_are_fetched_by_the_outbox_and_stored_as_attachments(
    wx_app: Flask, fake_api: FakeWeChatAPI, safe: bool
) -> None:
    fake_api.media["MEDIA-OK"] = PNG
    fake_api.media["MEDIA-TEXT"] = b"this is not an image"
    bot = Bot(wx_app, safe=safe)
    bot.say("举报")
    bot.say("福州市鼓楼区敬老院屋顶漏水。")
    assert "已收到图片" in bot.send("image", media_id="MEDIA-OK")
    bot.send("image", media_id="MEDIA-TEXT")
    bot.say("提交")
    db.session.expire_all()
    [ticket] = db.session.scalars(sa.select(Ticket)).all()
    atts = db.session.scalars(sa.select(Attachment).where(Attachment.ticket_id == ticket.id)).all()
    assert [(a.content_type, a.size) for a in atts] == [("image/png", len(PNG))]
    rows = db.session.scalars(sa.select(Outbox).where(Outbox.topic == "wechat.media")).all()
    assert len(rows) == 2 and all(r.done_at is not None for r in rows)  # the refused file is final
