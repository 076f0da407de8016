"""Logging a visit: the visit, its promises, observations, new contacts and stage change, at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from kam_bot.domain import rules
from kam_bot.domain.enums import GoalReached
from kam_bot.domain.models import (
    VISIT_DETAILS,
    Account,
    CompetitorNote,
    Contact,
    InventoryObservation,
    PlannedVisit,
    PriceObservation,
    Promise,
    StageChange,
    User,
    Visit,
)
from kam_bot.services import access, audit
from kam_bot.services.accounts import _get_account, apply_stage_change, refusal_to_write
from kam_bot.services.claims import DEFAULT_TTL
from kam_bot.services.errors import InvalidInputError, NotFoundError
from kam_bot.services.inputs import MAX_TEXT, VisitInput
from kam_bot.services.observations import add_prices_later, add_stocks_later
from kam_bot.services.ports import Clock, ConflictError, Repository, UnitOfWorkFactory, utc_now
from kam_bot.services.promises import add_promises_later

RequestClaim = tuple[str, str]
"""A platform's name for its request keys, and the key of the request carrying a visit."""
CLAIM_TTL = DEFAULT_TTL


class AlreadyTakenIn(Exception):  # noqa: N818 - not an error: a replay the caller drops
    """The request carrying this visit was taken in before (a replay): nothing was written."""


@dataclass(frozen=True)
class LoggedVisit:
    visit: Visit
    account: Account
    promises: list[Promise]
    prices: list[tuple[PriceObservation, rules.PriceDeviation | None]]
    stocks: list[tuple[InventoryObservation, rules.InventoryChange]]
    competitor_notes: list[CompetitorNote]
    new_contacts: list[Contact]
    stage_change: StageChange | None
    already_saved: bool = False
    """True when the same submission was saved before: nothing new was written."""


def next_visit_error(next_visit: date | None, visit_day: date, today: date) -> InvalidInputError | None:
    """A next visit comes after the visit it is planned at, and not on a day already past."""
    if next_visit is None:
        return None
    if next_visit <= visit_day:
        return InvalidInputError("visit.next_before", field="next_visit_date")
    if next_visit < today:
        return InvalidInputError("visit.next_in_past", field="next_visit_date")
    if not rules.date_in_range(next_visit, today):
        return InvalidInputError("visit.next_too_far", field="next_visit_date")
    return None


def visit_date_errors(
    visit_day: date, today: date, next_visit: date | None, due_dates: list[date]
) -> list[InvalidInputError]:
    """The dates of a visit that cannot be, each naming its field (``promises.N.due_date`` for the
    Nth promise): every platform's form shows them on the field before saving."""
    errors = []
    if visit_day > today:
        errors.append(InvalidInputError("visit.in_future", field="visited_at"))
    if (next_error := next_visit_error(next_visit, visit_day, today)) is not None:
        errors.append(next_error)
    for i, due in enumerate(due_dates):
        if not rules.date_in_range(due, today):
            errors.append(InvalidInputError("promise.due_out_of_range", field=f"promises.{i}.due_date"))
        elif due < visit_day:
            errors.append(InvalidInputError("promise.due_before_visit", field=f"promises.{i}.due_date"))
    return errors


def visit_errors(data: VisitInput, timezone: str, now: datetime) -> list[InvalidInputError]:
    """What makes a visit impossible: ``VisitService.log`` refuses the visit with the first."""
    tz = ZoneInfo(timezone)
    day, today = data.visited_at.astimezone(tz).date(), now.astimezone(tz).date()
    errors = [InvalidInputError("visit.in_future", field="visited_at")] if data.visited_at > now else []
    found = visit_date_errors(day, today, data.next_visit_date, [p.due_date for p in data.promises])
    return errors + [e for e in found if e.field != "visited_at"]


