"""The SQL repository: every query the services make, returning domain models.

Rows never leave this module: callers get pydantic models (``model_validate(row)``) and
pass plain field values back. Queries are written for the indexes in ``tables.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar, cast

from sqlalchemy import Date, Table, and_, bindparam, case, delete, func, or_, select, update
from sqlalchemy.orm import Session

from kam_bot.domain import models as m
from kam_bot.domain.enums import PromiseDirection, PromiseStatus
from kam_bot.domain.insight.coverage import ChainMember
from kam_bot.domain.matching import fold
from kam_bot.services.ports import OpenedSave
from kam_bot.store import changes, insight_queries, request_keys, staged
from kam_bot.store import tables as t
from kam_bot.store.opening import OPENED_CLAIMED, OPENED_MET, visit_opening

E = TypeVar("E", bound=m.Entity)

ROWS: dict[type[m.Entity], type[t.Base]] = {
    m.Team: t.TeamRow,
    m.User: t.UserRow,
    m.Account: t.AccountRow,
    m.Contact: t.ContactRow,
    m.Visit: t.VisitRow,
    m.StageChange: t.StageChangeRow,
    m.Promise: t.PromiseRow,
    m.PromiseEvent: t.PromiseEventRow,
    m.PriceObservation: t.PriceObservationRow,
    m.InventoryObservation: t.InventoryObservationRow,
    m.CompetitorNote: t.CompetitorNoteRow,
    m.PriceListEntry: t.PriceListRow,
    m.AuditEntry: t.AuditRow,
    m.ExchangeRate: t.ExchangeRateRow,
    m.CalendarDay: t.CalendarDayRow,
}


MIN_ID, MAX_ID = -(2**31), 2**31 - 1
"""Ids are 32-bit on PostgreSQL; beyond that, binding the id itself fails."""


class SqlRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        staged.install()

    # -- generic -----------------------------------------------------------------------

    def add(self, model: type[E], **fields: Any) -> E:
        """Insert one row and return it as ``model``; ``id`` may be given (imports) or left out."""
        if model is m.User:
            return self._add_user(**fields)  # type: ignore[return-value]
        if model is m.Account:
            return self._add_account(**fields)  # type: ignore[return-value]
        if model is m.Team:
            return self._add_team(**fields)  # type: ignore[return-value]
        self.flush()  # what waits goes first, as the ORM's flush would have written it
        stmt = staged.inserting(_table(model), returning=True)
        row = self.session.connection().execute(stmt, _plain(fields)).one()
        return model.model_validate(dict(row._mapping))

    def add_many_later(self, model: type[E], rows: Sequence[dict[str, Any]]) -> Callable[[], list[E]]:
        if model in (m.User, m.Account, m.Team):
            raise TypeError(f"{model.__name__} rows are written with their index: use add")
        returned = staged.of(self.session).add_later(_table(model), [_plain(fields) for fields in rows])
        return lambda: [model.model_validate(row) for row in returned()]

    def flush(self) -> None:
        staged.write(self.session)
        self.session.flush()

    def deferred_flush(self) -> AbstractContextManager[object]:
        return self.session.no_autoflush

    def record_change(self, kind: str, entity_id: int, change: str, at: datetime) -> None:
        """An outbox row per follower the session was made for (``changes.FOLLOWERS``)."""
        for follower in self.session.info.get(changes.FOLLOWERS, ()):
            self.session.add(changes.row(follower, kind, entity_id, change, at))

    def stage(self, model: type[m.Entity], **fields: Any) -> None:
        staged.of(self.session).stage(_table(model), _plain(fields))

    def get(self, model: type[E], entity_id: int) -> E | None:
        if not MIN_ID <= entity_id <= MAX_ID:  # a typed or forged id no column can hold: no such row
            return None
        row = self.session.get(ROWS[model], entity_id)
        if row is None:
            return None
        return self._to_model(model, row)

    def get_many(self, model: type[E], entity_ids: Iterable[int]) -> dict[int, E]:
        ids = sorted({i for i in entity_ids if MIN_ID <= i <= MAX_ID})
        if not ids:
            return {}
        row_type = ROWS[model]
        if model in (m.User, m.Team):  # with their identities or destinations
            rows = self.session.scalars(select(row_type).where(row_type.id.in_(ids)))  # type: ignore[attr-defined]
            return {row.id: self._to_model(model, row) for row in rows}  # type: ignore[attr-defined]
        table = _table(model)
        plain = self.session.execute(select(table).where(table.c.id.in_(ids))).mappings()
        return {r["id"]: model.model_validate(dict(r)) for r in plain}

    def update(self, model: type[E], entity_id: int, **fields: Any) -> E:
        row = self.session.get(ROWS[model], entity_id)
        if row is None:
            raise LookupError(f"{model.__name__} {entity_id} not found")
        identities = fields.pop("identities", None)
        destinations = fields.pop("digest_destinations", None) if model is m.Team else None
        for key, value in _plain(fields).items():
            setattr(row, key, value)
        if isinstance(row, t.AccountRow) and ("name" in fields or "aliases" in fields):
            self._index_account(row)
        if identities is not None:
            for platform, external_id in identities.items():
                self.link_identity(entity_id, platform, external_id)
        for platform, address in (destinations or {}).items():
            self.set_team_destination(entity_id, platform, address)
        self.session.flush()
        return self._to_model(model, row)

    def touched(self, model: type[E], entity_id: int, **fields: Any) -> E | None:
        """The row with plain ``fields`` set, in one UPDATE ... RETURNING (a save that reads a
        row and marks it changed makes one round trip); None when there is no such row."""
        if not MIN_ID <= entity_id <= MAX_ID:
            return None
        if model in (m.User, m.Team):
            raise TypeError(f"{model.__name__} rows come with their identities: use update")
        values = _plain(fields)
        stmt = _touching(_table(model), tuple(sorted(values)))
        row = self.session.connection().execute(stmt, {**values, "b_id": entity_id}).first()
        return model.model_validate(dict(row._mapping)) if row is not None else None

    def all(self, model: type[E]) -> list[E]:
        row_type = ROWS[model]
        rows = list(self.session.scalars(select(row_type).order_by(row_type.id)))  # type: ignore[attr-defined]
        if model is m.Team:  # every team's destinations in one query, not one per team
            teams = cast(list[t.TeamRow], rows)
            where = self.team_destinations(row.id for row in teams)
            return [self._team(row, where.get(row.id, {})) for row in teams]  # type: ignore[misc]
        return [self._to_model(model, row) for row in rows]

    def count(self, model: type[E]) -> int:
        return int(self.session.scalar(select(func.count()).select_from(ROWS[model])) or 0)

    def _to_model(self, model: type[E], row: Any) -> E:
        if model is m.User:
            return self._user(row)  # type: ignore[return-value]
        if model is m.Team:
            return self._team(row)  # type: ignore[return-value]
        return model.model_validate(row)

    # -- users and teams ---------------------------------------------------------------

    def _add_user(self, identities: dict[str, str] | None = None, **fields: Any) -> m.User:
        row = t.UserRow(**_plain(fields))
        self.session.add(row)
        self.session.flush()
        for platform, external_id in (identities or {}).items():
            self.link_identity(row.id, platform, external_id)
        return self._user(row)

    def _user(self, row: t.UserRow) -> m.User:
        ids = self.session.execute(
            select(t.UserIdentityRow.platform, t.UserIdentityRow.external_id).where(
                t.UserIdentityRow.user_id == row.id
            )
        ).all()
        user = m.User.model_validate(row)
        user.identities = {platform: external for platform, external in ids}  # noqa: C416
        return user

    def link_identity(self, user_id: int, platform: str, external_id: str) -> None:
        existing = self.session.scalar(
            select(t.UserIdentityRow).where(
                t.UserIdentityRow.platform == platform, t.UserIdentityRow.external_id == external_id
            )
        )
        if existing is not None:
            existing.user_id = user_id
        else:
            self.session.add(t.UserIdentityRow(user_id=user_id, platform=platform, external_id=external_id))
        self.session.flush()

    def user_by_identity(self, platform: str, external_id: str) -> m.User | None:
        row = self.session.scalar(
            select(t.UserRow)
            .join(t.UserIdentityRow, t.UserIdentityRow.user_id == t.UserRow.id)
            .where(t.UserIdentityRow.platform == platform, t.UserIdentityRow.external_id == external_id)
        )
        return self._user(row) if row is not None else None

    def user_by_email(self, email: str) -> m.User | None:
        row = self.session.scalar(
            select(t.UserRow).where(func.lower(t.UserRow.email) == email.strip().lower())
        )
        return self._user(row) if row is not None else None

    def users_managed_by(self, manager_id: int) -> list[m.User]:
        rows = self.session.scalars(select(t.UserRow).where(t.UserRow.manager_id == manager_id))
        return [self._user(r) for r in rows]

    def team_by_name(self, name: str) -> m.Team | None:
        row = self.session.scalar(select(t.TeamRow).where(func.lower(t.TeamRow.name) == name.strip().lower()))
        return self._team(row) if row is not None else None

    def _add_team(self, digest_destinations: dict[str, str | None] | None = None, **fields: Any) -> m.Team:
        row = t.TeamRow(**_plain(fields))
        self.session.add(row)
        self.session.flush()
        for platform, address in (digest_destinations or {}).items():
            self.set_team_destination(row.id, platform, address)
        return self._team(row)

    def _team(self, row: t.TeamRow, destinations: dict[str, str] | None = None) -> m.Team:
        team = m.Team.model_validate(row)
        if destinations is None:
            destinations = self.team_destinations([row.id]).get(row.id, {})
        team.digest_destinations = destinations
        return team

    def team_destinations(self, team_ids: Iterable[int]) -> dict[int, dict[str, str]]:
        """Team id -> {platform: address} for the teams that have any."""
        out: dict[int, dict[str, str]] = {}
        rows = self.session.execute(
            select(t.TeamDestinationRow.team_id, t.TeamDestinationRow.platform, t.TeamDestinationRow.address)
            .where(t.TeamDestinationRow.team_id.in_(list(team_ids)))
            .order_by(t.TeamDestinationRow.platform)
        )
        for team_id, platform, address in rows:
            out.setdefault(team_id, {})[platform] = address
        return out

    def set_team_destination(self, team_id: int, platform: str, address: str | None) -> None:
        """Where the team's digest goes on ``platform``; empty or None: no digest there."""
        row = self.session.scalar(
            select(t.TeamDestinationRow).where(
                t.TeamDestinationRow.team_id == team_id, t.TeamDestinationRow.platform == platform
            )
        )
        address = (address or "").strip()
        if row is not None and not address:
            self.session.delete(row)
        elif row is not None:
            row.address = address
        elif address:
            self.session.add(t.TeamDestinationRow(team_id=team_id, platform=platform, address=address))
        self.session.flush()

    # -- accounts ----------------------------------------------------------------------

    def _add_account(self, **fields: Any) -> m.Account:
        row = t.AccountRow(search_key=fold(fields["name"]), **_plain(fields))
        self.session.add(row)
        self.session.flush()
        self._index_account(row)
        return m.Account.model_validate(row)

    def _index_account(self, row: t.AccountRow) -> None:
        row.search_key = fold(row.name)
        self.session.execute(delete(t.AccountAliasRow).where(t.AccountAliasRow.account_id == row.id))
        keys = {fold(alias) for alias in row.aliases or []} - {"", row.search_key}
        self.session.add_all(t.AccountAliasRow(account_id=row.id, search_key=k) for k in sorted(keys))

    def accounts_by_key(self, key: str, include_archived: bool = False) -> list[m.Account]:
        """Accounts whose folded name or alias equals ``key`` (two index look-ups, not an OR scan)."""
        by_name = select(t.AccountRow.id).where(t.AccountRow.search_key == key)
        by_alias = select(t.AccountAliasRow.account_id).where(t.AccountAliasRow.search_key == key)
        ids = set(self.session.scalars(by_name)) | set(self.session.scalars(by_alias))
        if not ids:
            return []
        stmt = select(t.AccountRow).where(t.AccountRow.id.in_(ids))
        if not include_archived:
            stmt = stmt.where(t.AccountRow.archived.is_(False))
        return [m.Account.model_validate(r) for r in self.session.scalars(stmt.order_by(t.AccountRow.id))]

    def account_keys(self) -> list[tuple[int, str]]:
        """(account id, folded name or alias) for every live account: the fuzzy-search candidates."""
        live = t.AccountRow.archived.is_(False)
        names = select(t.AccountRow.id, t.AccountRow.search_key).where(live)
        aliases = (
            select(t.AccountAliasRow.account_id, t.AccountAliasRow.search_key)
            .join(t.AccountRow, t.AccountRow.id == t.AccountAliasRow.account_id)
            .where(live)
        )
        return [(i, k) for i, k in self.session.execute(names.union_all(aliases)).all()]

    def accounts_with_key_prefix(self, prefix: str, limit: int) -> list[tuple[int, str]]:
        """(account id, folded name or alias) starting with ``prefix``: an index range scan."""
        upper = prefix + "\U0010ffff"
        live = t.AccountRow.archived.is_(False)
        names = (
            select(t.AccountRow.id, t.AccountRow.search_key)
            .where(t.AccountRow.search_key >= prefix, t.AccountRow.search_key < upper, live)
            .limit(limit)
        )
        aliases = (
            select(t.AccountAliasRow.account_id, t.AccountAliasRow.search_key)
            .join(t.AccountRow, t.AccountRow.id == t.AccountAliasRow.account_id)
            .where(t.AccountAliasRow.search_key >= prefix, t.AccountAliasRow.search_key < upper, live)
            .limit(limit)
        )
        rows = [*self.session.execute(names).all(), *self.session.execute(aliases).all()]
        return [(i, k) for i, k in rows]

    def account_names(self) -> list[tuple[int, str]]:
        """(account id, name or alias) for every live account: the candidates for fuzzy search."""
        rows = self.session.execute(
            select(t.AccountRow.id, t.AccountRow.name, t.AccountRow.aliases).where(
                t.AccountRow.archived.is_(False)
            )
        ).all()
        out: list[tuple[int, str]] = []
        for account_id, name, aliases in rows:
            out.append((account_id, name))
            out.extend((account_id, alias) for alias in aliases or [])
        return out

    def accounts_where(
        self, *, owner_id: int | None = None, team_id: int | None = None, include_archived: bool = False
    ) -> list[m.Account]:
        stmt = select(_ACCOUNTS)
        if owner_id is not None:
            stmt = stmt.where(t.AccountRow.owner_id == owner_id)
        if team_id is not None:
            stmt = stmt.where(t.AccountRow.team_id == team_id)
        if not include_archived:
            stmt = stmt.where(t.AccountRow.archived.is_(False))
        rows = self.session.execute(stmt.order_by(t.AccountRow.name)).mappings()
        return [m.Account.model_validate(dict(r)) for r in rows]

    def planned_visits(self, owner_id: int, from_day: date, limit: int) -> list[m.PlannedVisit]:
        """Next visit dates on or after ``from_day`` set by the latest visit of each of the owner's
        live accounts, soonest first, one per account."""
        out: dict[int, m.PlannedVisit] = {}  # one per account (two visits may share the latest time)
        for row in self.session.execute(_PLANNED, {"b_owner": owner_id, "b_day": from_day}):
            day, next_step, *account = row
            account_id = row.id
            if account_id not in out and len(out) < limit:
                fields = dict(zip(_ACCOUNTS.c.keys(), account, strict=True))
                out[account_id] = m.PlannedVisit(
                    day=day, account=m.Account.model_validate(fields), next_step=next_step
                )
        return list(out.values())

    def last_visit_dates(self, account_ids: Iterable[int]) -> dict[int, datetime]:
        ids = list(account_ids)
        if not ids:
            return {}
        rows = self.session.execute(
            select(t.VisitRow.account_id, func.max(t.VisitRow.visited_at))
            .where(t.VisitRow.account_id.in_(ids))
            .group_by(t.VisitRow.account_id)
        ).all()
        return {account_id: at for account_id, at in rows if at is not None}

    # -- contacts, visits, stages ------------------------------------------------------

    def contacts_for(self, account_id: int) -> list[m.Contact]:
        stmt = select(t.ContactRow).where(t.ContactRow.account_id == account_id).order_by(t.ContactRow.name)
        return [m.Contact.model_validate(r) for r in self.session.scalars(stmt)]

    def mark_met(self, account_id: int, contact_ids: Sequence[int], day: date) -> set[int]:
        """Those of these ids that are the account's contacts, in one UPDATE: ``last_met``
        becomes ``day`` where they were last met before it (or never)."""
        ids = sorted({i for i in contact_ids if MIN_ID <= i <= MAX_ID})
        if not ids:
            return set()
        params = {"b_ids": ids, "b_account": account_id, "b_day": day}
        return set(self.session.connection().execute(_MARK_MET, params).scalars())

    def visits_for(self, account_id: int, limit: int = 5) -> list[m.Visit]:
        stmt = (
            select(t.VisitRow)
            .where(t.VisitRow.account_id == account_id)
            .order_by(t.VisitRow.visited_at.desc(), t.VisitRow.id.desc())
            .limit(limit)
        )
        return [m.Visit.model_validate(r) for r in self.session.scalars(stmt)]

    def latest_visit_times(self, account_id: int, limit: int) -> list[datetime]:
        stmt = (
            select(t.VisitRow.visited_at)
            .where(t.VisitRow.account_id == account_id)
            .order_by(t.VisitRow.visited_at.desc())
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def visit_by_submission(self, key: str) -> m.Visit | None:
        row = self.session.scalar(select(t.VisitRow).where(t.VisitRow.submission_key == key))
        return m.Visit.model_validate(row) if row is not None else None

    def stage_changes_for(self, account_id: int) -> list[m.StageChange]:
        stmt = (
            select(t.StageChangeRow)
            .where(t.StageChangeRow.account_id == account_id)
            .order_by(t.StageChangeRow.changed_at, t.StageChangeRow.id)
        )
        return [m.StageChange.model_validate(r) for r in self.session.scalars(stmt)]

    # -- promises ----------------------------------------------------------------------

    def promises_where(
        self,
        *,
        account_id: int | None = None,
        owner_id: int | None = None,
        status: PromiseStatus | None = PromiseStatus.OPEN,
        direction: PromiseDirection | None = None,
        due_on_or_before: date | None = None,
        visit_id: int | None = None,
    ) -> list[m.Promise]:
        stmt = select(_PROMISES)
        conditions = []
        if account_id is not None:
            conditions.append(t.PromiseRow.account_id == account_id)
        if owner_id is not None:
            conditions.append(t.PromiseRow.owner_id == owner_id)
        if status is not None:
            conditions.append(t.PromiseRow.status == status.value)
        if direction is not None:
            conditions.append(t.PromiseRow.direction == direction.value)
        if due_on_or_before is not None:
            conditions.append(t.PromiseRow.due_date <= due_on_or_before)
        if visit_id is not None:
            conditions.append(t.PromiseRow.visit_id == visit_id)
        if conditions:
            stmt = stmt.where(and_(*conditions))
        stmt = stmt.order_by(t.PromiseRow.due_date, t.PromiseRow.id)
        return [m.Promise.model_validate(dict(r)) for r in self.session.execute(stmt).mappings()]

    # -- team insight (store.insight_queries: one query each over the accounts) -----------

    def chain_members(self, account_ids: Sequence[int]) -> list[ChainMember]:
        return insight_queries.chain_members(self.session, account_ids)

    def promises_for_record(self, account_ids: Sequence[int], due_from: date) -> list[m.Promise]:
        return insight_queries.promises_for_record(self.session, account_ids, due_from)

    def visit_times(self, account_ids: Sequence[int], since: datetime) -> list[tuple[int, datetime]]:
        return insight_queries.visit_times(self.session, account_ids, since)

    def last_procurement_moves(self, account_ids: Sequence[int]) -> dict[int, datetime]:
        return insight_queries.last_procurement_moves(self.session, account_ids)

    def promise_events(self, promise_id: int) -> list[m.PromiseEvent]:
        stmt = (
            select(t.PromiseEventRow)
            .where(t.PromiseEventRow.promise_id == promise_id)
            .order_by(t.PromiseEventRow.at, t.PromiseEventRow.id)
        )
        return [m.PromiseEvent.model_validate(r) for r in self.session.scalars(stmt)]

    # -- observations ------------------------------------------------------------------

    def latest_prices(self, account_id: int) -> list[m.PriceObservation]:
        """The newest observation per (product, kind, competitor) at the account."""
        rows = self.session.scalars(
            select(t.PriceObservationRow)
            .where(t.PriceObservationRow.account_id == account_id)
            .order_by(t.PriceObservationRow.observed_at.desc(), t.PriceObservationRow.id.desc())
        )
        seen: set[tuple[str, str, str | None]] = set()
        out: list[m.PriceObservation] = []
        for row in rows:
            key = (row.product.lower(), row.kind, (row.competitor or "").lower() or None)
            if key not in seen:
                seen.add(key)
                out.append(m.PriceObservation.model_validate(row))
        return sorted(out, key=lambda p: (p.product.casefold(), p.kind != "our_invoice", p.competitor or ""))

    def price_history(self, account_id: int, since: datetime) -> list[m.PriceObservation]:
        """Every price seen at the account since ``since``, oldest first (the card's price picture)."""
        po = t.PriceObservationRow
        stmt = (
            select(po)
            .where(po.account_id == account_id, po.observed_at >= since)
            .order_by(po.observed_at, po.id)
        )
        return [m.PriceObservation.model_validate(r) for r in self.session.scalars(stmt)]

    def latest_stock(
        self, account_id: int
    ) -> list[tuple[m.InventoryObservation, m.InventoryObservation | None]]:
        """Per product: the newest observation and the one before it."""
        rows = self.session.scalars(
            select(t.InventoryObservationRow)
            .where(t.InventoryObservationRow.account_id == account_id)
            .order_by(t.InventoryObservationRow.observed_at.desc(), t.InventoryObservationRow.id.desc())
        )
        pairs: dict[str, list[m.InventoryObservation]] = {}
        for row in rows:
            seen = pairs.setdefault(row.product.lower(), [])
            if len(seen) < 2:
                seen.append(m.InventoryObservation.model_validate(row))
        return [(obs[0], obs[1] if len(obs) > 1 else None) for _, obs in sorted(pairs.items())]

    def previous_stock(
        self, account_id: int, product: str, before: datetime, exclude_id: int | None = None
    ) -> m.InventoryObservation | None:
        params = {"b_account": account_id, "b_product": product.lower(), "b_before": before}
        if exclude_id is not None:
            params["b_exclude"] = exclude_id
        row = self.session.execute(_PREVIOUS_STOCK[exclude_id is not None], params).first()
        return m.InventoryObservation.model_validate(dict(row._mapping)) if row is not None else None

    def price_list_for(self, product: str, on: date | None = None) -> m.PriceListEntry | None:
        params: dict[str, Any] = {"b_product": product.lower()}
        if on is not None:
            params["b_on"] = on
        row = self.session.execute(_PRICE_LIST_FOR[on is not None], params).first()
        return m.PriceListEntry.model_validate(dict(row._mapping)) if row is not None else None

    def exchange_rates(self) -> dict[tuple[str, str], Decimal]:
        """Every admin-set rate: (from, to) -> how many ``to`` one ``from`` buys."""
        return {(src, dst): rate for src, dst, rate in self.session.execute(_RATES)}

    def set_exchange_rate(self, source: str, target: str, rate: Decimal, now: datetime) -> None:
        """Set (or replace) one rate; the opposite direction is dropped so the two never disagree."""
        self.session.execute(
            delete(t.ExchangeRateRow).where(
                or_(
                    and_(t.ExchangeRateRow.from_currency == source, t.ExchangeRateRow.to_currency == target),
                    and_(t.ExchangeRateRow.from_currency == target, t.ExchangeRateRow.to_currency == source),
                )
            )
        )
        self.session.add(
            t.ExchangeRateRow(from_currency=source, to_currency=target, rate=rate, updated_at=now)
        )
        self.session.flush()

    def competitor_notes_for(self, account_id: int, limit: int = 5) -> list[m.CompetitorNote]:
        stmt = (
            select(t.CompetitorNoteRow)
            .where(t.CompetitorNoteRow.account_id == account_id)
            .order_by(t.CompetitorNoteRow.observed_at.desc())
            .limit(limit)
        )
        return [m.CompetitorNote.model_validate(r) for r in self.session.scalars(stmt)]

    def stage_changes_for_visit(self, visit_id: int) -> list[m.StageChange]:
        rows = self.session.scalars(select(t.StageChangeRow).where(t.StageChangeRow.visit_id == visit_id))
        return [m.StageChange.model_validate(row) for row in rows]

    def observations_for_visit(
        self, visit_id: int
    ) -> tuple[list[m.PriceObservation], list[m.InventoryObservation], list[m.CompetitorNote]]:
        prices = self.session.scalars(
            select(t.PriceObservationRow).where(t.PriceObservationRow.visit_id == visit_id)
        )
        stock = self.session.scalars(
            select(t.InventoryObservationRow).where(t.InventoryObservationRow.visit_id == visit_id)
        )
        notes = self.session.scalars(
            select(t.CompetitorNoteRow).where(t.CompetitorNoteRow.visit_id == visit_id)
        )
        return (
            [m.PriceObservation.model_validate(r) for r in prices],
            [m.InventoryObservation.model_validate(r) for r in stock],
            [m.CompetitorNote.model_validate(r) for r in notes],
        )

    def claim(self, platform: str, key: str, at: datetime, expires_at: datetime, prune: bool = False) -> bool:
        """True the first time ``key`` is claimed (or once its claim expired); False for a repeat.
        With ``prune``, expired claims are deleted too. On PostgreSQL the transaction commits
        without waiting for the disk (``store.request_keys``): it must hold the claim only."""
        new = request_keys.first(self.session, platform, key, at, expires_at)
        if prune:
            request_keys.prune(self.session, at)
        return new

    def claim_with_save(self, platform: str, key: str, at: datetime, expires_at: datetime) -> bool:
        """``claim`` as one statement of a save's own transaction: committed (synchronously) with
        what the save writes, or rolled back with it, so the request is taken in exactly when
        its work is; a concurrent claim of the same key waits for this transaction's end."""
        return request_keys.first(self.session, platform, key, at, expires_at, async_commit=False)

    def audit_entries(
        self, *, since: datetime | None = None, actor_id: int | None = None, limit: int = 1000
    ) -> list[m.AuditEntry]:
        query = select(t.AuditRow)
        if since is not None:
            query = query.where(t.AuditRow.at >= since)
        if actor_id is not None:
            query = query.where(t.AuditRow.actor_id == actor_id)
        rows = self.session.scalars(query.order_by(t.AuditRow.at.desc(), t.AuditRow.id.desc()).limit(limit))
        return [m.AuditEntry.model_validate(row) for row in reversed(list(rows))]

    def record_claims(self, platform: str, keys: list[str], at: datetime, expires_at: datetime) -> None:
        """Claim ``keys`` whose requests were taken in otherwise, without asking which were first."""
        request_keys.record(self.session, platform, keys, at, expires_at)

    def release_claim(self, platform: str, key: str) -> None:
        """Forget that ``key`` was claimed, so the same request may be handled again."""
        request_keys.forget(self.session, platform, key)

    def open_visit(
        self,
        request: tuple[str, str] | None,
        at: datetime,
        expires_at: datetime,
        account_id: int,
        contact_ids: Sequence[int],
        day: date,
    ) -> OpenedSave:
        """``claim_with_save``, ``touched`` (the account's ``updated_at``) and ``mark_met`` in one
        statement on PostgreSQL (``visit_opening``: three data-modifying CTEs); one after the
        other on SQLite, which has none."""
        ids = sorted({i for i in contact_ids if MIN_ID <= i <= MAX_ID})
        if self.session.get_bind().dialect.name != "postgresql" or not MIN_ID <= account_id <= MAX_ID:
            claimed = request is None or self.claim_with_save(*request, at, expires_at)
            account = self.touched(m.Account, account_id, updated_at=at)
            return OpenedSave(claimed, account, self.mark_met(account_id, ids, day))
        params: dict[str, Any] = {"b_account": account_id, "b_now": at, "b_ids": ids, "b_day": day}
        if request is not None:
            params |= {"b_platform": request[0], "b_key": request[1], "b_expires": expires_at}
        row = self.session.connection().execute(visit_opening(request is not None), params).one()
        values = dict(row._mapping)
        claimed, met = values.pop(OPENED_CLAIMED), values.pop(OPENED_MET)
        account = m.Account.model_validate(values) if values["id"] is not None else None
        return OpenedSave(bool(claimed), account, set(met or ()))

    def delete(self, model: type[m.Entity], ids: Sequence[int]) -> None:
        row_type = ROWS[model]
        if ids:
            self.session.execute(delete(row_type).where(row_type.id.in_(ids)))  # type: ignore[attr-defined]


_PROMISES = cast(Table, t.PromiseRow.__table__)
_ACCOUNTS = cast(Table, t.AccountRow.__table__)
_CONTACTS = cast(Table, t.ContactRow.__table__)
_DAY = bindparam("b_day", type_=Date)
_MARK_MET = (
    update(_CONTACTS)
    .where(
        _CONTACTS.c.id.in_(bindparam("b_ids", expanding=True)),
        _CONTACTS.c.account_id == bindparam("b_account"),
    )
    .values(
        last_met=case(
            (or_(_CONTACTS.c.last_met.is_(None), _CONTACTS.c.last_met < _DAY), _DAY),
            else_=_CONTACTS.c.last_met,
        )
    )
    .returning(_CONTACTS.c.id)
)
_LATEST = cast(Table, t.VisitRow.__table__).alias("latest")
_LATEST_AT = (
    select(func.max(_LATEST.c.visited_at)).where(_LATEST.c.account_id == _ACCOUNTS.c.id).scalar_subquery()
)
_PLANNED = (
    select(t.VisitRow.next_visit_date, t.VisitRow.next_step, *_ACCOUNTS.c)
    .select_from(_ACCOUNTS)
    .join(t.VisitRow, t.VisitRow.account_id == _ACCOUNTS.c.id)
    .where(
        _ACCOUNTS.c.owner_id == bindparam("b_owner"),
        _ACCOUNTS.c.archived.is_(False),
        t.VisitRow.visited_at == _LATEST_AT.correlate(_ACCOUNTS),
        t.VisitRow.next_visit_date >= bindparam("b_day"),
    )
    .order_by(t.VisitRow.next_visit_date, t.VisitRow.id.desc())
)
"""Each of the owner's accounts, then its latest visit: a probe of ``ix_visits_account_at`` per
account. (Joined the other way, the plan read every visit of the company planned after the day.)"""
_STOCKS = cast(Table, t.InventoryObservationRow.__table__)
_PREVIOUS_STOCK = {
    excluding: select(_STOCKS)
    .where(
        _STOCKS.c.account_id == bindparam("b_account"),
        func.lower(_STOCKS.c.product) == bindparam("b_product"),
        _STOCKS.c.observed_at <= bindparam("b_before"),
        *([_STOCKS.c.id != bindparam("b_exclude")] if excluding else []),
    )
    .order_by(_STOCKS.c.observed_at.desc(), _STOCKS.c.id.desc())
    .limit(1)
    for excluding in (False, True)
}
_PRICE_LIST = cast(Table, t.PriceListRow.__table__)
_PRICE_LIST_FOR = {
    dated: select(_PRICE_LIST)
    .where(
        func.lower(_PRICE_LIST.c.product) == bindparam("b_product"),
        *(
            [or_(_PRICE_LIST.c.valid_from.is_(None), _PRICE_LIST.c.valid_from <= bindparam("b_on"))]
            if dated
            else []
        ),
    )
    .order_by(_PRICE_LIST.c.valid_from.desc().nulls_last(), _PRICE_LIST.c.id.desc())
    .limit(1)
    for dated in (False, True)
}
_RATES = select(t.ExchangeRateRow.from_currency, t.ExchangeRateRow.to_currency, t.ExchangeRateRow.rate)
"""The save's reads and writes as Core statements built once (bound parameters): built per
call, their construction and cache keys cost more than running them."""
_TOUCHING: dict[tuple[Table, tuple[str, ...]], Any] = {}


def _touching(table: Table, keys: tuple[str, ...]) -> Any:
    """``UPDATE table SET key = :key ... WHERE id = :b_id RETURNING *``, built once per set of keys."""
    stmt = _TOUCHING.get((table, keys))
    if stmt is None:
        stmt = _TOUCHING[(table, keys)] = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({key: bindparam(key) for key in keys})
            .returning(*table.c)
        )
    return stmt


def _table(model: type[m.Entity]) -> Table:
    return cast(Table, ROWS[model].__table__)


def _plain(fields: dict[str, Any]) -> dict[str, Any]:
    """Enum members to their plain values, so rows and JSON columns hold plain strings."""
    return {key: _plain_value(value) for key, value in fields.items()}


def _plain_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    return value
