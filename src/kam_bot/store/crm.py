"""What CRM sync reads and writes: the records as they are now, the id links, the sync state,
the status counts, a resync, and what a pull brings in.

Links (``crm_links``) are per CRM: (kind, our id) -> the CRM's id. A create in progress holds
its link row (``crm_id`` NULL, ``pushing_by`` / ``pushing_until``), so two senders pushing rows
of the same record never both create it: the second waits for the first's id.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from kam_bot.domain import models as m
from kam_bot.domain.enums import Role
from kam_bot.domain.matching import fold
from kam_bot.store import changes
from kam_bot.store import tables as t
from kam_bot.store.outbox import PENDING
from kam_bot.store.repository import SqlRepository

if TYPE_CHECKING:  # the pulled records' shape only
    from kam_bot.domain.crm_records import ClosedTask, CrmAccount, CrmContact, CrmOwner, Pulled

ENTITY_ROWS: dict[str, tuple[type[t.Base], type[m.Entity]]] = {
    "visit": (t.VisitRow, m.Visit),
    "promise": (t.PromiseRow, m.Promise),
    "price": (t.PriceObservationRow, m.PriceObservation),
    "stock": (t.InventoryObservationRow, m.InventoryObservation),
    "competitor": (t.CompetitorNoteRow, m.CompetitorNote),
}

MINE, TAKEN_OVER, BUSY = "mine", "taken_over", "busy"


@dataclass(frozen=True)
class Link:
    crm_id: str | None
    pushing_by: str | None
    pushing_until: datetime | None
    removed: bool


@dataclass(frozen=True)
class Snapshot:
    """An entity as it is now, with what its record refers to (None: it was deleted)."""

    entity: m.Entity
    account: m.Account
    users: dict[int, m.User]
    contacts: dict[int, m.Contact]
    links: dict[tuple[str, int], str]
    """(kind, our id) -> CRM id, for the account, users, contacts and the visit it came from."""


@dataclass(frozen=True)
class State:
    stopped_reason: str | None = None
    stopped_at: datetime | None = None
    limited_until: datetime | None = None
    limited_reason: str | None = None
    limited_count: int = 0
    last_pull_at: datetime | None = None
    last_pull_summary: str | None = None


@dataclass(frozen=True)
class Status:
    counts: dict[str, int]
    """pending / in flight / sent / dead / skipped."""
    errors: list[tuple[str, str, int]]
    """(status, last_error, rows) for rows that failed or are waiting after a failure."""
    oldest_pending: datetime | None
    state: State


@dataclass(frozen=True)
class PullResult:
    owners_matched: int = 0
    accounts_created: int = 0
    accounts_updated: int = 0
    contacts_created: int = 0
    contacts_updated: int = 0
    promises_closed: int = 0
    skipped: int = 0
    """Contacts of an account kam-bot does not have."""

    def summary(self) -> str:
        return (
            f"owners matched {self.owners_matched}, accounts +{self.accounts_created} "
            f"~{self.accounts_updated}, contacts +{self.contacts_created} ~{self.contacts_updated}, "
            f"promises closed {self.promises_closed}"
        )


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


class SqlCrmStore:
    """Each method is one short transaction of its own."""

    def __init__(self, sessions: sessionmaker[Session], crm: str) -> None:
        self._sessions = sessions
        self.crm = crm

    # -- records as they are now -------------------------------------------------------

    def snapshot(self, kind: str, entity_id: int) -> Snapshot | None:
        row_type, model = ENTITY_ROWS[kind]
        with self._sessions() as session:
            row = session.get(row_type, entity_id)
            if row is None:
                return None
            entity = model.model_validate(row)
            account = m.Account.model_validate(session.get(t.AccountRow, entity.account_id))  # type: ignore[attr-defined]
            repo = SqlRepository(session)
            user_ids = {
                getattr(entity, f) for f in ("rep_id", "owner_id", "recorded_by") if getattr(entity, f, None)
            }
            users = repo.get_many(m.User, user_ids)
            contact_ids = set(getattr(entity, "contact_ids", []) or [])
            if getattr(entity, "contact_id", None):
                contact_ids.add(entity.contact_id)  # type: ignore[attr-defined]
            contacts = repo.get_many(m.Contact, contact_ids)
            wanted = [
                ("account", account.id),
                *(("user", i) for i in users),
                *(("contact", i) for i in contacts),
            ]
            if getattr(entity, "visit_id", None):
                wanted.append(("visit", entity.visit_id))  # type: ignore[attr-defined]
            return Snapshot(entity, account, users, contacts, self._crm_ids(session, wanted))

    def _crm_ids(self, session: Session, wanted: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
        pairs = list(wanted)
        if not pairs:
            return {}
        rows = session.execute(
            select(t.CrmLinkRow.kind, t.CrmLinkRow.entity_id, t.CrmLinkRow.crm_id).where(
                t.CrmLinkRow.crm == self.crm,
                t.CrmLinkRow.crm_id.is_not(None),
                or_(*(and_(t.CrmLinkRow.kind == k, t.CrmLinkRow.entity_id == i) for k, i in pairs)),
            )
        ).all()
        return {(k, i): c for k, i, c in rows}

    # -- links -------------------------------------------------------------------------

    def link(self, kind: str, entity_id: int) -> Link | None:
        with self._sessions() as session:
            row = self._link_row(session, kind, entity_id)
            return None if row is None else Link(row.crm_id, row.pushing_by, row.pushing_until, row.removed)

    def _link_row(self, session: Session, kind: str, entity_id: int) -> t.CrmLinkRow | None:
        return session.scalar(
            select(t.CrmLinkRow).where(
                t.CrmLinkRow.crm == self.crm, t.CrmLinkRow.kind == kind, t.CrmLinkRow.entity_id == entity_id
            )
        )

    def reserve(self, kind: str, entity_id: int, token: str, now: datetime, until: datetime) -> str:
        """Hold the right to create the CRM record: ``MINE`` (first), ``TAKEN_OVER`` (an earlier
        pusher's hold had expired: it may have created the record), or ``BUSY``."""
        with self._sessions() as session:
            values = {
                "crm": self.crm,
                "kind": kind,
                "entity_id": entity_id,
                "crm_id": None,
                "pushing_by": token,
                "pushing_until": until,
                "removed": False,
                "updated_at": now,
            }
            stmt = _insert(session)(t.CrmLinkRow).values(**values)
            stmt = stmt.on_conflict_do_nothing(index_elements=["crm", "kind", "entity_id"])
            if session.execute(stmt.returning(t.CrmLinkRow.id)).first() is not None:
                session.commit()
                return MINE
            taken = session.execute(
                update(t.CrmLinkRow)
                .where(
                    t.CrmLinkRow.crm == self.crm,
                    t.CrmLinkRow.kind == kind,
                    t.CrmLinkRow.entity_id == entity_id,
                    t.CrmLinkRow.crm_id.is_(None),
                    or_(
                        t.CrmLinkRow.pushing_until.is_(None),
                        t.CrmLinkRow.pushing_until < now,
                        t.CrmLinkRow.pushing_by == token,
                    ),
                )
                .values(pushing_by=token, pushing_until=until, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            session.commit()
            return TAKEN_OVER if getattr(taken, "rowcount", 0) == 1 else BUSY

    def release(self, kind: str, entity_id: int, token: str) -> None:
        """Give up a hold after a failed create; the next pusher takes it over (and looks first)."""
        with self._sessions() as session:
            session.execute(
                update(t.CrmLinkRow)
                .where(
                    t.CrmLinkRow.crm == self.crm,
                    t.CrmLinkRow.kind == kind,
                    t.CrmLinkRow.entity_id == entity_id,
                    t.CrmLinkRow.pushing_by == token,
                    t.CrmLinkRow.crm_id.is_(None),
                )
                .values(pushing_until=None)
            )
            session.commit()

    def set_link(self, kind: str, entity_id: int, crm_id: str, now: datetime) -> None:
        """Store the CRM id (creating the link or ending a create in progress)."""
        with self._sessions() as session:
            values = {"crm_id": crm_id, "pushing_by": None, "pushing_until": None, "removed": False}
            stmt = _insert(session)(t.CrmLinkRow).values(
                crm=self.crm, kind=kind, entity_id=entity_id, updated_at=now, **values
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=["crm", "kind", "entity_id"], set_={**values, "updated_at": now}
            )
            session.execute(stmt)
            session.commit()

    def mark_removed(self, kind: str, entity_id: int, now: datetime) -> None:
        with self._sessions() as session:
            session.execute(
                update(t.CrmLinkRow)
                .where(
                    t.CrmLinkRow.crm == self.crm,
                    t.CrmLinkRow.kind == kind,
                    t.CrmLinkRow.entity_id == entity_id,
                )
                .values(removed=True, updated_at=now)
            )
            session.commit()

    def entity_for(self, kind: str, crm_id: str) -> int | None:
        with self._sessions() as session:
            return session.scalar(
                select(t.CrmLinkRow.entity_id).where(
                    t.CrmLinkRow.crm == self.crm, t.CrmLinkRow.kind == kind, t.CrmLinkRow.crm_id == crm_id
                )
            )

    # -- state -------------------------------------------------------------------------

    def state(self) -> State:
        with self._sessions() as session:
            row = session.scalar(select(t.CrmStateRow).where(t.CrmStateRow.crm == self.crm))
            if row is None:
                return State()
            return State(
                row.stopped_reason,
                row.stopped_at,
                row.limited_until,
                row.limited_reason,
                row.limited_count,
                row.last_pull_at,
                row.last_pull_summary,
            )

    def _state_row(self, session: Session) -> t.CrmStateRow:
        mine = select(t.CrmStateRow).where(t.CrmStateRow.crm == self.crm).with_for_update()
        row = session.scalar(mine)
        if row is None:
            stmt = _insert(session)(t.CrmStateRow).values(crm=self.crm, limited_count=0)
            session.execute(stmt.on_conflict_do_nothing(index_elements=["crm"]))
            row = session.scalar(mine)
        assert row is not None
        return row

    def stop(self, reason: str, now: datetime) -> bool:
        """Record the sync as stopped; True for the process that stopped it (it tells the admins)."""
        with self._sessions() as session:
            self._state_row(session)
            session.commit()
            result = session.execute(
                update(t.CrmStateRow)
                .where(t.CrmStateRow.crm == self.crm, t.CrmStateRow.stopped_reason.is_(None))
                .values(stopped_reason=reason, stopped_at=now)
            )
            session.commit()
            return getattr(result, "rowcount", 0) == 1

    def resume(self) -> bool:
        """Clear a stop; True when there was one."""
        with self._sessions() as session:
            result = session.execute(
                update(t.CrmStateRow)
                .where(t.CrmStateRow.crm == self.crm, t.CrmStateRow.stopped_reason.is_not(None))
                .values(stopped_reason=None, stopped_at=None)
            )
            session.commit()
            return getattr(result, "rowcount", 0) == 1

    def limited(self, until: datetime, reason: str) -> None:
        with self._sessions() as session:
            row = self._state_row(session)
            row.limited_until, row.limited_reason = until, reason
            row.limited_count = (row.limited_count or 0) + 1
            session.commit()

    def pulled(self, at: datetime, summary: str) -> None:
        with self._sessions() as session:
            row = self._state_row(session)
            row.last_pull_at, row.last_pull_summary = at, summary
            session.commit()

    # -- operator ----------------------------------------------------------------------

    def status(self, now: datetime) -> Status:
        with self._sessions() as session:
            mine = and_(t.OutboxRow.platform == self.crm, t.OutboxRow.kind == changes.KIND)
            held = and_(
                t.OutboxRow.status == PENDING,
                t.OutboxRow.claimed_until.is_not(None),
                t.OutboxRow.claimed_until >= now,
            )
            rows = session.execute(
                select(t.OutboxRow.status, held, func.count()).where(mine).group_by(t.OutboxRow.status, held)
            ).all()
            counts = dict.fromkeys(("pending", "in flight", "sent", "dead", "skipped"), 0)
            for status, is_held, n in rows:
                name = "in flight" if is_held and status == PENDING else status
                counts[name] = counts.get(name, 0) + int(n)
            errors = session.execute(
                select(t.OutboxRow.status, t.OutboxRow.last_error, func.count())
                .where(mine, t.OutboxRow.last_error.is_not(None), t.OutboxRow.status.in_((PENDING, "dead")))
                .group_by(t.OutboxRow.status, t.OutboxRow.last_error)
                .order_by(func.count().desc())
            ).all()
            oldest = session.scalar(
                select(func.min(t.OutboxRow.created_at)).where(mine, t.OutboxRow.status == PENDING)
            )
        return Status(counts, [(s, e, int(n)) for s, e, n in errors], oldest, self.state())

    def resync(self, since: datetime, now: datetime) -> dict[str, int]:
        """Queue every record saved or observed since ``since`` again (one row each)."""
        dates = {
            "visit": t.VisitRow.created_at,
            "promise": t.PromiseRow.created_at,
            "price": t.PriceObservationRow.observed_at,
            "stock": t.InventoryObservationRow.observed_at,
            "competitor": t.CompetitorNoteRow.observed_at,
        }
        queued: dict[str, int] = {}
        with self._sessions() as session:
            for kind, column in dates.items():
                row_type = ENTITY_ROWS[kind][0]
                ids = list(session.scalars(select(row_type.id).where(column >= since).order_by(row_type.id)))  # type: ignore[attr-defined]
                session.add_all(changes.row(self.crm, kind, i, "edited", now) for i in ids)
                queued[kind] = len(ids)
            session.commit()
        return queued

    # -- pull ----------------------------------------------------------------------------

    def apply_pull(self, pulled: Pulled, now: datetime) -> PullResult:
        """Create and update accounts and contacts, match owners by email, close promises whose
        task was completed in the CRM. Never deletes, never touches a contact's personal notes."""
        with self._sessions() as session:
            repo = SqlRepository(session)
            owners = self._match_owners(session, repo, pulled.owners, now)
            accounts = self._accounts(session, repo, pulled.accounts, owners, now)
            contacts = self._contacts(session, repo, pulled.contacts, now)
            closed = self._close_promises(session, pulled.closed_tasks, now)
            session.commit()
        return PullResult(len(owners), *accounts, *contacts[:2], closed, contacts[2])

    def _links(self, session: Session, kind: str, crm_ids: Collection[str]) -> dict[str, int]:
        if not crm_ids:
            return {}
        rows = session.execute(
            select(t.CrmLinkRow.crm_id, t.CrmLinkRow.entity_id).where(
                t.CrmLinkRow.crm == self.crm,
                t.CrmLinkRow.kind == kind,
                t.CrmLinkRow.crm_id.in_(list(crm_ids)),
            )
        ).all()
        return {str(c): int(e) for c, e in rows}

    def _link_now(self, session: Session, kind: str, entity_id: int, crm_id: str, now: datetime) -> None:
        stmt = _insert(session)(t.CrmLinkRow).values(
            crm=self.crm, kind=kind, entity_id=entity_id, crm_id=crm_id, removed=False, updated_at=now
        )
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=["crm", "kind", "entity_id"], set_={"crm_id": crm_id, "updated_at": now}
            )
        )

    def _match_owners(
        self, session: Session, repo: SqlRepository, owners: list[CrmOwner], now: datetime
    ) -> dict[str, int]:
        matched: dict[str, int] = {}
        for owner in owners:
            user = repo.user_by_email(owner.email.strip().lower()) if owner.email else None
            if user is None:
                continue
            matched[owner.crm_id] = user.id
            self._link_now(session, "user", user.id, owner.crm_id, now)
        return matched

    def _accounts(
        self,
        session: Session,
        repo: SqlRepository,
        accounts: list[CrmAccount],
        owners: dict[str, int],
        now: datetime,
    ) -> tuple[int, int]:
        known = self._links(session, "account", [a.crm_id for a in accounts])
        users = repo.get_many(m.User, set(owners.values()))
        created = updated = 0
        for account in accounts:
            owner_id = owners.get(account.owner_crm_id or "")
            entity_id = known.get(account.crm_id)
            if entity_id is None:
                same = repo.accounts_by_key(fold(account.name), include_archived=True)
                entity_id = same[0].id if len(same) == 1 else None
            if entity_id is None:
                team = users[owner_id].team_id if owner_id in users else None
                fields = {"industry": account.industry} if account.industry else {}
                new = repo.add(
                    m.Account,
                    name=account.name,
                    owner_id=owner_id,
                    team_id=team,
                    created_at=now,
                    updated_at=now,
                    **fields,
                )
                self._link_now(session, "account", new.id, account.crm_id, now)
                created += 1
                continue
            current = repo.get(m.Account, entity_id)
            if current is None:
                continue
            change: dict[str, Any] = {}
            if current.name != account.name:
                change["name"] = account.name
            if owner_id is not None and current.owner_id != owner_id:
                change["owner_id"] = owner_id
            if account.industry and current.industry != account.industry:
                change["industry"] = account.industry
            self._link_now(session, "account", entity_id, account.crm_id, now)
            if change:
                repo.update(m.Account, entity_id, updated_at=now, **change)
                updated += 1
        return created, updated

    def _contacts(
        self, session: Session, repo: SqlRepository, contacts: list[CrmContact], now: datetime
    ) -> tuple[int, int, int]:
        known = self._links(session, "contact", [c.crm_id for c in contacts])
        accounts = self._links(session, "account", [c.account_crm_id for c in contacts if c.account_crm_id])
        created = updated = skipped = 0
        for contact in contacts:
            account_id = accounts.get(contact.account_crm_id or "")
            entity_id = known.get(contact.crm_id)
            if entity_id is None and account_id is not None:
                same = [c for c in repo.contacts_for(account_id) if fold(c.name) == fold(contact.name)]
                entity_id = same[0].id if len(same) == 1 else None
            if entity_id is None:
                if account_id is None:
                    skipped += 1
                    continue
                new = repo.add(
                    m.Contact,
                    account_id=account_id,
                    name=contact.name,
                    title=contact.title,
                    department=contact.department,
                )
                self._link_now(session, "contact", new.id, contact.crm_id, now)
                created += 1
                continue
            current = repo.get(m.Contact, entity_id)
            if current is None:
                continue
            fields = {"name": contact.name, "title": contact.title, "department": contact.department}
            change = {k: v for k, v in fields.items() if v is not None and getattr(current, k) != v}
            self._link_now(session, "contact", entity_id, contact.crm_id, now)
            if change:
                repo.update(m.Contact, entity_id, **change)
                updated += 1
        return created, updated, skipped

    def _close_promises(self, session: Session, tasks: list[ClosedTask], now: datetime) -> int:
        by_crm = self._links(session, "promise", [task.crm_id for task in tasks])
        closed = 0
        for task in tasks:
            promise_id = by_crm.get(task.crm_id)
            if promise_id is None and task.external_id and task.external_id.startswith("kam-bot-promise-"):
                promise_id = int(task.external_id.rsplit("-", 1)[1])
            row = session.get(t.PromiseRow, promise_id) if promise_id is not None else None
            if row is None or row.status != "open":
                continue
            row.status, row.done_at, row.snoozed_until = "done", task.closed_at or now, None
            session.add(
                t.PromiseEventRow(promise_id=row.id, kind="done", at=now, actor_id=None, detail=f"{self.crm}")
            )
            closed += 1
        return closed

    def claim_pull(self, day: str, by: str, now: datetime) -> bool:
        """True for the one process that claims this night's pull."""
        with self._sessions() as session:
            stmt = _insert(session)(t.JobRunRow).values(
                job=f"crm_pull:{self.crm}", slot=day, claimed_by=by, claimed_at=now
            )
            won = session.execute(
                stmt.on_conflict_do_nothing(index_elements=["job", "slot"]).returning(t.JobRunRow.id)
            ).first()
            session.commit()
            return won is not None

    def admins(self) -> list[m.User]:
        with self._sessions() as session:
            rows = session.scalars(select(t.UserRow.id).where(t.UserRow.role == Role.ADMIN.value))
            return list(SqlRepository(session).get_many(m.User, list(rows)).values())
