"""Set-at-a-time writes and reads for import, export and restore.

The repository inserts one row and flushes; an import of 20,000 accounts that way makes
60,000 round trips. Here rows go in as executemany batches (SQLAlchemy's "insertmanyvalues",
RETURNING ids in parameter order where asked), updates by primary key likewise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import Enum
from functools import lru_cache
from typing import Any, TypeVar, cast

from sqlalchemy import Table, delete, func, insert, select, text, update

from kam_bot.domain import models as m
from kam_bot.domain.matching import fold
from kam_bot.store import tables as t
from kam_bot.store.repository import ROWS, SqlRepository

E = TypeVar("E", bound=m.Entity)
BATCH = 500

folded: Callable[[str], str] = lru_cache(maxsize=1 << 16)(fold)
"""``fold`` remembered: an import folds each name and alias in its checks and again to write it."""

LEGACY_DIGEST_PLATFORM = "slack"
"""The platform of ``teams.digest_channel`` before per-platform destinations (migration 0002),
and so of the ``digest_channel`` of a team in an export made then."""


def plain(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Enum members to their values: drivers must not see Enum objects (psycopg dumps their names)."""
    return {key: _plain(value) for key, value in fields.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _table(row_type: type[t.Base]) -> Table:
    """The Core table: inserting through it skips the ORM's per-row bookkeeping."""
    return cast(Table, row_type.__table__)


def _batches(rows: Sequence[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield [plain(row) for row in rows[start : start + BATCH]]


def insert_rows(
    repo: SqlRepository,
    row_type: type[t.Base],
    rows: Sequence[dict[str, Any]],
    tick: Callable[[int], None] | None = None,
) -> None:
    """Insert ``rows`` (each with the same keys), ``BATCH`` at a time, ticking after each batch."""
    for batch in _batches(rows):
        repo.session.execute(insert(_table(row_type)), batch)
        if tick is not None:
            tick(len(batch))


def insert_returning_ids(
    repo: SqlRepository,
    row_type: type[t.Base],
    rows: Sequence[dict[str, Any]],
    tick: Callable[[int], None] | None = None,
) -> list[int]:
    """As ``insert_rows``, returning the new ids in the order of ``rows``."""
    table = _table(row_type)
    ids: list[int] = []
    for batch in _batches(rows):
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ids.extend(repo.session.execute(stmt, batch).scalars())
        if tick is not None:
            tick(len(batch))
    return ids


def update_rows(
    repo: SqlRepository,
    row_type: type[t.Base],
    rows: Sequence[dict[str, Any]],
    tick: Callable[[int], None] | None = None,
) -> None:
    """Update by primary key: each dict holds ``id`` and the columns to set (they may differ)."""
    for batch in _batches(rows):
        repo.session.execute(update(row_type), batch)
        if tick is not None:
            tick(len(batch))


def alias_rows(account_id: int, search_key: str, aliases: Sequence[str]) -> list[dict[str, Any]]:
    """The folded-alias index rows of one account, as ``SqlRepository`` keeps them."""
    keys = {folded(alias) for alias in aliases} - {"", search_key}
    return [{"account_id": account_id, "search_key": key} for key in sorted(keys)]


def replace_aliases(repo: SqlRepository, aliases: Mapping[int, tuple[str, Sequence[str]]]) -> None:
    """Re-index the aliases of accounts: ``{account id: (search key, aliases)}``."""
    ids = list(aliases)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        repo.session.execute(delete(t.AccountAliasRow).where(t.AccountAliasRow.account_id.in_(chunk)))
    rows = [row for account_id, (key, names) in aliases.items() for row in alias_rows(account_id, key, names)]
    insert_rows(repo, t.AccountAliasRow, rows)


def iter_entities(repo: SqlRepository, model: type[E]) -> Iterator[E]:
    """Every record of ``model`` by id, streamed; users come with their identities, teams with their
    digest destinations."""
    identities: dict[int, dict[str, str]] = {}
    destinations: dict[int, dict[str, str]] = {}
    if model is m.Team:
        destinations = repo.team_destinations(
            repo.session.scalars(select(t.TeamDestinationRow.team_id).distinct()).all()
        )
    if model is m.User:
        rows = repo.session.execute(
            select(
                t.UserIdentityRow.user_id, t.UserIdentityRow.platform, t.UserIdentityRow.external_id
            ).order_by(t.UserIdentityRow.id)
        )
        for user_id, platform, external_id in rows:
            identities.setdefault(user_id, {})[platform] = external_id
    row_type = ROWS[model]
    stmt = select(row_type).order_by(row_type.__table__.c.id).execution_options(yield_per=1000)
    for row in repo.session.scalars(stmt):
        entity = model.model_validate(row)
        if isinstance(entity, m.User):
            entity.identities = dict(sorted(identities.get(entity.id, {}).items()))
        if isinstance(entity, m.Team):
            entity.digest_destinations = destinations.get(entity.id, {})
        yield entity


def read_snapshot(repo: SqlRepository) -> None:
    """Make the rest of the transaction read one snapshot (PostgreSQL; call before any query).

    Under the default READ COMMITTED each query sees the latest commits, so an export taken
    while reps log visits could hold a promise whose visit it did not export.
    """
    if repo.session.get_bind().dialect.name == "postgresql":
        repo.session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))


def record_count(repo: SqlRepository) -> int:
    """Rows in all the entity tables: zero means a restore may start."""
    total = 0
    for row_type in ROWS.values():
        total += repo.session.scalar(select(func.count()).select_from(row_type)) or 0
    return total


def reset_sequences(repo: SqlRepository, row_types: Sequence[type[t.Base]]) -> None:
    """After inserting explicit ids on PostgreSQL, move each id sequence past the largest id.

    Without this the next ordinary insert draws id 1 and collides. SQLite needs nothing:
    its rowid continues from the largest id.
    """
    if repo.session.get_bind().dialect.name != "postgresql":
        return
    for row_type in row_types:
        table = row_type.__tablename__  # our own table names, never user input
        repo.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f'COALESCE(MAX(id), 0) + 1, false) FROM "{table}"'
            )
        )
