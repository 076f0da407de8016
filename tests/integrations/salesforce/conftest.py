"""A fake Salesforce org on loopback, and an app synced with it (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fakes.salesforce_api import FakeSalesforce
from sqlalchemy import Engine

from kam_bot.bootstrap import App, bootstrap
from kam_bot.config import Settings
from kam_bot.crms import Configured
from kam_bot.integrations.salesforce import crm as salesforce
from kam_bot.integrations.salesforce.settings import SalesforceSettings
from kam_bot.jobs.crm import CrmJobs
from kam_bot.jobs.sender import Backoff


@pytest.fixture
def fake_sf(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSalesforce]:
    fake = FakeSalesforce().start()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(fake.ca_path))
    yield fake
    fake.stop()


def sf_settings(fake: FakeSalesforce, **extra: object) -> SalesforceSettings:
    fields: dict[str, object] = {
        "instance_url": fake.url,
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
        "api_version": fake.VERSION,
    }
    return SalesforceSettings(**(fields | extra))  # type: ignore[arg-type]


@pytest.fixture
def make_crm_app(engine: Engine, clock: Callable[[], object]) -> Callable[..., App]:
    def build(fake: FakeSalesforce, **extra: object) -> App:
        configured = Configured(salesforce.REGISTRATION, sf_settings(fake, **extra))
        return bootstrap(Settings(database_url=str(engine.url)), engine=engine, clock=clock, crm=configured)  # type: ignore[arg-type]

    return build


@pytest.fixture
def crm_app(fake_sf: FakeSalesforce, make_crm_app: Callable[..., App]) -> App:
    return make_crm_app(fake_sf)


def jobs_of(app: App) -> CrmJobs:
    jobs = app.crm_jobs()
    assert jobs is not None
    jobs.sync.backoff = Backoff(base=timedelta(seconds=1), cap=timedelta(seconds=1))
    return jobs
