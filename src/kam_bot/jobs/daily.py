"""What one person finds in their morning DM.

- today's planned visits, each with a pre-visit brief (``briefs``);
- promises we owe that are due today or overdue, and promises customers owe us that are
  overdue (to chase), each with Done / Snooze / Open buttons; a promise snoozed until a later
  day is hidden;
- their accounts past the visit cadence;
- for a manager, a part per direct report with that rep's own promises overdue by at least
  ``escalation_days`` working days of the rep's calendar (snoozed or not: a snooze does not
  hide a promise from the manager) and accounts more than twice past their cadence.

DMs go out on working days only (``planning.due_reminders``), so the first working day after a
break carries everything that fell due during it (our promises due on or before today, theirs
overdue). A visit planned on a day off is briefed on the last working day before it.

A planned visit is the ``next_visit_date`` set by the latest visit logged at an account the
person owns; a plan superseded by a later visit is no longer a plan. Days since a visit are
counted in the local days of the account's owner (their ``timezone``).

What a DM says is read for a whole batch of people at once (``daily_batch.load``) and built
in memory here (``compose_daily``); ``scheduler.daily_notification`` does both for one person.
Nothing to say gives ``None``: no DM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from kam_bot.domain import rules
from kam_bot.domain.calendar import MONDAY_TO_FRIDAY, WorkingCalendar
from kam_bot.domain.enums import PromiseDirection
from kam_bot.domain.models import Account, Promise, User
from kam_bot.handlers.replies import Line, user
from kam_bot.i18n import format_date, t
from kam_bot.jobs.briefs import brief_parts
from kam_bot.jobs.notifications import AccountName, Notification, Part, PromiseItem, still_shown
from kam_bot.jobs.planning import Calendars, local_date
from kam_bot.services.accounts import AccountCard
from kam_bot.services.errors import ServiceError
from kam_bot.store.daily_batch import AccountFacts, DailyData

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
    account: AccountFacts
    """What the DM line names (name, cadence): no whole account row is read for it."""
    last_visit: date | None
    days_since: int
    over: int


def _items(data: DailyData, promises: Sequence[Promise]) -> list[PromiseItem]:
    """The promises on live accounts, with their account (each item made once per batch: a rep's
    overdue promise shows in the rep's DM and again in their manager's)."""
    items: list[PromiseItem] = []
    made = data.items
    for p in promises:
        item = made.get(p.id)
        if item is None:
            name = data.names.get(p.account_id)
            if name is None:  # archived or gone
                continue
            item = made[p.id] = PromiseItem.of(p, AccountName(id=p.account_id, name=name))
        items.append(item)
    return items


def _open_promises(data: DailyData, owner: User, direction: PromiseDirection, until: date) -> list[Promise]:
    return [p for p in data.promises.get(owner.id, []) if p.direction is direction and p.due_date <= until]


def due_ours(data: DailyData, owner: User, today: date) -> list[PromiseItem]:
    found = _open_promises(data, owner, PromiseDirection.OURS, today)
    return _items(data, [p for p in found if still_shown(p, today)])


def overdue_theirs(data: DailyData, owner: User, today: date) -> list[PromiseItem]:
    found = _open_promises(data, owner, PromiseDirection.THEIRS, today - timedelta(days=1))
    return _items(data, [p for p in found if still_shown(p, today)])


def stale_accounts(data: DailyData, owner: User, today: date) -> list[Stale]:
    """The owner's live accounts past their cadence, most overdue first (days in the owner's zone)."""
    key = ("stale", owner.id, today)
    if key not in data.derived:
        data.derived[key] = _stale_accounts(data, owner, today)
    return list(data.derived[key])


def _stale_accounts(data: DailyData, owner: User, today: date) -> list[Stale]:
    tz = ZoneInfo(owner.timezone)
    out: list[Stale] = []
    for facts in data.owned.get(owner.id, []):
        seen = facts.last_visit.astimezone(tz).date() if facts.last_visit is not None else None
        # the rules read created_at, visit_cadence_days and tier: the facts have them
        over = rules.days_overdue(cast(Account, facts), seen, today, tz=tz)
        if over is not None:
            since = seen or facts.created_at.astimezone(tz).date()
            out.append(Stale(facts, seen, (today - since).days, over))
    return sorted(out, key=lambda s: (-s.over, s.account.name.casefold()))


def brief_days(calendar: WorkingCalendar, today: date) -> list[date]:
    """Today and the days off after it: a visit planned on a day off is briefed the working day before."""
    days = [today]
    while len(days) < MAX_BRIEF_DAYS and not calendar.is_working_day(days[-1] + timedelta(days=1)):
        days.append(days[-1] + timedelta(days=1))
    return days


MAX_BRIEF_DAYS = 31
"""The longest break whose planned visits are briefed ahead."""


def planned_visits(
    data: DailyData, owner: User, today: date, calendar: WorkingCalendar = MONDAY_TO_FRIDAY
) -> list[Account]:
    """Accounts the owner plans to visit today (or on the days off after today): the latest visit
    there set ``next_visit_date`` to that day."""
    days = set(brief_days(calendar, today))
    ids = {
        account_id
        for account_id, day, at in data.plans.get(owner.id, [])
        if day in days and data.last_visit.get(account_id) == at
    }
    planned = [data.account(a.id) for a in data.owned.get(owner.id, []) if a.id in ids]
    return sorted((a for a in planned if a is not None), key=lambda a: a.name.casefold())


def brief_accounts(
    data: DailyData, owner: User, today: date, calendar: WorkingCalendar = MONDAY_TO_FRIDAY
) -> list[int]:
    """The accounts whose brief (account card) the owner's DM shows today."""
    return [a.id for a in planned_visits(data, owner, today, calendar)[:MAX_BRIEFS]]