class VisitService:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock = utc_now, price_threshold: Decimal | None = None
    ):
        self._uow = uow
        self._clock = clock
        self._threshold = price_threshold if price_threshold is not None else rules.DEFAULT_PRICE_THRESHOLD

    def log(self, actor: User, data: VisitInput, request: RequestClaim | None = None) -> LoggedVisit:
        """Write everything in one transaction: any failing part leaves no row behind.

        The same ``submission_key`` twice (a double click, a retried request), even at the same
        moment from two processes, saves once: the second call answers with what the first wrote.
        ``request``: the platform's claim on the request carrying the visit (its platform name
        and key), taken in the same transaction: a request taken in before raises
        ``AlreadyTakenIn`` and writes nothing.
        """
        try:
            return self._log(actor, data, request, replay_first=False)
        except ConflictError:
            if not data.submission_key:
                raise
            return self._log(actor, data, request, replay_first=True)  # the concurrent save is visible now

    def _log(
        self, actor: User, data: VisitInput, request: RequestClaim | None, replay_first: bool
    ) -> LoggedVisit:
        """``replay_first``: look for an earlier save of the submission before writing; the first
        attempt does not (one query less): the unique ``submission_key`` refuses the second
        write of a submission, and ``log`` then tries again with ``replay_first``."""
        now = self._clock()
        with self._uow() as uow:
            repo = uow.repo
            if replay_first:
                if request is not None and not repo.claim_with_save(*request, now, now + CLAIM_TTL):
                    raise AlreadyTakenIn(request[1])
                if data.submission_key and (earlier := repo.visit_by_submission(data.submission_key)):
                    replayed = self._replay(repo, actor, earlier)
                    uow.commit()  # the request's claim, when it brought one
                    return replayed
                touched = repo.touched(Account, data.account_id, updated_at=now)
                known = repo.mark_met(data.account_id, data.contact_ids, data.visited_at.date())
            else:  # the claim, the account and the contacts met: one round trip where it can be
                claimed, touched, known = repo.open_visit(
                    request, now, now + CLAIM_TTL, data.account_id, data.contact_ids, data.visited_at.date()
                )
                if request is not None and not claimed:
                    raise AlreadyTakenIn(request[1])
            if touched is None or touched.archived:
                raise NotFoundError("account.gone", field="account", id=data.account_id)
            account = touched
            if (refusal := refusal_to_write(repo, actor, account)) is not None:
                raise refusal  # the form's own message (it did not read the account: check_visit)
            # the contacts met are marked already (undone with the rest on a refusal)
            unknown = [cid for cid in data.contact_ids if cid not in known]
            if unknown:
                raise InvalidInputError("visit.unknown_contact", field="contact_ids", ids=unknown)
            for error in visit_errors(data, actor.timezone, now):
                raise error
            new_contacts = [
                repo.add(Contact, account_id=account.id, last_met=data.visited_at.date(), **c.model_dump())
                for c in data.new_contacts
            ]
            contact_ids = list(dict.fromkeys([*data.contact_ids, *(c.id for c in new_contacts)]))
            with repo.deferred_flush():  # staged events and audit entries: one INSERT each at commit
                visit = repo.add(
                    Visit,
                    account_id=account.id,
                    rep_id=actor.id,
                    visited_at=data.visited_at,
                    contact_ids=contact_ids,
                    created_at=now,
                    submission_key=data.submission_key,
                    **data.model_dump(include=set(VISIT_DETAILS)),
                )
                owner_id = account.owner_id or actor.id
                promises_done = add_promises_later(
                    repo, account, data.promises, owner_id, actor.id, now, visit.id, contact_ids
                )
                prices_done = add_prices_later(
                    repo, account, data.prices, actor.id, data.visited_at, visit.id, self._threshold
                )
                stocks_done = add_stocks_later(
                    repo, account, data.stocks, actor.id, data.visited_at, visit.id
                )
                notes_done = repo.add_many_later(
                    CompetitorNote,
                    [
                        {
                            "account_id": account.id,
                            "observed_at": data.visited_at,
                            "visit_id": visit.id,
                            "recorded_by": actor.id,
                        }
                        | n.model_dump()
                        for n in data.competitor_notes
                    ],
                )
                repo.flush()  # the promises and observations: one round trip, one INSERT per table
                promises, prices, stocks, notes = promises_done(), prices_done(), stocks_done(), notes_done()
                _followed(repo, visit, promises, prices, stocks, notes, now)
                stage = None
                if data.stage_change is not None:
                    stage = apply_stage_change(
                        repo,
                        account,
                        data.stage_change.kind,
                        data.stage_change.to_stage,
                        actor.id,
                        visit.id,
                        now,
                    )
                audit.record(repo, actor.id, audit.CREATED, "visit", visit.id, now)
                for note in notes:
                    audit.record(repo, actor.id, audit.CREATED, "competitor_note", note.id, now)
                if stage is not None:
                    audit.record(
                        repo,
                        actor.id,
                        audit.CHANGED,
                        "account",
                        account.id,
                        now,
                        [f"{stage.kind.value}_stage"],
                    )
                for contact in new_contacts:
                    audit.record(repo, actor.id, audit.CREATED, "contact", contact.id, now)
            uow.commit()
            return LoggedVisit(visit, account, promises, prices, stocks, notes, new_contacts, stage)

    def _replay(self, repo: Repository, actor: User, visit: Visit) -> LoggedVisit:
        """What an earlier save of the same submission wrote, as the confirmation shows it."""
        account = _get_account(repo, visit.account_id)
        access.require(visit.rep_id == actor.id or access.can_read_account(repo, actor, account), "account")
        prices, stocks, notes = repo.observations_for_visit(visit.id)
        day = visit.visited_at.date()
        rates = repo.exchange_rates()
        return LoggedVisit(
            visit=visit,
            account=account,
            promises=repo.promises_where(visit_id=visit.id, status=None),
            prices=[
                (p, rules.price_deviation(p, repo.price_list_for(p.product, day), self._threshold, rates))
                for p in prices
            ],
            stocks=[
                (
                    s,
                    rules.inventory_change(
                        s, repo.previous_stock(account.id, s.product, s.observed_at, s.id)
                    ),
                )
                for s in stocks
            ],
            competitor_notes=notes,
            new_contacts=[],
            stage_change=None,
            already_saved=True,
        )

    def for_edit(self, actor: User, visit_id: int) -> tuple[Visit, Account]:
        """A visit the actor may correct, with its account."""
        with self._uow() as uow:
            return self._writable(uow.repo, actor, visit_id)

    def edit(
        self,
        actor: User,
        visit_id: int,
        *,
        goal_reached: GoalReached | None,
        summary: str | None,
        next_step: str | None,
        next_visit_date: date | None,
    ) -> Visit:
        """Correct what a rep most often gets wrong in the rush after a meeting."""
        for name, text in (("summary", summary), ("next_step", next_step)):
            if text is not None and len(text) > MAX_TEXT:
                raise InvalidInputError("visit.too_long", field=name, limit=MAX_TEXT)
        with self._uow() as uow:
            visit, _ = self._writable(uow.repo, actor, visit_id)
            if next_visit_date != visit.next_visit_date:  # an old plan left as it was is no error
                tz = ZoneInfo(actor.timezone)
                day, today = visit.visited_at.astimezone(tz).date(), self._clock().astimezone(tz).date()
                if (error := next_visit_error(next_visit_date, day, today)) is not None:
                    raise error
            updated = uow.repo.update(
                Visit,
                visit_id,
                goal_reached=goal_reached,
                summary=summary,
                next_step=next_step,
                next_visit_date=next_visit_date,
            )
            changed = ("goal_reached", "summary", "next_step", "next_visit_date")
            touched = [f for f in changed if getattr(visit, f) != getattr(updated, f)]
            audit.record(uow.repo, actor.id, audit.CHANGED, "visit", visit_id, self._clock(), touched)
            uow.repo.record_change("visit", visit_id, "edited", self._clock())
            uow.commit()
            return updated

    def _writable(self, repo: Repository, actor: User, visit_id: int) -> tuple[Visit, Account]:
        visit = repo.get(Visit, visit_id)
        account = repo.get(Account, visit.account_id) if visit is not None else None
        if visit is None or account is None:
            raise NotFoundError("visit.not_found", field="visit", id=visit_id)
        access.require(access.can_write_account(repo, actor, account), "visit")
        return visit, account

    def recent(self, actor: User, account_id: int, limit: int = 5) -> list[Visit]:
        with self._uow() as uow:
            account = _get_account(uow.repo, account_id)
            access.require(access.can_read_account(uow.repo, actor, account), "account")
            return uow.repo.visits_for(account_id, limit)

    def planned(self, actor: User, from_day: date, limit: int = 15) -> list[PlannedVisit]:
        """The next visits the actor's latest visits set, on or after ``from_day``, soonest first."""
        with self._uow() as uow:
            return uow.repo.planned_visits(actor.id, from_day, limit)

    def last_at(self, account_id: int) -> datetime | None:
        with self._uow() as uow:
            return uow.repo.last_visit_dates([account_id]).get(account_id)


def _followed(
    repo: Repository,
    visit: Visit,
    promises: Sequence[Promise],
    prices: Sequence[tuple[PriceObservation, object]],
    stocks: Sequence[tuple[InventoryObservation, object]],
    notes: Sequence[CompetitorNote],
    now: datetime,
) -> None:
    """A saved visit and everything it recorded, for the systems that follow kam-bot."""
    repo.record_change("visit", visit.id, "saved", now)
    for kind, ids in (
        ("promise", [p.id for p in promises]),
        ("price", [p.id for p, _ in prices]),
        ("stock", [s.id for s, _ in stocks]),
        ("competitor", [n.id for n in notes]),
    ):
        for entity_id in ids:
            repo.record_change(kind, entity_id, "saved", now)
