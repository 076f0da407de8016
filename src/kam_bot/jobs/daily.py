"""What one person finds in their morning DM.

- today's planned visits, each with a pre-visit brief (``briefs``);
- promises we owe that are due today or overdue, and promises customers owe us that are
  overdue (to chase), each with Done / Snooze / Open buttons; a promise snoozed until a later
  day is hidden;
- their accounts past the visit cadence;
- for a manager, a part per direct report with that rep's own promises overdue by at least
  ``escalation_days`` (snoozed or not: a snooze does not hide a promise from the manager)
  and accounts more than twice past their cadence.

A planned visit is the ``next_visit_date`` set by the latest visit logged at an account the
person owns; a plan superseded by a later visit is no longer a plan.
Nothing to say gives ``None``: no DM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from kam_bot.domain import rules
from kam_bot.domain.enums import PromiseDirection
from kam_bot.domain.models import Account, Promise, User
from kam_bot.handlers.replies import Line, user
from kam_bot.i18n import format_date, t
from kam_bot.jobs.briefs import brief_parts
from kam_bot.jobs.notifications import Notification, Part, PromiseItem, still_shown
from kam_bot.jobs.planning import local_date
from kam_bot.services.accounts import AccountCard
from kam_bot.services.errors import ServiceError
from kam_bot.store import tables as tb
from kam_bot.store.repository import SqlRepository

KIND = "daily"
MAX_BRIEFS = 2
"""Planned visits with a full brief; further visits that day are listed by name."""
MAX_STALE = 8
FAR_PAST_FACTOR = 2
"""An account more than this many cadences since its last visit reaches the manager."""

CardSource = Callable[[User, int], AccountCard]
"""The account card as ``actor`` sees it (``AccountService.card`` with the moment's clock)."""


@dataclass(frozen=True)
class Stale:
    account: Account
    last_visit: date | None
    days_since: int
    over: int


def _accounts(repo: SqlRepository, ids: set[int]) -> dict[int, Account]:
    if not ids:
        return {}
    rows = repo.session.scalars(
        select(tb.AccountRow).where(tb.AccountRow.id.in_(ids), tb.AccountRow.archived.is_(False))
    )
    return {r.id: Account.model_validate(r) for r in rows}


def _items(repo: SqlRepository, promises: Sequence[Promise]) -> list[PromiseItem]:
    accounts = _accounts(repo, {p.account_id for p in promises})
    return [
        PromiseItem(promise=p, account=accounts[p.account_id]) for p in promises if p.account_id in accounts
    ]


def due_ours(repo: SqlRepository, owner: User, today: date) -> list[PromiseItem]:
    found = repo.promises_where(owner_id=owner.id, direction=PromiseDirection.OURS, due_on_or_before=today)
    return _items(repo, [p for p in found if still_shown(p, today)])


def overdue_theirs(repo: SqlRepository, owner: User, today: date) -> list[PromiseItem]:
    found = repo.promises_where(
        owner_id=owner.id, direction=PromiseDirection.THEIRS, due_on_or_before=today - timedelta(days=1)
    )
    return _items(repo, [p for p in found if still_shown(p, today)])


def stale_accounts(repo: SqlRepository, owner: User, today: date) -> list[Stale]:
    """The owner's live accounts past their cadence, most overdue first."""
    accounts = repo.accounts_where(owner_id=owner.id)
    last = repo.last_visit_dates(a.id for a in accounts)
    out: list[Stale] = []
    for a in accounts:
        seen = last[a.id].date() if a.id in last else None
        over = rules.days_overdue(a, seen, today)
        if over is not None:
            since = seen or a.created_at.date()
            out.append(Stale(a, seen, (today - since).days, over))
    return sorted(out, key=lambda s: (-s.over, s.account.name.casefold()))


def planned_visits(repo: SqlRepository, owner: User, today: date) -> list[Account]:
    """Accounts the owner plans to visit today: the latest visit there set ``next_visit_date`` today."""
    rows = repo.session.execute(
        select(tb.VisitRow.account_id, tb.VisitRow.visited_at)
        .join(tb.AccountRow, tb.AccountRow.id == tb.VisitRow.account_id)
        .where(
            tb.VisitRow.next_visit_date == today,
            tb.AccountRow.owner_id == owner.id,
            tb.AccountRow.archived.is_(False),
        )
    ).all()
    latest = repo.last_visit_dates({account_id for account_id, _ in rows})
    ids = {account_id for account_id, at in rows if latest.get(account_id) == at}
    return sorted(_accounts(repo, ids).values(), key=lambda a: a.name.casefold())


def _stale_line(s: Stale, loc: str, key: str) -> Line:
    seen = (
        t("card.last_visit", loc, date=format_date(s.last_visit, loc))
        if s.last_visit
        else t("card.never_visited", loc)
    )
    days = t(key, loc, over=s.over, days=s.days_since, cadence=rules.cadence_days(s.account))
    return Line.of(user(s.account.name), f" — {days} · {seen}")


def _visit_parts(repo: SqlRepository, person: User, today: date, cards: CardSource) -> list[Part]:
    loc = person.locale
    accounts = planned_visits(repo, person, today)
    parts: list[Part] = []
    for account in accounts[:MAX_BRIEFS]:
        try:
            parts += brief_parts(cards(person, account.id), loc, today)
        except ServiceError:
            continue
    rest = accounts[MAX_BRIEFS:]
    if rest:
        names: list[Line] = [Line.of("• ", user(a.name)) for a in rest]
        parts.append(Part(title=t("jobs.daily.more_visits", loc), lines=names))
    return parts


def _escalations(repo: SqlRepository, manager: User, now: datetime, escalation_days: int) -> list[Part]:
    loc = manager.locale
    parts: list[Part] = []
    for rep in sorted(repo.users_managed_by(manager.id), key=lambda u: u.display_name.casefold()):
        today = local_date(now, rep.timezone)
        promises = repo.promises_where(
            owner_id=rep.id,
            direction=PromiseDirection.OURS,
            due_on_or_before=today - timedelta(days=escalation_days),
        )
        far = [
            s
            for s in stale_accounts(repo, rep, today)
            if s.days_since > FAR_PAST_FACTOR * rules.cadence_days(s.account)
        ]
        items = _items(repo, promises)
        if not items and not far:
            continue
        lines = [_stale_line(s, loc, "jobs.escalation.far_stale") for s in far[:MAX_STALE]]
        title = t("jobs.escalation.rep", loc, name=rep.display_name, days=escalation_days)
        parts.append(Part(title=title, lines=lines, promises=items, more=max(0, len(far) - MAX_STALE)))
    return parts


def build_daily(
    repo: SqlRepository, person: User, today: date, now: datetime, escalation_days: int, cards: CardSource
) -> Notification | None:
    """The morning DM of ``person`` for their local date ``today`` as of ``now``; None: nothing to say."""
    loc = person.locale
    parts = _visit_parts(repo, person, today, cards)
    ours = due_ours(repo, person, today)
    if ours:
        parts.append(Part(title=t("jobs.daily.ours_due", loc), promises=ours, buttons=True))
    theirs = overdue_theirs(repo, person, today)
    if theirs:
        parts.append(Part(title=t("jobs.daily.theirs_overdue", loc), promises=theirs, buttons=True))
    stale = stale_accounts(repo, person, today)
    if stale:
        lines = [_stale_line(s, loc, "jobs.daily.stale_line") for s in stale[:MAX_STALE]]
        parts.append(Part(title=t("jobs.daily.stale", loc), lines=lines, more=max(0, len(stale) - MAX_STALE)))
    parts += _escalations(repo, person, now, escalation_days)
    note = Notification(
        kind=KIND,
        locale=loc,
        today=today,
        title=t("jobs.daily.title", loc, name=person.display_name, date=format_date(today, loc)),
        parts=parts,
    )
    return None if note.is_empty() else note
