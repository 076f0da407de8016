"""The planner ticks: find who is due in the tick's window; if anyone, claim the slot and decide.

``reminder_tick`` runs every 5 minutes, ``digest_tick`` every 15 (both on wall-clock
boundaries). Both are synchronous (database work); ``runtime`` runs them in a worker thread.
Each decision reads what the message will say and writes its outbox row in one transaction
(the account cards of a brief are read through ``JobsContext.cards``, in their own). A decision
that fails leaves the run unfinished, so the next tick's window covers it again.

Morning DMs are decided ``REMINDER_BATCH`` people at a time: one transaction reads what all
of them say with a handful of set-based queries (``daily_batch``), builds each DM in memory
and writes the new rows in one ``INSERT .. ON CONFLICT DO NOTHING``. The processes serving the
jobs (``settings.job_processes``) share a tick's DMs out, a part each (``_shared``).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache, partial
from typing import TypeVar

from kam_bot.config import insight_thresholds
from kam_bot.domain.calendar import CalendarBook
from kam_bot.domain.models import Team, User
from kam_bot.handlers.calendar import day_name
from kam_bot.handlers.replies import Line
from kam_bot.i18n import format_date, t
from kam_bot.jobs import outbox, planning
from kam_bot.jobs.context import JobsContext
from kam_bot.jobs.daily import KIND as DAILY
from kam_bot.jobs.daily import CardSource, brief_accounts, brief_days, compose_daily
from kam_bot.jobs.digest import KIND as DIGEST
from kam_bot.jobs.digest import compute, reader_window, team_locale
from kam_bot.jobs.digest_render import build_digest
from kam_bot.jobs.gc_pause import collector_paused
from kam_bot.jobs.notifications import Notification, Part
from kam_bot.store import daily_batch, slots
from kam_bot.store.digest_share import DigestShare, windows_of
from kam_bot.store.jobs import JobsTransaction
from kam_bot.store.price_book import PriceBook

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

REMINDERS, DIGESTS = "reminders", "digests"
REMINDER_EVERY = timedelta(minutes=5)
DIGEST_EVERY = timedelta(minutes=15)
DIGEST_TTL = timedelta(days=7)
"""A digest not delivered within a week of its decision is skipped."""
REMINDER_BATCH = 1100
"""Most people whose morning DMs are read and written in one transaction (2,059 DMs in batches
of 1,030 against 700: 1.03-1.06 s against 1.09 s in one process, 0.70-0.74 s against 0.80 s in
two sharing the tick)."""
READ_AHEAD = 2
"""Batches read at once in worker threads while an earlier one is composed and written: a batch's
read waits on the database about as long as it runs Python, so two reads keep the planner's
thread busy where one left it waiting (2,059 DMs: 1.13 s with one 500-person batch ahead, 0.96 s
with two of 700). Each batch read holds a pooled connection until it is written."""


@dataclass(frozen=True)
class TickResult:
    claimed: bool
    """False: nobody was due (``idle``) or another process runs this slot."""
    idle: bool = False
    helped: bool = False
    """Another process runs this slot and this one did a part of it (``queued`` its rows)."""
    due: int = 0
    queued: int = 0
    failed: int = 0
    window: slots.Window | None = None


# -- deciding one message ------------------------------------------------------------


def _one_read(ctx: JobsContext) -> JobsContext:
    """The context of one tick: every team's calendar read once for all its batches and digests
    (each read is all the teams and the company days)."""
    return replace(ctx, calendars=cache(ctx.calendars))


def _calendars(ctx: JobsContext) -> planning.Calendars:
    """Every team's working calendar, read once on first use (an idle tick reads nothing more)."""
    book = cache(ctx.calendars)
    return lambda team_id: book().for_team(team_id)


def daily_notification(ctx: JobsContext, person: User, day: date, now: datetime) -> Notification | None:
    """What ``person`` gets on local date ``day`` as of ``now`` (None: nothing to say)."""
    escalation_days = ctx.settings.escalation_days
    book = ctx.calendars()
    with ctx.store.transaction() as tx:
        data = tx.load_daily([(person, day)], now, escalation_days, _brief_days([(person, day)], book))
    return compose_daily(data, person, day, now, escalation_days, ctx.cards(now, None), book.for_team)


