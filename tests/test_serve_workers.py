"""`kam-bot serve --workers N`: several processes on one port and one PostgreSQL; SQLite and
Socket Mode keep one."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import PG_URL
from fakes.slack_api import FakeSlack
from slack_harness import signed_headers
from sqlalchemy import text

from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.bootstrap import bootstrap
from kam_bot.cli.serve import start_line, worker_count
from kam_bot.config import Settings, SettingsError
from kam_bot.domain.enums import Locale
from kam_bot.handlers.replies import Line
from kam_bot.jobs import outbox
from kam_bot.jobs.notifications import Notification, Part
from kam_bot.platforms import enabled
from kam_bot.store import outbox as store_outbox
from kam_bot.store.engine import make_engine, upgrade

SECRET = "workers-secret"
FORM = "application/x-www-form-urlencoded"
START_SECONDS = 90
STOP_SECONDS = 30
REPS = 12
DMS = 20


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kam_bot", "serve", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )


def test_sqlite_refuses_several_workers_and_says_why(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kam.db'}"
    env = {"DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s"}
    subprocess.run([sys.executable, "-m", "kam_bot", "db", "upgrade"], env={**os.environ, **env}, check=True)
    done = subprocess.run(
        [sys.executable, "-m", "kam_bot", "serve", "--workers", "2"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--workers 2: SQLite takes one writer at a time" in done.stderr
    assert "leave out --workers" in done.stderr


def test_socket_mode_keeps_one_worker_and_postgresql_defaults_to_the_cores() -> None:
    pg = "postgresql://kam@db/kam"
    settings = Settings(database_url=pg)
    socket_mode = enabled({"slack": SlackSettings(bot_token="xoxb-1", app_token="xapp-1")})
    assert worker_count(settings, None, socket_mode) == (1, "Socket Mode is one connection")
    with pytest.raises(SettingsError, match="--workers 3: Socket Mode is one connection"):
        worker_count(settings, 3, socket_mode)
    http = enabled({"slack": SlackSettings(bot_token="xoxb-1", signing_secret="s")})
    assert worker_count(settings, None, http) == (os.cpu_count() or 1, "")
    assert worker_count(settings, 3, http) == (3, "")
    line = start_line(settings, http, "0.0.0.0", 3000, 3)
    assert "http on 0.0.0.0:3000 (/healthz), 3 workers; database" in line


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A migrated schema of its own (the workers connect through the URL, as in production)."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set KAM_TEST_POSTGRES_URL)")
    schema = f"t_workers_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    try:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def enqueue_dms(url: str) -> None:
    app = bootstrap(Settings(database_url=url))
    now = datetime.now(UTC)
    note = Notification(
        kind="daily", locale=Locale.EN, today=now.date(), title="Today", parts=[Part(lines=[Line.of("x")])]
    )
    with app.uow() as uow:
        for n in range(DMS):
            message = outbox.NewMessage(f"dm{n}", "daily", "slack", f"U{n:04d}", outbox.payload(note, None))
            store_outbox.enqueue(uow.repo.session, message, now)
        uow.commit()
    app.engine.dispose()


def serve_env(pg_url: str, fake: FakeSlack, port: int) -> dict[str, str]:
    """Slack over HTTP against the fake, on PostgreSQL: the setup that runs several workers."""
    return {
        "DATABASE_URL": pg_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_APP_TOKEN": "",
        "SLACK_API_URL": fake.api_url,
        "PORT": str(port),
    }


def visit_body(n: int) -> bytes:
    fields = {
        "command": "/visit",
        "text": "",
        "user_id": f"U{n:04d}",
        "user_name": f"rep{n}",
        "team_id": "T1",
        "channel_id": "C1",
        "trigger_id": f"trigger-{n}",
        "response_url": "http://127.0.0.1:9/unused",
    }
    return urllib.parse.urlencode(fields).encode()


def post_visit(conn: http.client.HTTPConnection, n: int) -> int:
    body = visit_body(n)
    conn.request("POST", "/slack/events", body, signed_headers(body, FORM, secret=SECRET))
    response = conn.getresponse()
    response.read()
    return int(response.status)


def worker_of(conn: http.client.HTTPConnection) -> int:
    """The process holding this kept-alive connection (each worker accepts its own connections)."""
    conn.request("GET", "/healthz")
    response = conn.getresponse()
    return int(json.loads(response.read())["worker"])


def one_connection_per_worker(port: int, workers: int) -> dict[int, http.client.HTTPConnection]:
    held: dict[int, http.client.HTTPConnection] = {}
    for _ in range(200):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        pid = worker_of(conn)
        if pid in held:
            conn.close()
        else:
            held[pid] = conn
        if len(held) == workers:
            break
    return held


def wait_until(check: Callable[[], bool], what: str, seconds: float = START_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


@pytest.mark.postgres
def test_two_workers_answer_visit_and_send_each_due_dm_once(pg_url: str, tmp_path: Path) -> None:
    fake = FakeSlack().start()
    for n in range(REPS):
        fake.add_user(f"U{n:04d}", f"Rep {n}")
    enqueue_dms(pg_url)
    port = free_port()
    env = serve_env(pg_url, fake, port)
    log = tmp_path / "serve.log"
    proc = serve(env, "--workers", "2", log=log)
    try:
        assert proc.stdout is not None
        assert ", 2 workers; database" in proc.stdout.readline()
        wait_until(
            lambda: log.read_text().count("Application startup complete") == 2, "the workers did not start"
        )
        held = one_connection_per_worker(port, 2)
        pids = set(held)
        assert len(pids) == 2  # two processes answer on the one port
        for pid in pids:  # and their jobs share each morning's DMs out in two parts
            assert b"JOB_PROCESSES=2" in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        for k, conn in enumerate(held.values()):  # each worker answers its half of the /visit commands
            assert [post_visit(conn, n) for n in range(k, REPS, 2)] == [200] * (REPS // 2)
            assert worker_of(conn) == list(held)[k]
            conn.close()
        wait_until(lambda: len(fake.calls_to("views.open")) >= REPS, "not every /visit opened its modal", 30)
        opened = Counter(call.args["trigger_id"] for call in fake.calls_to("views.open"))
        assert opened == Counter(f"trigger-{n}" for n in range(REPS))
        wait_until(lambda: len(fake.calls_to("chat.postMessage")) >= DMS, "the due DMs were not sent", 60)
        time.sleep(6)  # another poll of both senders: nothing is sent twice
        sent = {channel: len(messages) for channel, messages in fake.messages.items() if messages}
        assert sent == {f"DU{n:04d}": 1 for n in range(DMS)}
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=STOP_SECONDS)
        output = log.read_text()
        assert output.count("Application shutdown complete") == 2  # every worker stopped cleanly
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        fake.stop()
    assert all(not Path(f"/proc/{pid}").exists() for pid in pids)


@pytest.mark.postgres
def test_workers_stop_when_their_supervisor_is_killed(pg_url: str, tmp_path: Path) -> None:
    """kill -9 of ``serve`` (the supervisor) must not leave workers holding the port and sending."""
    fake = FakeSlack().start()
    port = free_port()
    env = serve_env(pg_url, fake, port)
    log = tmp_path / "serve.log"
    proc = serve(env, "--workers", "2", log=log)
    pids: set[int] = set()
    try:
        wait_until(
            lambda: log.read_text().count("Application startup complete") == 2, "the workers did not start"
        )
        pids |= set(one_connection_per_worker(port, 2))
        assert len(pids) == 2
        proc.kill()  # SIGKILL: the supervisor cannot pass anything on
        proc.wait()
        wait_until(lambda: all(not alive(pid) for pid in pids), "the workers outlived their supervisor", 30)
        assert log.read_text().count("Application shutdown complete") == 2  # each stopped cleanly
        with socket.socket() as s:  # the port is free for the next serve
            s.bind(("127.0.0.1", port))
    finally:
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        fake.stop()


def alive(pid: int) -> bool:
    """Running (a zombie no longer counts: it has stopped, only its exit status is left)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


