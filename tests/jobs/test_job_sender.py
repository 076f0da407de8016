"""The sender against FakeSlack: Retry-After, permanent and transient errors, leases, retry, plugging."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from datetime import timedelta
from typing import Any

from conftest import FrozenClock
from fakes.slack_api import FakeSlack
from jobs_harness import slack_fixture, slack_sender, slack_server_fixture  # noqa: F401
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from kam_bot.adapters.slack.outbox_delivery import SlackDeliverer
from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale
from kam_bot.handlers.replies import Line
from kam_bot.jobs import outbox
from kam_bot.jobs.delivery import Checkpoint, Outgoing
from kam_bot.jobs.notifications import Notification, Part
from kam_bot.jobs.pace import Pace
from kam_bot.jobs.sender import Backoff, Sender, SendStats
from kam_bot.store import lease
from kam_bot.store import outbox as store_outbox
from kam_bot.store.tables import OutboxRow


def queue(app: App, name: str, recipient: str = "U1", platform: str = "slack") -> None:
    now = app.clock()
    note = Notification(
        kind="daily",
        locale=Locale.EN,
        today=now.date(),
        title=f"hello {name}",
        parts=[Part(lines=[Line.of(f"line for {name}")])],
    )
    message = outbox.NewMessage(f"test:{name}", "daily", platform, recipient, outbox.payload(note, None))
    with app.uow() as uow:
        assert store_outbox.enqueue(uow.repo.session, message, now)
        uow.commit()


def rows(app: App) -> dict[str, dict[str, Any]]:
    with app.uow() as uow:
        found = uow.repo.session.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
        cols = ("status", "attempts", "next_attempt_at", "last_error", "claimed_by", "message_ref")
        return {r.key.removeprefix("test:"): {c: getattr(r, c) for c in cols} for r in found}


def posts(fake: FakeSlack) -> int:
    return len(fake.calls_to("chat.postMessage"))


async def test_429_waits_for_retry_after_then_sends_once(
    app: App, clock: FrozenClock, slack: FakeSlack
) -> None:
    for name in ("a", "b", "c"):
        queue(app, name, recipient=f"U{name}")
    slack.rate_limit_next("chat.postMessage", retry_after=30)
    s = slack_sender(app, slack, "s1")
    started = time.monotonic()
    first = await s.run_once()
    assert time.monotonic() - started < 5  # Retry-After is a reschedule, never a sleep
    assert (first.rate_limited, first.released, first.sent) == (1, 2, 0)
    assert posts(slack) == 1  # the rest of the batch waited instead of hammering
    state = rows(app)
    for name in ("a", "b", "c"):
        assert state[name]["status"] == "pending" and state[name]["attempts"] == 0
        assert state[name]["next_attempt_at"] >= clock.now + timedelta(seconds=30)
    assert (await s.run_once()).total() == 0 and posts(slack) == 1
    clock.advance(seconds=30)
    assert (await s.run_once()).sent == 3
    assert posts(slack) == 4 and slack.rate_limited == 1
    assert {r["status"] for r in rows(app).values()} == {"sent"}


async def test_a_permanent_error_is_dead_at_once(app: App, slack: FakeSlack) -> None:
    queue(app, "gone")
    slack.fail_next("chat.postMessage", "channel_not_found")
    stats = await slack_sender(app, slack, "s1").run_once()
    assert stats.dead == 1
    row = rows(app)["gone"]
    assert (row["status"], row["attempts"], row["last_error"]) == ("dead", 1, "channel_not_found")


async def test_transient_errors_back_off_and_die_after_five_attempts(
    app: App, clock: FrozenClock, slack: FakeSlack
) -> None:
    queue(app, "flaky")
    slack.server_error_next("chat.postMessage", status=503, times=5)
    s = slack_sender(app, slack, "s1")
    delays = []
    for attempt in range(1, 6):
        stats = await s.run_once()
        row = rows(app)["flaky"]
        assert row["attempts"] == attempt and row["last_error"] == "http_503"
        if attempt < 5:
            assert stats.retried == 1 and row["status"] == "pending"
            delays.append((row["next_attempt_at"] - clock.now).total_seconds())
            assert (await s.run_once()).total() == 0  # not due yet
            clock.advance(seconds=delays[-1])
    assert row["status"] == "dead" and posts(slack) == 5
    for n, delay in enumerate(delays):  # 30 s x 2^n with jitter in [0.5, 1]
        assert 30 * 2**n * 0.5 <= delay <= 30 * 2**n


async def test_ok_false_internal_error_is_transient(app: App, slack: FakeSlack) -> None:
    queue(app, "x")
    slack.fail_next("chat.postMessage", "internal_error")
    assert (await slack_sender(app, slack, "s1").run_once()).retried == 1
    assert rows(app)["x"]["status"] == "pending"


async def test_connection_errors_are_transient(app: App) -> None:
    queue(app, "offline")
    client = AsyncWebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/", retry_handlers=[])
    stats = await Sender(app.jobs_context, {"slack": SlackDeliverer(client)}, instance="s").run_once()
    assert stats.retried == 1
    assert "Client" in rows(app)["offline"]["last_error"]


async def test_outbox_retry_requeues_dead_rows(app: App, clock: FrozenClock, slack: FakeSlack) -> None:
    queue(app, "one")
    queue(app, "two", recipient="U2")
    slack.fail_next("chat.postMessage", "invalid_auth", times=2)
    s = slack_sender(app, slack, "s1")
    assert (await s.run_once()).dead == 2
    with app.uow() as uow:
        assert store_outbox.retry_dead(uow.repo.session, clock.now) == 2
        uow.commit()
    assert {r["status"] for r in rows(app).values()} == {"pending"}
    assert (await s.run_once()).sent == 2


async def test_a_sender_killed_mid_delivery_loses_nothing_and_sends_once(
    app: App, clock: FrozenClock, slack: FakeSlack
) -> None:
    queue(app, "m1")
    queue(app, "m2", recipient="U2")
    dying = slack_sender(app, slack, "dying")
    claimed = dying.claim(clock.now)  # claimed, then the process is killed
    assert len(claimed) == 2
    survivor = slack_sender(app, slack, "survivor")
    assert (await survivor.run_once()).total() == 0  # the lease still holds
    clock.advance(seconds=dying.batch_lease().total_seconds() + 1)  # the claim has run out
    assert (await survivor.run_once()).sent == 2
    with app.uow() as uow:  # the dead process's late writes change nothing
        assert lease.mark_sent(uow.repo.session, claimed[0], clock.now, "late") is False
    state = rows(app)
    assert {r["status"] for r in state.values()} == {"sent"}
    assert all(str(r["claimed_by"]).startswith("survivor:") for r in state.values())
    assert posts(slack) == 2


class Recorder:
    """A second platform's deliverer, as the Teams adapter will plug one in."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    @property
    def platform(self) -> str:
        return "teams"

    async def deliver(self, message: Outgoing, checkpoint: Checkpoint) -> str | None:
        self.sent.append(message)
        return f"conv:{len(self.sent)}"


