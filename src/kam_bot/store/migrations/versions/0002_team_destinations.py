"""a team's digest destination per platform

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 19:30:00

``teams.digest_channel`` (one untyped string, a Slack channel id in practice) becomes a row per
platform in ``team_destinations``; every existing channel is copied as platform ``slack``. The
digest's outbox key gains the platform (``digest:t5:2026-W47:slack``), existing rows included,
so that a digest already queued is not queued again under the new key.

A person's DM address needs no new column: on Slack it is their identity (``user_identities``),
on a platform that needs more (Teams' conversation reference) that platform's adapter keeps it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_destinations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_team_destinations_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_destinations")),
        sa.UniqueConstraint("team_id", "platform", name=op.f("uq_team_destinations_team_id")),
    )
    op.execute(
        "INSERT INTO team_destinations (team_id, platform, address) "
        "SELECT id, 'slack', TRIM(digest_channel) FROM teams "
        "WHERE digest_channel IS NOT NULL AND TRIM(digest_channel) <> ''"
    )
    op.execute(
        "UPDATE outbox SET key = key || ':' || platform "
        "WHERE kind = 'digest' AND key NOT LIKE '%:' || platform"
    )
    # not a batch "move and copy": on SQLite that drops and recreates ``teams``, which the foreign
    # keys pointing at it refuse; SQLite (3.35+) and PostgreSQL both drop a plain column in place
    op.execute("ALTER TABLE teams DROP COLUMN digest_channel")


def downgrade() -> None:
    op.add_column("teams", sa.Column("digest_channel", sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE teams SET digest_channel = (SELECT address FROM team_destinations d "
        "WHERE d.team_id = teams.id AND d.platform = 'slack')"
    )
    # the old schema knows one digest per team and week: the Slack one (other platforms' go)
    op.execute("DELETE FROM outbox WHERE kind = 'digest' AND platform <> 'slack'")
    op.execute(
        "UPDATE outbox SET key = SUBSTR(key, 1, LENGTH(key) - LENGTH(platform) - 1) "
        "WHERE kind = 'digest' AND key LIKE '%:' || platform"
    )
    op.drop_table("team_destinations")
