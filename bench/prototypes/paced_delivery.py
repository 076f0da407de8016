"""Delivery with a client-side rate limiter: stay under the platform's limit instead of hitting 429.

``python -m bench.prototypes.paced_delivery URL [N] [RATE]`` drains N DMs like the delivery
bench's unpaced run, but through ``LimitedDeliverer``: a token bucket at ``RATE`` calls per
second (default 95 % of the fake's limit) in front of the real ``SlackDeliverer``. Every 429
costs the real sender a whole ``Retry-After`` second (the client sleeps it); a sender that
never exceeds the limit never pays it.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from bench.apps import BOT_TOKEN, open_app
from bench.cases.delivery import LIMIT, _drive, _fill, _payload, _statuses
from bench.slackfake import FakeSlackProcess


class LimitedDeliverer:
    """At most ``rate`` deliveries per second, evenly spaced (a token bucket of one)."""

    def __init__(self, inner: Any, rate: float) -> None:
        self._inner = inner
        self._interval = 1.0 / rate
        self._next = 0.0

    @property
    def platform(self) -> str:
        return str(self._inner.platform)

    async def deliver(self, message: Any, checkpoint: Any) -> str | None:
        now = time.monotonic()
        slot = max(now, self._next)  # reserve the slot before waiting: safe with concurrent sends
        self._next = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)
        result: str | None = await self._inner.deliver(message, checkpoint)
        return result


def main(url: str, n: int, rate: float) -> None:
    from kam_bot.adapters.slack.outbox_delivery import SlackDeliverer
    from kam_bot.adapters.slack.retry import make_client
    from kam_bot.adapters.slack.settings import SlackSettings
    from kam_bot.jobs.runtime import SEND_EVERY_SECONDS, JobRunner

    with (
        FakeSlackProcess() as fake,
        open_app(url) as app,
    ):
        _fill(app.engine, n, f"proto{int(time.time())}", _payload(app.engine))
        fake.reset()
        fake.limit("chat.postMessage", LIMIT)
        slack = SlackSettings(bot_token=BOT_TOKEN, api_url=fake.api_url)
        deliverer = LimitedDeliverer(SlackDeliverer(make_client(slack)), rate)
        runner = JobRunner(app.jobs_context, {"slack": deliverer}, instance="bench-proto")
        runner.sender.pace = 0.0

        def pending() -> int:
            return _statuses(app.engine).get("pending", 0)

        elapsed = asyncio.run(_drive(runner.send, pending, SEND_EVERY_SECONDS, n / (0.3 * rate) + 60))
        statuses = _statuses(app.engine)
        stats = fake.stats()
    span = stats["last_post"] - stats["first_post"]
    print(f"{n} DMs in {elapsed:.1f} s; rate {(stats['posts'] - 1) / span:.1f}/s of {LIMIT:g}/s; "
          f"429s {stats['rate_limited']}; duplicates {stats['duplicates']}; outbox {statuses}")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2000,
         float(sys.argv[3]) if len(sys.argv) > 3 else 0.95 * LIMIT)  # fmt: skip