async def test_each_platform_has_its_deliverer(app: App, slack: FakeSlack) -> None:
    queue(app, "s", recipient="U1")
    queue(app, "t", recipient="29:abc", platform="teams")
    assert (await slack_sender(app, slack, "s1").run_once()).sent == 1  # Slack only: the Teams row waits
    assert rows(app)["t"]["status"] == "pending"
    teams = Recorder()
    assert (await Sender(app.jobs_context, {"teams": teams}, instance="t").run_once()).sent == 1
    assert [m.recipient for m in teams.sent] == ["29:abc"]
    assert teams.sent[0].reply.title == "hello t"
    assert rows(app)["t"]["message_ref"] == "conv:1"


def test_backoff_is_capped() -> None:
    backoff = Backoff(base=timedelta(seconds=30), cap=timedelta(minutes=10))
    assert all(backoff.delay(n) <= timedelta(minutes=10) for n in range(1, 30))


async def test_concurrent_sends_each_message_once_under_a_rate_limit(
    app: App, clock: FrozenClock, slack: FakeSlack
) -> None:
    names = [f"m{i}" for i in range(60)]
    for name in names:
        queue(app, name, recipient=f"U{name}")
    window = [0.0]  # the fake's clock: its one-second window passes when the test says so
    slack.limit("chat.postMessage", per_second=20, clock=lambda: window[0])
    client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
    sender = Sender(app.jobs_context, {"slack": SlackDeliverer(client)}, instance="fast", concurrency=8)
    for _ in range(20):
        await sender.run_once()
        if {r["status"] for r in rows(app).values()} == {"sent"}:
            break
        window[0] += 1.0  # a new window at the fake ...
        clock.advance(seconds=2)  # ... and past the Retry-After on the app's clock
    assert {r["status"] for r in rows(app).values()} == {"sent"}
    delivered = [c.args["channel"] for c in slack.calls_to("chat.postMessage")]  # calls it accepted
    assert sorted(delivered) == sorted(f"U{n}" for n in names)  # every one once
    assert slack.rate_limited > 0, "the limit was reached, and respected"


