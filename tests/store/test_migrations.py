"""The Alembic history builds the schema tables.py describes, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, Index, inspect, text

from kam_bot.bootstrap import bootstrap
from kam_bot.config import Settings
from kam_bot.jobs.scheduler import decide_digest
from kam_bot.store.engine import (
    DatabaseNotMigratedError,
    alembic_config,
    current_revision,
    ensure_migrated,
    head_revision,
    make_engine,
    upgrade,
)
from kam_bot.store.tables import Base

PG_URL = os.environ.get("KAM_TEST_POSTGRES_URL")
TABLES = set(Base.metadata.tables)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def blank_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database (no schema, no alembic_version) on SQLite and PostgreSQL.

    The PostgreSQL schema is chosen through ``connect_args`` rather than the URL so that
    this fixture does not depend on how a URL with ``%`` reaches Alembic (tested below).
    """
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'blank.db'}")
        yield engine
        engine.dispose()
        return
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI needs KAM_TEST_POSTGRES_URL for the PostgreSQL suite")
        pytest.skip("PostgreSQL not configured (set KAM_TEST_POSTGRES_URL)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


# -- on the migrated database of the shared fixture ----------------------------------------


def test_upgrade_creates_every_table(engine: Engine) -> None:
    assert table_names(engine) == TABLES | {"alembic_version"}
    assert current_revision(engine) == head_revision() is not None
    ensure_migrated(engine)  # does not raise


def index_definition(engine: Engine, name: str) -> str | None:
    """An index's key as the database holds it, spelled alike on both (``lower(product), ...``);
    reflection leaves out SQLite's expression indexes and PostgreSQL's expressions."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            here = "schemaname = current_schema()"
            found = conn.execute(
                text(f"SELECT indexdef FROM pg_indexes WHERE indexname = :n AND {here}"), {"n": name}
            ).scalar()
        else:
            found = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :n"), {"n": name}
            ).scalar()
    if found is None:
        return None
    key = str(found)[str(found).index("(") + 1 : str(found).rindex(")")]
    return re.sub(r"\(\((\w+)\)\)", r"(\1)", key.replace('"', "").replace("::text", ""))


def _plain(ix: Index) -> bool:
    return all(isinstance(e, Column) for e in ix.expressions)


def test_every_index_and_unique_constraint_of_tables_py_exists(engine: Engine) -> None:
    inspector = inspect(engine)
    for name, table in Base.metadata.tables.items():
        expected_ix = {ix.name: [c.name for c in ix.columns] for ix in table.indexes if _plain(ix)}
        found_ix = {ix["name"]: ix["column_names"] for ix in inspector.get_indexes(name)}
        for ix_name, columns in expected_ix.items():
            assert found_ix.get(str(ix_name)) == columns, f"{name}.{ix_name}"
        for ix in table.indexes:
            assert _plain(ix) or index_definition(engine, str(ix.name)) is not None, f"{name}.{ix.name}"
        expected_uq = {
            str(c.name): [col.name for col in c.columns]  # type: ignore[attr-defined]
            for c in table.constraints
            if c.__class__.__name__ == "UniqueConstraint"
        }
        found_uq = {uq["name"]: uq["column_names"] for uq in inspector.get_unique_constraints(name)}
        assert {k: found_uq.get(k) for k in expected_uq} == expected_uq, name


def test_the_indexes_the_queries_rely_on(engine: Engine) -> None:
    """Spelled out, so that renaming or dropping one in tables.py is a visible decision."""
    inspector = inspect(engine)

    def indexes(table: str) -> dict[str, list[str | None]]:
        return {str(ix["name"]): list(ix["column_names"]) for ix in inspector.get_indexes(table)}

    assert indexes("promises")["ix_promises_owner_open_due"] == ["owner_id", "status", "due_date"]
    assert indexes("promises")["ix_promises_account_status"] == ["account_id", "status"]
    assert indexes("promises")["ix_promises_account_due"] == ["account_id", "due_date"]
    assert indexes("visits")["ix_visits_account_at"] == ["account_id", "visited_at"]
    assert indexes("visits")["ix_visits_rep_at"] == ["rep_id", "visited_at"]
    assert indexes("visits")["ix_visits_next"] == ["next_visit_date"]
    assert indexes("accounts")["ix_accounts_owner"] == ["owner_id", "archived"]
    assert indexes("accounts")["ix_accounts_search_key"] == ["search_key"]
    assert indexes("account_aliases")["ix_account_aliases_key"] == ["search_key"]
    assert indexes("price_observations")["ix_price_obs_account_product_at"] == [
        "account_id", "product", "observed_at",
    ]  # fmt: skip
    assert indexes("price_observations")["ix_price_obs_account_key_at"] == [
        "account_id", "product", "kind", "competitor", "observed_at", "id",
    ]  # fmt: skip
    assert indexes("inventory_observations")["ix_inventory_obs_account_product_at"] == [
        "account_id", "product", "observed_at",
    ]  # fmt: skip
    assert index_definition(engine, "ix_inventory_obs_account_lower_product_at") == (
        "account_id, lower(product), observed_at, id"
    )
    assert index_definition(engine, "ix_price_list_lower_product") == "lower(product), valid_from"
    assert indexes("stage_changes")["ix_stage_changes_account_at"] == ["account_id", "changed_at"]
    assert indexes("promise_events")["ix_promise_events_promise"] == ["promise_id", "at"]
    assert indexes("outbox")["ix_outbox_due"] == ["status", "next_attempt_at"]


def test_migrations_match_the_models(engine: Engine) -> None:
    """Nothing for autogenerate to add: the history and tables.py agree."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


# -- on an empty database ------------------------------------------------------------------


def test_ensure_migrated_refuses_an_empty_database(blank_engine: Engine) -> None:
    with pytest.raises(DatabaseNotMigratedError) as err:
        ensure_migrated(blank_engine)
    assert err.value.current is None
    assert err.value.head == head_revision()
    with pytest.raises(DatabaseNotMigratedError):
        bootstrap(Settings(database_url="sqlite://"), engine=blank_engine)


def test_upgrade_then_ensure_migrated_passes(blank_engine: Engine) -> None:
    assert table_names(blank_engine) == set()
    upgrade(blank_engine)
    assert table_names(blank_engine) == TABLES | {"alembic_version"}
    ensure_migrated(blank_engine)
    app = bootstrap(Settings(database_url="sqlite://"), engine=blank_engine)
    assert app.users.teams() == []
    upgrade(blank_engine)  # a second upgrade is a no-op
    assert current_revision(blank_engine) == head_revision()


def test_downgrade_to_base_and_upgrade_again(blank_engine: Engine) -> None:
    upgrade(blank_engine)
    config = alembic_config()
    with blank_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert table_names(blank_engine) <= {"alembic_version"}
    with pytest.raises(DatabaseNotMigratedError):
        ensure_migrated(blank_engine)
    upgrade(blank_engine)
    ensure_migrated(blank_engine)
    assert table_names(blank_engine) == TABLES | {"alembic_version"}


def _migrate(engine: Engine, target: str, down: bool = False) -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, target)


