"""The local Slack Web API fake (tests/fakes/slack_api.py) in its own process, with bench controls.

``python -m bench.slackfake`` prints ``PORT <n>`` and serves on 127.0.0.1 until its standard
input closes. Besides the Web API methods the fake answers, three bench methods:

- ``bench.limit``  ``{"method": ..., "per_second": ...}``: enforce a per-method rate limit
  (calls beyond it in any one-second window get HTTP 429 with ``Retry-After: 1``);
- ``bench.stats``  what was called: counts per method, ``views.open`` arrival times per
  ``trigger_id``, ``chat.postMessage`` per channel (duplicates), 429s answered;
- ``bench.reset``  forget the calls (limits stay).

``FakeSlackProcess`` starts it and talks to it from the bench.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONTROL_TOKEN = "xoxb-bench-control"


def _fake_class() -> type[Any]:
    tests = str(ROOT / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    fake_module: Any = importlib.import_module("fakes.slack_api")

    class BenchFake(fake_module.FakeSlack):  # type: ignore[misc]
        """Answers the bench methods too. ``_answer`` runs under the fake's lock: no locking here."""

        def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
            if method == "bench.limit":
                self.limit(str(args["method"]), float(args["per_second"]))
                return {"ok": True}
            if method == "bench.reset":
                self.calls.clear()
                self.responses.clear()
                self.rate_limited = 0
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
            }

    return BenchFake


class FakeSlackProcess:
    """The fake in a child process: ``with FakeSlackProcess() as fake: fake.api_url ...``."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self.port = 0

    def __enter__(self) -> FakeSlackProcess:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bench.slackfake"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
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
        with urllib.request.urlopen(request, timeout=30) as response:
            data: dict[str, Any] = json.loads(response.read())
        return data

    def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = self.call("bench.stats")["stats"]
        return stats

    def reset(self) -> None:
        self.call("bench.reset")

    def limit(self, method: str, per_second: float) -> None:
        self.call("bench.limit", method=method, per_second=per_second)


def main() -> None:
    import http.server

    # The standard library listens with a backlog of 5: at 50 concurrent clients, new
    # connections would wait for SYN retries (1 s) and the fake would measure itself.
    http.server.ThreadingHTTPServer.request_queue_size = 1024
    fake = _fake_class()().start()
    print(f"PORT {fake.base_url.rsplit(':', 1)[1]}", flush=True)
    try:
        sys.stdin.read()
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
