"""Deliver DMs from the outbox through a Slack fake that enforces a per-method rate limit.

The fake answers ``chat.postMessage`` beyond ``LIMIT`` calls in any one-second window with
HTTP 429 and ``Retry-After: 1``; that allowed rate is the floor. The outbox is filled with
pending daily DMs (one recipient each, a realistic payload listing three open promises), and
the real sender drains it:

- "as serve runs it" (10,000 DMs): ``jobs.runtime.JobRunner.send`` fired every
  ``SEND_EVERY_SECONDS`` like the scheduler does (its ``Sender`` paced by ``SEND_PACE_SECONDS``),
  with the client ``kam-bot serve`` gives the sender (``outbox_client(make_client(...))``: no 429
  retry in the client, the sender owns rate limits);
- "pace 0" (2,000 DMs): the same ``Sender`` with ``pace=0``, fired the same way: what the code
  does when only the platform's 429s hold it back.

Lost: rows not sent, or recipients the fake never got; duplicated: a recipient posted twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, text

from bench.apps import BOT_TOKEN, open_app
from bench.core import Context, Result, status
from bench.slackfake import FakeSlackProcess

BENCH = "DM delivery"
TARGET = "≥ 90 % of the allowed rate; 0 lost; 0 duplicated"
LIMIT = 50.0
"""Allowed ``chat.postMessage`` calls per second (a workspace-wide budget for DMs)."""
KEY_PREFIX = "bench-dm:"
PAUSE = 0.5
"""A gap between two posts this long is a pause (a 429's Retry-After), reported with the rate."""


def _available() -> str | None:
    try:
        import kam_bot.jobs.runtime
        import kam_bot.jobs.sender  # noqa: F401
    except ImportError as exc:
        return f"kam_bot.jobs.runtime / sender ({exc})"
    return None


def _payload(engine: Engine) -> dict[str, Any]:
    """A morning DM listing three open promises of one rep (the sender re-checks them before sending)."""
    from kam_bot.domain.enums import Locale
    from kam_bot.domain.models import Account, Promise
    from kam_bot.jobs import outbox
    from kam_bot.jobs.notifications import AccountName, Notification, Part, PromiseItem
    from kam_bot.store.tables import AccountRow, PromiseRow

    with engine.connect() as conn:
        rows = conn.execute(
            select(PromiseRow).where(PromiseRow.status == "open").order_by(PromiseRow.id).limit(3)
        )
        promises = [Promise.model_validate(r._mapping) for r in rows]
        accounts = {
            r.id: Account.model_validate(r._mapping)
            for r in conn.execute(
                select(AccountRow).where(AccountRow.id.in_({p.account_id for p in promises}))
            )
        }
    items = [PromiseItem.of(p, AccountName.of(accounts[p.account_id])) for p in promises]
    note = Notification(
        kind="daily",
        locale=Locale.EN,
        today=datetime.now(UTC).date(),
        title="Good morning",
        parts=[Part(title="Due today", promises=items, buttons=True)],
    )
    return outbox.payload(note, None)


def _fill(engine: Engine, n: int, tag: str, payload: dict[str, Any]) -> None:
    from kam_bot.store.tables import OutboxRow

    now = datetime.now(UTC)
    rows = [
        {
            "key": f"{KEY_PREFIX}{tag}:{i}",
            "kind": "daily",
            "platform": "slack",
            "recipient": f"UDM{tag}{i:07d}",
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for i in range(n)
    ]
    with engine.begin() as conn:
        conn.execute(delete(OutboxRow))  # only this bench's messages may be due
        for start in range(0, n, 1000):
            conn.execute(insert(OutboxRow), rows[start : start + 1000])


def _statuses(engine: Engine) -> dict[str, int]:
    from kam_bot.store.tables import OutboxRow

    with engine.connect() as conn:
        rows = conn.execute(
            select(OutboxRow.status, func.count())
            .where(OutboxRow.key.like(f"{KEY_PREFIX}%"))
            .group_by(OutboxRow.status)
        ).all()
    return {str(s): int(c) for s, c in rows}


async def _drive(
    send: Callable[[], Awaitable[object]], pending: Callable[[], int], every: float, deadline_s: float
) -> float:
    """Fire ``send`` on an interval like APScheduler (no overlap, missed ticks skipped) until done."""
    start = time.monotonic()
    while time.monotonic() - start < deadline_s:
        await send()
        if await asyncio.to_thread(pending) == 0:
            break
        await asyncio.sleep(every - ((time.monotonic() - start) % every))
    return time.monotonic() - start


def deliver(ctx: Context, url: str, fake: FakeSlackProcess, n: int, paced: bool) -> dict[str, Any]:
    from kam_bot.adapters.slack.outbox_delivery import SlackDeliverer, outbox_client
    from kam_bot.adapters.slack.retry import SharedSessionClient, make_client
    from kam_bot.adapters.slack.settings import SlackSettings
    from kam_bot.jobs.runtime import SEND_EVERY_SECONDS, SEND_PACE_SECONDS, JobRunner

    tag = f"{'p' if paced else 'u'}{int(time.time())}"
    slack = SlackSettings(bot_token=BOT_TOKEN, api_url=fake.api_url)
    with open_app(url, platform_settings={"slack": slack}) as app:
        _fill(app.engine, n, tag, _payload(app.engine))
        fake.reset()
        fake.limit("chat.postMessage", LIMIT)
        # the fake's window still holds the previous case's last second of calls: let it pass, so
        # each case starts with the whole allowance, as the floor does (starting in a window
        # others filled is a unit test's case: test_job_sender)
        time.sleep(1.0)
        # the client `kam-bot serve` gives its deliverer: 429s reach the sender (slack.server)
        client = outbox_client(make_client(slack))
        runner = JobRunner(app.jobs_context, {"slack": SlackDeliverer(client)}, instance="bench")
        if not paced:
            runner.sender.pace = 0.0
        rate = 1 / SEND_PACE_SECONDS if paced else LIMIT
        deadline = n / (0.3 * min(rate, LIMIT)) + 60  # bounded even when the sender is slow

        def pending() -> int:
            return _statuses(app.engine).get("pending", 0)

        async def drain() -> float:
            try:
                return await _drive(runner.send, pending, SEND_EVERY_SECONDS, deadline)
            finally:  # as serve's shutdown does: no unclosed session at the end
                if isinstance(client, SharedSessionClient):
                    await client.close()

        elapsed = asyncio.run(drain())
        statuses = _statuses(app.engine)
        with app.engine.begin() as conn:
            conn.execute(text(f"DELETE FROM outbox WHERE key LIKE '{KEY_PREFIX}%'"))
    stats = fake.stats()
    span = (stats["last_post"] - stats["first_post"]) if stats["posts"] > 1 else 0.0
    achieved = (stats["posts"] - 1) / span if span else 0.0
    times = sorted(stats["post_times"])
    pauses = [round(b - a, 2) for a, b in pairwise(times) if b - a >= PAUSE]
    return {
        "n": n,
        "statuses": statuses,
        "posts": stats["posts"],
        "recipients": stats["post_channels"],
        "duplicates": stats["duplicates"],
        "rate_limited": stats["rate_limited"],
        "elapsed_s": round(elapsed, 1),
        "rate_per_s": round(achieved, 2),
        "pace_s": SEND_PACE_SECONDS if paced else 0.0,
        "pauses_s": pauses,
    }


def _row(label: str, facts: dict[str, Any]) -> Result:
    lost = max(facts["n"] - facts["statuses"].get("sent", 0), facts["n"] - facts["recipients"])
    facts["lost"] = lost
    pct = 100 * facts["rate_per_s"] / LIMIT
    ok = pct >= 90 and lost == 0 and facts["duplicates"] == 0
    note = (
        f"{facts['n']:,} DMs in {facts['elapsed_s']} s: {pct:.0f} % of {LIMIT:g}/s; lost {lost}, "
        f"duplicated {facts['duplicates']}, 429s {facts['rate_limited']}; "
        f"pauses ≥ {PAUSE:g} s between posts {len(facts['pauses_s'])} ({sum(facts['pauses_s']):.1f} s); "
        f"outbox {facts['statuses']}"
    )
    return Result(
        f"{BENCH} ({label})",
        "rate",
        facts["rate_per_s"],
        "/s",
        TARGET,
        status(ok),
        floor=LIMIT,
        details=facts,
        note=note,
    )


def run(ctx: Context) -> list[Result]:
    why = _available()
    if why:
        return [Result.not_available(BENCH, TARGET, why)]
    url = ctx.pg_url or ctx.sqlite_url
    out = []
    with FakeSlackProcess() as fake:
        paced = deliver(ctx, url, fake, ctx.n(10_000, 200), paced=True)
        ctx.log(f"   as serve runs it: {paced}")
        out.append(_row("as kam-bot serve runs it", paced))
        unpaced = deliver(ctx, url, fake, ctx.n(2_000, 100), paced=False)
        ctx.log(f"   unpaced: {unpaced}")
        out.append(_row("Sender, pace 0", unpaced))
    return out
