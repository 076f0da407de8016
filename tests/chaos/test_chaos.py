"""Chaos on PostgreSQL with real `kam-bot serve` processes and a Slack fake in its own process.

Sized to keep CI on 2 cores within a few minutes (the figures are printed as ``CHAOS ...``):

- three processes share 5,000 due DMs while Slack answers every call 20 ms late and 429s
  ``chat.postMessage`` beyond 80 a second and every 200th call: every message lands once;
- a sending process is killed (``kill -9``) at a random moment, 20 times, while Slack answers
  100 ms late (the window in which a killed sender cannot know its message landed): nothing
  lost, nothing repeated;
- 1,000 signed requests (slash commands and events) with random Slack retries, identical
  replays and double submits, spread over two processes: no record twice, none lost.

The processes run with short leases and polls through the ``OUTBOX_*`` settings (lease 5 s,
poll 0.5 s) so a crash is recovered in seconds rather than the production two minutes.
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from chaos_harness import (
    PG_URL,
    SECRET,
    Serve,
    fill_outbox,
    incidents,
    pg_schema,
    report,
    senders,
    serve_env,
    statuses,
    wait_until,
)
from slack_process import SlackProcess
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine, func, select

from kam_bot.store.tables import PromiseRow

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.chaos,
    pytest.mark.skipif(not PG_URL, reason="PostgreSQL not configured (set KAM_TEST_POSTGRES_URL)"),
]

KILL_MESSAGES = 1500
FAST = {"poll_seconds": 0.5, "lease_seconds": 5, "batch": 20}


@pytest.fixture
def database() -> Iterator[tuple[str, Engine]]:
    with pg_schema() as found:
        yield found


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[list[Serve]]:
    """The serve processes a run starts; all stopped at the end whatever happens."""
    started: list[Serve] = []
    yield started
    for proc in started:
        proc.kill9() if proc.alive() else None


def start(processes: list[Serve], name: str, env: dict[str, str], log_dir: Path) -> Serve:
    proc = Serve(name, env, log_dir)
    processes.append(proc)
    return proc


def assert_each_once(keys: list[str], landed: dict[str, int]) -> tuple[int, int]:
    lost = [k for k in keys if landed.get(k, 0) == 0]
    repeated = {k: n for k, n in landed.items() if n > 1}
    assert not repeated, f"{len(repeated)} repeated, e.g. {list(repeated.items())[:5]}"
    assert not lost, f"{len(lost)} lost, e.g. {lost[:5]}"
    return len(lost), len(repeated)


def test_three_processes_send_5000_messages_once_through_a_slow_429ing_slack(
    database: tuple[str, Engine], processes: list[Serve], tmp_path: Path
) -> None:
    url, engine = database
    keys = fill_outbox(engine, 5000, "m")
    with SlackProcess(latency=0.02, limit=80, throttle_every=200) as fake:
        env = serve_env(url, fake.api_url, **FAST, pace_seconds=0.005)
        for n in range(3):
            start(processes, f"serve{n}", env, tmp_path)
        took = wait_until(lambda: statuses(engine).get("sent", 0) == 5000, 300, "5,000 messages sent")
        stats = fake.stats()
    landed = stats["keys"]
    lost, repeated = assert_each_once(keys, landed)
    assert statuses(engine) == {"sent": 5000}
    per_process = senders(engine)
    report(
        "3 processes x 5,000 messages",
        {
            "sent": sum(landed.values()),
            "lost": lost,
            "repeated": repeated,
            "429s answered": stats["rate_limited"],
            "per process": sorted(per_process.values()),
            "incidents": incidents(engine),
            "seconds": round(took, 1),
        },
    )
    assert stats["rate_limited"] > 0  # Slack did push back
    assert len(per_process) == 3  # the claims shared the work instead of one process taking all


def test_kill_9_of_a_sending_process_20_times_loses_and_repeats_nothing(
    database: tuple[str, Engine], processes: list[Serve], tmp_path: Path
) -> None:
    url, engine = database
    rng = random.Random(12)
    keys = fill_outbox(engine, KILL_MESSAGES, "k")
    with SlackProcess(latency=0.1) as fake:
        env = serve_env(url, fake.api_url, **FAST, pace_seconds=0.0, concurrency=3)
        running = [start(processes, f"serve{n}", env, tmp_path) for n in range(3)]
        kills = 0
        deadline = time.monotonic() + 240
        while kills < 20 and time.monotonic() < deadline:
            sending = [p for p in running if p.alive() and p.ready()]
            if not sending or statuses(engine).get("pending", 0) < 100:
                time.sleep(0.2)  # poll: wait for a process to be up and for work to be left
                continue
            time.sleep(rng.uniform(0.2, 1.2))  # a random moment of its sending
            victim = rng.choice(sending)
            victim.kill9()
            kills += 1
            running.remove(victim)
            running.append(start(processes, f"serve{kills + 2}", env, tmp_path))
        assert kills == 20, f"only {kills} kills within the time bound"
        took = wait_until(lambda: statuses(engine).get("sent", 0) == KILL_MESSAGES, 240, "every message sent")
        stats = fake.stats()
    lost, repeated = assert_each_once(keys, stats["keys"])
    found = incidents(engine)
    report(
        "kill -9 x 20",
        {
            "messages": KILL_MESSAGES,
            "kills": kills,
            "lost": lost,
            "repeated": repeated,
            "incidents": found,
            "drain seconds after last kill": round(took, 1),
        },
    )
    assert statuses(engine) == {"sent": KILL_MESSAGES}
    assert found.get("found_in_history", 0) > 0  # killed mid-send: landed, found, not posted again


# -- signed requests ------------------------------------------------------------------------


def signed(body: bytes, content_type: str, timestamp: int) -> dict[str, str]:
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=str(timestamp), body=body)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": signature,
    }


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def command_body(n: int, api_url: str) -> bytes:
    form = {
        "token": "legacy",
        "team_id": "T1",
        "channel_id": "C_SALES",
        "user_id": "U_RITA",
        "command": "/promise",
        "text": f"Baosteel chaos promise {n} by Friday",
        "api_app_id": "A1",
        "response_url": api_url.replace("/api/", f"/response/r{n}"),
        "trigger_id": f"{n}.42.trigger",
    }
    return urlencode(form).encode()


def event_body(n: int) -> bytes:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": f"EvChaos{n}",
            "event_time": int(time.time()),
            "event": {"type": "app_home_opened", "user": f"U_HOME{n}", "tab": "home", "channel": "D1"},
        }
    ).encode()


def home_publishes(fake: SlackProcess, stats: dict[str, Any] | None = None) -> dict[str, int]:
    """Home tabs published per event's user (a saved promise re-publishes Rita's: not counted)."""
    published = (stats or fake.stats())["publish_users"]
    return {user: n for user, n in published.items() if user.startswith("U_HOME")}


def deliveries(rng: random.Random, count: int) -> list[tuple[str, int]]:
    """``count`` HTTP requests carrying fewer distinct ones: each request once, then 0-3 repeats
    (a Slack retry, an identical replay, or a double submit: two requests at the same moment)."""
    plan: list[tuple[str, int]] = []
    sent, n = 0, 0
    while sent < count:
        plan.append(("first", n))
        sent += 1
        for _ in range(rng.randint(0, 3)):
            what = rng.choice(["retry", "replay", "double"] if count - sent >= 2 else ["retry", "replay"])
            if sent < count:
                plan.append((what, n))
                sent += 2 if what == "double" else 1
        n += 1
    return plan


def test_1000_retries_replays_and_double_submits_save_nothing_twice(
    database: tuple[str, Engine], processes: list[Serve], tmp_path: Path
) -> None:
    from factories import seed_team

    from kam_bot.bootstrap import bootstrap
    from kam_bot.config import Settings

    url, engine = database
    seed_team(bootstrap(Settings(database_url="sqlite://"), engine=engine, check=False))
    rng = random.Random(7)
    with SlackProcess(latency=0.005) as fake:
        fake.call("chaos.user", id="U_RITA", name="Rita Rep", email="rita@example.com")
        env = serve_env(url, fake.api_url, **FAST)
        pair = [start(processes, f"web{n}", env, tmp_path) for n in range(2)]
        wait_until(lambda: all(p.ready() for p in pair), 120, "two serve processes up")
        plan = deliveries(rng, 1000)
        for n in {n for _, n in plan if n % 2}:
            fake.call("chaos.user", id=f"U_HOME{n}", name=f"Home Opener {n}", email=None)
        first: dict[tuple[str, int], tuple[bytes, str, int]] = {}
        statuses_seen: Counter[int] = Counter()
        threads: list[threading.Thread] = []

        def send(body: bytes, headers: dict[str, str]) -> None:
            statuses_seen[post(rng.choice(pair).url, body, headers)] += 1

        for what, n in plan:
            kind = "command" if n % 2 == 0 else "event"
            if (kind, n) not in first:
                body = command_body(n, fake.api_url) if kind == "command" else event_body(n)
                ctype = "application/x-www-form-urlencoded" if kind == "command" else "application/json"
                first[(kind, n)] = (body, ctype, int(time.time()))
            body, ctype, stamp = first[(kind, n)]
            if what == "retry":  # Slack's retry: same body, fresh timestamp, the retry headers
                headers = signed(body, ctype, int(time.time()))
                headers |= {
                    "X-Slack-Retry-Num": str(rng.randint(1, 3)),
                    "X-Slack-Retry-Reason": "http_timeout",
                }
            else:  # the first delivery, an identical replay, or a double submit (at the same moment)
                headers = signed(body, ctype, stamp)
            if what == "double":
                thread = threading.Thread(target=send, args=(body, headers))
                thread.start()
                threads.append(thread)
            send(body, headers)
        for thread in threads:
            thread.join(30)
        commands = {n for kind, n in first if kind == "command"}
        events = {n for kind, n in first if kind == "event"}

        def promises() -> int:
            with engine.connect() as conn:
                return int(conn.execute(select(func.count()).select_from(PromiseRow)).scalar_one())

        wait_until(lambda: promises() >= len(commands), 120, "every command saved")
        wait_until(lambda: len(home_publishes(fake)) >= len(events), 120, "every event handled")
        for p in pair:  # let anything still running finish before counting
            p.stop()
        stats = fake.stats()
    with engine.connect() as conn:
        texts = conn.execute(select(PromiseRow.text)).scalars().all()
    duplicate_promises = sum(n - 1 for n in Counter(texts).values() if n > 1)
    homes = home_publishes(fake, stats)
    duplicate_events = sum(n - 1 for n in homes.values() if n > 1)
    report(
        "1,000 signed requests",
        {
            "requests": sum(statuses_seen.values()),
            "distinct requests": len(first),
            "repeats": sum(statuses_seen.values()) - len(first),
            "answers": dict(statuses_seen),
            "promises": len(texts),
            "duplicate records": duplicate_promises + duplicate_events,
        },
    )
    assert statuses_seen == {200: 1000}
    assert len(texts) == len(commands) and duplicate_promises == 0
    assert len(homes) == len(events) and duplicate_events == 0
