"""exchange rates: admin-set currency rates, so prices in another currency compare with the list

Revision ID: 0005
Revises: 0002 (was 0001 on its own branch; chained after main's 0002 at the merge)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_currency", sa.String(length=8), nullable=False),
        sa.Column("to_currency", sa.String(length=8), nullable=False),
        sa.Column("rate", sa.Numeric(precision=18, scale=8), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_rates")),
        sa.UniqueConstraint("from_currency", "to_currency", name=op.f("uq_exchange_rates_from_currency")),
    )


def downgrade() -> None:
    op.drop_table("exchange_rates")
