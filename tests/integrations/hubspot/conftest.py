"""A fake HubSpot portal on loopback, and an app synced with it (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from conftest import FrozenClock
from fakes.hubspot_api import FakeHubSpot
from sqlalchemy import Engine

from kam_bot.bootstrap import App, bootstrap
from kam_bot.config import Settings
from kam_bot.crms import Configured
from kam_bot.integrations.hubspot import crm as hubspot
from kam_bot.integrations.hubspot.settings import HubSpotSettings
from kam_bot.jobs.crm import CrmJobs
from kam_bot.jobs.sender import Backoff


@pytest.fixture
def fake_hs(clock: FrozenClock) -> Iterator[FakeHubSpot]:
    """The portal on kam-bot's frozen clock: its timestamps, search index and rate windows move
    when the test moves the clock."""
    with FakeHubSpot(clock=lambda: clock().timestamp()) as fake:
        yield fake


def hs_settings(fake: FakeHubSpot, **extra: object) -> HubSpotSettings:
    return HubSpotSettings(access_token=fake.token, api_url=fake.url, **extra)  # type: ignore[arg-type]


@pytest.fixture
def make_crm_app(engine: Engine, clock: Callable[[], object]) -> Callable[..., App]:
    def build(fake: FakeHubSpot, **extra: object) -> App:
        configured = Configured(hubspot.REGISTRATION, hs_settings(fake, **extra))
        return bootstrap(Settings(database_url=str(engine.url)), engine=engine, clock=clock, crm=configured)  # type: ignore[arg-type]

    return build


@pytest.fixture
def crm_app(fake_hs: FakeHubSpot, make_crm_app: Callable[..., App]) -> App:
    return make_crm_app(fake_hs)


def jobs_of(app: App) -> CrmJobs:
    jobs = app.crm_jobs()
    assert jobs is not None
    jobs.sync.backoff = Backoff(base=timedelta(seconds=1), cap=timedelta(seconds=1))
    return jobs
