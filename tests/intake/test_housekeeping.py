"""What is kept only for a while is deleted when its time is up, and nothing else."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Flask

from intake.db import db, utcnow
from intake.models import Conversation, KeyValue, ProviderMessage, Ticket
from intake.tasks import housekeeping
from tests.intake.helpers import dispatched_ticket


def test_expired_dialogues_receipts_and_counters_are_purged(app: Flask) -> None:
    now = utcnow()
    dispatched_ticket("350524")
    db.session.add_all([
        Conversation(channel="wechat", sender_key="old", state_enc="x", expires_at=now - dt.timedelta(minutes=1)),
        Conversation(channel="wechat", sender_key="live", state_enc="x", expires_at=now + dt.timedelta(hours=1)),
        ProviderMessage(channel="wechat", message_key="m-old", received_at=now - dt.timedelta(days=8)),
        ProviderMessage(channel="wechat", message_key="m-new", received_at=now - dt.timedelta(hours=1)),
        KeyValue(key="rl:old", value="3", expires_at=now - dt.timedelta(seconds=1)),
        KeyValue(key="keep", value="v", expires_at=None),
    ])
    db.session.commit()
    assert housekeeping.run() == {"conversations": 1, "provider_messages": 1, "key_values": 1}
    assert housekeeping.run() == {"conversations": 0, "provider_messages": 0, "key_values": 0}
    db.session.expire_all()
    assert [c.sender_key for c in db.session.scalars(sa.select(Conversation))] == ["live"]
    assert [m.message_key for m in db.session.scalars(sa.select(ProviderMessage))] == ["m-new"]
    assert db.session.get(KeyValue, "keep") is not None
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 1  # tickets are never purged


def test_an_ended_dialogue_is_kept_while_its_reply_window_is_open(app: Flask) -> None:
    now = utcnow()
    db.session.add_all([
        Conversation(channel="wechat", sender_key="window-open", state_enc=None, expires_at=now,
                     last_seen_at=now - dt.timedelta(hours=47)),
        Conversation(channel="wechat", sender_key="window-closed", state_enc=None, expires_at=now,
                     last_seen_at=now - dt.timedelta(hours=49)),
    ])
    db.session.commit()
    assert housekeeping.run()["conversations"] == 1
    db.session.expire_all()
    assert [c.sender_key for c in db.session.scalars(sa.select(Conversation))] == ["window-open"]
