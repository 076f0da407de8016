"""Deciding many morning DMs at once: the same rows as one by one, a bounded number of queries,
and days counted in the reader's time zone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from conftest import FrozenClock
from factories import Seed, add_account, add_contact, add_user, batch, seed_team
from jobs_harness import add
from sqlalchemy import event, select

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import PromiseDirection, PromiseStatus, Role, Tier
from kam_bot.jobs import outbox, planning, scheduler
from kam_bot.jobs.notifications import Notification
from kam_bot.jobs.scheduler import daily_notification, decide_dailies
from kam_bot.store import slots
from kam_bot.store.tables import OutboxRow

OURS, THEIRS = PromiseDirection.OURS, PromiseDirection.THEIRS


def promise(app: App, account: m.Account, owner: m.User, text: str, due: date, **kw: Any) -> m.Promise:
    kw.setdefault("direction", OURS)
    return add(app, m.Promise, account_id=account.id, owner_id=owner.id, text=text, due_date=due,
               created_at=app.clock() - timedelta(days=20), **kw)  # fmt: skip


def visit(app: App, account: m.Account, rep: m.User, at: datetime, **kw: Any) -> m.Visit:
    return add(app, m.Visit, account_id=account.id, rep_id=rep.id, visited_at=at, created_at=at, **kw)


def alone(app: App, user_id: int, day: date) -> dict[str, Any] | None:
    """The outbox payload of the person's DM decided on its own (None: nothing to say)."""
    with app.uow() as uow:
        person = uow.repo.get(m.User, user_id)
        assert person is not None
        note = daily_notification(app.jobs_context, person, day, app.clock())
    if note is None:
        return None
    return outbox.payload(note, planning.end_of_local_day(day, person.timezone))


def written(app: App) -> dict[str, dict[str, Any]]:
    with app.uow() as uow:
        rows = uow.repo.session.scalars(select(OutboxRow))
        return {r.key: {c: getattr(r, c) for c in ("kind", "platform", "recipient", "payload")} for r in rows}


