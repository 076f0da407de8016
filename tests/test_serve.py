"""`kam-bot serve` as an operator runs it: one start line, 127.0.0.1 by default, and it stops
on Ctrl+C / SIGTERM even over Socket Mode with no network."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.cli.serve import start_line
from kam_bot.config import Settings
from kam_bot.platforms import enabled

STOP_SECONDS = 15
START_SECONDS = 90
"""Generous: importing everything takes seconds on a loaded CI machine."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kam.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "kam_bot", "db", "upgrade"], env=env, check=True, capture_output=True
    )
    return url


@pytest.fixture
def serve(database: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """Start `kam-bot serve` with the environment the test gives (``proc, log`` pairs)."""
    started: list[subprocess.Popen[str]] = []
    log = tmp_path / "serve.log"

    def start(**env: str) -> subprocess.Popen[str]:
        full = {**os.environ, "DATABASE_URL": database, "SLACK_BOT_TOKEN": "xoxb-test", **env}
        proc = subprocess.Popen(
            [sys.executable, "-m", "kam_bot", "serve"],
            env=full,
            stdout=subprocess.PIPE,
            stderr=log.open("w"),
            text=True,
        )
        started.append(proc)
        return proc

    yield start, log  # type: ignore[misc]
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def wait_for(log: Path, text: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while text not in log.read_text():
        assert time.monotonic() < deadline, f"no {text!r} in: {log.read_text()[-2000:]}"
        time.sleep(0.2)


def stops_within(proc: subprocess.Popen[str], seconds: float) -> None:
    proc.wait(timeout=seconds)  # TimeoutExpired: still running (before: only kill -9 stopped it)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_socket_mode_without_network_stops_on_sigterm_and_ctrl_c(serve: tuple, sig: signal.Signals) -> None:
    start, log = serve
    proc = start(SLACK_APP_TOKEN="xapp-test", SLACK_API_URL="http://127.0.0.1:9/api/", PORT=str(free_port()))
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "platforms slack; slack over socket mode, http on 127.0.0.1:" in line
    wait_for(log, "Application startup complete")  # serving while Socket Mode keeps retrying
    proc.send_signal(sig)
    stops_within(proc, STOP_SECONDS)
    assert "Application shutdown complete" in log.read_text()  # a clean stop: jobs drained, socket closed
    assert proc.returncode in {0, -sig}  # uvicorn re-raises the signal it caught once it has stopped


def test_http_binds_localhost_and_says_so(serve: tuple, database: str) -> None:
    start, log = serve
    port = free_port()
    proc = start(SLACK_SIGNING_SECRET="s", SLACK_APP_TOKEN="", PORT=str(port))
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line == (
        f"kam-bot serve: platforms slack; http on 127.0.0.1:{port} (/healthz), "
        f"1 worker (SQLite takes one writer at a time); database {database}"
    )
    wait_for(log, "Application startup complete")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert conn.recv(100).startswith(b"HTTP/1.1 200")
    proc.send_signal(signal.SIGTERM)
    stops_within(proc, STOP_SECONDS)


def test_the_start_line_hides_the_database_password() -> None:
    settings = Settings(database_url="postgresql://kam:s3cret@db.internal:5432/kam")
    slack = SlackSettings(bot_token="xoxb-1", app_token="xapp-1")
    line = start_line(settings, enabled({"slack": slack}), "127.0.0.1", 3000)
    assert "s3cret" not in line
    assert "database postgresql://kam:***@db.internal:5432/kam" in line


def test_start_up_prints_no_library_warnings(serve: tuple) -> None:
    """Nothing an operator could act on: the Teams SDK's preview notice, Bolt's "token will be unused"."""
    start, log = serve
    proc = start(
        SLACK_SIGNING_SECRET="s",
        SLACK_APP_TOKEN="",
        TEAMS_CLIENT_ID="00000000-0000-0000-0000-000000000001",
        TEAMS_ALLOW_UNAUTHENTICATED="true",
        PORT=str(free_port()),
    )
    assert proc.stdout is not None
    assert "platforms slack, teams" in proc.stdout.readline()
    wait_for(log, "Application startup complete")
    proc.send_signal(signal.SIGTERM)
    stops_within(proc, STOP_SECONDS)
    shown = log.read_text()
    assert "ExperimentalWarning" not in shown and "will be unused" not in shown, shown
