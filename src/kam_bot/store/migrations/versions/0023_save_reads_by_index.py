"""a visit's save: its stock's previous count and its prices' list price, by index

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 05:40:00

A visit's save reads, for each stock count, the count before it, and for each price, the
product's list price; both match the product without case (``lower(product)``), which the
indexes on ``product`` cannot answer. The stock read went through all of the account's counts
(437 µs a save on the bench data, growing with the account's history); the list price through
the whole price list. Two expression indexes answer them:

- ``inventory_observations`` (account, ``lower(product)``, observed at, id): one probe;
- ``price_list`` (``lower(product)``, valid from), in place of (product, valid from), which no
  query used.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_inventory_obs_account_lower_product_at",
        "inventory_observations",
        ["account_id", sa.text("lower(product)"), "observed_at", "id"],
    )
    op.drop_index("ix_price_list_product", table_name="price_list")
    op.create_index("ix_price_list_lower_product", "price_list", [sa.text("lower(product)"), "valid_from"])


def downgrade() -> None:
    op.drop_index("ix_price_list_lower_product", table_name="price_list")
    op.create_index("ix_price_list_product", "price_list", ["product", "valid_from"])
    op.drop_index("ix_inventory_obs_account_lower_product_at", table_name="inventory_observations")
