"""conversation references for proactive messages (Teams)

Teams lets a bot write first only into a conversation it already knows: the reference
(conversation id, service URL, tenant) arrives when the app is installed or the person
writes. One row per platform user, replaced when a newer reference arrives.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-04 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_refs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.String(length=500), nullable=False),
        sa.Column("service_url", sa.String(length=500), nullable=False),
        sa.Column("tenant_id", sa.String(length=100), nullable=True),
        sa.Column("bot_id", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_conversation_refs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_refs")),
        sa.UniqueConstraint("platform", "external_id", name=op.f("uq_conversation_refs_platform")),
    )
    with op.batch_alter_table("conversation_refs", schema=None) as batch_op:
        batch_op.create_index("ix_conversation_refs_user", ["user_id"], unique=False)
    op.create_table(
        "sent_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_cards")),
        sa.UniqueConstraint("platform", "message_id", name=op.f("uq_sent_cards_platform")),
    )


def downgrade() -> None:
    op.drop_table("sent_cards")
    with op.batch_alter_table("conversation_refs", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_refs_user")
    op.drop_table("conversation_refs")