async def test_rows_a_short_429_put_back_go_out_in_the_same_run(
    app: App, clock: FrozenClock, slack: FakeSlack
) -> None:
    """A 429 with Retry-After 1 near the end of the queue: the row it put back is sent when the
    pause ends, by the same run, not one scheduler interval (5 s) later."""
    for name in ("a", "b", "c"):
        queue(app, name, recipient=f"U{name}")
    slack.rate_limit_next("chat.postMessage", retry_after=1)

    async def pause_passes() -> None:
        """The app's clock moves on while the sender waits out the pause: once the refused row
        is put back, not as soon as the fake has answered 429 (a clock moved before the sender
        reads it lengthens the pause it records, and the rows behind would wait for the next run)."""
        while not any(r["last_error"] for r in (await asyncio.to_thread(rows, app)).values()):
            await asyncio.sleep(0.01)
        clock.advance(seconds=1)

    moving = asyncio.create_task(pause_passes())
    stats = await slack_sender(app, slack, "s1").run_once()
    await moving
    assert (stats.rate_limited, stats.sent) == (1, 3)
    assert {r["status"] for r in rows(app).values()} == {"sent"}
    assert posts(slack) == 4 and slack.rate_limited == 1  # the refused call and three posts


async def test_a_claim_that_runs_out_while_a_send_waits_its_turn_is_renewed_before_the_call(
    app: App, clock: FrozenClock, slack: FakeSlack
) -> None:
    """A 429's pause holds the batch's next row after its claim was checked. Meanwhile the claim
    runs out, and another sender takes the row over and sends it. At the end of its wait the
    first sender renews the claim before calling Slack, finds the row taken and leaves it: each
    rep gets the message once (a chaos run with three processes had sent two rows twice)."""
    for name in ("a", "b"):
        queue(app, name, recipient=f"U{name}")
    slack.rate_limit_next("chat.postMessage", retry_after=1)
    first, second = slack_sender(app, slack, "s1"), slack_sender(app, slack, "s2")

    async def taken_over_meanwhile() -> SendStats:
        while not any(r["last_error"] for r in (await asyncio.to_thread(rows, app)).values()):
            await asyncio.sleep(0.01)
        clock.advance(minutes=10)  # the first sender's claims have all run out
        return await second.run_once()

    other = asyncio.create_task(taken_over_meanwhile())
    stats = await first.run_once()
    taken = await other
    assert (taken.sent, stats.sent, stats.lost) == (2, 0, 1)
    assert {channel: len(sent) for channel, sent in slack.messages.items() if sent} == {"DUa": 1, "DUb": 1}
    assert {r["status"] for r in rows(app).values()} == {"sent"}


def simulate(pace: Pace, accepted: deque[float], start: float, fastest: float = 0.0) -> tuple[int, int]:
    """A minute of sending at ``pace`` (no faster than one send per ``fastest`` seconds) to a
    platform allowing 50 calls in any one second (as the bench's fake), its window already
    holding ``accepted``; (calls accepted, 429s)."""
    clock, total, refused = start, 0, 0
    while clock < start + 60.0:
        while accepted and clock - accepted[0] >= 1.0:
            accepted.popleft()
        if len(accepted) >= LIMIT:
            refused += 1
            pace.limited(clock, 1.0)
            clock += 1.0  # Retry-After: 1
            continue
        accepted.append(clock)
        total += 1
        pace.sent(clock)
        clock += max(fastest, pace.interval)
    return total, refused


