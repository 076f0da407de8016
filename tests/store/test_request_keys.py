"""Request keys: the first delivery of a key is True exactly once, across threads and processes,
until it expires."""

from __future__ import annotations

import threading
from datetime import timedelta

from conftest import FrozenClock
from sqlalchemy import Engine, func, select

from kam_bot.store.request_keys import SqlRequestKeys
from kam_bot.store.tables import RequestKeyRow


def test_a_key_is_new_once_until_it_expires(engine: Engine, clock: FrozenClock) -> None:
    keys = SqlRequestKeys(engine, clock)
    assert keys.first("slack", "event:Ev1", timedelta(minutes=10))
    assert not keys.first("slack", "event:Ev1", timedelta(minutes=10))
    assert keys.first("teams", "event:Ev1")  # platforms do not share keys
    clock.advance(minutes=9)
    assert not keys.first("slack", "event:Ev1")
    clock.advance(minutes=2)
    assert keys.first("slack", "event:Ev1")  # expired: new again


def test_forget_lets_a_key_count_again_and_prune_drops_the_expired(
    engine: Engine, clock: FrozenClock
) -> None:
    keys = SqlRequestKeys(engine, clock)
    assert keys.first("slack_view", "V1", timedelta(days=1))
    keys.forget("slack_view", "V1")
    assert keys.first("slack_view", "V1", timedelta(days=1))
    assert keys.first("slack", "body:a", timedelta(minutes=1))
    clock.advance(minutes=5)
    assert keys.prune() == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(RequestKeyRow)).scalar_one() == 1


def test_racing_deliveries_of_one_key_find_exactly_one_first(engine: Engine, clock: FrozenClock) -> None:
    keys = SqlRequestKeys(engine, clock)
    answers: list[bool] = []
    start = threading.Barrier(8)

    def deliver() -> None:
        start.wait()
        answers.append(keys.first("slack", "event:EvRace"))

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [False] * 7 + [True]
