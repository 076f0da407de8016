"""Shared fixtures: a migrated database on SQLite and, when configured, PostgreSQL.

PostgreSQL runs when ``KAM_TEST_POSTGRES_URL`` is set (CI sets it). In CI (``CI`` set) an
unreachable PostgreSQL is a failure, never a skip; locally without the URL those cases skip.
The schema is migrated once per session (a template file on SQLite, a schema on PostgreSQL)
and every test starts from it empty.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from kam_bot.bootstrap import App, bootstrap
from kam_bot.config import Settings
from kam_bot.store.engine import make_engine, normalise_url, upgrade
from kam_bot.store.tables import Base

PG_URL = os.environ.get("KAM_TEST_POSTGRES_URL")


class FrozenClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (migrating per test is most of the cost)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _sqlite_engine(template: Path, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "test.db"
    shutil.copyfile(template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def _pg_schema() -> Iterator[str]:
    """One migrated PostgreSQL schema for the session, dropped at the end whatever happens."""
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI needs KAM_TEST_POSTGRES_URL for the PostgreSQL suite")
        pytest.skip("PostgreSQL not configured (set KAM_TEST_POSTGRES_URL)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        engine = _schema_engine(schema)
        upgrade(engine)
        engine.dispose()
        yield schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _schema_engine(schema: str) -> Engine:
    assert PG_URL
    return make_engine(normalise_url(PG_URL), connect_args={"options": f"-csearch_path={schema}"})


def _pg_engine(schema: str) -> Iterator[Engine]:
    """The session schema, emptied: every table truncated and its ids restarted."""
    engine = _schema_engine(schema)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database; every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield from _sqlite_engine(request.getfixturevalue("_sqlite_template"), tmp_path)
    else:
        yield from _pg_engine(request.getfixturevalue("_pg_schema"))


@pytest.fixture
def sqlite_engine(_sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """SQLite only: for adapter tests where the database is not what is under test."""
    yield from _sqlite_engine(_sqlite_template, tmp_path)


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


@pytest.fixture
def empty_app(engine: Engine, make_app: Callable[[Engine], App], tmp_path: Path) -> Iterator[App]:
    """A second, freshly migrated database of the same kind as ``engine``."""
    if engine.dialect.name == "sqlite":
        other = make_engine(f"sqlite:///{tmp_path / 'restored.db'}")
        upgrade(other)
        yield make_app(other)
        other.dispose()
        return
    schema = f"r_{uuid.uuid4().hex[:12]}"
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = engine.url.set(query={**engine.url.query, "options": f"-csearch_path={schema}"})
    other = make_engine(url.render_as_string(hide_password=False))
    try:
        upgrade(other)
        yield make_app(other)
    finally:
        other.dispose()
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(autouse=True)
def _slack_views_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every view and block the Slack adapter builds in any test also passes slack_sdk's validating
    ``to_dict()`` (the app serializes them without it, ``adapters/slack/plain.py``), and equals it."""
    from kam_bot.adapters.slack import blocks, home, plain
    from kam_bot.adapters.slack.forms import elements

    fast = plain.plain

    def checked(value: Any) -> Any:
        out = fast(value)
        assert out == value.to_dict(), f"plain() differs from to_dict() for {type(value).__name__}"
        return out

    for module in (blocks, home, elements):
        monkeypatch.setattr(module, "plain", checked)


@pytest.fixture(autouse=True)
def _slack_forms_open_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    """In production a /visit opens a light modal at once and updates it with the form
    (``opening.FORM_WAIT`` is 0). Most tests read the form from ``views.open``: they give it the
    trigger's usual budget, so it opens directly. The light-modal path has its own tests (which
    set ``FORM_WAIT`` back to 0)."""
    from kam_bot.adapters.slack import opening

    monkeypatch.setattr(opening, "FORM_WAIT", opening.BUDGET)
