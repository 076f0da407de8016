"""What a new rep trips over in the first hour at the console (issue: the first hour)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from console_harness import ConsoleHarness
from factories import add_contact
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


# -- honorifics -------------------------------------------------------------------------


def _visit_contacts(app: App) -> list[str]:
    with app.uow() as uow:
        bao = uow.repo.accounts_by_key("baosteel")[0]
        visit = uow.repo.visits_for(bao.id, limit=1)[0]
        names = {c.id: c.name for c in uow.repo.contacts_for(bao.id)}
    return [names[i] for i in visit.contact_ids]


def test_li_zong_is_the_known_li_wei_not_a_new_contact(console_zh: ConsoleHarness, demo_app: App) -> None:
    out = console_zh.send("拜访 宝钢 见了李总; 目标: 试用 - 达成", "y")
    assert "新联系人" not in out and "将新增联系人" not in out
    assert _visit_contacts(demo_app) == ["Li Wei"]


def test_two_contacts_with_the_surname_are_offered_and_the_answer_is_used(
    console: ConsoleHarness, demo_app: App
) -> None:
    with demo_app.uow() as uow:
        bao = uow.repo.accounts_by_key("baosteel")[0]
    add_contact(demo_app, bao, "李娜", title="采购")
    out = console.send("visit Baosteel met Mr Li; goal: trial - yes", "2", "y")
    assert "1) Li Wei" in out and "2) 李娜" in out
    assert any("Which of them is “Mr Li”?" in p for p in console.prompts)
    assert _visit_contacts(demo_app) == ["李娜"]
