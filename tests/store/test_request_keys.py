"""Claims on request keys: the first delivery of a key is True exactly once, across threads and
processes, until it expires."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from conftest import FrozenClock
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from kam_bot.bootstrap import App
from kam_bot.services.claims import ClaimService
from kam_bot.store import request_keys
from kam_bot.store.tables import RequestKeyRow


def test_a_key_is_new_once_until_it_expires(app: App, clock: FrozenClock) -> None:
    claims = app.claims
    assert claims.claim("slack", "event:Ev1", timedelta(minutes=10))
    assert not claims.claim("slack", "event:Ev1", timedelta(minutes=10))
    assert claims.claim("teams", "event:Ev1")  # platforms do not share keys
    clock.advance(minutes=9)
    assert not claims.claim("slack", "event:Ev1")
    clock.advance(minutes=2)
    assert claims.claim("slack", "event:Ev1")  # expired: new again


def test_recorded_keys_are_repeats_and_a_held_key_keeps_its_expiry(app: App, clock: FrozenClock) -> None:
    """``record``: requests taken in by other means (a Slack trigger) are known as taken in."""
    claims = app.claims
    assert claims.claim("slack", "body:held", timedelta(minutes=2))
    claims.record("slack", ["body:a", "body:b", "body:held"], timedelta(minutes=10))
    assert not claims.claim("slack", "body:a") and not claims.claim("slack", "body:b")
    assert claims.claim("slack", "body:c")  # not recorded: a first delivery
    clock.advance(minutes=3)
    assert claims.claim("slack", "body:held")  # its own 2 minutes were kept: expired, new again
    assert not claims.claim("slack", "body:a")
    claims.record("slack", [])  # nothing to record: nothing happens


def test_release_lets_a_key_count_again_and_expired_keys_are_pruned(
    app: App, engine: Engine, clock: FrozenClock
) -> None:
    claims = app.claims
    assert claims.claim("slack_view", "V1")
    claims.release("slack_view", "V1")
    assert claims.claim("slack_view", "V1")
    assert claims.claim("slack", "body:a", timedelta(minutes=1))
    clock.advance(minutes=5)
    with app.uow() as uow:
        assert uow.repo.claim("slack", "body:b", clock.now, clock.now + timedelta(hours=1), prune=True)
        uow.commit()
    with engine.connect() as conn:
        left = conn.execute(select(RequestKeyRow.key).order_by(RequestKeyRow.key)).scalars().all()
        assert conn.execute(select(func.count()).select_from(RequestKeyRow)).scalar_one() == 2
    assert left == ["V1", "body:b"]


def test_racing_deliveries_of_one_key_find_exactly_one_first(app: App) -> None:
    claims: ClaimService = app.claims
    answers: list[bool] = []
    start = threading.Barrier(8)

    def deliver() -> None:
        start.wait()
        answers.append(claims.claim("slack", "event:EvRace"))

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [False] * 7 + [True]


@pytest.mark.postgres
def test_on_postgresql_only_the_claim_commits_without_waiting_for_the_disk(
    app: App, engine: Engine, clock: FrozenClock
) -> None:
    """The claim is one statement that commits by itself, its transaction without the WAL flush;
    the next transaction on the same connection (the visit it guards) is durable again, and other
    processes see the key at once."""
    if engine.dialect.name != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    show = text("SHOW synchronous_commit")
    with engine.connect() as conn, Session(bind=conn) as session:
        assert session.scalar(show) == "on"
        session.commit()
        assert request_keys.first(session, "slack", "body:k", clock.now, clock.now + timedelta(hours=1))
        assert session.scalar(show) == "on"  # the claim's own transaction is over: the next one waits
        session.commit()
    # the same statement, answering with the setting its transaction commits under
    told = text(
        str(request_keys._FIRST_ALONE).replace(
            "RETURNING id", "RETURNING current_setting('synchronous_commit')"
        )
    )
    with engine.connect() as conn:
        params = {
            "b_platform": "slack",
            "b_key": "body:other",
            "b_now": clock.now,
            "b_expires": clock.now + timedelta(hours=1),
        }
        assert conn.execute(told, params).scalar() == "off"
        conn.rollback()
    assert not app.claims.claim("slack", "body:k")  # another connection: already taken