def test_0003_moves_recent_events_and_view_claims_into_request_keys_and_back(blank_engine: Engine) -> None:
    """A Slack retry arriving during the upgrade is still recognised: the handled events and
    claimed views of ``processed_events`` become request keys (and come back on downgrade)."""
    _migrate(blank_engine, "0001")
    seen = datetime(2026, 12, 4, 19, 0)
    with blank_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO processed_events (platform, event_id, received_at) VALUES "
                "('slack', 'Ev42', :at), ('slack_view', 'V9', :at)"
            ),
            {"at": seen},
        )
    _migrate(blank_engine, "0003")
    app = bootstrap(
        Settings(database_url="sqlite://"),
        engine=blank_engine,
        clock=lambda: seen.replace(tzinfo=UTC) + timedelta(hours=1),
        check=False,  # later revisions are not applied: only the request keys are used here
    )
    assert not app.claims.claim("slack", "event:Ev42")  # the same event again: already handled
    assert not app.claims.claim("slack_view", "V9")
    assert app.claims.claim("slack", "event:Ev43")
    _migrate(blank_engine, "0001", down=True)
    with blank_engine.connect() as conn:
        rows = conn.execute(text("SELECT platform, event_id FROM processed_events ORDER BY event_id")).all()
    assert [tuple(r) for r in rows] == [("slack", "Ev42"), ("slack", "Ev43"), ("slack_view", "V9")]


# -- 0002: a team's digest destination per platform ------------------------------------------


def test_0002_keeps_each_digest_channel_as_the_teams_slack_destination(blank_engine: Engine) -> None:
    upgrade(blank_engine, "0001")
    queued = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    with blank_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO teams (id, name, digest_channel, timezone) VALUES "
                "(1, 'East', 'C0EAST', 'Asia/Shanghai'), (2, 'South', NULL, 'UTC'), (3, 'West', ' ', 'UTC')"
            )
        )
        for key, kind, team_id in (
            ("digest:t1:2026-W47", "digest", 1),
            ("daily:u1:2026-11-23", "daily", None),
        ):
            conn.execute(
                text(
                    "INSERT INTO outbox (key, kind, platform, recipient, team_id, payload, status, attempts, "
                    "next_attempt_at, created_at) VALUES (:key, :kind, 'slack', 'C0EAST', :team_id, '{}', "
                    "'sent', 0, :at, :at)"
                ),
                {"key": key, "kind": kind, "team_id": team_id, "at": queued},
            )
    upgrade(blank_engine)
    app = bootstrap(Settings(database_url="sqlite://"), engine=blank_engine)
    assert {team.name: team.digest_destinations for team in app.users.teams()} == {
        "East": {"slack": "C0EAST"},
        "South": {},
        "West": {},
    }
    with blank_engine.connect() as conn:
        keys = set(conn.execute(text("SELECT key FROM outbox")).scalars())
    assert keys == {"digest:t1:2026-W47:slack", "daily:u1:2026-11-23"}
    (east,) = [team for team in app.users.teams() if team.name == "East"]
    assert (
        decide_digest(app.jobs_context, east, date(2026, 11, 16), queued) is False
    )  # queued before the upgrade

    config = alembic_config()
    with blank_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    with blank_engine.connect() as conn:
        channels = dict(conn.execute(text("SELECT name, digest_channel FROM teams")).tuples().all())
        keys = set(conn.execute(text("SELECT key FROM outbox")).scalars())
    assert channels == {"East": "C0EAST", "South": None, "West": None}
    assert keys == {"digest:t1:2026-W47", "daily:u1:2026-11-23"}