@contextmanager
def statements(app: App) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(app.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(app.engine, "before_cursor_execute", count)


@pytest.fixture
def seed(app: App) -> Seed:
    return seed_team(app)


def busy_company(app: App, seed: Seed) -> list[m.User]:
    """Promises both ways, a snooze, an archived account, a planned visit (with a brief) and a
    superseded one, reps in other zones, a second manager: everyone has something to say."""
    d, now = app.clock().date(), app.clock()
    promise(app, seed.baosteel, seed.rep, "send samples", d)
    promise(app, seed.sinopec, seed.rep, "quote", d - timedelta(days=4))
    promise(
        app, seed.sinopec, seed.rep, "snoozed", d - timedelta(days=5), snoozed_until=d + timedelta(days=2)
    )
    promise(app, seed.baosteel, seed.rep, "they pay", d - timedelta(days=2), direction=THEIRS)
    promise(app, seed.baosteel, seed.rep, "done", d - timedelta(days=2), status=PromiseStatus.DONE)
    promise(app, seed.cosco, seed.teammate, "on a colleague's account", d - timedelta(days=6))
    promise(app, seed.haier, seed.rep, "on another team's account", d - timedelta(days=1))
    add_contact(app, seed.baosteel, "Zhao Old", role="decision_maker", last_met=d - timedelta(days=90))
    visit(app, seed.baosteel, seed.rep, now - timedelta(days=12), next_visit_date=d, goal="trial volume")
    visit(app, seed.sinopec, seed.rep, now - timedelta(days=20), next_visit_date=d)
    visit(app, seed.sinopec, seed.rep, now - timedelta(days=3))
    with batch(app):
        east = add_user(app, "Eve East", team=seed.team, manager=seed.manager, timezone="Asia/Shanghai")
        west = add_user(app, "Will West", manager=seed.other_manager, timezone="America/New_York",
                        identities={"slack": "UWEST"})  # fmt: skip
        archived = add_account(app, "Gone Ltd", east, tier=Tier.A, archived=True,
                               created_at=now - timedelta(days=90))  # fmt: skip
        far = add_account(app, "Far Away Inc", east, tier=Tier.A, created_at=now - timedelta(days=90))
        add_account(app, "West Co", west, tier=Tier.C, created_at=now - timedelta(days=200))
    promise(app, archived, east, "on an archived account", d - timedelta(days=5))
    promise(app, far, east, "late", d - timedelta(days=5))
    promise(app, far, west, "theirs, late", d - timedelta(days=3), direction=THEIRS)
    return [seed.rep, seed.teammate, seed.manager, seed.director, seed.other_manager,
            seed.other_rep, seed.admin, east, west]  # fmt: skip


def in_batches_of_two(
    app: App, seed: Seed, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[m.User], list[tuple[int, date]], dict[str, Any], list[planning.DueReminder]]:
    """A busy company due now, ticked two people per batch: (people, who is due on which day,
    each one's DM as decided alone, the tick's items)."""
    people = busy_company(app, seed)
    due = [(p.id, planning.local_date(clock.now, p.timezone)) for p in people]
    expected = {outbox.daily_key(u, d): alone(app, u, d) for u, d in due}
    items = [planning.DueReminder(p, d, clock.now) for p, (_, d) in zip(people, due, strict=True)]
    monkeypatch.setattr(scheduler, "REMINDER_BATCH", 2)
    return people, due, expected, items


def decide_all(app: App, clock: FrozenClock, items: list[planning.DueReminder]) -> tuple[int, int]:
    """What the tick that claimed the slot of ``clock.now`` decides for ``items``."""
    window = slots.window_after(None, scheduler.REMINDERS, clock.now, scheduler.REMINDER_EVERY)
    return scheduler._dailies(app.jobs_context, clock.now)(items, window, False)


def test_a_batch_writes_what_each_person_alone_would(app: App, seed: Seed, clock: FrozenClock) -> None:
    people = busy_company(app, seed)
    due = [(p.id, planning.local_date(clock.now, p.timezone)) for p in people]
    expected = {outbox.daily_key(u, d): alone(app, u, d) for u, d in due}
    assert sum(v is not None for v in expected.values()) >= 6
    assert decide_dailies(app.jobs_context, due, clock.now) == (
        sum(v is not None for v in expected.values()),
        0,
    )
    rows = written(app)
    assert set(rows) == {k for k, v in expected.items() if v is not None}
    for key, row in rows.items():
        assert row["payload"] == expected[key], key
    west = rows[outbox.daily_key(people[-1].id, due[-1][1])]
    assert (west["kind"], west["platform"], west["recipient"]) == ("daily", "slack", "UWEST")
    assert decide_dailies(app.jobs_context, due, clock.now) == (0, 0)  # decided twice: written once


def test_queries_do_not_grow_with_the_people_in_a_batch(app: App, seed: Seed, clock: FrozenClock) -> None:
    d, now = clock.now.date(), clock.now
    with batch(app):
        reps = [add_user(app, f"Rep {n:02d}", team=seed.team, manager=seed.manager) for n in range(12)]
        accounts = [
            add_account(app, f"Account of {r.display_name}", r, created_at=now - timedelta(days=90))
            for r in reps
        ]
    for rep, account in zip(reps, accounts, strict=True):
        promise(app, account, rep, "x", d - timedelta(days=4))
        visit(app, account, rep, now - timedelta(days=40), next_visit_date=d + timedelta(days=1))
    counts = []
    for group in (reps[:3], reps[3:]):
        with statements(app) as seen:
            wrote, failed = decide_dailies(app.jobs_context, [(r.id, d) for r in group], now)
        assert (wrote, failed) == (len(group), 0)
        counts.append(len(seen))
    assert counts[0] == counts[1] <= 12


def test_stale_days_are_the_readers_local_days(app: App, clock: FrozenClock) -> None:
    clock.now = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # 08:30 on Monday 23 Nov in Shanghai
    d = planning.local_date(clock.now, "Asia/Shanghai")
    boss = add_user(app, "Bo Boss", role=Role.MANAGER, timezone="Asia/Shanghai")
    rep = add_user(app, "Shan Rep", manager=boss, timezone="Asia/Shanghai")
    on_time = add_account(app, "On Time", rep, tier=Tier.A, created_at=datetime(2026, 8, 1, tzinfo=UTC))
    # 20:00 UTC on 8 Nov is 04:00 on 9 Nov in Shanghai: 14 days ago there, exactly the cadence
    visit(app, on_time, rep, datetime(2026, 11, 8, 20, 0, tzinfo=UTC))
    late = add_account(app, "Late", rep, tier=Tier.A, created_at=datetime(2026, 8, 1, tzinfo=UTC))
    visit(app, late, rep, datetime(2026, 11, 8, 15, 0, tzinfo=UTC))  # 23:00 on 8 Nov there
    # created 04:00 on 9 Nov in Shanghai, never visited: not stale yet
    add_account(app, "New", rep, tier=Tier.A, created_at=datetime(2026, 11, 8, 20, 0, tzinfo=UTC))
    add_account(app, "Far", rep, tier=Tier.A, created_at=datetime(2026, 10, 24, 20, 0, tzinfo=UTC))

    payload = alone(app, rep.id, d)
    assert payload is not None
    stale = next(
        p for p in payload["notification"]["parts"] if p.get("title") == "Accounts past their visit cadence"
    )
    lines = ["".join(s["text"] for s in line["spans"]) for line in stale["lines"]]
    assert len(lines) == 2
    assert lines[0].startswith("Far — 15 d past the 14-day cadence") and "never visited" in lines[0]
    assert lines[1].startswith("Late — 1 d past the 14-day cadence") and "8 Nov" in lines[1]
    # the manager sees "Far" too: 29 days (from 25 Oct, Shanghai) > 2 x 14
    boss_note = alone(app, boss.id, d)
    assert boss_note is not None
    text = Notification.model_validate(boss_note["notification"]).to_reply().plain_text()
    assert "Far — 29 d without a visit" in text and "Late" not in text


def test_one_person_failing_does_not_hold_back_the_others(
    app: App, seed: Seed, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = clock.now.date()
    promise(app, seed.baosteel, seed.rep, "send samples", d)
    promise(app, seed.cosco, seed.teammate, "call", d)
    compose = scheduler.compose_daily

    def broken(data: Any, person: m.User, *args: Any) -> Any:
        if person.id == seed.rep.id:
            raise RuntimeError("boom")
        return compose(data, person, *args)

    monkeypatch.setattr(scheduler, "compose_daily", broken)
    due = [(seed.rep.id, d), (seed.teammate.id, d)]
    assert decide_dailies(app.jobs_context, due, clock.now, isolate=True) == (1, 1)
    assert set(written(app)) == {outbox.daily_key(seed.teammate.id, d)}
    with pytest.raises(RuntimeError):
        decide_dailies(app.jobs_context, due, clock.now)


def test_a_tick_in_many_batches_writes_what_each_person_alone_would(
    app: App, seed: Seed, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of two (on PostgreSQL each read while the one before it is written): the rows of
    one batch; a batch whose read fails counts its people, and the batches after it are written."""
    people, due, expected, items = in_batches_of_two(app, seed, clock, monkeypatch)
    load = scheduler.JobsTransaction.load_daily
    unlucky = people[2].id

    def load_daily(tx: Any, todo: Any, *args: Any) -> Any:
        if any(person.id == unlucky for person, _ in todo):
            raise RuntimeError("the database went away")
        return load(tx, todo, *args)

    monkeypatch.setattr(scheduler.JobsTransaction, "load_daily", load_daily)
    lost = {outbox.daily_key(u, d) for u, d in due[2:4]}
    wanted = {k: v for k, v in expected.items() if v is not None and k not in lost}
    assert decide_all(app, clock, items) == (len(wanted), 2)
    assert {key: row["payload"] for key, row in written(app).items()} == wanted
    monkeypatch.setattr(scheduler.JobsTransaction, "load_daily", load)
    assert decide_all(app, clock, items) == (
        sum(expected[k] is not None for k in lost),
        0,
    )  # the next tick writes the batch that failed, and only it
    assert {key: row["payload"] for key, row in written(app).items()} == {
        k: v for k, v in expected.items() if v is not None
    }


def test_a_batch_whose_rows_cannot_be_written_counts_its_people_and_the_others_are_written(
    app: App, seed: Seed, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, due, expected, items = in_batches_of_two(app, seed, clock, monkeypatch)
    enqueue = scheduler.JobsTransaction.enqueue_many
    unlucky = outbox.daily_key(*due[0])

    def refused(tx: Any, messages: Any, now: Any) -> int:
        if any(m.key == unlucky for m in messages):
            raise RuntimeError("the disk is full")
        return enqueue(tx, messages, now)

    monkeypatch.setattr(scheduler.JobsTransaction, "enqueue_many", refused)
    lost = {outbox.daily_key(u, d) for u, d in due[:2]}
    wanted = {k: v for k, v in expected.items() if v is not None and k not in lost}
    assert decide_all(app, clock, items) == (len(wanted), 2)
    assert {key: row["payload"] for key, row in written(app).items()} == wanted