LIMIT = 50


def test_the_pace_settles_just_under_a_limit_it_learns_from_429s() -> None:
    """A sender paced at the platform's very limit: after the first 429s the pace stays under the
    limit: over a minute the platform accepts at least 90 % of what it allows, and 429s come rarely."""
    total, refused = simulate(Pace(1 / LIMIT), deque(), 0.0)
    assert total >= 0.9 * LIMIT * 60, (total, refused)
    assert 1 <= refused <= 4, (total, refused)


def test_a_sender_starting_in_a_window_others_filled_learns_the_limit_not_what_was_left() -> None:
    """27 of the 50 calls of the window already taken by another sender (another process, or the
    tail of an earlier burst) when this one starts at pace 0. Its first 429 comes after 23 sends
    in a third of a second: not a limit of 23/s. It climbs back past that, learns the real limit
    from a later 429, and over the minute gets at least 85 % of what the platform allows (91 %;
    with the 23/s kept for good it got 47 %)."""
    others = deque(0.9 + i * 0.1 / 27 for i in range(27))  # the other sender's burst, just before
    pace = Pace(0.0)
    total, refused = simulate(pace, others, 1.0, fastest=1 / 70)  # 70/s: as fast as it goes unpaced
    assert pace.ceiling is not None and pace.ceiling >= 45, pace.ceiling
    assert total >= 0.85 * LIMIT * 60, (total, refused)


def test_a_429_after_a_slow_stretch_leaves_room_for_a_call_a_window() -> None:
    """A sender calling every 0.7 s for two seconds meets a 429 (another app spent the
    workspace's budget): it learns that one call a second got through. After the pause the
    next call still gets a turn, one a window: before, the pace's window check failed on the
    empty window (IndexError), and the sender's run died at every send until a restart."""
    pace = Pace(0.0)
    for at in (0.0, 0.7, 1.4, 2.1):
        pace.started(at)
        pace.sent(at + 0.05)
    pace.limited(2.5, 1.0)
    assert pace.ceiling == 1.0
    assert pace.room(3.6) == 0.0  # the window is empty after the pause: a call may start
    pace.started(3.6)
    assert 0.0 < pace.room(3.7) <= 1.0  # and the next one waits for the window to pass


def test_429s_the_sender_did_not_cause_do_not_wear_its_pace_down_to_nothing() -> None:
    """Every 200th call is refused whatever this sender's rate (another process spent the shared
    budget). Each 429 finds fewer calls let through than the ceiling the last one taught, since the
    sender keeps under it: the ceiling fell 30, 28, 26 ... 2, 1, ending at a call a second for
    good. It now stays at half the best it learnt or more: sending at most 30 calls a second for
    ten minutes, it still sends at least 10 a second in the last minute."""
    pace, clock, starts, fastest = Pace(0.0), 0.0, [], 1 / 30
    while clock < 600.0:
        while (wait := pace.room(clock)) > 0:
            clock += wait
        pace.started(clock)
        starts.append(clock)
        calls = len(starts)
        if calls % 200 == 0:
            pace.limited(clock, 1.0)
            clock += 1.0  # Retry-After: 1
            continue
        pace.sent(clock)
        clock += max(fastest, pace.interval)
    assert pace.ceiling is not None and pace.ceiling >= 15, pace.ceiling
    last_minute = [t for t in starts if t > clock - 60.0]
    assert len(last_minute) >= 600, len(last_minute)


