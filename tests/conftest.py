"""Shared fixtures: a migrated database on SQLite and, when configured, PostgreSQL.

PostgreSQL runs when ``KAM_TEST_POSTGRES_URL`` is set (CI sets it). In CI (``CI`` set) an
unreachable PostgreSQL is a failure, never a skip; locally without the URL those cases skip.
Each PostgreSQL test gets a fresh schema, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from kam_bot.bootstrap import App, bootstrap
from kam_bot.config import Settings
from kam_bot.store.engine import make_engine, normalise_url, upgrade

PG_URL = os.environ.get("KAM_TEST_POSTGRES_URL")


class FrozenClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _pg_engine() -> Iterator[Engine]:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI needs KAM_TEST_POSTGRES_URL for the PostgreSQL suite")
        pytest.skip("PostgreSQL not configured (set KAM_TEST_POSTGRES_URL)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = normalise_url(PG_URL)
    sep = "&" if "?" in url else "?"
    engine = make_engine(f"{url}{sep}options=-csearch_path%3D{schema}")
    upgrade(engine)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database; every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield from _sqlite_engine(tmp_path)
    else:
        yield from _pg_engine()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """SQLite only: for adapter tests where the database is not what is under test."""
    yield from _sqlite_engine(tmp_path)


@pytest.fixture
def clock() -> FrozenClock:
    # Monday 23 November 2026, 10:00 UTC
    return FrozenClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))


@pytest.fixture
def make_app(clock: FrozenClock) -> Callable[[Engine], App]:
    def build(engine: Engine) -> App:
        return bootstrap(Settings(database_url=str(engine.url)), engine=engine, clock=clock)

    return build


@pytest.fixture
def app(engine: Engine, make_app: Callable[[Engine], App]) -> App:
    return make_app(engine)
