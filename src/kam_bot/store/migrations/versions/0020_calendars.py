"""working calendars: a team's country, region and weekend; company days (off or work)

Revision ID: 0020
Revises: 0010
Create Date: 2026-12-06 07:00:00

Three nullable columns on ``teams`` (null: the default calendar) and a new table; nothing
existing changes meaning.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("teams", sa.Column("calendar_country", sa.String(length=8), nullable=True))
    op.add_column("teams", sa.Column("calendar_region", sa.String(length=16), nullable=True))
    op.add_column("teams", sa.Column("calendar_weekend", sa.String(length=40), nullable=True))
    op.create_table(
        "calendar_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_calendar_days_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_days")),
    )
    op.create_index("ix_calendar_days_day", "calendar_days", ["day"])


def downgrade() -> None:
    op.drop_index("ix_calendar_days_day", table_name="calendar_days")
    op.drop_table("calendar_days")
    # plain DROP COLUMN (SQLite >= 3.35): a batch copy of ``teams`` would trip the foreign keys to it
    for column in ("calendar_weekend", "calendar_region", "calendar_country"):
        op.drop_column("teams", column)
