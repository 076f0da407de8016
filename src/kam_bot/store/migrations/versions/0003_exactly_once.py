"""exactly once: request keys with a TTL, the outbox's in-flight marker and its incidents

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 19:30:00

``request_keys`` replaces ``processed_events`` (one de-duplication mechanism for events,
retried and replayed requests, and submitted views); the rows of the last day move over
with an expiry, so a Slack retry arriving during the upgrade is still recognised.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

EVENT_PLATFORM = "slack"
EVENT_PREFIX = "event:"
CARRIED_OVER = timedelta(days=1)


def _request_keys() -> sa.Table:
    return op.create_table(
        "request_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_keys")),
        sa.UniqueConstraint("platform", "key", name=op.f("uq_request_keys_platform")),
    )


def _processed_events() -> sa.Table:
    return op.create_table(
        "processed_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_events")),
        sa.UniqueConstraint("platform", "event_id", name=op.f("uq_processed_events_platform")),
    )


def upgrade() -> None:
    keys = _request_keys()
    with op.batch_alter_table("request_keys", schema=None) as batch_op:
        batch_op.create_index("ix_request_keys_expires_at", ["expires_at"], unique=False)
    bind = op.get_bind()
    old = sa.table(
        "processed_events",
        sa.column("platform", sa.String()),
        sa.column("event_id", sa.String()),
        sa.column("received_at", sa.DateTime(timezone=True)),
    )
    rows = bind.execute(sa.select(old.c.platform, old.c.event_id, old.c.received_at)).all()
    if rows:
        op.bulk_insert(
            keys,
            [
                {
                    "platform": platform,
                    "key": (EVENT_PREFIX + event_id) if platform == EVENT_PLATFORM else event_id,
                    "seen_at": received_at,
                    "expires_at": received_at + CARRIED_OVER,
                }
                for platform, event_id, received_at in rows
            ],
        )
    op.drop_table("processed_events")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sending_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "outbox_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("instance", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_outbox_incidents_outbox_id_outbox"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_incidents")),
    )
    with op.batch_alter_table("outbox_incidents", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_incidents_outbox_id", ["outbox_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_incidents_outbox_id")
    op.drop_table("outbox_incidents")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("sending_at")

    events = _processed_events()
    bind = op.get_bind()
    keys = sa.table(
        "request_keys",
        sa.column("platform", sa.String()),
        sa.column("key", sa.String()),
        sa.column("seen_at", sa.DateTime(timezone=True)),
    )
    rows = bind.execute(
        sa.select(keys.c.platform, keys.c.key, keys.c.seen_at).where(
            sa.or_(keys.c.platform != EVENT_PLATFORM, keys.c.key.startswith(EVENT_PREFIX))
        )
    ).all()
    if rows:
        op.bulk_insert(
            events,
            [
                {
                    "platform": platform,
                    "event_id": key.removeprefix(EVENT_PREFIX) if platform == EVENT_PLATFORM else key,
                    "received_at": seen_at,
                }
                for platform, key, seen_at in rows
            ],
        )
    with op.batch_alter_table("request_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_request_keys_expires_at")
    op.drop_table("request_keys")
