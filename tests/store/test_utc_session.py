"""PostgreSQL sessions read instants in UTC, whatever zone the server or the URL gives them, and
keep the URL's own connection options (a schema's ``search_path``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import PG_URL
from sqlalchemy import bindparam, select, text

from kam_bot.store import tables as tb
from kam_bot.store.engine import _utc_session, make_engine, normalise_url

SHANGHAI = "-c TimeZone=Asia/Shanghai"
"""A server (or a URL) set to Shanghai's zone: what the session must not read instants in."""


@pytest.fixture
def schema_url(_pg_schema: str) -> str:
    assert PG_URL  # _pg_schema skips, or fails in CI, without it
    sep = "&" if "?" in PG_URL else "?"
    options = f"-csearch_path={_pg_schema} {SHANGHAI}".replace("=", "%3D").replace(" ", "%20")
    return normalise_url(f"{PG_URL}{sep}options={options}")


@pytest.mark.postgres
def test_the_session_is_in_utc_and_keeps_the_urls_options(
    schema_url: str, request: pytest.FixtureRequest
) -> None:
    schema = request.getfixturevalue("_pg_schema")
    engine = make_engine(schema_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW TimeZone")).scalar() == "UTC"
            assert conn.execute(text("SHOW search_path")).scalar() == schema
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_an_instant_reads_back_as_the_same_instant_in_utc(schema_url: str) -> None:
    engine = make_engine(schema_url)
    saved = datetime(2026, 12, 7, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # 23:30 UTC the day before
    try:
        with engine.connect() as conn:
            read = conn.execute(select(bindparam("at", saved, type_=tb.UTC_TS))).scalar_one()
            day = conn.execute(text("SELECT CAST(:at AS timestamptz)::date"), {"at": saved}).scalar_one()
    finally:
        engine.dispose()
    assert read == saved
    assert read.tzinfo is UTC and read.hour == 23
    assert day == date(2026, 12, 6)  # UTC's day, as on SQLite (which keeps UTC): not Shanghai's 7th


def test_connect_arguments_keep_their_own_options() -> None:
    url = "postgresql+psycopg://u@h/db?options=-csearch_path%3Da"
    assert _utc_session(url, {"options": "-csearch_path=b"})["options"] == "-csearch_path=b -c TimeZone=UTC"
    assert _utc_session(url, {})["options"] == "-csearch_path=a -c TimeZone=UTC"
    assert _utc_session("postgresql+psycopg://u@h/db", {"connect_timeout": 5}) == {
        "connect_timeout": 5,
        "options": "-c TimeZone=UTC",
    }