def _brief_days(people: Sequence[tuple[User, date]], book: CalendarBook) -> set[date]:
    """The days whose planned visits the DMs of ``people`` brief: each day and the days off after it."""
    out: set[date] = set()
    for person, day in people:
        out.update(brief_days(book.for_team(person.team_id), day))
    return out


@dataclass
class _Batch:
    """A batch of morning DMs read in its transaction (``_read_dailies``), to compose and write."""

    keys: dict[int, str]
    todo: list[tuple[User, date]]
    data: daily_batch.DailyData
    cards: CardSource
    calendars: CalendarBook


def _read_dailies(
    ctx: JobsContext,
    tx: JobsTransaction,
    due: Sequence[tuple[int, date]],
    now: datetime,
    reads: daily_batch.BriefReads,
) -> _Batch | None:
    """What the DMs of ``due`` say, read in ``tx`` (None: all written already, or nobody left)."""
    keys = {user_id: outbox.daily_key(user_id, day) for user_id, day in due}
    people = tx.users(keys.keys())
    written = tx.existing_keys(keys.values())
    todo = [(people[u], day) for u, day in due if u in people and keys[u] not in written]
    if not todo:
        return None
    book = ctx.calendars()
    data = tx.load_daily(todo, now, ctx.settings.escalation_days, _brief_days(todo, book))
    reads.remember(data, people.values())
    briefs = [i for p, day in todo for i in brief_accounts(data, p, day, book.for_team(p.team_id))]
    # a card's promise record starts promise_days before the reader's day (a day either side of UTC's)
    promises_from = (now - timedelta(days=1)).date() - timedelta(
        days=insight_thresholds(ctx.settings).promise_days
    )
    tx.prefetch(reads, briefs, promises_from)
    return _Batch(keys, todo, data, ctx.cards(now, reads), book)


def _write_dailies(
    ctx: JobsContext, tx: JobsTransaction, batch: _Batch, now: datetime, isolate: bool
) -> tuple[int, int]:
    """Compose the DMs of ``batch``, write their rows in ``tx`` and commit: (rows written, failed)."""
    escalation_days, book = ctx.settings.escalation_days, batch.calendars
    failed = 0
    messages: list[outbox.NewMessage] = []
    for person, day in batch.todo:
        try:
            note = compose_daily(batch.data, person, day, now, escalation_days, batch.cards, book.for_team)
            if note is None:
                continue
            body = outbox.payload_text(note, planning.end_of_local_day(day, person.timezone))
            messages.append(
                outbox.dm_message(batch.keys[person.id], DAILY, person, ctx.recipient_platforms, body)
            )
        except Exception:
            if not isolate:
                raise
            failed += 1
            log.exception("%s: deciding the DM of user %s for %s failed", REMINDERS, person.id, day)
    wrote = tx.enqueue_many(messages, now)
    tx.commit()
    return wrote, failed


def decide_dailies(
    ctx: JobsContext,
    due: Sequence[tuple[int, date]],
    now: datetime,
    isolate: bool = False,
    reads: daily_batch.BriefReads | None = None,
) -> tuple[int, int]:
    """Write the morning DMs of ``due`` (user id, local day) in one transaction, reading what they
    say for all of them at once (``daily_batch``); returns (rows written, people that failed).

    A person whose row exists (or who is gone) is skipped; nothing to say writes nothing. With
    ``isolate`` a person whose DM cannot be built is logged and counted, and the others are
    written; without, the error propagates and nothing is written. ``reads`` lets the account
    cards of the briefs of several calls (one tick) share what they read.
    """
    with ctx.store.transaction() as tx:
        batch = _read_dailies(ctx, tx, due, now, reads or daily_batch.BriefReads())
        if batch is None:
            return 0, 0
        return _write_dailies(ctx, tx, batch, now, isolate)


def decide_daily(ctx: JobsContext, user_id: int, day: date, now: datetime) -> bool:
    """Write the morning DM of one person for ``day``; True when a new outbox row was written."""
    wrote, _ = decide_dailies(ctx, [(user_id, day)], now)
    return wrote > 0


def digest_notification(ctx: JobsContext, team: Team, monday: date, now: datetime) -> Notification:
    with ctx.store.transaction() as tx:
        return _digest(ctx, tx, team, monday, now)


