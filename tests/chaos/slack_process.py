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
import http.server
import json
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]
CONTROL_TOKEN = "xoxb-chaos-control"


def _fake_class() -> type[Any]:
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    from fakes.slack_api import FakeSlack

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

    return ChaosFake


class SlackProcess:
    """The fake in a child process: ``with SlackProcess(latency=0.05, limit=200) as fake: ...``."""

    def __init__(self, latency: float = 0.0, limit: float | None = None, throttle_every: int = 0) -> None:
        self.args = ["--latency", str(latency), "--throttle-every", str(throttle_every)]
        self.args += ["--limit", str(limit)] if limit else []
        self._proc: subprocess.Popen[str] | None = None
        self.port = 0

    def __enter__(self) -> SlackProcess:
        self._proc = subprocess.Popen(
            [sys.executable, str(Path(__file__)), *self.args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # a killed client leaves broken pipes: expected, not news
            text=True,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline().split()
        if len(line) != 2 or line[0] != "PORT":
            self.__exit__()
            raise RuntimeError("the Slack fake did not start")
        self.port = int(line[1])
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is None:
            return
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def call(self, api_method: str, /, **args: Any) -> dict[str, Any]:
        request = urllib.request.Request(
            self.api_url + api_method,
            data=json.dumps(args).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {CONTROL_TOKEN}"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            data: dict[str, Any] = json.loads(response.read())
        return data

    def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = self.call("chaos.stats")["stats"]
        return stats


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--limit", type=float, default=None)
    parser.add_argument("--throttle-every", type=int, default=0)
    args = parser.parse_args()
    # The standard library listens with a backlog of 5; dozens of concurrent senders would
    # wait for SYN retries and the fake would measure itself.
    http.server.ThreadingHTTPServer.request_queue_size = 1024
    fake = _fake_class()().start()
    fake.latency = args.latency
    fake.throttle_every = args.throttle_every
    if args.limit:
        fake.limit("chat.postMessage", args.limit)
    print(f"PORT {fake.base_url.rsplit(':', 1)[1]}", flush=True)
    try:
        sys.stdin.read()
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