# -- the URL handed to Alembic -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://kam:p%40ss%25word@db.internal:5432/kam",
        "postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dt_abc",
    ],
)
def test_alembic_config_accepts_urls_with_percent_signs(url: str) -> None:
    """configparser interpolates '%': a percent-encoded password or ``options=...%3D...``
    must reach Alembic intact (this broke upgrade() on such URLs once)."""
    engine = make_engine(url)  # no connection is made
    try:
        config = alembic_config(engine)
        assert config.get_main_option("sqlalchemy.url") == url
    finally:
        engine.dispose()


def test_0005_adds_exchange_rates_and_keeps_the_price_list(blank_engine: Engine) -> None:
    config = alembic_config()
    with blank_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        conn.execute(
            text(
                "INSERT INTO price_list (product, price, currency, unit) VALUES ('widget-42', 4, 'USD', 'kg')"
            )
        )
    upgrade(blank_engine)
    assert "exchange_rates" in table_names(blank_engine)
    with blank_engine.begin() as conn:
        assert conn.execute(text("SELECT product, currency FROM price_list")).all() == [("widget-42", "USD")]
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    assert "exchange_rates" not in table_names(blank_engine)
    with blank_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM price_list")).scalar() == 1


def test_0010_gives_every_team_the_members_digest_language_and_keeps_it(blank_engine: Engine) -> None:
    config = alembic_config()
    with blank_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0009")
        conn.execute(text("INSERT INTO teams (name, timezone) VALUES ('East', 'Asia/Shanghai')"))
    upgrade(blank_engine)
    with blank_engine.begin() as conn:
        assert conn.execute(text("SELECT name, timezone, locale FROM teams")).all() == [
            ("East", "Asia/Shanghai", None)  # None: the language most members use, as before
        ]
        conn.execute(text("UPDATE teams SET locale = 'zh-Hans'"))
        config.attributes["connection"] = conn
        command.downgrade(config, "0009")
    with blank_engine.connect() as conn:
        assert conn.execute(text("SELECT name, timezone FROM teams")).all() == [("East", "Asia/Shanghai")]
    assert "locale" not in {c["name"] for c in inspect(blank_engine).get_columns("teams")}


def test_0004_adds_conversation_references_and_keeps_the_data(blank_engine: Engine) -> None:
    config = alembic_config()
    with blank_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    with blank_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, display_name, timezone, locale, role, reminder_time) "
                "VALUES (7, 'Rita', 'UTC', 'en', 'rep', '08:30:00')"
            )
        )
    assert "conversation_refs" not in table_names(blank_engine)
    with blank_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
    assert {"conversation_refs", "sent_cards"} <= table_names(blank_engine)
    assert user_name(blank_engine, 7) == "Rita"
    with blank_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    assert not {"conversation_refs", "sent_cards"} & table_names(blank_engine)
    assert user_name(blank_engine, 7) == "Rita"


def user_name(engine: Engine, user_id: int) -> str:
    """Read with SQL: the models describe the latest schema, not this revision's."""
    with engine.connect() as conn:
        return str(conn.scalar(text("SELECT display_name FROM users WHERE id = :id"), {"id": user_id}))


def test_0009_marks_set_values_as_chosen_and_a_pending_user_s_defaults_not(blank_engine: Engine) -> None:
    config = alembic_config()
    with blank_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0008")
    with blank_engine.begin() as conn:
        for user_id, name, tz, locale in (
            (1, "pending@example.com", "UTC", "en"),  # an accounts import's owner, never met
            (2, "Hans", "Europe/Berlin", "en"),  # a users import that set the time zone
            (3, "Rita", "UTC", "en"),  # met on Slack: her values are hers or Slack's
        ):
            conn.execute(
                text(
                    "INSERT INTO users (id, display_name, timezone, locale, role, reminder_time) "
                    "VALUES (:id, :name, :tz, :locale, 'rep', '08:30:00')"
                ),
                {"id": user_id, "name": name, "tz": tz, "locale": locale},
            )
        conn.execute(
            text("INSERT INTO user_identities (user_id, platform, external_id) VALUES (3, 'slack', 'U1')")
        )
    with blank_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0009")
    app = bootstrap(Settings(database_url="sqlite://"), engine=blank_engine, check=False)
    assert [app.users.get(n).chosen for n in (1, 2, 3)] == [[], ["timezone"], ["timezone", "locale"]]
    with blank_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
    assert user_name(blank_engine, 2) == "Hans"
