"""A visit's save opens with one statement on PostgreSQL, where it took three round trips: the
request's claim (``request_keys.first``, in the save's transaction), the account's
``updated_at`` set and read back (``SqlRepository.touched``), the contacts met marked
(``SqlRepository.mark_met``)::

    WITH claim AS (INSERT INTO request_keys ... ON CONFLICT ... DO UPDATE ... WHERE expired
                   RETURNING id),
         met AS (UPDATE contacts SET last_met = ... WHERE id = ANY(:ids) AND account_id = :account
                 RETURNING id),
         touched AS (UPDATE accounts SET updated_at = :now WHERE id = :account RETURNING *)
    SELECT (SELECT count(*) FROM claim), (SELECT array_agg(id) FROM met), touched.*
    FROM (SELECT 1) AS one LEFT OUTER JOIN touched ON true

Each part does exactly what its own statement did (PostgreSQL runs every data-modifying CTE once,
to completion, whether or not the query reads it), so all three happen whatever the others find;
the save then refuses, and rolls back, as it did: a claim not taken, no account, a contact that
is not the account's. The one row comes back even without the account (its columns NULL).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ARRAY, Date, Integer, Table, bindparam, column, text

from kam_bot.store import request_keys
from kam_bot.store import tables as t

OPENED_CLAIMED = "opened_claimed"
OPENED_MET = "opened_met"
"""The two columns of the row beside the account's."""

_KEYS = cast(Table, t.RequestKeyRow.__table__)
_ACCOUNTS = cast(Table, t.AccountRow.__table__)
_CLAIM = f"claim AS ({request_keys.CLAIM_SQL}), "
_SQL = (
    "WITH {claim}"
    "met AS (UPDATE contacts SET last_met = CASE"
    " WHEN contacts.last_met IS NULL OR contacts.last_met < :b_day THEN :b_day ELSE contacts.last_met END"
    " WHERE contacts.id = ANY(:b_ids) AND contacts.account_id = :b_account RETURNING contacts.id), "
    "touched AS (UPDATE accounts SET updated_at = :b_now WHERE accounts.id = :b_account RETURNING {columns}) "
    "SELECT {claimed} AS opened_claimed, (SELECT array_agg(met.id) FROM met) AS opened_met, {touched} "
    "FROM (SELECT 1) AS one LEFT OUTER JOIN touched ON true"
)
_STATEMENTS: dict[bool, Any] = {}


def visit_opening(with_claim: bool) -> Any:
    """The statement, as text (SQLAlchemy compiles an ``ON CONFLICT`` it builds at every
    execution, as it would this whole statement with it; built once). ``with_claim``: the save
    carries a request's claim. Parameters: ``b_account``, ``b_now``, ``b_ids`` (the contact ids),
    ``b_day``; with a claim ``b_platform``, ``b_key``, ``b_expires``."""
    stmt = _STATEMENTS.get(with_claim)
    if stmt is None:
        stmt = _STATEMENTS[with_claim] = _build(with_claim)
    return stmt


def _build(with_claim: bool) -> Any:
    names = [c.name for c in _ACCOUNTS.c]
    sql = _SQL.format(
        claim=_CLAIM if with_claim else "",
        claimed="(SELECT count(*) FROM claim)" if with_claim else "1",
        columns=", ".join(f"accounts.{n}" for n in names),
        touched=", ".join(f"touched.{n}" for n in names),
    )
    params = [
        bindparam("b_account", type_=Integer),
        bindparam("b_now", type_=_ACCOUNTS.c.updated_at.type),
        bindparam("b_ids", type_=ARRAY(Integer)),
        bindparam("b_day", type_=Date),
    ]
    if with_claim:
        params += [
            bindparam("b_platform", type_=_KEYS.c.platform.type),
            bindparam("b_key", type_=_KEYS.c.key.type),
            bindparam("b_expires", type_=_KEYS.c.expires_at.type),
        ]
    return (
        text(sql)
        .bindparams(*params)
        .columns(column(OPENED_CLAIMED, Integer), column(OPENED_MET, ARRAY(Integer)), *_ACCOUNTS.c)
    )
