"""The platform-neutral notification model: what a scheduled message says, before any platform.

A ``Notification`` is what the outbox payload keeps; the sender renders the ``Reply`` from it
when it sends. It keeps each promise as data (not only as text) so the sender can drop a
promise that was completed, cancelled or snoozed between the decision and the send.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from kam_bot.domain.enums import Locale, PromiseStatus
from kam_bot.domain.models import Account, Promise
from kam_bot.handlers.render import promise_actions, promise_line
from kam_bot.handlers.replies import Action, Line, Reply, Section

MAX_PROMISE_BUTTONS = 6
"""Promises shown with their own buttons per part; the rest are counted in "and N more".

Each promise with buttons takes two Block Kit blocks (text + actions) of the 50 a message has.
"""
MAX_PROMISE_LINES = 8
"""Promises shown as plain lines (no buttons) per part."""


class AccountName(BaseModel):
    """The account a promise item names: all its line shows. A payload written when items kept
    the whole account still reads (the other fields are ignored)."""

    id: int
    name: str

    @classmethod
    def of(cls, account: Account) -> AccountName:
        return cls(id=account.id, name=account.name)


class ListedPromise(BaseModel):
    """What a notification keeps of a promise: what its line and buttons show (``render.Shown``),
    not who owns it, when it was made or in which visit (a morning's DMs list some ten thousand
    promises: a quarter of their payload went to those). A payload written when items kept the
    whole promise still reads (the other fields are ignored)."""

    id: int
    account_id: int
    text: str
    due_date: date
    status: PromiseStatus = PromiseStatus.OPEN
    snoozed_until: date | None = None


class PromiseItem(BaseModel):
    promise: ListedPromise
    account: AccountName

    @classmethod
    def of(cls, promise: Promise, account: AccountName) -> PromiseItem:
        listed = ListedPromise.model_validate(promise, from_attributes=True)
        return cls(promise=listed, account=account)


class Part(BaseModel):
    """One titled part of a notification: free lines, then promises."""

    title: str | None = None
    lines: list[Line] = Field(default_factory=list)
    promises: list[PromiseItem] = Field(default_factory=list)
    buttons: bool = False
    """True: each promise gets Done / Snooze / Open buttons (and a snooze hides it)."""
    limit: int | None = None
    """Promises shown; default ``MAX_PROMISE_BUTTONS`` with buttons, ``MAX_PROMISE_LINES`` without."""
    more: int = 0
    """Lines left out of ``lines``."""
    keep_empty: bool = False
    """Keep the part when its promises are all gone (a brief's header, for example)."""
    actions: list[Action] = Field(default_factory=list)
    """Buttons under the part's lines (``account.open`` for the accounts a digest section names)."""

    def is_empty(self) -> bool:
        return not self.lines and not self.promises


class ChartPoint(BaseModel):
    """One account on the intention x power grid."""

    x: float
    y: float
    size: float
    label: str
    group: str
    """The colour group (the owner's name)."""
    label_below: bool = False
    """Write the label under the point (neighbours in a cell alternate, so labels do not overlap)."""


class ChartZone(BaseModel):
    """A shaded rectangle behind a grid's points (a priority zone, the "unknown" margin), in data
    coordinates, with its name written in its bottom-left corner."""

    x0: float
    x1: float
    y0: float
    y1: float
    label: str = ""
    colour: str = "#DDDDDD"


class ChartSpec(BaseModel):
    """A chart to attach, as data: the sender draws it when it sends (``jobs.chart``).

    ``bars``: one group per label, one bar per series. ``lines``: each series a value per day
    of ``days`` (None where nothing was seen), ``reference`` a dashed policy line.
    ``grid``: ``points`` on named categories (``x_categories`` x ``y_categories``).
    All text arrives already in the reader's language.
    """

    kind: Literal["bars", "lines", "grid"] = "bars"
    title: str
    filename: str
    labels: list[str] = Field(default_factory=list)
    series: dict[str, list[float | None]] = Field(default_factory=dict)
    """Series name (a rep) -> one value per label (a week), or per day of ``days``."""
    y_label: str = ""
    x_label: str = ""
    y_max: float | None = None
    value_suffix: str = ""
    """Bars: write each value above its bar with this suffix (``%``); empty: no values written."""
    days: list[date] = Field(default_factory=list)
    tick_days: list[date] = Field(default_factory=list)
    """Lines: where ``labels`` go on the time axis."""
    reference: list[float | None] = Field(default_factory=list)
    reference_label: str = ""
    x_categories: list[str] = Field(default_factory=list)
    y_categories: list[str] = Field(default_factory=list)
    points: list[ChartPoint] = Field(default_factory=list)
    note: str = ""
    """A line under the chart: what it leaves out and why (prices with no exchange rate)."""
    bar_texts: dict[str, list[str]] = Field(default_factory=dict)
    """Bars: the text above each bar of a series (``50%`` and ``2 of 4``), instead of its value."""
    in_progress: int | None = None
    """Bars: the index of a label whose period is not over (this week so far): drawn hatched, named."""
    in_progress_label: str = ""
    band: float = 0.0
    """Lines: shade ``reference`` ± this fraction (the price policy's tolerance)."""
    band_label: str = ""
    x_ticks: list[float] = Field(default_factory=list)
    """Grid: where each of ``x_categories`` sits (default 0, 1, 2 ...): "unknown" can stand apart."""
    y_ticks: list[float] = Field(default_factory=list)
    zones: list[ChartZone] = Field(default_factory=list)


class Notification(BaseModel):
    kind: str
    locale: Locale
    today: date
    """The recipient's local date the message speaks about ("due today", "overdue 3 d")."""
    title: str
    parts: list[Part] = Field(default_factory=list)
    chart: ChartSpec | None = None
    more_charts: list[ChartSpec] = Field(default_factory=list)
    """Further charts (the digest's promise record, priority grid, price trends)."""

    @property
    def charts(self) -> list[ChartSpec]:
        return ([self.chart] if self.chart is not None else []) + self.more_charts

    def is_empty(self) -> bool:
        return all(p.is_empty() for p in self.parts)

    def promise_ids(self) -> set[int]:
        return {item.promise.id for part in self.parts for item in part.promises}

    def without(self, gone: Iterable[int], snoozed: Iterable[int] = ()) -> Notification:
        """A copy without the ``gone`` promises, and without ``snoozed`` ones in parts with buttons.

        A part emptied by this is dropped unless it says ``keep_empty``.
        """
        gone_set, snoozed_set = set(gone), set(snoozed)
        parts: list[Part] = []
        for part in self.parts:
            hidden = gone_set | (snoozed_set if part.buttons else set())
            kept = [i for i in part.promises if i.promise.id not in hidden]
            if len(kept) == len(part.promises):
                parts.append(part)
            elif kept or part.lines or part.keep_empty:
                parts.append(part.model_copy(update={"promises": kept}))
        return self.model_copy(update={"parts": parts})

    def to_reply(self) -> Reply:
        loc = self.locale
        sections: list[Section] = []
        for part in self.parts:
            if part.is_empty() and not part.keep_empty:
                continue
            limit = part.limit or (MAX_PROMISE_BUTTONS if part.buttons else MAX_PROMISE_LINES)
            shown, hidden = part.promises[:limit], max(0, len(part.promises) - limit)
            if not part.buttons:
                lines = [*part.lines]
                lines += [promise_line(i.promise, self.today, loc, i.account) for i in shown]
                sections.append(
                    Section(title=part.title, lines=lines, more=part.more + hidden, actions=part.actions)
                )
                continue
            if part.title or part.lines:
                sections.append(Section(title=part.title, lines=part.lines, more=part.more))
            for item in shown:
                sections.append(
                    Section(
                        lines=[promise_line(item.promise, self.today, loc, item.account)],
                        actions=promise_actions(item.promise, loc),
                    )
                )
            if hidden > 0:
                sections.append(Section(more=hidden))
        return Reply(title=self.title, sections=sections)


def still_shown(promise: Promise, today: date) -> bool:
    """Whether an open promise belongs in a reminder list today (a snooze until later hides it)."""
    if promise.status is not PromiseStatus.OPEN:
        return False
    return promise.snoozed_until is None or promise.snoozed_until <= today
