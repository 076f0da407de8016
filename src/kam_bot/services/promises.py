"""Promises: add, complete, reopen, snooze, cancel, reassign, list. Every change is kept as an event."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime, timedelta

from kam_bot.domain import rules
from kam_bot.domain.enums import PromiseDirection, PromiseStatus
from kam_bot.domain.models import Account, Promise, PromiseEvent, User
from kam_bot.services import access, audit
from kam_bot.services.accounts import _get_account, local_today
from kam_bot.services.errors import ForbiddenError, InvalidInputError, NotFoundError
from kam_bot.services.inputs import PromiseInput
from kam_bot.services.ports import Clock, Repository, UnitOfWorkFactory, utc_now

MAX_SNOOZE_DAYS = 365


def require_due_in_range(due: date, today: date) -> None:
    if not rules.date_in_range(due, today):
        raise InvalidInputError("promise.due_out_of_range", field="due_date")


def add_promise(
    repo: Repository,
    account: Account,
    data: PromiseInput,
    owner_id: int,
    actor_id: int,
    now: datetime,
    visit_id: int | None = None,
) -> Promise:
    require_due_in_range(data.due_date, now.date())
    if data.contact_id is not None:
        contact_ids = {c.id for c in repo.contacts_for(account.id)}
        if data.contact_id not in contact_ids:
            raise InvalidInputError("promise.unknown_contact", field="contact_id")
    promise = repo.add(
        Promise,
        account_id=account.id,
        visit_id=visit_id,
        direction=data.direction,
        owner_id=owner_id,
        contact_id=data.contact_id,
        text=data.text,
        due_date=data.due_date,
        status=PromiseStatus.OPEN,
        created_at=now,
    )
    repo.stage(PromiseEvent, promise_id=promise.id, kind="created", at=now, actor_id=actor_id)
    audit.record(repo, actor_id, audit.CREATED, "promise", promise.id, now)
    return promise


def add_promises_later(
    repo: Repository,
    account: Account,
    items: Sequence[PromiseInput],
    owner_id: int,
    actor_id: int,
    now: datetime,
    visit_id: int,
    known_contacts: Collection[int] = (),
) -> Callable[[], list[Promise]]:
    """``add_promise`` for a visit's promises, staged for the next flush (the contacts read once,
    and not at all when every promise names one of ``known_contacts``: ids the caller found
    among the account's contacts in this transaction); the callable, after it, stages their
    events and audit entries and returns them."""
    for data in items:
        require_due_in_range(data.due_date, now.date())
    named = {data.contact_id for data in items if data.contact_id is not None}
    if named and not named <= set(known_contacts):
        contact_ids = {c.id for c in repo.contacts_for(account.id)}
        if any(data.contact_id is not None and data.contact_id not in contact_ids for data in items):
            raise InvalidInputError("promise.unknown_contact", field="contact_id")
    later = repo.add_many_later(
        Promise,
        [
            {
                "account_id": account.id,
                "visit_id": visit_id,
                "direction": data.direction,
                "owner_id": owner_id,
                "contact_id": data.contact_id,
                "text": data.text,
                "due_date": data.due_date,
                "status": PromiseStatus.OPEN,
                "created_at": now,
            }
            for data in items
        ],
    )

    def done() -> list[Promise]:
        promises = later()
        for promise in promises:
            repo.stage(PromiseEvent, promise_id=promise.id, kind="created", at=now, actor_id=actor_id)
            audit.record(repo, actor_id, audit.CREATED, "promise", promise.id, now)
        return promises

    return done


_CHANGES = {"done": "done", "reopened": "undone"}
"""A promise event -> the change followers learn (anything else: ``edited``)."""


class PromiseService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock = utc_now):
        self._uow = uow
        self._clock = clock

    def add(self, actor: User, account_id: int, data: PromiseInput) -> Promise:
        now = self._clock()
        with self._uow() as uow:
            account = _get_account(uow.repo, account_id)
            access.require(access.can_write_account(uow.repo, actor, account), "account")
            promise = add_promise(uow.repo, account, data, account.owner_id or actor.id, actor.id, now)
            uow.repo.record_change("promise", promise.id, "saved", now)
            uow.commit()
            return promise

    def complete(self, actor: User, promise_id: int) -> Promise:
        """Mark done. Completing a done promise changes nothing (a double-click is harmless)."""
        return self._change(actor, promise_id, "done", status=PromiseStatus.DONE, snoozed_until=None)

    def reopen(self, actor: User, promise_id: int) -> Promise:
        return self._change(actor, promise_id, "reopened", status=PromiseStatus.OPEN, done_at=None)

    def cancel(self, actor: User, promise_id: int) -> Promise:
        return self._change(
            actor, promise_id, "cancelled", status=PromiseStatus.CANCELLED, snoozed_until=None
        )

    def snooze(
        self, actor: User, promise_id: int, days: int | None = None, until: date | None = None
    ) -> Promise:
        """Hide the promise from reminders until a later day (counted in the actor's time zone)."""
        today = local_today(actor, self._clock())
        if days is not None and not 0 < days <= MAX_SNOOZE_DAYS:
            raise InvalidInputError("promise.bad_snooze", field="snoozed_until")
        target = until if until is not None else today + timedelta(days=1 if days is None else days)
        if not today < target <= today + timedelta(days=MAX_SNOOZE_DAYS):
            raise InvalidInputError("promise.bad_snooze", field="snoozed_until")
        return self._change(actor, promise_id, "snoozed", detail=target.isoformat(), snoozed_until=target)

    def reschedule(self, actor: User, promise_id: int, due: date) -> Promise:
        require_due_in_range(due, local_today(actor, self._clock()))
        return self._change(actor, promise_id, "rescheduled", detail=due.isoformat(), due_date=due)

    def reassign(self, actor: User, promise_id: int, new_owner_id: int) -> Promise:
        with self._uow() as uow:
            promise = self._get(uow.repo, promise_id)
            account = _get_account(uow.repo, promise.account_id)
            access.require(access.can_manage_account(uow.repo, actor, account), "promise")
            owner = uow.repo.get(User, new_owner_id)
            if owner is None:
                raise NotFoundError("user.not_found", field="owner")
            if actor.team_id is not None and actor.role.value != "admin" and owner.team_id != actor.team_id:
                raise InvalidInputError("promise.reassign_outside_team", field="owner")
            uow.repo.update(Promise, promise.id, owner_id=owner.id)
            uow.repo.add(
                PromiseEvent,
                promise_id=promise.id,
                kind="reassigned",
                at=self._clock(),
                actor_id=actor.id,
                detail=f"{promise.owner_id}->{owner.id}",
            )
            audit.record(
                uow.repo, actor.id, audit.CHANGED, "promise", promise.id, self._clock(), ["owner_id"]
            )
            uow.repo.record_change("promise", promise.id, "edited", self._clock())
            uow.commit()
            result = uow.repo.get(Promise, promise.id)
            assert result is not None
            return result

    def get(self, actor: User, promise_id: int) -> Promise:
        with self._uow() as uow:
            promise = self._get(uow.repo, promise_id)
            account = _get_account(uow.repo, promise.account_id)
            if not access.can_read_account(uow.repo, actor, account):
                raise ForbiddenError("promise.not_yours.read", field="promise", id=promise.id)
            return promise

    def history(self, actor: User, promise_id: int) -> list[PromiseEvent]:
        self.get(actor, promise_id)
        with self._uow() as uow:
            return uow.repo.promise_events(promise_id)

    def mine(self, actor: User, direction: PromiseDirection | None = None) -> list[Promise]:
        """The actor's open promises, soonest due first."""
        with self._uow() as uow:
            return uow.repo.promises_where(owner_id=actor.id, direction=direction)

    def _get(self, repo: Repository, promise_id: int) -> Promise:
        promise = repo.get(Promise, promise_id)
        if promise is None:
            raise NotFoundError("promise.not_found", field="promise", id=promise_id)
        return promise

    def _change(
        self, actor: User, promise_id: int, event: str, detail: str | None = None, **fields: object
    ) -> Promise:
        now = self._clock()
        with self._uow() as uow:
            promise = self._get(uow.repo, promise_id)
            account = _get_account(uow.repo, promise.account_id)
            allowed = promise.owner_id == actor.id or access.can_write_account(uow.repo, actor, account)
            if not (allowed or access.can_manage_account(uow.repo, actor, account)):
                # said as what it is: someone else's promise (the key names the refused change)
                raise ForbiddenError(f"promise.not_yours.{event}", field="promise", id=promise.id)
            if fields.get("status") is PromiseStatus.DONE and promise.status is not PromiseStatus.DONE:
                fields["done_at"] = now
            if fields.get("status") is promise.status:
                return promise
            if fields.get("status") is PromiseStatus.CANCELLED:
                fields["done_at"] = None
            if promise.status is not PromiseStatus.OPEN and event in {"snoozed", "rescheduled"}:
                raise InvalidInputError("promise.not_open", field="promise", status=promise.status.value)
            updated = uow.repo.update(Promise, promise.id, **fields)
            uow.repo.add(
                PromiseEvent, promise_id=promise.id, kind=event, at=now, actor_id=actor.id, detail=detail
            )
            audit.record(uow.repo, actor.id, audit.CHANGED, "promise", promise.id, now, fields)
            uow.repo.record_change("promise", promise.id, _CHANGES.get(event, "edited"), now)
            uow.commit()
            return updated
