"""team settings: a team's digest language

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 07:30:00

``teams.locale`` is the language of the team's weekly digest an admin chose; NULL (every
existing team) keeps today's rule: the language most of the team's members use.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("teams", sa.Column("locale", sa.String(length=16), nullable=True))


def downgrade() -> None:
    # not a batch "move and copy": on SQLite that recreates ``teams``, which the foreign keys
    # pointing at it refuse; SQLite (3.35+) and PostgreSQL both drop a plain column in place
    op.execute("ALTER TABLE teams DROP COLUMN locale")
