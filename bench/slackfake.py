"""The local Slack Web API fake (tests/fakes/slack_api.py) in its own process, with bench controls.

``python -m bench.slackfake`` prints ``PORT <n>`` and serves on 127.0.0.1 until its standard
input closes. Besides the Web API methods the fake answers, three bench methods:

- ``bench.limit``  ``{"method": ..., "per_second": ...}``: enforce a per-method rate limit
  (calls beyond it in any one-second window get HTTP 429 with ``Retry-After: 1``);
- ``bench.stats``  what was called: counts per method, ``views.open`` arrival times per
  ``trigger_id``, ``chat.postMessage`` per channel (duplicates) and their arrival times, 429s answered;
- ``bench.reset``  forget the calls (limits stay).

``FakeSlackProcess`` starts it and talks to it from the bench.
"""

from __future__ import annotations

import gc
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

from fakes.fake_process import FakeProcess, serve  # noqa: E402
from fakes.slack_api import FakeSlack  # noqa: E402

CONTROL_TOKEN = "xoxb-bench-control"


class BenchFake(FakeSlack):
    """Answers the bench methods too. ``_answer`` runs under the fake's lock: no locking here."""

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "bench.limit":
            self.limit(str(args["method"]), float(args["per_second"]))
            return {"ok": True}
        if method == "bench.reset":
            self.calls.clear()
            self.responses.clear()
            self.rate_limited = 0
            gc.collect()  # between cases: the collector is off while they run (``main``)
            return {"ok": True}
        if method == "bench.stats":
            return {"ok": True, "stats": self._stats()}
        result: dict[str, Any] = super()._answer(method, args)
        return result

    def _stats(self) -> dict[str, Any]:
        calls = [c for c in self.calls if not c.method.startswith("bench.")]
        opened: dict[str, float] = {}
        for c in calls:
            if c.method == "views.open":
                opened.setdefault(str(c.args.get("trigger_id")), c.at)
        posts = Counter(str(c.args.get("channel")) for c in calls if c.method == "chat.postMessage")
        post_times = [c.at for c in calls if c.method == "chat.postMessage"]
        return {
            "methods": dict(Counter(c.method for c in calls)),
            "views_open": opened,
            "posts": len(post_times),
            "post_channels": len(posts),
            "duplicates": sum(n - 1 for n in posts.values() if n > 1),
            "first_post": min(post_times, default=None),
            "last_post": max(post_times, default=None),
            "rate_limited": self.rate_limited,
            "post_times": post_times,
        }


class FakeSlackProcess(FakeProcess):
    """The fake in a child process: ``with FakeSlackProcess() as fake: fake.api_url ...``."""

    def __init__(self) -> None:
        super().__init__([sys.executable, "-m", "bench.slackfake"], CONTROL_TOKEN, cwd=ROOT)
        self.call_timeout = 30.0

    def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = self.call("bench.stats")["stats"]
        return stats

    def reset(self) -> None:
        self.call("bench.reset")

    def limit(self, method: str, per_second: float) -> None:
        self.call("bench.limit", method=method, per_second=per_second)


def main() -> None:
    """Serve with the cyclic collector off. The fake keeps every call it answered with its whole
    payload (what ``bench.stats`` reads): tens of thousands of objects a second of sending. With
    the collector on, its full collections stopped every thread of the fake for 70-140 ms, the
    calls held meanwhile were counted as arriving together, and its rate limit answered 429s the
    bot's pace did not cause: for the Sender as served at 62.8 and 99.3 s of every run, none with
    the collector off (DM delivery lost about 2 % of the allowed rate to them). ``bench.reset``
    collects, between cases."""
    gc.disable()
    serve(BenchFake())


if __name__ == "__main__":
    main()
