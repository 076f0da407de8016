"""`calendar` in a Teams chat (the real Teams SDK through the harness)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from card_schema import texts
from sqlalchemy import Engine
from teams_harness import TeamsDriver, start_teams

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Role
from kam_bot.domain.models import User


@pytest.fixture
async def teams(sqlite_engine: Engine, make_app: Callable[[Engine], App]) -> AsyncIterator[TeamsDriver]:
    driver = await start_teams(sqlite_engine, make_app)
    yield driver
    await driver.close()


async def test_a_rep_sees_the_teams_days_off_in_teams(teams: TeamsDriver) -> None:
    admin = User(id=0, display_name="operator", role=Role.ADMIN)
    teams.app.calendar.set(admin, "Steel East", country="US")
    await teams.say("calendar show --from 2026-11-01 --to 2026-11-30")
    _, card = teams.last_card()
    shown = " ".join(texts(card))
    assert "Thanksgiving Day" in shown and "Thu 26 Nov 2026" in shown