def _digest(
    ctx: JobsContext,
    tx: JobsTransaction,
    team: Team,
    monday: date,
    now: datetime,
    book: PriceBook | None = None,
    share: DigestShare | None = None,
) -> Notification:
    settings = ctx.settings
    members = tx.team_members(team, share)
    threshold, thresholds = settings.price_deviation_threshold, insight_thresholds(settings)
    data = compute(tx, team, monday, now, threshold, thresholds, members, book, share)
    loc = team_locale(team, members, ctx.settings.default_locale)
    note = build_digest(data, loc)
    when = digest_day_note(ctx, team, monday, loc)
    if when is not None:
        note.parts.insert(0, Part(lines=[Line.of(when)]))
    return note


def digest_day_note(ctx: JobsContext, team: Team, monday: date, loc: str) -> str | None:
    """When the digest about the week of ``monday`` goes out is not the next Monday: say so."""
    calendar = ctx.calendars().for_team(team.id)
    next_monday = monday + timedelta(days=7)
    day = planning.first_working_day(next_monday, calendar)
    if day == next_monday:
        return None
    off = calendar.info(next_monday, loc)
    return t(
        "calendar.digest_moved",
        loc,
        date=format_date(day, loc),
        monday=format_date(next_monday, loc),
        name=day_name(off, loc),
    )


def digest_destinations(ctx: JobsContext, team: Team) -> dict[str, str]:
    """Platform -> address of the team's digest, on the platforms it may be queued for."""
    found = {str(platform): address for platform, address in team.digest_destinations.items() if address}
    return {p: found[p] for p in ctx.recipient_platforms if p in found}


def decide_digest(
    ctx: JobsContext,
    team: Team,
    monday: date,
    now: datetime,
    book: PriceBook | None = None,
    share: DigestShare | None = None,
) -> bool:
    """Write the digest of ``team`` for the week starting ``monday``, one row per destination
    platform; True when a new row was written. ``book``: the price list read once for a tick;
    ``share``: the figures read once for all the tick's digests."""
    week = planning.iso_week(monday)
    todo = digest_destinations(ctx, team)
    if not todo:
        return False
    with ctx.store.transaction() as tx:
        keys = {p: outbox.digest_key(team.id, week, p) for p in todo}
        written = tx.existing_keys(keys.values())
        todo = {p: a for p, a in todo.items() if keys[p] not in written}
        if not todo:
            return False
        body = outbox.payload(_digest(ctx, tx, team, monday, now, book, share), now + DIGEST_TTL)
        messages = [outbox.NewMessage(keys[p], DIGEST, p, a, body, team_id=team.id) for p, a in todo.items()]
        wrote = tx.enqueue_many(messages, now)
        tx.commit()
        return wrote > 0


# -- the ticks -----------------------------------------------------------------------


def _run(
    ctx: JobsContext,
    job: str,
    now: datetime,
    width: timedelta,
    instance: str,
    read: Callable[[], tuple[Sequence[R], str | None]],
    find: Callable[[Sequence[R], slots.Window], Sequence[T]],
    decide: Callable[[Sequence[T], slots.Window, bool], tuple[int, int]],
) -> TickResult:
    """Read (one statement, no transaction), then claim and decide if anyone is due.

    ``decide`` gets everyone due, the window and whether another process claimed it (then it
    may help with what it shares out, or do nothing), and returns (rows written, items that failed)."""
    rows, last = read()
    window = slots.window_after(last, job, now, width)
    due = find(rows, window)
    if not due:
        return TickResult(claimed=False, idle=True, window=window)
    if not ctx.store.slots.claim(window, instance, now):
        queued, failed = decide(due, window, True)
        helped = queued + failed > 0
        return TickResult(
            claimed=False, helped=helped, due=len(due), queued=queued, failed=failed, window=window
        )
    queued, failed = decide(due, window, False)
    if not failed:
        ctx.store.slots.finish(window, now)
    return TickResult(claimed=True, due=len(due), queued=queued, failed=failed, window=window)


def _one_by_one(job: str, decide: Callable[[T], bool]) -> Callable[[Sequence[T]], tuple[int, int]]:
    """Decide each item in its own transaction; a failing item is logged and counted."""

    def run(items: Sequence[T]) -> tuple[int, int]:
        queued = failed = 0
        for item in items:
            try:
                queued += decide(item)
            except Exception:
                failed += 1
                log.exception("%s: deciding %r failed", job, item)
        return queued, failed

    return run


