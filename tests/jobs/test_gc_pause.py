"""A digest tick pauses the cyclic garbage collector while it builds its digests and always leaves
it as it found it: on after a tick (even one whose digest failed), off if someone had turned it off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from kam_bot.jobs.gc_pause import collector_paused


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


def test_nested_and_concurrent_pauses_resume_when_the_last_leaves() -> None:
    inside, leave = threading.Event(), threading.Event()

    def other_tick() -> None:
        with collector_paused():
            inside.set()
            leave.wait(5)

    worker = threading.Thread(target=other_tick)
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
