"""CRM sync: kam-bot id <-> CRM id links, and each CRM's sync state

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 09:00:00

Two new tables; the CRM's rows themselves go into the existing ``outbox``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crm_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crm", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("crm_id", sa.String(length=64), nullable=True),
        sa.Column("pushing_by", sa.String(length=100), nullable=True),
        sa.Column("pushing_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_links")),
        sa.UniqueConstraint("crm", "kind", "entity_id", name=op.f("uq_crm_links_crm")),
    )
    op.create_index("ix_crm_links_crm_id", "crm_links", ["crm", "kind", "crm_id"])
    op.create_table(
        "crm_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crm", sa.String(length=16), nullable=False),
        sa.Column("stopped_reason", sa.Text(), nullable=True),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("limited_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("limited_reason", sa.Text(), nullable=True),
        sa.Column("limited_count", sa.Integer(), nullable=False),
        sa.Column("last_pull_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_pull_summary", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_state")),
        sa.UniqueConstraint("crm", name=op.f("uq_crm_state_crm")),
    )


def downgrade() -> None:
    op.drop_table("crm_state")
    op.drop_index("ix_crm_links_crm_id", table_name="crm_links")
    op.drop_table("crm_links")
