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

from sqlalchemy import (
    ARRAY,
    Date,
    Integer,
    Table,
    any_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert

from kam_bot.store import tables as t

OPENED_CLAIMED = "opened_claimed"
OPENED_MET = "opened_met"
"""The two columns of the row beside the account's."""

_KEYS = cast(Table, t.RequestKeyRow.__table__)
_ACCOUNTS = cast(Table, t.AccountRow.__table__)
_CONTACTS = cast(Table, t.ContactRow.__table__)
_STATEMENTS: dict[bool, Any] = {}


def visit_opening(with_claim: bool) -> Any:
    """The statement (built once; ``with_claim``: the save carries a request's claim).
    Parameters: ``b_account``, ``b_now``, ``b_ids`` (the contact ids), ``b_day``; with a claim
    ``b_platform``, ``b_key``, ``b_expires``."""
    stmt = _STATEMENTS.get(with_claim)
    if stmt is None:
        stmt = _STATEMENTS[with_claim] = _build(with_claim)
    return stmt


def _build(with_claim: bool) -> Any:
    now = bindparam("b_now", type_=_KEYS.c.seen_at.type)
    day = bindparam("b_day", type_=Date)
    account = bindparam("b_account", type_=Integer)
    met = (
        update(_CONTACTS)
        .where(
            _CONTACTS.c.id == any_(bindparam("b_ids", type_=ARRAY(Integer))),
            _CONTACTS.c.account_id == account,
        )
        .values(
            last_met=case(
                (or_(_CONTACTS.c.last_met.is_(None), _CONTACTS.c.last_met < day), day),
                else_=_CONTACTS.c.last_met,
            )
        )
        .returning(_CONTACTS.c.id)
        .cte("met")
    )
    touched = (
        update(_ACCOUNTS)
        .where(_ACCOUNTS.c.id == account)
        .values(updated_at=bindparam("b_now", type_=_ACCOUNTS.c.updated_at.type))
        .returning(*_ACCOUNTS.c)
        .cte("touched")
    )
    if with_claim:
        new = pg_insert(_KEYS).values(
            platform=bindparam("b_platform", type_=_KEYS.c.platform.type),
            key=bindparam("b_key", type_=_KEYS.c.key.type),
            seen_at=now,
            expires_at=bindparam("b_expires", type_=_KEYS.c.expires_at.type),
        )
        claim = (
            new.on_conflict_do_update(
                index_elements=[_KEYS.c.platform, _KEYS.c.key],
                set_={"seen_at": new.excluded.seen_at, "expires_at": new.excluded.expires_at},
                where=_KEYS.c.expires_at <= now,
            )
            .returning(_KEYS.c.id)
            .cte("claim")
        )
        claimed: Any = select(func.count()).select_from(claim).scalar_subquery()
    else:
        claimed = literal(1)
    one = select(literal(1).label("one")).subquery("one")
    return select(
        claimed.label(OPENED_CLAIMED),
        select(func.array_agg(met.c.id)).scalar_subquery().label(OPENED_MET),
        *touched.c,
    ).select_from(one.outerjoin(touched, true()))
