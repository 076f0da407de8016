"""The HubSpot case of the CRM chaos run: three sync processes share one PostgreSQL and a slow
fake HubSpot; one of them is killed (``kill -9``) again and again while it pushes. Every visit
ends up as exactly one meeting and every promise as exactly one task, whether the portal keeps
kam-bot's id in a unique property (upsert), a plain property (search) or nowhere (a marker at
the end of the body, searched as a token).

The fake answers every call 150 ms after it took effect: the window in which a killed worker
has created a record it never learnt the id of. Short leases (3 s) make the next worker take
the row over within seconds; it looks the record up (``find``) before creating.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from chaos_harness import PG_URL, incidents, pg_schema, statuses, wait_until
from factories import seed_team
from fakes.hubspot_api import FakeHubSpot
from sqlalchemy import Engine
from test_crm_chaos import KILLS, VISITS, _worker

from kam_bot.bootstrap import bootstrap
from kam_bot.config import Settings
from kam_bot.crms import Configured
from kam_bot.domain.enums import PromiseDirection
from kam_bot.integrations.hubspot import crm as hubspot
from kam_bot.integrations.hubspot.settings import HubSpotSettings
from kam_bot.services.inputs import PromiseInput, VisitInput

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.chaos,
    pytest.mark.skipif(not PG_URL, reason="PostgreSQL not configured (set KAM_TEST_POSTGRES_URL)"),
]


@pytest.fixture
def database() -> Iterator[tuple[str, Engine]]:
    with pg_schema() as found:
        yield found


def _seed(url: str, engine: Engine, fake: FakeHubSpot) -> None:
    settings = HubSpotSettings(access_token=fake.token, api_url=fake.url)
    app = bootstrap(Settings(database_url=url), engine=engine, crm=Configured(hubspot.REGISTRATION, settings))
    s = seed_team(app)
    company = fake.add("companies", {"name": s.baosteel.name})
    fake.add("contacts", {"firstname": "Wang", "lastname": "Lei", "associatedcompanyid": company})
    fake.add_owner("rita@example.com", "Rita", "Rep")
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


@pytest.mark.parametrize(
    "id_property", ["unique", "plain", None], ids=["unique-property", "plain-property", "marker"]
)
def test_killed_workers_create_nothing_twice_in_hubspot(
    database: tuple[str, Engine], tmp_path: Path, id_property: str | None
) -> None:
    url, engine = database
    fake = FakeHubSpot(per_ten_seconds=100).start()  # HubSpot's own limit: the pushes outlast the kills
    for kind in ("meetings", "tasks", "notes"):
        if id_property:
            fake.define_property(kind, "kam_bot_id", unique=id_property == "unique")
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

    meetings = Counter(m.properties["hs_meeting_title"] for m in fake.all("meetings"))
    tasks = Counter(t.properties["hs_task_subject"] for t in fake.all("tasks"))
    print(
        f"CRM CHAOS hubspot id_property={id_property}: {records} records, {KILLS} kills, "
        f"{time.monotonic() - started:.1f} s (last {took:.1f} s waiting); meetings {sum(meetings.values())}, "
        f"tasks {sum(tasks.values())}; incidents {dict(incidents(engine))}; outbox {statuses(engine)}"
    )
    assert len(meetings) == VISITS and set(meetings.values()) == {1}
    assert len(tasks) == 2 * VISITS and set(tasks.values()) == {1}
    assert statuses(engine) == {"sent": records}
