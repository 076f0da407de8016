"""What the chaos runs share: a PostgreSQL schema of their own, real `kam-bot serve` processes
on it, due outbox rows, and waiting with a bound.

Every run is bounded in time (``deadline``) and in count; nothing here sleeps to order
events: the runs poll the database or the fake for the state they wait for.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, func, insert, select, text

from kam_bot.domain.enums import Locale
from kam_bot.handlers.replies import Line
from kam_bot.jobs import outbox
from kam_bot.jobs.notifications import Notification, Part
from kam_bot.store.engine import make_engine, upgrade
from kam_bot.store.tables import OutboxIncidentRow, OutboxRow

PG_URL = os.environ.get("KAM_TEST_POSTGRES_URL", "")
SECRET = "chaos-signing-secret"
BOT_TOKEN = "xoxb-chaos"
START_SECONDS = 120.0
"""A serve process imports everything before it listens: seconds on a loaded 2-core machine."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def pg_schema() -> Iterator[tuple[str, Engine]]:
    """A migrated schema of its own: (database URL for the processes, engine for the test)."""
    schema = f"chaos_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    base = PG_URL.split("?", 1)[0]
    url = f"{base}?options={quote(f'-csearch_path={schema}')}"
    engine = make_engine(base, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(engine)
        yield url, engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class Serve:
    """One `kam-bot serve` process (HTTP on its own port), its log in a file."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.log = log_dir / f"{name}.log"
        full = {**os.environ, **env, "PORT": str(self.port)}
        self.proc = subprocess.Popen(
            # one process per Serve: kill -9 must stop the process that sends (with N workers
            # it would hit the supervisor and leave the workers sending)
            [sys.executable, "-m", "kam_bot", "serve", "--workers", "1"],
            env=full,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
            start_new_session=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def ready(self) -> bool:
        return "Application startup complete" in self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill9(self) -> None:
        with suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill9()


def serve_env(database_url: str, api_url: str, **outbox_settings: float) -> dict[str, str]:
    env = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "SLACK_APP_TOKEN": "",
    }
    env |= {f"OUTBOX_{k.upper()}": str(v) for k, v in outbox_settings.items()}
    return env


def wait_until(check: Callable[[], bool], seconds: float, what: str) -> float:
    """Poll ``check`` until it holds; fails after ``seconds``. Returns the time it took."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not within {seconds:.0f} s: {what}")
        time.sleep(0.1)
    return time.monotonic() - started


def fill_outbox(engine: Engine, count: int, prefix: str) -> list[str]:
    """``count`` DMs due now, each to its own user (``U<prefix><n>``); returns their keys."""
    now = datetime.now(UTC)
    keys = [f"chaos:{prefix}:{n}" for n in range(count)]
    rows: list[dict[str, Any]] = []
    for n, key in enumerate(keys):
        note = Notification(
            kind="daily",
            locale=Locale.EN,
            today=now.date(),
            title=f"hello {n}",
            parts=[Part(lines=[Line.of("x")])],
        )
        rows.append(
            {
                "key": key,
                "kind": "daily",
                "platform": "slack",
                "recipient": f"U{prefix}{n}",
                "payload": outbox.payload(note, None),
                "status": outbox.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    with engine.begin() as conn:
        for start in range(0, len(rows), 1000):
            conn.execute(insert(OutboxRow), rows[start : start + 1000])
    return keys


def statuses(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status)).all()
    return {str(s): int(n) for s, n in rows}


def incidents(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(OutboxIncidentRow.kind, func.count()).group_by(OutboxIncidentRow.kind)
        ).all()
    return {str(k): int(n) for k, n in rows}


def senders(engine: Engine) -> dict[str, int]:
    """Rows sent per process (the host:pid part of the claim token)."""
    with engine.connect() as conn:
        rows = (
            conn.execute(select(OutboxRow.claimed_by).where(OutboxRow.status == outbox.SENT)).scalars().all()
        )
    per: dict[str, int] = {}
    for token in rows:
        who = ":".join(str(token).split(":")[:2])
        per[who] = per.get(who, 0) + 1
    return per


def report(name: str, figures: dict[str, Any]) -> None:
    """One line per run on stdout (pytest -s, or the CI log with -rA)."""
    print(f"CHAOS {name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()), flush=True)