def _stale_line(s: Stale, loc: str, key: str) -> Line:
    seen = (
        t("card.last_visit", loc, date=format_date(s.last_visit, loc))
        if s.last_visit
        else t("card.never_visited", loc)
    )
    days = t(key, loc, over=s.over, days=s.days_since, cadence=rules.cadence_days(cast(Account, s.account)))
    return Line.of(user(s.account.name), f" — {days} · {seen}")


def _visit_parts(
    data: DailyData, person: User, today: date, cards: CardSource, calendar: WorkingCalendar
) -> list[Part]:
    loc = person.locale
    accounts = planned_visits(data, person, today, calendar)
    parts: list[Part] = []
    for account in accounts[:MAX_BRIEFS]:
        try:
            brief = brief_parts(cards(person, account.id), loc, today)
        except ServiceError:
            continue
        day = _plan_day(data, person, account.id)
        if day is not None and day != today:
            when = t("calendar.brief_ahead", loc, account=account.name, date=format_date(day, loc))
            brief[0] = brief[0].model_copy(update={"title": when})
        parts += brief
    rest = accounts[MAX_BRIEFS:]
    if rest:
        names: list[Line] = [Line.of("• ", user(a.name)) for a in rest]
        parts.append(Part(title=t("jobs.daily.more_visits", loc), lines=names))
    return parts


def _plan_day(data: DailyData, owner: User, account_id: int) -> date | None:
    """The day the latest visit at the account planned the next one."""
    for planned_id, day, at in data.plans.get(owner.id, []):
        if planned_id == account_id and data.last_visit.get(account_id) == at:
            return day
    return None


def _escalations(
    data: DailyData, manager: User, now: datetime, escalation_days: int, calendars: Calendars | None = None
) -> list[Part]:
    loc = manager.locale
    parts: list[Part] = []
    for rep in sorted(data.reports.get(manager.id, []), key=lambda u: u.display_name.casefold()):
        today = local_date(now, rep.timezone)
        cutoff = _cutoff(data, rep, today, escalation_days, calendars)
        promises = _open_promises(data, rep, PromiseDirection.OURS, cutoff)
        far = [
            s
            for s in stale_accounts(data, rep, today)
            if s.days_since > FAR_PAST_FACTOR * rules.cadence_days(cast(Account, s.account))
        ]
        items = _items(data, promises)
        if not items and not far:
            continue
        lines = [_stale_line(s, loc, "jobs.escalation.far_stale") for s in far[:MAX_STALE]]
        title = t("jobs.escalation.rep", loc, name=rep.display_name, days=escalation_days)
        parts.append(Part(title=title, lines=lines, promises=items, more=max(0, len(far) - MAX_STALE)))
    return parts


def _cutoff(
    data: DailyData, rep: User, today: date, escalation_days: int, calendars: Calendars | None
) -> date:
    """The latest due date ``escalation_days`` working days overdue on the rep's ``today`` (worked
    out once per team and day: a manager's reps, and the managers, mostly share both)."""
    key = ("cutoff", -1 if rep.team_id is None else rep.team_id, today)
    if key not in data.derived:
        calendar = calendars(rep.team_id) if calendars is not None else MONDAY_TO_FRIDAY
        data.derived[key] = calendar.overdue_cutoff(today, escalation_days)
    cutoff: date = data.derived[key]
    return cutoff


def compose_daily(
    data: DailyData,
    person: User,
    today: date,
    now: datetime,
    escalation_days: int,
    cards: CardSource,
    calendars: Calendars | None = None,
) -> Notification | None:
    """The morning DM of ``person`` for their local date ``today`` from ``data`` (loaded for them by
    ``daily_batch.load``); None: nothing to say. ``calendars``: each team's working days
    (default Monday to Friday)."""
    loc = person.locale
    calendar = calendars(person.team_id) if calendars is not None else MONDAY_TO_FRIDAY
    parts = _visit_parts(data, person, today, cards, calendar)
    ours = due_ours(data, person, today)
    if ours:
        parts.append(Part(title=t("jobs.daily.ours_due", loc), promises=ours, buttons=True))
    theirs = overdue_theirs(data, person, today)
    if theirs:
        parts.append(Part(title=t("jobs.daily.theirs_overdue", loc), promises=theirs, buttons=True))
    stale = stale_accounts(data, person, today)
    if stale:
        lines = [_stale_line(s, loc, "jobs.daily.stale_line") for s in stale[:MAX_STALE]]
        parts.append(Part(title=t("jobs.daily.stale", loc), lines=lines, more=max(0, len(stale) - MAX_STALE)))
    parts += _escalations(data, person, now, escalation_days, calendars)
    note = Notification(
        kind=KIND,
        locale=loc,
        today=today,
        title=t("jobs.daily.title", loc, name=person.display_name, date=format_date(today, loc)),
        parts=parts,
    )
    return None if note.is_empty() else note
