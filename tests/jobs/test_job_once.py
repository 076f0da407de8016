"""Exactly once under takeovers and crashes: claims of exactly ``limit`` rows whatever the
planner statistics, a sender that never sends a row it no longer holds, and a re-send after a
crash that finds the message Slack already accepted instead of posting it again."""

from __future__ import annotations

import argparse
import asyncio
import threading
from datetime import timedelta
from typing import Any

import pytest
from conftest import FrozenClock
from fakes.slack_api import FakeSlack
from jobs_harness import slack_fixture, slack_sender, slack_server_fixture  # noqa: F401
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine, event, func, insert, select, text
from test_job_sender import queue, rows

from kam_bot.adapters.slack.outbox_delivery import SlackDeliverer
from kam_bot.bootstrap import App
from kam_bot.jobs.delivery import Checkpoint, Outgoing
from kam_bot.jobs.sender import Sender
from kam_bot.store import lease, outbox
from kam_bot.store.tables import OutboxIncidentRow, OutboxRow

MANY = 3000


def fill(app: App, count: int) -> None:
    """``count`` due rows, inserted in one statement (as a big morning's planner leaves them)."""
    now = app.clock()
    rows_ = [
        {
            "key": f"bulk:{i}",
            "kind": "daily",
            "platform": "slack",
            "recipient": f"U{i}",
            "payload": {},
            "status": outbox.PENDING,
            "attempts": 0,
            "next_attempt_at": now - timedelta(seconds=i % 7),
            "created_at": now,
        }
        for i in range(count)
    ]
    with app.uow() as uow:
        uow.repo.session.execute(insert(OutboxRow), rows_)
        uow.commit()


def claim(app: App, token: str, limit: int) -> list[lease.Claimed]:
    with app.uow() as uow:
        return lease.claim(uow.repo.session, app.clock(), ["slack"], token, limit)


def in_flight(app: App, key: str) -> bool:
    with app.uow() as uow:
        mark = uow.repo.session.scalar(select(OutboxRow.sending_at).where(OutboxRow.key == f"test:{key}"))
    return mark is not None


def incidents(app: App) -> list[tuple[str, str]]:
    with app.uow() as uow:
        found = uow.repo.session.execute(
            select(OutboxRow.key, OutboxIncidentRow.kind)
            .join(OutboxRow, OutboxRow.id == OutboxIncidentRow.outbox_id)
            .order_by(OutboxIncidentRow.id)
        ).all()
    return [(k.removeprefix("test:"), kind) for k, kind in found]


# -- claims --------------------------------------------------------------------------------


def test_a_claim_takes_exactly_its_limit_in_due_order(app: App) -> None:
    fill(app, 50)
    first = claim(app, "a", 20)
    second = claim(app, "b", 20)
    third = claim(app, "c", 20)
    assert [len(first), len(second), len(third)] == [20, 20, 10]
    assert not {c.id for c in first} & {c.id for c in second}
    assert claim(app, "d", 20) == []


@pytest.mark.postgres
@pytest.mark.parametrize("statistics", ["none", "fresh", "stale"])
def test_on_postgresql_a_claim_of_thousands_of_due_rows_takes_exactly_the_limit(
    engine: Engine, make_app: Any, statistics: str
) -> None:
    """The semi-join form took 51 rows for a limit of 20 before ANALYZE and 20 after: the
    picked ids are now materialized once, so the count is the limit whatever the planner knows."""
    if engine.dialect.name != "postgresql":
        pytest.skip("the planner statistics are PostgreSQL's")
    app = make_app(engine)
    if statistics == "stale":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE outbox"))  # statistics of an empty table, then thousands of rows
    fill(app, MANY)
    if statistics == "fresh":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE outbox"))
    sizes = [len(claim(app, f"t{i}", 20)) for i in range(5)]
    assert sizes == [20] * 5
    with app.uow() as uow:
        held = uow.repo.session.scalar(
            select(text("count(*)")).select_from(OutboxRow).where(OutboxRow.claimed_by.is_not(None))
        )
    assert held == 100


