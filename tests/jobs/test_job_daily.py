"""The morning DM's content: what is listed, what is hidden, the brief, escalation, buttons."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from conftest import FrozenClock
from factories import Seed, add_account, add_contact, add_price_list, add_user, seed_team
from fakes.slack_api import FakeSlack
from jobs_harness import add, slack_fixture, slack_sender, slack_server_fixture  # noqa: F401
from sqlalchemy import select

from kam_bot.adapters.slack.blocks import reply_blocks
from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import (
    GoalReached,
    Locale,
    Movement,
    PriceKind,
    PromiseDirection,
    PromiseStatus,
    Tier,
)
from kam_bot.handlers.replies import Reply
from kam_bot.jobs.notifications import Notification
from kam_bot.jobs.scheduler import daily_notification, decide_daily
from kam_bot.store.tables import OutboxRow

OURS, THEIRS = PromiseDirection.OURS, PromiseDirection.THEIRS


def promise(
    app: App,
    account: m.Account,
    owner: m.User,
    text: str,
    due: date,
    direction: PromiseDirection = OURS,
    **kw: Any,
) -> m.Promise:
    return add(
        app,
        m.Promise,
        account_id=account.id,
        owner_id=owner.id,
        direction=direction,
        text=text,
        due_date=due,
        created_at=app.clock() - timedelta(days=20),
        **kw,
    )


def today(app: App) -> date:
    return app.clock().date()  # the seeded users live in UTC


def note_for(app: App, person: m.User, day: date | None = None) -> Notification | None:
    with app.uow() as uow:
        fresh = uow.repo.get(m.User, person.id)
        assert fresh is not None
        return daily_notification(app.jobs_context, fresh, day or today(app), app.clock())


def part_ids(note: Notification, title_start: str) -> list[int]:
    parts = [p for p in note.parts if (p.title or "").startswith(title_start)]
    return [i.promise.id for p in parts for i in p.promises]


def outbox_rows(app: App) -> list[dict[str, Any]]:
    with app.uow() as uow:
        rows = uow.repo.session.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
        return [
            {
                c: getattr(r, c)
                for c in ("key", "status", "last_error", "platform", "recipient", "message_ref")
            }
            for r in rows
        ]


def text_of(reply: Reply) -> str:
    return reply.plain_text()


@pytest.fixture
def seed(app: App) -> Seed:
    return seed_team(app)


def test_lists_our_due_and_overdue_their_overdue_and_stale_accounts(app: App, seed: Seed) -> None:
    d = today(app)
    rep, bao, sino = seed.rep, seed.baosteel, seed.sinopec
    due_today = promise(app, bao, rep, "send samples", d)
    overdue = promise(app, sino, rep, "send the quote", d - timedelta(days=2))
    promise(app, bao, rep, "tomorrow's thing", d + timedelta(days=1))
    promise(app, bao, rep, "snoozed away", d - timedelta(days=3), snoozed_until=d + timedelta(days=1))
    snooze_ends = promise(app, bao, rep, "snooze over", d - timedelta(days=3), snoozed_until=d)
    promise(app, bao, rep, "done already", d - timedelta(days=1), status=PromiseStatus.DONE)
    promise(app, bao, rep, "cancelled", d - timedelta(days=1), status=PromiseStatus.CANCELLED)
    chase = promise(app, bao, rep, "they send the PO", d - timedelta(days=1), direction=THEIRS)
    promise(app, bao, rep, "they confirm today", d, direction=THEIRS)
    promise(app, seed.cosco, seed.teammate, "not mine", d)

    note = note_for(app, rep)
    assert note is not None
    assert part_ids(note, "We owe") == [snooze_ends.id, overdue.id, due_today.id]
    assert part_ids(note, "To chase") == [chase.id]
    stale = next(p for p in note.parts if p.title == "Accounts past their visit cadence")
    names = [line.plain for line in stale.lines]
    assert names[0].startswith("Baoshan Iron") and "86 d past the 14-day cadence" in names[0]
    assert names[1].startswith("China Petroleum") and "never visited" in names[1]
    text = text_of(note.to_reply())
    assert "overdue 2 d" in text and "due today" in text
    assert "not mine" not in text and "snoozed away" not in text and "done already" not in text


def test_each_promise_has_done_snooze_and_open_buttons_with_its_ids(app: App, seed: Seed) -> None:
    d = today(app)
    p1 = promise(app, seed.baosteel, seed.rep, "send samples", d)
    p2 = promise(app, seed.sinopec, seed.rep, "they pay", d - timedelta(days=4), direction=THEIRS)
    note = note_for(app, seed.rep)
    assert note is not None
    reply = note.to_reply()
    buttons = {(a.action_id, a.value) for s in reply.sections for a in s.actions}
    for p in (p1, p2):
        assert {
            ("promise.done", str(p.id)),
            ("promise.snooze_1", str(p.id)),
            ("promise.snooze_3", str(p.id)),
            ("promise.snooze_7", str(p.id)),
            ("account.open", str(p.account_id)),
        } <= buttons
    slack_ids = {
        e["action_id"]
        for b in reply_blocks(reply, Locale.EN)
        if b["type"] == "actions"
        for e in b["elements"]
    }
    assert {
        f"promise.done:{p1.id}",
        f"promise.snooze_7:{p2.id}",
        f"account.open:{seed.sinopec.id}",
    } <= slack_ids
    assert len(reply_blocks(reply, Locale.EN)) <= 50


def test_planned_visit_brings_the_brief_without_personal_notes(app: App, seed: Seed) -> None:
    d, bao, rep, now = today(app), seed.baosteel, seed.rep, app.clock()
    old = add_contact(app, bao, "Zhao Old", role="decision_maker", last_met=d - timedelta(days=90))
    add_contact(app, bao, "Qian Recent", role="influencer", last_met=d - timedelta(days=10))
    visit = add(
        app,
        m.Visit,
        account_id=bao.id,
        rep_id=rep.id,
        visited_at=now - timedelta(days=10),
        goal="agree trial volume",
        goal_reached=GoalReached.PARTLY,
        summary="engineering doubts coating life",
        next_step="send lab report",
        next_visit_date=d,
        created_at=now,
    )
    promise(app, bao, rep, "lab report", d + timedelta(days=3), visit_id=visit.id)
    promise(app, bao, rep, "trial PO", d + timedelta(days=5), direction=THEIRS)
    add_price_list(app, "widget-42", "4.00", "USD", "kg")
    add(
        app,
        m.PriceObservation,
        account_id=bao.id,
        product="widget-42",
        price=Decimal("3.50"),
        currency="USD",
        unit="kg",
        kind=PriceKind.CUSTOMER_PURCHASE,
        observed_at=now - timedelta(days=10),
    )
    for days, qty in ((40, "300"), (10, "100")):
        add(
            app,
            m.InventoryObservation,
            account_id=bao.id,
            product="widget-42",
            quantity=Decimal(qty),
            movement=Movement.FAST,
            observed_at=now - timedelta(days=days),
        )
    # a plan superseded by a later visit is no plan
    add(
        app,
        m.Visit,
        account_id=seed.sinopec.id,
        rep_id=rep.id,
        visited_at=now - timedelta(days=20),
        next_visit_date=d,
        created_at=now,
    )
    add(
        app,
        m.Visit,
        account_id=seed.sinopec.id,
        rep_id=rep.id,
        visited_at=now - timedelta(days=5),
        next_visit_date=d + timedelta(days=7),
        created_at=now,
    )

    note = note_for(app, rep)
    assert note is not None
    titles = [p.title for p in note.parts]
    assert f"Visit today: {bao.name}" in titles
    assert not any("China Petroleum" in (title or "") for title in titles)
    text = text_of(note.to_reply())
    for expected in (
        "Goal: agree trial volume (partly reached)",
        "engineering doubts coating life",
        "Next: send lab report",
        "lab report",
        "trial PO",
        "⚠ -12.5% vs list 4.00",
        "likely stock-out",
    ):
        assert expected in text, expected
    chain = next(p for p in note.parts if p.title == "Decision chain")
    flagged = [ln.plain for ln in chain.lines if "not met recently" in ln.plain]
    assert len(flagged) == 1 and flagged[0].startswith(old.name)
    assert Seed.NOTES not in text  # the contact's personal notes stay out of DMs
    assert Seed.NOTES not in str(note.model_dump())


def test_escalation_reaches_the_manager_not_the_rest(app: App, seed: Seed) -> None:
    d = today(app)  # Monday: working days overdue skip the weekend
    late = promise(app, seed.sinopec, seed.rep, "three working days late", d - timedelta(days=5))  # Wed
    promise(app, seed.sinopec, seed.rep, "two working days late", d - timedelta(days=4))  # Thu
    promise(app, seed.sinopec, seed.rep, "late but theirs", d - timedelta(days=9), direction=THEIRS)
    snoozed = promise(
        app,
        seed.sinopec,
        seed.rep,
        "snoozed, still late",
        d - timedelta(days=6),
        snoozed_until=d + timedelta(days=2),
    )
    note = note_for(app, seed.manager)
    assert note is not None
    parts = {p.title: p for p in note.parts}
    rita = parts["⚠ Rita Rep: promises overdue 3+ working days, accounts far past cadence"]
    assert [i.promise.id for i in rita.promises] == [snoozed.id, late.id]
    assert any(line.plain.startswith("Baoshan Iron") for line in rita.lines)  # tier A: 100 d > 2 x 14 d
    assert not any("Tom Teammate" in (p.title or "") for p in note.parts)  # COSCO: 100 d < 2 x 60 d
    assert note_for(app, seed.director) is None  # the manager's own manager: nothing about the rep


def test_nothing_to_say_means_no_dm(app: App, clock: FrozenClock) -> None:
    quiet = add_user(app, "Quinn Quiet", identities={"slack": "UQUIET"})
    account = add_account(app, "Fresh Account", quiet, tier=Tier.A)
    add(
        app,
        m.Visit,
        account_id=account.id,
        rep_id=quiet.id,
        visited_at=clock.now - timedelta(days=1),
        created_at=clock.now,
    )
    assert note_for(app, quiet) is None
    assert decide_daily(app.jobs_context, quiet.id, today(app), clock.now) is False
    with app.uow() as uow:
        assert uow.repo.session.scalars(select(OutboxRow)).all() == []


def test_the_dm_speaks_the_readers_language(app: App, seed: Seed) -> None:
    with app.uow() as uow:
        uow.repo.update(m.User, seed.rep.id, locale=Locale.ZH_HANS)
        uow.commit()
    promise(app, seed.baosteel, seed.rep, "送样品", today(app))
    note = note_for(app, seed.rep)
    assert note is not None and note.title.startswith("Rita Rep，早上好")
    assert "今天到期" in text_of(note.to_reply())


def test_decided_twice_is_written_once(app: App, seed: Seed, clock: FrozenClock) -> None:
    promise(app, seed.baosteel, seed.rep, "send samples", today(app))
    assert decide_daily(app.jobs_context, seed.rep.id, today(app), clock.now) is True
    assert decide_daily(app.jobs_context, seed.rep.id, today(app), clock.now) is False
    with app.uow() as uow:
        keys = uow.repo.session.scalars(select(OutboxRow.key)).all()
    assert keys == [f"daily:u{seed.rep.id}:{today(app).isoformat()}"]


# -- at send time --------------------------------------------------------------------


async def test_a_promise_done_before_the_send_is_not_in_the_dm(
    app: App, seed: Seed, slack: FakeSlack
) -> None:
    with app.uow() as uow:
        uow.repo.link_identity(seed.rep.id, "slack", "URITA")
        uow.commit()
    d = today(app)
    done = promise(app, seed.baosteel, seed.rep, "send samples", d)
    kept = promise(app, seed.sinopec, seed.rep, "send the quote", d - timedelta(days=1))
    snoozed = promise(app, seed.sinopec, seed.rep, "call back", d - timedelta(days=1))
    assert decide_daily(app.jobs_context, seed.rep.id, d, app.clock())
    app.promises.complete(seed.rep, done.id)
    app.promises.snooze(seed.rep, snoozed.id, days=3)

    stats = await slack_sender(app, slack, "t").run_once()
    assert stats.sent == 1
    (call,) = slack.calls_to("chat.postMessage")
    assert call.args["channel"] == "URITA"
    blocks = str(call.args["blocks"])
    assert f"promise.done:{kept.id}" in blocks
    assert f"promise.done:{done.id}" not in blocks and "send samples" not in blocks
    assert f"promise.done:{snoozed.id}" not in blocks
    (row,) = outbox_rows(app)
    assert row["status"] == "sent" and row["message_ref"].startswith("DURITA:")


async def test_a_dm_written_when_items_kept_the_whole_account_and_promise_is_still_sent(
    app: App, seed: Seed, slack: FakeSlack
) -> None:
    """Rows in the outbox during an upgrade were written with the whole account and the whole
    promise in each promise item; the sender reads them as it reads the new ones, which keep the
    account's id and name and what the promise's line and buttons show."""
    with app.uow() as uow:
        uow.repo.link_identity(seed.rep.id, "slack", "URITA")
        uow.commit()
    d = today(app)
    due = promise(app, seed.baosteel, seed.rep, "send samples", d)
    assert decide_daily(app.jobs_context, seed.rep.id, d, app.clock())
    with app.uow() as uow:
        row = uow.repo.session.scalars(select(OutboxRow)).one()
        payload = dict(row.payload)
        (item,) = [i for part in payload["notification"]["parts"] for i in part.get("promises", [])]
        assert item["account"] == {"id": seed.baosteel.id, "name": seed.baosteel.name}
        assert set(item["promise"]) == {"id", "account_id", "text", "due_date"}  # the rest at defaults
        item["account"] = seed.baosteel.model_dump(mode="json")  # as it was written before
        item["promise"] = due.model_dump(mode="json")
        row.payload = payload
        uow.commit()

    stats = await slack_sender(app, slack, "t").run_once()
    assert stats.sent == 1
    blocks = str(slack.calls_to("chat.postMessage")[0].args["blocks"])
    assert f"promise.done:{due.id}" in blocks
    assert f"*#{due.id}* Baoshan Iron &amp; Steel Co., Ltd. · send samples — due today" in blocks


async def test_nothing_left_at_send_time_is_skipped(app: App, clock: FrozenClock, slack: FakeSlack) -> None:
    solo = add_user(app, "Sol Solo", identities={"slack": "USOLO"})
    account = add_account(app, "Busy Account", solo, tier=Tier.A)
    add(
        app,
        m.Visit,
        account_id=account.id,
        rep_id=solo.id,
        visited_at=clock.now - timedelta(days=1),
        created_at=clock.now,
    )
    p = promise(app, account, solo, "only thing", today(app))
    assert decide_daily(app.jobs_context, solo.id, today(app), clock.now)
    app.promises.complete(solo, p.id)
    stats = await slack_sender(app, slack, "t").run_once()
    assert (stats.sent, stats.skipped) == (0, 1)
    assert slack.calls_to("chat.postMessage") == []


async def test_a_user_without_chat_identity_is_reported_dead_not_sent(
    app: App, seed: Seed, slack: FakeSlack
) -> None:
    promise(app, seed.baosteel, seed.rep, "send samples", today(app))
    assert decide_daily(app.jobs_context, seed.rep.id, today(app), app.clock())
    (row,) = outbox_rows(app)
    assert (row["status"], row["last_error"], row["platform"], row["recipient"]) == (
        "dead",
        "no_chat_identity",
        "",
        "",
    )
    stats = await slack_sender(app, slack, "t").run_once()
    assert stats.total() == 0 and slack.calls_to("chat.postMessage") == []


async def test_a_daily_dm_is_never_sent_after_its_day(
    app: App, seed: Seed, clock: FrozenClock, slack: FakeSlack
) -> None:
    with app.uow() as uow:
        uow.repo.link_identity(seed.rep.id, "slack", "URITA")
        uow.commit()
    promise(app, seed.baosteel, seed.rep, "send samples", today(app))
    assert decide_daily(app.jobs_context, seed.rep.id, today(app), clock.now)
    clock.now = datetime.combine(today(app) + timedelta(days=1), datetime.min.time(), tzinfo=clock.now.tzinfo)
    stats = await slack_sender(app, slack, "t").run_once()
    assert stats.skipped == 1 and slack.calls_to("chat.postMessage") == []


def test_a_crowded_morning_still_fits_one_slack_message(app: App, seed: Seed) -> None:
    d, rep, now = today(app), seed.rep, app.clock()
    accounts = [
        add_account(app, f"Account {n:02d}", rep, created_at=now - timedelta(days=90)) for n in range(12)
    ]
    for n, account in enumerate(accounts):
        promise(app, account, rep, f"ours {n}", d - timedelta(days=n % 4))
        promise(app, account, rep, f"theirs {n}", d - timedelta(days=1 + n % 3), direction=THEIRS)
    for account in accounts[:3]:
        add(app, m.Visit, account_id=account.id, rep_id=rep.id, visited_at=now - timedelta(days=30),
            next_visit_date=d, goal="g" * 500, created_at=now)  # fmt: skip
    note = note_for(app, rep)
    assert note is not None
    reply = note.to_reply()
    blocks = reply_blocks(reply, Locale.EN)
    assert len(blocks) <= 50
    text = reply.plain_text() + str(blocks)
    assert "… and 6 more" in text  # 12 of ours, 6 with buttons
    assert "Also planned today" in text  # the third visit of the day is named, without a full brief


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Shanghai"])
def test_accounts_just_past_their_cadence_in_the_reps_zone_are_listed_and_those_just_within_are_not(
    app: App, zone: str
) -> None:
    """The batch's database-side pick of accounts that may be stale keeps every one the cadence rule
    counts in the rep's local days, at the edges of the day, in the zones furthest from UTC."""
    from zoneinfo import ZoneInfo

    rep = add_user(app, "Far Away", timezone=zone)
    tz = ZoneInfo(zone)
    local_today = app.clock().astimezone(tz).date()

    def local(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)

    cadence = 14  # tier A
    over_day = local_today - timedelta(days=cadence + 1)  # 1 day past the cadence
    within_day = local_today - timedelta(days=cadence)  # on the cadence: not stale
    long_ago = app.clock() - timedelta(days=400)
    cases = {
        "over, visited first thing": (over_day, 0, 1),
        "over, visited last thing": (over_day, 23, 59),
        "within, visited first thing": (within_day, 0, 1),
        "within, visited last thing": (within_day, 23, 59),
    }
    for name, (day, hour, minute) in cases.items():
        account = add_account(app, name, rep, tier=Tier.A, created_at=long_ago)
        at = local(day, hour, minute)
        add(app, m.Visit, account_id=account.id, rep_id=rep.id, visited_at=at, created_at=at)
    add_account(app, "over, created first thing", rep, tier=Tier.A, created_at=local(over_day, 0, 1))
    add_account(app, "within, created last thing", rep, tier=Tier.A, created_at=local(within_day, 23, 59))

    note = note_for(app, rep, local_today)
    assert note is not None
    stale = next(p for p in note.parts if p.title == "Accounts past their visit cadence")
    names = sorted(line.plain.split(" — ")[0] for line in stale.lines)
    assert names == ["over, created first thing", "over, visited first thing", "over, visited last thing"]
