"""conversation: last_seen_at (a sender's reply window) and an emptiable state

The WeChat webhook marked the 48-hour customer-service window in a key_value row of its own
(``wechat:seen:<sender key>``), one more statement per message. The mark now lives on the
sender's conversation row, written by the same upsert as the dialogue's state; a finished
dialogue empties ``state_enc`` instead of deleting the row. Open windows are carried over
from key_value, so no citizen's window closes early at the upgrade.

Revision ID: 3c1f0a9d2b47
Revises: 619bf53d7552
Create Date: 2026-11-28 14:20:00.000000

"""
import datetime as dt

from alembic import op
import sqlalchemy as sa

import intake.db


# revision identifiers, used by Alembic.
revision = '3c1f0a9d2b47'
down_revision = '619bf53d7552'
branch_labels = None
depends_on = None

SEEN_PREFIX = 'wechat:seen:'
WINDOW = dt.timedelta(hours=48)


def upgrade():
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', intake.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('state_enc', existing_type=sa.Text(), nullable=True)

    conn = op.get_bind()
    key_value = sa.table('key_value', sa.column('key', sa.String), sa.column('expires_at', intake.db.UTCDateTime()))
    conversation = sa.table(
        'conversation', sa.column('channel', sa.String), sa.column('sender_key', sa.String),
        sa.column('state_enc', sa.Text), sa.column('updated_at', intake.db.UTCDateTime()),
        sa.column('expires_at', intake.db.UTCDateTime()), sa.column('last_seen_at', intake.db.UTCDateTime()),
    )
    now = dt.datetime.now(dt.timezone.utc)
    seen = conn.execute(sa.select(key_value.c.key, key_value.c.expires_at)
                        .where(key_value.c.key.like(SEEN_PREFIX + '%'))).all()
    for key, expires_at in seen:
        if expires_at is None or expires_at <= now:
            continue
        sender_key, last_seen = key[len(SEEN_PREFIX):], expires_at - WINDOW
        where = sa.and_(conversation.c.channel == 'wechat', conversation.c.sender_key == sender_key)
        if conn.execute(sa.update(conversation).where(where).values(last_seen_at=last_seen)).rowcount == 0:
            conn.execute(sa.insert(conversation).values(
                channel='wechat', sender_key=sender_key, state_enc=None, updated_at=last_seen,
                expires_at=last_seen, last_seen_at=last_seen))
    conn.execute(sa.delete(key_value).where(key_value.c.key.like(SEEN_PREFIX + '%')))


def downgrade():
    conn = op.get_bind()
    conn.execute(sa.text("DELETE FROM conversation WHERE state_enc IS NULL"))
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.alter_column('state_enc', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('last_seen_at')
