"""The Slack Web API fake (``fakes.slack_api``) in a child process of its own, as the chaos runs
and the bench use it: the child prints ``PORT <n>`` and serves on 127.0.0.1 until its standard
input closes. Each user subclasses the fake with its own control methods (``bench.*``,
``chaos.*``, called with any bot token) and starts it with ``FakeProcess``.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any, Self

from fakes.slack_api import FakeSlack


class FakeProcess:
    """``with FakeProcess(argv, token) as fake: fake.api_url ...``: ``argv`` starts the child."""

    def __init__(
        self, argv: list[str], control_token: str, *, cwd: Path | None = None, quiet: bool = False
    ) -> None:
        self.argv = argv
        self.control_token = control_token
        self.cwd = cwd
        self.quiet = quiet
        """Drop the child's stderr (a killed client leaves broken pipes: expected, not news)."""
        self.call_timeout = 60.0
        self._proc: subprocess.Popen[str] | None = None
        self.port = 0

    def __enter__(self) -> Self:
        self._proc = subprocess.Popen(
            self.argv,
            cwd=self.cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL if self.quiet else None,
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
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.control_token}"},
        )
        with urllib.request.urlopen(request, timeout=self.call_timeout) as response:
            data: dict[str, Any] = json.loads(response.read())
        return data


def serve(fake: FakeSlack) -> None:
    """The child's side: start ``fake``, say its port, serve until standard input closes."""
    # The standard library listens with a backlog of 5: dozens of concurrent clients would
    # wait for SYN retries (1 s) and the fake would measure itself.
    http.server.ThreadingHTTPServer.request_queue_size = 1024
    fake.start()
    print(f"PORT {fake.base_url.rsplit(':', 1)[1]}", flush=True)
    try:
        sys.stdin.read()
    finally:
        fake.stop()
