"""One CRM sync worker for the chaos run: the app from the environment (``DATABASE_URL``, ``CRM``,
``SALESFORCE_*``, ``OUTBOX_*``), pushing what is due, again and again, as `kam-bot serve` does
every poll, until killed."""

from __future__ import annotations

import time

from kam_bot.bootstrap import bootstrap
from kam_bot.config import load_settings


def main() -> None:
    app = bootstrap(load_settings())
    jobs = app.crm_jobs()
    assert jobs is not None, "CRM is not set"
    print("READY", flush=True)
    while True:
        jobs.push(lambda: False)
        time.sleep(0.1)


if __name__ == "__main__":
    main()
