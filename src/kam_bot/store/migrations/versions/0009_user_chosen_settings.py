"""users.chosen: which settings a person or an admin set, so a platform fills only the others

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 07:00:00

A pending user (an accounts import's owner, email only) holds the defaults nobody chose; when
that person first talks to the bot, Slack's or Teams' time zone and language replace them.
Existing rows: a user already met on a platform keeps both values (they came from the platform
or from the person); a user never met counts a value as chosen when it is not the default
(``UTC``, ``en``), i.e. an admin's users import set it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE on both: a batch copy of ``users`` on SQLite would cascade-delete its identities
    op.add_column("users", sa.Column("chosen", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    users = sa.table("users", sa.column("id", sa.Integer()), sa.column("timezone"), sa.column("locale"))
    chosen = sa.table("users", sa.column("id", sa.Integer()), sa.column("chosen", sa.JSON()))
    met = set(op.get_bind().scalars(sa.text("SELECT DISTINCT user_id FROM user_identities")))
    for user_id, timezone, locale in op.get_bind().execute(sa.select(users)).all():
        if user_id in met:
            fields = ["timezone", "locale"]
        else:
            defaults = (("timezone", timezone, "UTC"), ("locale", locale, "en"))
            fields = [name for name, value, default in defaults if value != default]
        if fields:
            op.execute(chosen.update().where(chosen.c.id == user_id).values(chosen=fields))


def downgrade() -> None:
    op.drop_column("users", "chosen")  # SQLite 3.35+ drops a column in place