@pytest.mark.postgres
def test_workers_share_the_port_evenly_and_with_no_other_serve(pg_url: str, tmp_path: Path) -> None:
    """Twenty kept-alive connections opened together (a pool, as Slack's or a load balancer's)
    are spread over both workers: on one shared socket the first worker awake accepted them all
    and the other idled. A second ``serve`` on the same port is refused, not let in beside it."""
    fake = FakeSlack().start()
    port = free_port()
    env = serve_env(pg_url, fake, port)
    proc = serve(env, "--workers", "2", log=tmp_path / "serve.log")
    try:
        wait_until(
            lambda: (tmp_path / "serve.log").read_text().count("Application startup complete") == 2,
            "the workers did not start",
        )
        pool = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(20)]
        for conn in pool:
            conn.connect()  # all connected before any request
        taken = Counter(worker_of(conn) for conn in pool)
        assert len(taken) == 2 and min(taken.values()) >= 2, taken
        for conn in pool:
            conn.close()
        second = serve(env, "--workers", "2", log=tmp_path / "second.log")
        assert second.wait(timeout=START_SECONDS) != 0
        assert "Address already in use" in (tmp_path / "second.log").read_text()
        answering = one_connection_per_worker(port, 2)
        assert set(answering) == set(taken)  # the first serve answers on
        for conn in answering.values():
            conn.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_SECONDS)
        finally:
            if proc.poll() is None:
                proc.kill()
        fake.stop()