def test_calls_held_back_and_released_together_never_fill_a_window_past_the_limit() -> None:
    """After a 429 has taught the limit (50 in any second), the pace runs just under it, but a busy
    event loop holds calls back and then releases them together: 40 ms stalls every 30 calls. The
    calls still start so that no window holds more than the platform took (the window a late call
    opens is as full as the pace allowed), and the pace loses little to it (>= 45 of 50 a second)."""
    pace = Pace(0.0)
    pace.sent(0.0)
    for i in range(1, 60):  # a whole window of sending, then the 429
        pace.sent(i / 50)
    pace.limited(1.2, 1.0)
    assert pace.ceiling is not None and pace.ceiling >= 49
    clock, starts, due, busy_until = 2.2, [], 2.2, 0.0
    for n in range(600):
        if n % 30 == 0:
            busy_until = due + 0.04  # the loop is busy: this call and the next ones wait
        clock = max(clock, due, busy_until)
        while (wait := pace.room(clock)) > 0:
            clock += wait
        pace.started(clock)
        starts.append(clock)
        pace.sent(clock)
        due += pace.interval  # each call had its turn, one pace after the one before
    fullest = max(sum(1 for t in starts[i:] if t - s < 1.0) for i, s in enumerate(starts))
    assert fullest <= pace.ceiling - 1, fullest
    assert len(starts) / (starts[-1] - starts[0]) >= 45


def test_a_full_window_lets_no_call_start_at_the_moment_its_first_call_leaves_it() -> None:
    """A sender that waits exactly what ``room`` said lands on the moment the window's first call
    leaves it, where float rounding put that call both still in the window and at 0.0 s to wait:
    every call due then started at once (five here). Now one call starts, and the next waits."""
    overfull = []
    for n in range(2000):
        pace = Pace(0.0)
        for i in range(60):
            pace.sent(i / 50)
        pace.limited(1.2, 1.0)
        assert pace.ceiling == LIMIT
        first = 2.2 + n * 0.001237
        for i in range(int(LIMIT) - 1):  # a full window: ceiling - 1 calls started
            pace.started(first + i * 0.01)
        clock = first
        started = 0
        for _ in range(5):  # five calls due at once: each waits what room says, then starts
            while (wait := pace.room(clock)) > 0:
                clock += wait
            pace.started(clock)
            started += 1 if clock - first < pace.WINDOW + pace.MARGIN else 0
        if started > 1:
            overfull.append((first, started))
    assert not overfull, overfull[:3]


async def test_odd_answers_are_classified_not_crashed_on(
    app: App, clock: FrozenClock, slack: FakeSlack, caplog: Any
) -> None:
    """A proxy's page where Slack's JSON should be: a 429 or 5xx behind it is still seen, and a
    200 that says nothing readable is retried after the history check (it may have landed)."""
    for name in ("limited", "bad_gateway", "unreadable", "html"):
        queue(app, name, recipient=f"U_{name}")
    slack.odd_answer_next("chat.postMessage", status=429, headers={"Retry-After": "40"})
    s = slack_sender(app, slack, "s1")
    assert (await s.run_once()).rate_limited == 1
    limited = rows(app)["limited"]
    assert limited["status"] == "pending" and limited["attempts"] == 0
    assert limited["next_attempt_at"] >= clock.now + timedelta(seconds=40)
    clock.advance(seconds=40)
    slack.odd_answer_next("chat.postMessage", status=502)
    slack.odd_answer_next("chat.postMessage", status=200)
    slack.odd_answer_next("chat.postMessage", status=200, body=b"<html>ok</html>", content_type="text/html")
    stats = await s.run_once()
    assert (stats.retried, stats.sent) == (3, 1)
    errors = sorted(r["last_error"] for r in rows(app).values() if r["status"] == "pending")
    assert errors == ["http_502", "unreadable_answer_http_200", "unreadable_answer_http_200"]
    assert not [r for r in caplog.records if r.exc_info]  # no traceback: nothing crashed
    clock.advance(hours=1)
    slack.odd_answer_next("conversations.history", status=503)  # the look-back hears garbage too
    stats = await s.run_once()
    clock.advance(hours=1)
    stats = await s.run_once()
    assert {r["status"] for r in rows(app).values()} == {"sent"}
    assert posts(slack) == 8  # the 429, the four of the second run, the three retried
    assert (
        sorted(len(slack.posted(f"DU_{n}")) for n in ("limited", "bad_gateway", "unreadable", "html"))
        == [1] * 4
    )
