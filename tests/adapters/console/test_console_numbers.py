"""Numbers that do not lie: a change between units that do not convert is not computed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from console_harness import ConsoleHarness
from sqlalchemy import Engine

from kam_bot.bootstrap import App
from kam_bot.services import demo


@pytest.fixture
def console(sqlite_engine: Engine, make_app: Callable[[Engine], App]) -> ConsoleHarness:
    app = make_app(sqlite_engine)
    demo.seed(app.uow, app.clock())
    me = app.users.by_identity("console", demo.DEMO_IDENTITY)
    assert me is not None
    return ConsoleHarness(app, me)


def test_stock_in_another_unit_says_the_unit_changed_not_a_made_up_change(
    console: ConsoleHarness,
) -> None:
    console.send("stock Baosteel widget-42 80 cases", "y")
    out = console.send("stock 宝钢 widget-42 3吨 slow", "y")
    assert "-77" not in out and "since last time" not in out
    assert "the unit changed: 80 cases last time" in out


def test_stock_in_units_that_convert_is_compared_in_the_new_unit(console: ConsoleHarness) -> None:
    console.send("stock Baosteel widget-42 2500 kg", "y")
    out = console.send("stock Baosteel widget-42 3 t", "y")
    assert "+0.5 since" in out, out
