"""What a new rep trips over in the first hour at the console (issue: the first hour)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from console_harness import ConsoleHarness
from sqlalchemy import Engine

from kam_bot import demo
from kam_bot.bootstrap import App
from kam_bot.domain.enums import PromiseDirection
from kam_bot.domain.models import Promise, User


@pytest.fixture
def demo_app(sqlite_engine: Engine, make_app: Callable[[Engine], App]) -> App:
    app = make_app(sqlite_engine)
    demo.seed(app.uow, app.clock())
    return app


def _me(app: App) -> User:
    me = app.users.by_identity("console", demo.DEMO_IDENTITY)
    assert me is not None
    return me


@pytest.fixture
def console(demo_app: App) -> ConsoleHarness:
    return ConsoleHarness(demo_app, _me(demo_app))


@pytest.fixture
def console_zh(demo_app: App) -> ConsoleHarness:
    me = demo_app.users.update_settings(_me(demo_app), locale="zh-Hans")
    return ConsoleHarness(demo_app, me)


def _promises(app: App, text: str) -> list[Promise]:
    with app.uow() as uow:
        return [p for p in uow.repo.promises_where() if p.text == text]


# -- direction words ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    ["promise Acme they send samples by Friday", "promise they Acme send samples by Friday"],
)
def test_they_makes_a_customer_promise_before_or_after_the_account(
    console: ConsoleHarness, demo_app: App, line: str
) -> None:
    out = console.send(line, "y")
    assert "They promised: send samples" in out
    assert "Promise saved" in out
    (saved,) = _promises(demo_app, "send samples")
    assert saved.direction is PromiseDirection.THEIRS
    assert "Acme" in out


@pytest.mark.parametrize("line", ["承诺 宝钢 客户 周五前寄样品", "承诺 他们 宝钢 周五前寄样品"])
def test_chinese_direction_words_make_a_customer_promise(
    console_zh: ConsoleHarness, demo_app: App, line: str
) -> None:
    out = console_zh.send(line, "y")
    (saved,) = _promises(demo_app, "寄样品")
    assert saved.direction is PromiseDirection.THEIRS
    assert "宝钢" in out or "Baoshan" in out


# -- accounts ---------------------------------------------------------------------------


def test_accounts_lists_mine_with_tier_stage_and_days_since_the_visit(console: ConsoleHarness) -> None:
    out = console.send("accounts")
    assert "Your accounts" in out
    acme = next(line for line in out.splitlines() if "Acme Industrial Supply" in line)
    assert "Tier B" in acme and "target customer" in acme and "last visit 45 d ago" in acme
    assert "Harbor Logistics" not in out  # a teammate's account


def test_accounts_text_ranks_matches_and_a_short_account_query_offers_candidates(
    console: ConsoleHarness,
) -> None:
    out = console.send("accounts sino")
    assert "Accounts matching “sino”" in out and "Sinochem Coatings" in out
    assert "Baoshan" not in out
    short = console.send("account s")
    assert "Did you mean" in short and "Sinochem Coatings" in short
    assert "accounts TEXT" in short
