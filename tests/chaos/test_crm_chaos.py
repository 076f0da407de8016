"""Several CRM sync processes share one PostgreSQL and a slow fake Salesforce; one of them is
killed (``kill -9``) again and again while it pushes. Every visit ends up as exactly one Event
and every promise as exactly one Task, with or without an external-id field in the org.

The fake answers every call 150 ms after it took effect: the window in which a killed worker
has created a record it never learnt the id of. Short leases (3 s) make the next worker take
the row over within seconds; it looks the record up (``find``) before creating.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from chaos_harness import PG_URL, incidents, pg_schema, statuses, wait_until
from factories import seed_team
from fakes.salesforce_api import FakeSalesforce
from sqlalchemy import Engine

from kam_bot.bootstrap import bootstrap
from kam_bot.config import Settings
from kam_bot.crms import Configured
from kam_bot.domain.enums import PromiseDirection
from kam_bot.integrations.salesforce import crm as salesforce
from kam_bot.integrations.salesforce.settings import SalesforceSettings
from kam_bot.services.inputs import PromiseInput, VisitInput

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.chaos,
    pytest.mark.skipif(not PG_URL, reason="PostgreSQL not configured (set KAM_TEST_POSTGRES_URL)"),
]

VISITS = 30
KILLS = 8
WORKER = Path(__file__).with_name("crm_worker.py")


@pytest.fixture
def database() -> Iterator[tuple[str, Engine]]:
    with pg_schema() as found:
        yield found


def _seed(url: str, engine: Engine, fake: FakeSalesforce) -> None:
    settings = SalesforceSettings(
        instance_url=fake.url,
        client_id=fake.client_id,
        client_secret=fake.client_secret,
        api_version=fake.VERSION,
    )
    app = bootstrap(
        Settings(database_url=url), engine=engine, crm=Configured(salesforce.REGISTRATION, settings)
    )
    s = seed_team(app)
    account = fake.add("Account", Name=s.baosteel.name)
    fake.add("Contact", AccountId=account, Name="Wang Lei")
    fake.add("User", Name="Rita Rep", Email="rita@example.com", IsActive=True)
    jobs = app.crm_jobs()
    assert jobs is not None
    jobs.pull()
    now = datetime.now(UTC)
    for n in range(VISITS):
        due = now.date() + timedelta(days=3)
        app.visits.log(
            s.rep,
            VisitInput(
                account_id=s.baosteel.id,
                visited_at=now - timedelta(minutes=n),
                contact_ids=[s.contact.id],
                goal=f"visit {n}",
                promises=[
                    PromiseInput(text=f"ours {n}", due_date=due),
                    PromiseInput(text=f"theirs {n}", direction=PromiseDirection.THEIRS, due_date=due),
                ],
            ),
        )


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=log.open("a"),
        text=True,
        start_new_session=True,
    )


@pytest.mark.parametrize("external_ids", [True, False], ids=["external-id", "no-external-id"])
def test_killed_workers_create_nothing_twice(
    database: tuple[str, Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, external_ids: bool
) -> None:
    url, engine = database
    fake = FakeSalesforce(external_ids=external_ids).start()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(fake.ca_path))
    workers: list[subprocess.Popen[str]] = []
    try:
        _seed(url, engine, fake)
        fake.latency = 0.15
        env = fake.env() | {"DATABASE_URL": url, "OUTBOX_LEASE_SECONDS": "3", "OUTBOX_BATCH": "4"}
        workers = [_worker(env, tmp_path / f"worker{i}.log") for i in range(3)]
        rng = random.Random(24)
        started = time.monotonic()
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.8, 2.0))
            victim = rng.randrange(len(workers))
            os.kill(workers[victim].pid, signal.SIGKILL)
            workers[victim].wait()
            workers[victim] = _worker(env, tmp_path / f"worker{victim}.log")
        records = VISITS * 3
        took = wait_until(lambda: statuses(engine).get("sent", 0) == records, 180, "every change pushed")
    finally:
        for proc in workers:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
        fake.stop()

    events = Counter(e["Subject"].split(" [")[0] for e in fake.all("Event"))
    tasks = Counter(t["Subject"].split(" [")[0] for t in fake.all("Task"))
    found = incidents(engine)
    print(
        f"CRM CHAOS external_ids={external_ids}: {records} records, {KILLS} kills, "
        f"{time.monotonic() - started:.1f} s (last {took:.1f} s waiting); events {len(fake.all('Event'))}, "
        f"tasks {len(fake.all('Task'))}; incidents {dict(found)}; outbox {statuses(engine)}"
    )
    assert len(events) == VISITS and set(events.values()) == {1}
    assert len(tasks) == 2 * VISITS and set(tasks.values()) == {1}
    assert statuses(engine) == {"sent": records}
