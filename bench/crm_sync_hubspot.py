"""CRM push throughput against the fake HubSpot's ten-second limit, as `kam-bot serve` pushes.

``.venv/bin/python -m bench.crm_sync_hubspot [--visits 100] [--limit 100] [--latency 0.03] [--pg-url URL]``

Seeds a team, a portal with its company, contact and the rep as an owner, and ``--visits``
visits with two promises and a price each (4 records a visit: a meeting, two tasks, a note);
then one process's ``CrmSync`` (the deliverer `kam-bot serve` runs, concurrency 4, no
configured pace) pushes them to the fake, which answers 429 + ``Retry-After`` beyond
``--limit`` calls in any rolling 10 seconds (HubSpot's private-app burst limit: 100 on
Free/Starter, 190 on Professional/Enterprise) and every answer ``--latency`` late. Prints
records/s, API calls/s against the limit, 429s, and checks that every record landed once.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))

from factories import seed_team  # noqa: E402
from fakes.hubspot_api import FakeHubSpot  # noqa: E402

from kam_bot.bootstrap import bootstrap  # noqa: E402
from kam_bot.config import Settings  # noqa: E402
from kam_bot.crms import Configured  # noqa: E402
from kam_bot.domain.enums import PromiseDirection  # noqa: E402
from kam_bot.integrations.hubspot import crm as hubspot  # noqa: E402
from kam_bot.integrations.hubspot.settings import HubSpotSettings  # noqa: E402
from kam_bot.services.inputs import PriceInput, PromiseInput, VisitInput  # noqa: E402
from kam_bot.store.engine import make_engine, upgrade  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=100)
    parser.add_argument("--limit", type=int, default=100, help="calls per rolling 10 seconds")
    parser.add_argument("--latency", type=float, default=0.03)
    parser.add_argument("--pg-url", default="")
    args = parser.parse_args()

    fake = FakeHubSpot().start()
    url = args.pg_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'crm-bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
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
    for n in range(args.visits):
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
                prices=[PriceInput(product="HRC coil", price=Decimal("4300"), currency="CNY")],
            ),
        )
    records = 4 * args.visits
    fake.per_ten_seconds, fake.latency = args.limit, args.latency
    calls_before, limited_before, started = len(fake.calls), fake.rate_limited, time.monotonic()
    pushed = limited = 0
    while pushed < records and time.monotonic() - started < 900:
        stats = jobs.sync.run_once()
        pushed += stats.pushed
        limited += stats.rate_limited
        if pushed < records:
            time.sleep(0.05)
    took = time.monotonic() - started
    calls = len(fake.calls) - calls_before
    counted = calls - (fake.rate_limited - limited_before)
    allowed = args.limit / 10
    titles = Counter(m.properties["hs_meeting_title"] for m in fake.all("meetings"))
    tasks = Counter(t.properties["hs_task_subject"] for t in fake.all("tasks"))
    print(
        f"CRM push to HubSpot ({'PostgreSQL' if args.pg_url else 'SQLite'}): {pushed}/{records} records "
        f"in {took:.1f} s = {pushed / took:.1f} records/s; {counted} API calls answered = "
        f"{counted / took:.1f}/s against a limit of {args.limit} per 10 s = {allowed:.1f}/s "
        f"({100 * counted / took / allowed:.0f} %); 429s {fake.rate_limited - limited_before} "
        f"(rows rescheduled {limited}); latency {args.latency * 1000:.0f} ms; landed: meetings "
        f"{len(titles)}/{args.visits} (max {max(titles.values(), default=0)} each), tasks "
        f"{len(tasks)}/{2 * args.visits} (max {max(tasks.values(), default=0)} each), notes "
        f"{len(fake.all('notes'))}/{args.visits}"
    )
    fake.stop()


if __name__ == "__main__":
    main()