def _digests(
    ctx: JobsContext, now: datetime, book: PriceBook
) -> Callable[[Sequence[planning.DueDigest], slots.Window, bool], tuple[int, int]]:
    """Each digest in its own transaction, the figures of all of them read once (``DigestShare``);
    shared out among the processes serving the jobs as the morning DMs are (``_shared``), each
    part's figures read once for its digests."""

    def run(items: Sequence[planning.DueDigest], window: slots.Window, helping: bool) -> tuple[int, int]:
        return _shared(ctx, window, items, partial(_digest_part, ctx, now, book), helping)

    return run


def _digest_part(
    ctx: JobsContext, now: datetime, book: PriceBook, items: Sequence[planning.DueDigest]
) -> tuple[int, int]:
    windows = windows_of([(i.team.id, *reader_window(i.team, i.week, now)) for i in items])
    share = ctx.store.digest_share(windows)

    def one(item: planning.DueDigest) -> bool:
        return decide_digest(ctx, item.team, item.week, now, book, share)

    with collector_paused():  # the share's rows live until the last digest (gc_pause)
        try:
            return _one_by_one(DIGESTS, one)(items)
        finally:
            # freed before the collector resumes: its first (full) collection would walk them
            share.release()


def _dailies(
    ctx: JobsContext, now: datetime
) -> Callable[[Sequence[planning.DueReminder], slots.Window, bool], tuple[int, int]]:
    """Decide the DMs in ``settings.job_processes`` parts, each taken by the first process to ask
    (``_shared``); within a part ``REMINDER_BATCH`` people per transaction (``_batches``)."""

    def run(items: Sequence[planning.DueReminder], window: slots.Window, helping: bool) -> tuple[int, int]:
        book = PriceBook()  # the price list, read once for all the batches' briefs
        ctx.calendars()  # read once, before a worker thread may ask for it too
        with collector_paused():  # a batch's rows and models live until it is written (gc_pause)
            return _shared(ctx, window, items, partial(_batches, ctx, now, book), helping)

    return run


