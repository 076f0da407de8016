"""The console as a new user meets it: the demo data, one-line visits, the card, done, and bad input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from console_harness import ConsoleHarness
from sqlalchemy import Engine, func, select

from kam_bot.bootstrap import App
from kam_bot.domain.matching import fold
from kam_bot.domain.models import Promise
from kam_bot.services import demo
from kam_bot.store import tables


@pytest.fixture
def demo_app(sqlite_engine: Engine, make_app: Callable[[Engine], App]) -> App:
    app = make_app(sqlite_engine)
    demo.seed(app.uow, app.clock())
    return app


@pytest.fixture
def console(demo_app: App) -> ConsoleHarness:
    me = demo_app.users.by_identity("console", demo.DEMO_IDENTITY)
    assert me is not None
    return ConsoleHarness(demo_app, me)


def _count(app: App, table: type[tables.Base]) -> int:
    with app.uow() as uow:
        return int(uow.repo.session.scalar(select(func.count()).select_from(table)) or 0)


def test_one_line_logs_a_visit_with_two_promises_and_a_price(console: ConsoleHarness, demo_app: App) -> None:
    visits_before = _count(demo_app, tables.VisitRow)
    out = console.send(
        "/visit Baosteel met Li Wei (purchasing) and Zhang; goal: Q3 order - partly; "
        "we promise quote by Friday; "
        "they promise PO by 12/5; price widget-42 4.20 USD/kg",
        "y",
    )
    assert "Baoshan Iron & Steel" in out
    assert "Visit of" in out and "saved" in out
    assert "quote" in out and "PO" in out
    # 4.20 against the 4.00 list price is 5 % over: not beyond the default 5 % threshold
    assert "4.20 USD/kg" in out
    assert _count(demo_app, tables.VisitRow) == visits_before + 1
    card = console.send("account baosteel")
    assert "quote" in card and "PO" in card and "4.20 USD/kg" in card
    assert "Fri 27 Nov 2026" in card  # Friday after Monday 23 Nov 2026
    assert "Sat 5 Dec 2026" in card


def test_done_closes_a_promise_and_the_card_no_longer_lists_it(
    console: ConsoleHarness, demo_app: App
) -> None:
    console.send("promise Baosteel send price sheet by tomorrow", "y")
    with demo_app.uow() as uow:
        (promise,) = [
            p for p in uow.repo.promises_where(owner_id=console.bot.actor.id) if "price sheet" in p.text
        ]
    assert promise.text == "send price sheet"
    out = console.send(f"done {promise.id}")
    assert "Done" in out and "send price sheet" in out
    with demo_app.uow() as uow:
        closed = uow.repo.get(Promise, promise.id)
    assert closed is not None and closed.status.value == "done"
    assert "send price sheet" not in console.send("account Baosteel")


def test_bad_date_says_what_to_fix_and_keeps_the_text(console: ConsoleHarness, demo_app: App) -> None:
    out = console.send("promise Baosteel call back by Fooday", "next Tue", "y")
    assert "Fooday" in out  # shown back: what was typed
    assert "Promise saved" in out
    assert "Tue 1 Dec 2026" in out


def test_giving_up_on_a_prompt_prints_the_line_back(console: ConsoleHarness, demo_app: App) -> None:
    before = _count(demo_app, tables.PromiseRow)
    line = "promise Baosteel call back by Fooday"
    out = console.send(line, "")
    assert "Not saved" in out
    assert out.rstrip().endswith(line)
    assert _count(demo_app, tables.PromiseRow) == before


def test_unknown_account_names_the_problem_and_offers_suggestions(
    console: ConsoleHarness, demo_app: App
) -> None:
    visits_before = _count(demo_app, tables.VisitRow)
    out = console.send("visit Baostel met Li Wei; goal: trial", "y")
    # a one-letter typo is still a clear match
    assert "Baoshan Iron & Steel" in out
    out = console.send("visit Zzyzx Corp met Li Wei; goal: trial")
    assert "No account matches" in out
    assert "Not saved" in out
    assert "Zzyzx Corp met Li Wei; goal: trial" in out
    assert _count(demo_app, tables.VisitRow) == visits_before + 1


def test_ambiguous_account_lists_suggestions_and_lets_the_user_pick(
    console: ConsoleHarness, demo_app: App
) -> None:
    demo_app.accounts.create(console.bot.actor, name="Acme Foods")
    out = console.send("account Acm")
    assert "Several accounts match" in out
    assert "Acme Foods" in out and "Acme Industrial Supply" in out
    out = console.send("visit Acm goal: tasting", "Acme Foods", "y")
    assert "saved" in out and "Acme Foods" in out


def test_chinese_user_gets_chinese_replies(demo_app: App) -> None:
    boss = demo_app.users.by_identity("console", "wang")
    assert boss is not None and boss.locale.value == "zh-Hans"
    console = ConsoleHarness(demo_app, boss)
    out = console.send("account 宝钢")
    assert "决策链" in out and "Li Wei" in out
    # the manager of the owner sees personal notes
    assert "weiqi" in out


def test_teammate_does_not_see_personal_notes(demo_app: App) -> None:
    mate = demo_app.users.by_identity("console", "lina")
    assert mate is not None
    out = ConsoleHarness(demo_app, mate).send("account Baosteel")
    assert "Li Wei" in out and "weiqi" not in out


def test_mentions_typed_by_a_user_are_not_interpreted(console: ConsoleHarness, demo_app: App) -> None:
    console.send("visit Baosteel summary: <!channel> ping everyone", "y")
    with demo_app.uow() as uow:
        (account,) = uow.repo.accounts_by_key(fold("Baosteel"))
        visits = uow.repo.visits_for(account.id)
    assert any("<!channel>" in (v.summary or "") for v in visits), "the text is stored as typed"


def test_today_shows_my_day(console: ConsoleHarness) -> None:
    out = console.send("today")
    lines = out.splitlines()
    assert lines[0] == "== My day · Mon 23 Nov 2026 =="
    promises, accounts, planned = (
        lines.index("-- Your open promises"),
        lines.index("-- Your accounts, most overdue first"),
        lines.index("-- Planned visits"),
    )
    assert promises < accounts < planned
    mine = "\n".join(lines[promises:accounts])
    assert "send lab report on coating life — overdue 4 d" in mine  # ours, soonest first
    assert mine.index("We promised") < mine.index("They promised") < mine.index("confirm trial volume")
    stale = lines[accounts + 1 : planned]
    assert stale and all(" · " in line for line in stale)
    assert any(line.startswith("Baoshan Iron & Steel") and "last visit" in line for line in stale)
    assert lines[planned + 1] == (
        "Tue 24 Nov 2026 · Baoshan Iron & Steel Co., Ltd. — Next: send lab report to Chen Jie"
    )
    assert "today" in console.send("help")


def test_today_in_chinese(demo_app: App) -> None:
    boss = demo_app.users.by_identity("console", "wang")
    assert boss is not None
    out = ConsoleHarness(demo_app, boss).send("今天")
    assert out.startswith("== 我的今天 · ")
    assert "-- 你的未完成承诺" in out and "-- 你的客户（按拜访逾期排序）" in out and "-- 计划拜访" in out
    assert "没有未完成的承诺" in out  # the manager owns none of the demo promises


def test_a_due_date_already_past_is_said_before_save_and_asked_again(
    console: ConsoleHarness, demo_app: App
) -> None:
    """Monday 23 Nov 2026: "PO by 11/20" is last Friday. The summary says so and the console asks
    for the date before Save, instead of refusing the whole visit after it."""
    visits_before = _count(demo_app, tables.VisitRow)
    out = console.send(
        "visit Baosteel met Li Wei; we promise quote by Friday; they promise PO by 11/20",
        "11/21",
        "12/4",
        "y",
    )
    assert "PO — Fri 20 Nov 2026 (already past)" in out
    assert "quote — Fri 27 Nov 2026 (already past)" not in out
    assert "is before the visit (Mon 23 Nov 2026)" in out and "you typed: 11/20" in out
    assert "you typed: 11/21" in out  # the second try is refused too, and says what was typed
    assert "→ due Fri 4 Dec 2026" in out
    assert "saved: Baoshan Iron & Steel" in out and "Not saved" not in out
    assert _count(demo_app, tables.VisitRow) == visits_before + 1


def test_a_standalone_promise_already_past_is_marked_before_save(console: ConsoleHarness) -> None:
    out = console.send("promise Baosteel call Li Wei by yesterday", "y")
    assert "call Li Wei — Sun 22 Nov 2026 (already past)" in out
    assert "overdue 1 d" in out
