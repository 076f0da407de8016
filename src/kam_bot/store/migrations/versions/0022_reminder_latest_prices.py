"""reminder briefs: the newest price of each key, and an account's promises by due date, by index

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 12:45:00

Two new indexes, so the morning briefs' reads follow what they show, not the years of history:

- ``price_observations`` (account, product, kind, competitor, observed at, id): the newest price of
  each (product, kind, competitor) at the briefs' accounts by a loose scan of it, one probe per key
  (``store.daily_batch._LATEST_PRICES``);
- ``promises`` (account, due date): an account card's promises, open or due within its promise
  record (``promises_for_record``), with ``ix_promises_account_status`` for the open ones.

Nothing existing changes meaning.
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_price_obs_account_key_at",
        "price_observations",
        ["account_id", "product", "kind", "competitor", "observed_at", "id"],
    )
    op.create_index("ix_promises_account_due", "promises", ["account_id", "due_date"])


def downgrade() -> None:
    op.drop_index("ix_promises_account_due", table_name="promises")
    op.drop_index("ix_price_obs_account_key_at", table_name="price_observations")
