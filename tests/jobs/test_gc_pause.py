"""A tick pauses the cyclic garbage collector while it builds its messages and always leaves it as
it found it: on after a tick (even one whose digest failed), off if someone had turned it off, and
paused while another tick, in another thread, still builds."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import FrozenClock
from factories import add_account, add_user

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Tier
from kam_bot.jobs import scheduler
from kam_bot.jobs.gc_pause import collector_paused
from kam_bot.jobs.scheduler import reminder_tick


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def _failing_tick() -> None:
    with collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("a digest failed")


def test_paused_inside_and_on_again_after_even_when_the_body_fails() -> None:
    with pytest.raises(RuntimeError):
        _failing_tick()
    assert gc.isenabled()


def _tick_elsewhere() -> tuple[threading.Thread, threading.Event, threading.Event]:
    """Another tick, in a thread once started: paused from ``inside`` until ``leave`` is set."""
    inside, leave = threading.Event(), threading.Event()

    def tick() -> None:
        with collector_paused():
            inside.set()
            leave.wait(5)

    return threading.Thread(target=tick), inside, leave


def test_nested_and_concurrent_pauses_resume_when_the_last_leaves() -> None:
    worker, inside, leave = _tick_elsewhere()
    with collector_paused():
        worker.start()
        assert inside.wait(5)
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other tick is still building
    leave.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_collector_turned_off_by_someone_else_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_a_reminder_tick_ending_first_leaves_the_collector_paused_for_a_digest_still_building(
    app: App, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.now = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # Monday, the rep's 08:30
    rep = add_user(app, "Rita", timezone="UTC")
    add_account(app, "Baosteel", rep, tier=Tier.A, created_at=clock.now - timedelta(days=90))  # stale
    other, building, done = _tick_elsewhere()  # a digest tick
    collecting: list[bool] = []
    compose = scheduler.compose_daily

    def composing(*args: Any, **kwargs: Any) -> Any:
        collecting.append(gc.isenabled())
        if not other.is_alive():  # the digest tick starts while the DMs are being composed
            other.start()
            assert building.wait(5)
        return compose(*args, **kwargs)

    monkeypatch.setattr(scheduler, "compose_daily", composing)
    assert reminder_tick(app.jobs_context, clock.now).queued == 1
    assert collecting == [False]
    assert not gc.isenabled()  # the digest still builds
    done.set()
    other.join(5)
    assert gc.isenabled()
