"""The Slack Web API fake (tests/fakes/slack_api.py) in its own process, for the chaos runs.

``python tests/chaos/slack_process.py [--latency S] [--limit N]`` prints ``PORT <n>`` and
serves on 127.0.0.1 until its standard input closes. ``--latency`` delays every answer after
the call took effect (a message stored, its answer still on the way: the window a killed
sender cannot know about); ``--limit`` answers ``chat.postMessage`` beyond N calls in any
one-second window with HTTP 429 and ``Retry-After: 1``, and ``--throttle-every N`` answers every
N-th one so whatever the pace (a loaded machine may never reach the limit). Control methods
(any bot token):

- ``chaos.stats``  posts per outbox key (from the messages' metadata), per method, 429s;
- ``chaos.user``   ``{"id", "name", "email"}``: a user ``users.info`` knows.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:  # run as a script: the child process
    sys.path.insert(0, str(TESTS))

from fakes.fake_process import FakeProcess, serve  # noqa: E402
from fakes.slack_api import FakeSlack  # noqa: E402

CONTROL_TOKEN = "xoxb-chaos-control"


class ChaosFake(FakeSlack):
    """``_answer`` runs under the fake's lock: no locking here."""

    throttle_every = 0
    _posts = 0

    def _dispatch(
        self, path: str, raw: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        if self.throttle_every and path.endswith("/chat.postMessage"):
            with self._lock:
                self._posts += 1
                throttle = self._posts % self.throttle_every == 0
            if throttle:  # this call gets the scripted 429
                self.rate_limit_next("chat.postMessage", retry_after=1)
        return super()._dispatch(path, raw, headers)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "chaos.stats":
            return {"ok": True, "stats": self._stats()}
        if method == "chaos.responses":
            return {"ok": True} | self._replies()
        if method == "chaos.user":
            self.users.pop(str(args["id"]), None)
            self.add_user(str(args["id"]), str(args["name"]), email=args.get("email"), tz="UTC")
            return {"ok": True}
        return super()._answer(method, args)

    def _replies(self) -> dict[str, Any]:
        """What the people saw: ``response_url`` posts by name, modals opened by trigger, updates."""
        return {
            "responses": {c.method: c.args.get("text") or "" for c in self.responses},
            "opened": [c.args.get("trigger_id") for c in self.calls if c.method == "views.open"],
            "updated": sum(c.method == "views.update" for c in self.calls),
        }

    def _stats(self) -> dict[str, Any]:
        keys: Counter[str] = Counter()
        for messages in self.messages.values():
            for m in messages:
                key = ((m.get("metadata") or {}).get("event_payload") or {}).get("key")
                if key:
                    keys[str(key)] += 1
        return {
            "keys": dict(keys),
            "methods": dict(Counter(c.method for c in self.calls if not c.method.startswith("chaos."))),
            "rate_limited": self.rate_limited,
            "publish_users": dict(
                Counter(str(c.args.get("user_id")) for c in self.calls if c.method == "views.publish")
            ),
        }


class SlackProcess(FakeProcess):
    """The fake in a child process: ``with SlackProcess(latency=0.05, limit=200) as fake: ...``."""

    def __init__(self, latency: float = 0.0, limit: float | None = None, throttle_every: int = 0) -> None:
        args = ["--latency", str(latency), "--throttle-every", str(throttle_every)]
        args += ["--limit", str(limit)] if limit else []
        super().__init__([sys.executable, str(Path(__file__)), *args], CONTROL_TOKEN, quiet=True)

    def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = self.call("chaos.stats")["stats"]
        return stats


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--limit", type=float, default=None)
    parser.add_argument("--throttle-every", type=int, default=0)
    args = parser.parse_args()
    fake = ChaosFake()
    fake.latency = args.latency
    fake.throttle_every = args.throttle_every
    if args.limit:
        fake.limit("chat.postMessage", args.limit)
    serve(fake)


if __name__ == "__main__":
    main()
