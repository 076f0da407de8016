"""CRM push throughput against the fake Salesforce's rate limit, as `kam-bot serve` pushes.

``.venv/bin/python -m bench.crm_sync [--visits 300] [--limit 25] [--latency 0.03] [--pg-url URL]``

Seeds a team, an org with its account, contact and rep, and ``--visits`` visits with two
promises and a price each (4 records a visit); then one process's ``CrmSync`` (the deliverer
`kam-bot serve` runs, concurrency 4, no configured pace) pushes them to the fake, which
answers 429 + ``Retry-After: 1`` beyond ``--limit`` calls in any one-second window and every
answer ``--latency`` late. Prints records/s, API calls/s against the limit, 429s, and checks
that every record landed once.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))

from factories import seed_team  # noqa: E402
from fakes.salesforce_api import FakeSalesforce  # noqa: E402

from kam_bot.bootstrap import bootstrap  # noqa: E402
from kam_bot.config import Settings  # noqa: E402
from kam_bot.crms import Configured  # noqa: E402
from kam_bot.domain.enums import PromiseDirection  # noqa: E402
from kam_bot.integrations.salesforce import crm as salesforce  # noqa: E402
from kam_bot.integrations.salesforce.settings import SalesforceSettings  # noqa: E402
from kam_bot.services.inputs import PriceInput, PromiseInput, VisitInput  # noqa: E402
from kam_bot.store.engine import make_engine, upgrade  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=300)
    parser.add_argument("--limit", type=float, default=25.0)
    parser.add_argument("--latency", type=float, default=0.03)
    parser.add_argument("--pg-url", default="")
    args = parser.parse_args()

    fake = FakeSalesforce().start()
    os.environ["REQUESTS_CA_BUNDLE"] = str(fake.ca_path)
    url = args.pg_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'crm-bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
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
    fake.per_second, fake.retry_after, fake.latency = args.limit, 1, args.latency
    calls_before, started = len(fake.calls), time.monotonic()
    pushed = limited = 0
    while pushed < records and time.monotonic() - started < 600:
        stats = jobs.sync.run_once()
        pushed += stats.pushed
        limited += stats.rate_limited
        if pushed < records:
            time.sleep(0.05)
    took = time.monotonic() - started
    calls = len(fake.calls) - calls_before
    events, tasks, notes = (len(fake.all(o)) for o in ("Event", "Task", "Note"))
    print(
        f"CRM push ({'PostgreSQL' if args.pg_url else 'SQLite'}): {pushed}/{records} records "
        f"in {took:.1f} s = "
        f"{pushed / took:.1f} records/s; {calls} API calls = {calls / took:.1f}/s against a limit of "
        f"{args.limit:.0f}/s ({100 * calls / took / args.limit:.0f} %); 429s {fake.throttled} "
        f"(rows rescheduled {limited}); latency {args.latency * 1000:.0f} ms; "
        f"landed: events {events}/{args.visits}, tasks {tasks}/{2 * args.visits}, notes {notes}/{args.visits}"
    )
    fake.stop()


if __name__ == "__main__":
    main()