@pytest.mark.postgres
def test_on_postgresql_concurrent_claims_take_disjoint_rows_of_exactly_the_limit(
    engine: Engine, make_app: Any
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's")
    app = make_app(engine)
    fill(app, MANY)
    results: dict[int, list[lease.Claimed]] = {}
    start = threading.Barrier(6)

    def work(n: int) -> None:
        start.wait()
        results[n] = claim(app, f"w{n}", 40)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(len(r) for r in results.values()) == [40] * 6
    ids = [c.id for r in results.values() for c in r]
    assert len(ids) == len(set(ids)) == 240


# -- the sender holds its lease ------------------------------------------------------------


class Gate:
    """A deliverer around SlackDeliverer whose first send, once posted, waits until the test opens
    the gate before it returns (a slow answer: the sender cannot mark it sent meanwhile)."""

    def __init__(self, inner: SlackDeliverer) -> None:
        self.inner = inner
        self.entered = asyncio.Event()
        self.open = asyncio.Event()
        self.first = True

    @property
    def platform(self) -> str:
        return "slack"

    async def deliver(self, message: Outgoing, checkpoint: Checkpoint) -> str | None:
        ref = await self.inner.deliver(message, checkpoint)
        if self.first:
            self.first = False
            self.entered.set()
            await self.open.wait()
        return ref


async def test_a_row_taken_over_while_its_sender_was_slow_is_not_sent_by_it(
    app: App, clock: FrozenClock, slack: FakeSlack
) -> None:
    queue(app, "a", recipient="UA")
    queue(app, "b", recipient="UB")
    client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
    gate = Gate(SlackDeliverer(client))
    slow = Sender(app.jobs_context, {"slack": gate}, instance="slow", lease_for=timedelta(seconds=30))
    running = asyncio.ensure_future(slow.run_once())
    await gate.entered.wait()  # "a" is posted, its answer slow; "b" waits its turn in slow's batch
    clock.advance(seconds=61)  # longer than the claim on the batch (twice the lease at pace 0)
    other = slack_sender(app, slack, "other")
    taken = await other.run_once()
    assert (taken.found, taken.sent) == (1, 1)  # "a" found where it landed, "b" sent
    gate.open.set()
    stats = await running
    assert (stats.sent, stats.lost) == (0, 2)
    assert sorted(c.args["channel"] for c in slack.calls_to("chat.postMessage")) == ["UA", "UB"]
    assert {k: r["status"] for k, r in rows(app).items()} == {"a": "sent", "b": "sent"}
    assert incidents(app) == [
        ("a", lease.FOUND_IN_HISTORY),
        ("b", lease.NOT_FOUND_IN_HISTORY),  # the claim marked it in flight: looked for, sent once
        ("a", lease.LEASE_LOST_AFTER_SEND),
        ("b", lease.LEASE_LOST_BEFORE_SEND),
    ]


async def test_a_batch_is_sent_with_one_write_per_message_after_its_claim(
    app: App, clock: FrozenClock, slack: FakeSlack
) -> None:
    """The claim marks the batch in flight and the promises are read with it: each send then
    writes only its "sent"; a sender dying after the claim leaves every row to the history check."""
    for key in ("a", "b", "c"):
        queue(app, key, recipient=f"U{key.upper()}")
    writes: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "UPDATE OUTBOX" in statement.upper():
            writes.append(statement)

    event.listen(app.engine, "before_cursor_execute", count)
    try:
        stats = await slack_sender(app, slack, "s").run_once()
    finally:
        event.remove(app.engine, "before_cursor_execute", count)
    assert stats.sent == 3
    assert len(writes) == 1 + 3  # the claim, then each "sent"
    queue(app, "d", recipient="UD")
    dying = slack_sender(app, slack, "dying")
    (item,) = dying.claim(app.clock())  # and dies before sending
    assert item.sending_at is None  # what it was before this claim
    assert in_flight(app, "d")  # what a later sender sees
    clock.advance(seconds=2 * lease.DEFAULT_LEASE.total_seconds() + 1)
    assert (await slack_sender(app, slack, "survivor").run_once()).sent == 1
    assert len(slack.calls_to("conversations.history")) == 1
    assert incidents(app) == [("d", lease.NOT_FOUND_IN_HISTORY)]


async def test_a_row_released_unsent_keeps_the_mark_it_had(
    app: App, clock: FrozenClock, slack: FakeSlack
) -> None:
    queue(app, "a", recipient="UA")
    queue(app, "b", recipient="UB")
    s = slack_sender(app, slack, "s")
    first, second = s.claim(app.clock())
    with app.uow() as uow:  # "b" was in flight once before (an earlier sender's call)
        uow.repo.session.execute(text("UPDATE outbox SET sending_at = NULL WHERE key = 'test:a'"))
        uow.commit()
    assert app.jobs.leases.release(first, clock.now)
    assert not in_flight(app, "a")  # never in flight: no history check later
    assert app.jobs.leases.release(second, clock.now)
    assert not in_flight(app, "b")  # as before this claim


# -- a crash between "Slack accepted" and "marked sent" ------------------------------------


async def crash_after_post(app: App, slack: FakeSlack, *, posted: bool) -> None:
    """What a sender killed mid-send leaves: the row claimed and marked sending, the message
    accepted by Slack (``posted``) or not, and no "sent" recorded."""
    dying = slack_sender(app, slack, "dying")
    (item,) = dying.claim(app.clock())
    with app.uow() as uow:
        assert lease.renew(uow.repo.session, item, app.clock())
    if posted:
        message = dying._prepare(item, app.clock())
        assert isinstance(message, Outgoing)

        async def no_checkpoint(ref: str) -> None:
            pass

        await dying.deliverers["slack"].deliver(message, no_checkpoint)


async def test_a_message_slack_accepted_before_the_crash_is_found_not_posted_again(
    app: App, clock: FrozenClock, slack: FakeSlack
) -> None:
    queue(app, "dm", recipient="URITA")
    await crash_after_post(app, slack, posted=True)
    clock.advance(seconds=lease.DEFAULT_LEASE.total_seconds() + 1)
    stats = await slack_sender(app, slack, "survivor").run_once()
    assert (stats.found, stats.sent) == (1, 0)
    (landed,) = slack.posted("DURITA")
    assert landed["metadata"] == {"event_type": "kam_outbox", "event_payload": {"key": "test:dm"}}
    assert len(slack.calls_to("chat.postMessage")) == 1
    history = slack.calls_to("conversations.history")
    assert history and history[0].args["channel"] == "DURITA"
    row = rows(app)["dm"]
    assert row["status"] == "sent" and row["message_ref"] == f"DURITA:{landed['ts']}"
    assert incidents(app) == [("dm", lease.FOUND_IN_HISTORY)]


async def test_a_message_that_never_reached_slack_is_sent_once_after_the_check(
    app: App, clock: FrozenClock, slack: FakeSlack
) -> None:
    queue(app, "dm", recipient="URITA")
    slack.add_user("URITA", "Rita")
    await crash_after_post(app, slack, posted=False)
    # the DM exists with other messages of the bot in it, none with this key
    await AsyncWebClient(token="xoxb-t", base_url=slack.api_url).chat_postMessage(channel="URITA", text="hi")
    clock.advance(seconds=lease.DEFAULT_LEASE.total_seconds() + 1)
    stats = await slack_sender(app, slack, "survivor").run_once()
    assert (stats.found, stats.sent) == (0, 1)
    first, second = slack.posted("DURITA")
    assert first["text"] == "hi" and second["metadata"]["event_payload"] == {"key": "test:dm"}
    assert rows(app)["dm"]["status"] == "sent"
    # it never landed, but the bot cannot know that: the re-send is listed as a possible repeat
    assert incidents(app) == [("dm", lease.NOT_FOUND_IN_HISTORY)]


async def test_a_landed_message_the_look_back_cannot_reach_is_sent_again_and_listed(
    app: App,
    clock: FrozenClock,
    slack: FakeSlack,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """More than 300 newer messages (or a history that lags): the look-back finds nothing, the
    message goes again, a real repeat, and ``kam-bot outbox`` lists it as a possible one."""
    queue(app, "dm", recipient="URITA")
    await crash_after_post(app, slack, posted=True)
    client = AsyncWebClient(token="xoxb-t", base_url=slack.api_url)
    for i in range(301):
        await client.chat_postMessage(channel="URITA", text=f"newer {i}")
    clock.advance(seconds=lease.DEFAULT_LEASE.total_seconds() + 1)
    stats = await slack_sender(app, slack, "survivor").run_once()
    assert (stats.found, stats.sent) == (0, 1)
    keyed = [m for m in slack.posted("DURITA") if m.get("metadata")]
    assert len(keyed) == 2  # the repeat happened
    assert len(slack.calls_to("conversations.history")) == 3  # the three pages were read
    assert incidents(app) == [("dm", lease.NOT_FOUND_IN_HISTORY)]
    from kam_bot.cli import jobs as cli_jobs

    monkeypatch.setattr(cli_jobs, "open_app", lambda settings: app)  # this test's database, either kind
    cli_jobs.outbox_command(argparse.Namespace(action="list", ids=None), app.settings)
    listed = capsys.readouterr().out
    assert "Possible repeats" in listed and "not_found_in_history" in listed and "test:dm" in listed


async def test_without_the_history_scope_the_message_is_sent_and_the_risk_recorded(
    app: App, clock: FrozenClock, slack: FakeSlack
) -> None:
    queue(app, "dm", recipient="URITA")
    await crash_after_post(app, slack, posted=False)
    slack.fail_next("conversations.history", "missing_scope")
    clock.advance(seconds=lease.DEFAULT_LEASE.total_seconds() + 1)
    assert (await slack_sender(app, slack, "survivor").run_once()).sent == 1
    assert incidents(app) == [("dm", lease.HISTORY_UNAVAILABLE)]


async def test_a_429_answer_clears_the_in_flight_mark(app: App, clock: FrozenClock, slack: FakeSlack) -> None:
    """Slack said it posted nothing: the next attempt needs no history check."""
    queue(app, "dm", recipient="URITA")
    slack.rate_limit_next("chat.postMessage", retry_after=1)
    s = slack_sender(app, slack, "s")
    assert (await s.run_once()).rate_limited == 1
    with app.uow() as uow:
        assert uow.repo.session.scalar(select(OutboxRow.sending_at)) is None
    clock.advance(seconds=2)
    assert (await s.run_once()).sent == 1
    assert slack.calls_to("conversations.history") == []


def test_a_claim_lasts_for_its_whole_batch_at_the_current_pace(app: App, clock: FrozenClock) -> None:
    fill(app, 30)
    paced = Sender(app.jobs_context, {}, instance="p", batch=20, pace=1.5, lease_for=timedelta(seconds=30))
    paced.deliverers = {"slack": SlackDeliverer(AsyncWebClient(token="xoxb-t"))}
    claimed = paced.claim(clock.now)
    assert len(claimed) == 20
    with app.uow() as uow:
        until = uow.repo.session.scalar(select(func.max(OutboxRow.claimed_until)))
    assert until == clock.now + timedelta(seconds=2 * 30 + 2 * 20 * 1.5)  # 20 sends 1.5 s apart, twice over
    paced.pace *= 2  # slowed down after a 429: the next claim holds longer
    paced.claim(clock.now)
    with app.uow() as uow:
        until = uow.repo.session.scalar(select(func.max(OutboxRow.claimed_until)))
    assert until == clock.now + timedelta(seconds=2 * 30 + 2 * 20 * 3.0)
