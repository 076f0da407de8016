"""The Home tab after changes: a burst of changes by one person shares refreshes, and the last
change is always shown."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kam_bot.adapters.slack import deps
from kam_bot.adapters.slack.deps import HomeRefresher


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    shown: list[tuple[str, Any]] = []

    async def publish_home(forms: Any, client: Any, slack_id: str, user: Any) -> None:
        shown.append((slack_id, user))

    monkeypatch.setattr(deps, "publish_home", publish_home)
    return shown


async def _changes(home: HomeRefresher, who: str, states: list[str], gap: float) -> None:
    for state in states:
        home.schedule(None, who, state)  # type: ignore[arg-type]
        await asyncio.sleep(gap)


async def test_a_burst_of_changes_is_one_refresh_showing_the_last(published: list[tuple[str, Any]]) -> None:
    home = HomeRefresher(None, delay=0.1, max_delay=5.0)  # type: ignore[arg-type]
    await _changes(home, "U1", ["a", "b", "c", "d"], 0.03)
    await _changes(home, "U2", ["x"], 0)
    await asyncio.sleep(0.3)
    assert sorted(published) == [("U1", "d"), ("U2", "x")]


async def test_a_long_burst_is_shown_within_the_longest_wait_and_again_at_its_end(
    published: list[tuple[str, Any]],
) -> None:
    home = HomeRefresher(None, delay=0.1, max_delay=0.2)  # type: ignore[arg-type]
    await _changes(home, "U1", [str(i) for i in range(10)], 0.05)  # 0.5 s of changes 0.05 s apart
    shown_during = len(published)
    await asyncio.sleep(0.3)
    assert 1 <= shown_during < 10
    assert published[-1] == ("U1", "9")
    assert len(published) < 10