def _parts(items: Sequence[T], count: int) -> list[Sequence[T]]:
    """``items`` cut into ``count`` parts of (about) the same size, in order."""
    size = max(1, -(-len(items) // max(1, count)))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _shared(
    ctx: JobsContext,
    window: slots.Window,
    items: Sequence[T],
    decide: Callable[[Sequence[T]], tuple[int, int]],
    helping: bool,
) -> tuple[int, int]:
    """``items`` cut into ``settings.job_processes`` parts, each decided by the process that takes
    its name first (``store.exclusive``): every process serving the jobs ticks at the same moment,
    so each does about one part, on its own cores. The process that claimed the slot then takes,
    waiting for it, each part it did not do: one another process is still deciding (what it
    committed is skipped when read again), or one whose process died (its lock went with its
    connection). So the slot is finished only when every part was decided, by whichever process.
    In one part (one process), the slot's owner decides everything and a helper nothing."""
    parts = _parts(items, ctx.settings.job_processes)
    if len(parts) <= 1:
        return (0, 0) if helping else decide(items)
    queued = failed = 0
    names = [f"{window.job}:{window.name}:{i + 1}/{len(parts)}" for i in range(len(parts))]
    left: list[int] = []
    for i, part in enumerate(parts):
        with ctx.store.exclusive(names[i], wait=False) as held:
            wrote, lost = decide(part) if held else (0, 0)
        queued, failed = queued + wrote, failed + lost
        if not held:
            left.append(i)
    for i in [] if helping else left:
        with ctx.store.exclusive(names[i], wait=True) as held:
            wrote, lost = decide(parts[i]) if held else (0, len(parts[i]))
        if not held:
            log.error("%s: another process still holds %s; the next tick decides it", window.job, names[i])
        queued, failed = queued + wrote, failed + lost
    return queued, failed


def _batches(
    ctx: JobsContext, now: datetime, book: PriceBook, items: Sequence[planning.DueReminder]
) -> tuple[int, int]:
    """At most ``REMINDER_BATCH`` people per transaction, in batches of the same size; a batch that
    fails counts them all.

    Where the store serves a read beside a write (``SqlJobsStore.reads_beside_writes``), the next
    batches (``READ_AHEAD``) are read in worker threads while this one is composed and written:
    each batch is still read and written in its own transaction, and the database's share of a
    tick (reading, and taking megabytes of DMs) overlaps the composing instead of adding to it."""
    batches = [
        [(item.user.id, item.day) for item in part]
        for part in _parts(items, -(-len(items) // REMINDER_BATCH))
    ]
    if ctx.store.reads_beside_writes and len(batches) > 1:
        return _read_ahead(ctx, now, batches, book)
    queued = failed = 0
    for batch in batches:
        wrote, lost = _one_batch(partial(_decide, ctx, batch, now, book), batch)
        queued, failed = queued + wrote, failed + lost
    return queued, failed


def _decide(
    ctx: JobsContext, batch: Sequence[tuple[int, date]], now: datetime, book: PriceBook
) -> tuple[int, int]:
    return decide_dailies(ctx, batch, now, isolate=True, reads=daily_batch.BriefReads(book))


def _one_batch(decide: Callable[[], tuple[int, int]], batch: Sequence[tuple[int, date]]) -> tuple[int, int]:
    """(rows written, people that failed) of one batch; a batch that fails counts them all."""
    try:
        return decide()
    except Exception:
        log.exception("%s: deciding the DMs of users %s failed", REMINDERS, [u for u, _ in batch])
        return 0, len(batch)


class _Opened:
    """A batch's transaction opened and read in the worker thread, handed to the planner's."""

    def __init__(
        self, ctx: JobsContext, due: Sequence[tuple[int, date]], now: datetime, book: PriceBook
    ) -> None:
        self._stack = ExitStack()
        try:
            self.tx = self._stack.enter_context(ctx.store.transaction())
            self.batch = _read_dailies(ctx, self.tx, due, now, daily_batch.BriefReads(book))
        except BaseException:
            self._stack.close()
            raise

    def close(self) -> None:
        """Leave the transaction (what was not committed is rolled back)."""
        self._stack.close()


def _read_ahead(
    ctx: JobsContext, now: datetime, batches: Sequence[Sequence[tuple[int, date]]], book: PriceBook
) -> tuple[int, int]:
    """Each batch read in a worker while an earlier one is composed and written here, ``READ_AHEAD``
    batches ahead."""
    queued = failed = 0
    with ThreadPoolExecutor(READ_AHEAD, thread_name_prefix="reminders-read") as worker:
        ahead = deque(worker.submit(_Opened, ctx, b, now, book) for b in batches[:READ_AHEAD])
        try:
            for i, batch in enumerate(batches):
                current = ahead.popleft()
                if i + READ_AHEAD < len(batches):
                    ahead.append(worker.submit(_Opened, ctx, batches[i + READ_AHEAD], now, book))
                wrote, lost = _one_batch(partial(_write_opened, ctx, current, now), batch)
                queued, failed = queued + wrote, failed + lost
        finally:
            for left in ahead:  # left early: the batches read ahead are not written
                left.add_done_callback(_close_unused)
    return queued, failed


def _write_opened(ctx: JobsContext, opened: Future[_Opened], now: datetime) -> tuple[int, int]:
    done = opened.result()  # its read's error, raised here
    try:
        return (0, 0) if done.batch is None else _write_dailies(ctx, done.tx, done.batch, now, isolate=True)
    finally:
        done.close()


def _close_unused(opened: Future[_Opened]) -> None:
    if opened.exception() is None:
        opened.result().close()


def reminder_tick(ctx: JobsContext, now: datetime, instance: str = "") -> TickResult:
    """Every 5 minutes: decide the morning DM of everyone whose moment is in the window."""
    ctx = _one_read(ctx)
    return _run(
        ctx, REMINDERS, now, REMINDER_EVERY, instance,
        lambda: ctx.store.slots.people(REMINDERS, now, REMINDER_EVERY),
        lambda rows, w: planning.due_reminders(
            [planning.Person(*row) for row in rows], w.start, w.slot, _calendars(ctx)
        ),
        _dailies(ctx, now),
    )  # fmt: skip


def digest_tick(ctx: JobsContext, now: datetime, instance: str = "") -> TickResult:
    """Every 15 minutes: decide the digest of every team whose Monday 09:00 is in the window."""
    book = PriceBook()  # the price list and exchange rates, read once for all the tick's digests
    ctx = _one_read(ctx)
    return _run(
        ctx, DIGESTS, now, DIGEST_EVERY, instance,
        lambda: ctx.store.slots.teams(DIGESTS, now, DIGEST_EVERY),
        lambda teams, w: planning.due_digests(teams, w.start, w.slot, _calendars(ctx)),
        _digests(ctx, now, book),
    )  # fmt: skip
