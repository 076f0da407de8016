"""My day: what a rep looks at first — open promises, own accounts by how overdue their visit
is, and the visits planned. Slack shows it as the App Home tab, the console as `today`, Teams
as a card; every platform reads the same ``MyDay`` and may use ``my_day_reply`` as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kam_bot.domain.enums import Locale
from kam_bot.domain.models import Account, PlannedVisit, Promise, User
from kam_bot.handlers.prefill import today_for
from kam_bot.handlers.render import promise_list
from kam_bot.handlers.replies import Line, Reply, Section, bold, user
from kam_bot.i18n import format_date, t
from kam_bot.services.container import Services

PLANNED = 15
"""Planned visits shown, soonest first."""
ACCOUNTS = 25
"""Accounts listed in the neutral reply; the rest are counted ("and N more")."""


@dataclass(frozen=True)
class AccountStatus:
    """One of the rep's accounts: when it was last visited and how many days past its cadence."""

    account: Account
    last_visit_at: datetime | None
    days_overdue: int | None


@dataclass(frozen=True)
class MyDay:
    user: User
    today: date
    """The user's local date."""
    promises: list[Promise]
    """The user's open promises, ours and theirs, soonest due first."""
    promise_accounts: dict[int, Account]
    """The accounts those promises are about, by id."""
    accounts: list[AccountStatus]
    """The user's accounts, most overdue first."""
    planned: list[PlannedVisit]
    """Next visits set by the latest visit of each account, soonest first."""


def load_my_day(app: Services, actor: User, planned_limit: int = PLANNED) -> MyDay:
    """Everything my day shows, read through the services (blocking: run it off the event loop)."""
    today = today_for(app, actor)
    reads = app.accounts.my_day(actor, today, planned_limit)  # one transaction
    return MyDay(
        user=actor,
        today=today,
        promises=reads.promises,
        promise_accounts=reads.promise_accounts,
        accounts=[AccountStatus(a, last, overdue) for a, last, overdue in reads.accounts],
        planned=reads.planned,
    )


def account_status_text(status: AccountStatus, loc: Locale) -> str:
    """``last visit 12 Nov 2026 · overdue 5 d`` (or ``never visited``)."""
    last = status.last_visit_at
    when = (
        t("card.last_visit", loc, date=format_date(last.date(), loc))
        if last
        else t("card.never_visited", loc)
    )
    return when + (f" · {t('card.overdue', loc, days=status.days_overdue)}" if status.days_overdue else "")


def planned_line(p: PlannedVisit, loc: Locale) -> Line:
    """``**3 Dec 2026** · Baosteel — Next step: bring the samples``."""
    line = Line.of(bold(format_date(p.day, loc)), " · ", user(p.account.name))
    if p.next_step:
        line = Line.of(line, f" — {t('visit.next_step', loc)} ", user(p.next_step))
    return line


def my_day_reply(day: MyDay, accounts: int = ACCOUNTS) -> Reply:
    """My day as a neutral reply: promises grouped ours/theirs, accounts, planned visits."""
    loc = day.user.locale
    head = Section(
        title=t("my_day.promises", loc), lines=[] if day.promises else [Line.of(t("promises.none", loc))]
    )
    groups = promise_list(day.promises, day.promise_accounts, day.today, loc).sections if day.promises else []
    account_lines = [
        Line.of(user(s.account.name), " · ", account_status_text(s, loc)) for s in day.accounts[:accounts]
    ]
    return Reply(
        title=t("my_day.title", loc, date=format_date(day.today, loc)),
        sections=[
            head,
            *groups,
            Section(
                title=t("my_day.accounts", loc),
                lines=account_lines or [Line.of(t("my_day.no_accounts", loc))],
                more=max(0, len(day.accounts) - accounts),
            ),
            Section(
                title=t("my_day.planned", loc),
                lines=[planned_line(p, loc) for p in day.planned] or [Line.of(t("my_day.none_planned", loc))],
            ),
        ],
    )
