"""What a new rep trips over in the first hour at the console (issue: the first hour)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from console_harness import ConsoleHarness
from factories import add_contact
from sqlalchemy import Engine

from kam_bot.adapters.console.render import render_text
from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale, PromiseDirection
from kam_bot.domain.models import Promise, User
from kam_bot.handlers.render import promise_actions
from kam_bot.handlers.replies import Reply, Section
from kam_bot.services import demo


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
    assert "Tier B" in acme and "target customer" in acme and "last visit 4 d ago" in acme
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


# -- replies ----------------------------------------------------------------------------


def test_a_bad_due_date_is_warned_once_asked_by_the_promise_and_the_answer_shown_as_a_date(
    console: ConsoleHarness,
) -> None:
    out = console.send("promise Baosteel call back by Fooday", "Barday", "next Tue", "y")
    assert out.count("“Fooday”") == 1  # listed with the prefill, not again before the question
    assert "you typed: Fooday" not in out  # the warning quotes it already
    assert out.count("“Barday”") == 1  # the second bad answer is named once, by itself
    assert console.prompts[:2] == ["Due date for “call back”? ", "Due date for “call back”? "]
    assert "→ due Tue 1 Dec 2026" in out
    assert "Promise saved" in out


def test_an_unknown_account_is_quoted_and_nothing_understood_shows_no_empty_block(
    console: ConsoleHarness,
) -> None:
    out = console.send("stock Zzz", "quit")
    assert "No account matches “Zzz”" in out
    assert "you typed: Zzz" not in out
    assert "Here is what I understood" not in out
    assert out.splitlines()[-1] == "stock Zzz"  # given back to paste again


def test_done_twice_says_already_done(console: ConsoleHarness) -> None:
    assert console.send("done 1").startswith("Done:")
    again = console.send("done 1")
    assert again.startswith("Already done:") and "send lab report" in again
    assert "Undo" not in again


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("done", "Type done and its number, e.g. done 4"),
        ("done 4 2", "Type done and its number, e.g. done 4"),
        ("snooze x", "e.g. snooze 4 3"),
        ("undo price", "undo visit|promise|price|stock NUMBER"),
        ("undo", "Nothing to undo: you saved nothing in the last 15 minutes"),
    ],
)
def test_usage_says_what_to_type_with_an_example(console: ConsoleHarness, line: str, says: str) -> None:
    out = console.send(line)
    assert says in out and "Usage:" not in out and "PROMISE_NUMBER" not in out


def test_buttons_in_text_form_say_what_each_does(demo_app: App) -> None:
    with demo_app.uow() as uow:
        promise = uow.repo.get(Promise, 1)
    assert promise is not None
    reply = Reply(sections=[Section(lines=[], actions=promise_actions(promise, Locale.EN))])
    text = render_text(reply)
    assert "Snooze 1 day: snooze 1 1" in text and "Done: done 1" in text


def test_the_card_shows_the_planned_next_visit(console: ConsoleHarness) -> None:
    console.send("visit Baosteel met Li Wei; next visit 12/15", "y")
    assert "Next visit planned: Tue 15 Dec 2026" in console.send("account Baosteel")
