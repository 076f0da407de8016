"""The confirm-and-save conversation on a surface with only text and buttons: what was understood,
one question per missing field, Save / Edit / Cancel, Undo; the draft kept in the database so
another worker (or a restart) continues it, and an expired draft saying so instead of saving."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import FrozenClock
from factories import Seed, seed_team
from sqlalchemy import Engine, func, select

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale
from kam_bot.handlers.chat import TextChat
from kam_bot.handlers.conversation import Turn
from kam_bot.handlers.verbs import Surface
from kam_bot.store import tables

TEXT = Surface(name="text-test", forms=False)


def shown(turn: Turn) -> str:
    return "\n".join(
        text for s in turn.reply.sections for text in [s.title or "", *(x.plain for x in s.lines)]
    )


def count(app: App, table: type[tables.Base]) -> int:
    with app.uow() as uow:
        return int(uow.repo.session.scalar(select(func.count()).select_from(table)) or 0)


@pytest.fixture
def world(engine: Engine, make_app: Callable[[Engine], App]) -> tuple[App, Seed]:
    app = make_app(engine)
    return app, seed_team(app)


def test_a_visit_is_understood_asked_confirmed_and_saved_with_buttons(world: tuple[App, Seed]) -> None:
    app, seed = world
    chat = TextChat(app, TEXT)
    visits = count(app, tables.VisitRow)
    turn = chat.handle(seed.rep, "visit Baosteel met Wang Lei; we promise quote by Fooday")
    assert "Here is what I understood:" in shown(turn) and "Baoshan" in shown(turn)
    assert "Fooday" in shown(turn)  # what could not be read is shown back
    assert turn.question == "Due date for “quote”?" and not turn.confirm
    turn = chat.handle(seed.rep, "today")  # at a date question, "today" is a date, not the command
    assert "→ due Mon 23 Nov 2026" in shown(turn)
    assert turn.confirm and [a.action_id for a in turn.reply.actions] == [
        "draft.save",
        "draft.edit",
        "draft.cancel",
    ]
    turn = chat.handle(seed.rep, turn.reply.actions[0].value)  # the Save button
    assert turn.saved and turn.question is None
    assert "saved: Baoshan Iron & Steel" in shown(turn)
    assert count(app, tables.VisitRow) == visits + 1
    assert count(app, tables.PendingDraftRow) == 0


def test_a_promise_is_confirmed_and_offers_undo(world: tuple[App, Seed]) -> None:
    app, seed = world
    chat = TextChat(app, TEXT)
    turn = chat.handle(seed.rep, "promise Baosteel send samples by Friday")
    assert turn.confirm and "send samples — Fri 27 Nov 2026" in shown(turn)
    turn = chat.handle(seed.rep, "yes")
    assert turn.saved and [a.action_id for a in turn.reply.actions] == ["promise.cancel"]
    undo = turn.reply.actions[0]
    after = chat.handle(seed.rep, f"cancel {undo.value}")  # what the Undo button does
    assert "Cancelled" in shown(after)


def test_another_worker_continues_the_draft_and_a_restart_loses_nothing(
    engine: Engine, make_app: Callable[[Engine], App]
) -> None:
    first = make_app(engine)
    seed = seed_team(first)
    turn = TextChat(first, TEXT).handle(seed.rep, "price Baosteel widget-42")
    assert turn.question == "Price of widget-42?"
    second = make_app(engine)  # another process on the same database
    turn = TextChat(second, TEXT).handle(seed.rep, "4.35")
    assert turn.question == "Currency of the widget-42 price?"
    turn = TextChat(make_app(engine), TEXT).handle(seed.rep, "usd")  # and another, after a restart
    assert turn.confirm
    turn = TextChat(first, TEXT).handle(seed.rep, "是")
    assert turn.saved and "widget-42 4.35 USD" in shown(turn)


def test_edit_and_no_give_the_line_back_and_save_nothing(world: tuple[App, Seed]) -> None:
    app, seed = world
    chat = TextChat(app, TEXT)
    line = "stock Baosteel widget-42 80 cases slow"
    before = count(app, tables.InventoryObservationRow)
    chat.handle(seed.rep, line)
    edited = chat.handle(seed.rep, "edit")
    assert "Change the line and send it again" in shown(edited) and line in shown(edited)
    chat.handle(seed.rep, line)
    dropped = chat.handle(seed.rep, "no")
    assert "Not saved" in shown(dropped) and line in shown(dropped)
    assert count(app, tables.InventoryObservationRow) == before


def test_an_expired_draft_says_so_instead_of_saving(world: tuple[App, Seed], clock: FrozenClock) -> None:
    app, seed = world
    chat = TextChat(app, TEXT)
    line = "promise Baosteel call Wang Lei by Friday"
    chat.handle(seed.rep, line)
    clock.advance(minutes=31)
    turn = chat.handle(seed.rep, "yes")
    assert not turn.saved and "expired" in shown(turn) and line in shown(turn)
    assert "call Wang Lei" not in repr(app.promises.mine(seed.rep))


def test_a_command_instead_of_an_answer_drops_the_draft_and_runs(world: tuple[App, Seed]) -> None:
    app, seed = world
    chat = TextChat(app, TEXT)
    line = "promise Baosteel call Wang Lei by Friday"
    chat.handle(seed.rep, line)
    turn = chat.handle(seed.rep, "accounts")
    assert "was not saved" in shown(turn) and line in shown(turn)
    assert "Baoshan" in shown(turn)  # the accounts list ran
    assert count(app, tables.PendingDraftRow) == 0


def test_an_unclear_answer_to_save_asks_again_in_chinese(world: tuple[App, Seed]) -> None:
    app, seed = world
    rep = app.users.update_settings(seed.rep, locale=Locale.ZH_HANS)
    chat = TextChat(app, TEXT)
    first = chat.handle(rep, "承诺 宝钢 周五前 送样")
    assert first.confirm and first.question == "保存吗？请回答 是、修改 或 否。"
    again = chat.handle(rep, "也许")
    assert again.confirm and "回答 是 保存" in shown(again)
    assert chat.handle(rep, "好").saved


def test_a_rep_adds_an_account_from_chat_or_at_which_account(world: tuple[App, Seed]) -> None:
    app, seed = world
    chat = TextChat(app, TEXT)
    made = chat.handle(seed.rep, "account new Ningbo Port")
    assert "New account, yours: Ningbo Port" in shown(made)
    account = app.accounts.resolve("Ningbo Port")
    assert (account.owner_id, account.team_id, account.tier.value) == (seed.rep.id, seed.team.id, "B")
    turn = chat.handle(seed.rep, "visit Zhoushan Shipyard met Chen Jie")
    assert turn.question is not None and turn.question.startswith("Which account?")
    listed = chat.handle(seed.rep, "accounts")  # a list, not an account called "accounts"
    assert "Baoshan" in shown(listed) and "Ningbo Port" in shown(listed)
    assert listed.question is not None and listed.question.startswith("Which account?")
    turn = chat.handle(seed.rep, "new Zhoushan Shipyard")
    assert "New account, yours: Zhoushan Shipyard" in shown(turn) and turn.confirm
    assert chat.handle(seed.rep, "yes").saved
    with app.uow() as uow:
        created = [e for e in uow.repo.audit_entries(actor_id=seed.rep.id) if e.entity == "account"]
    assert [e.action for e in created] == ["created", "created"]
    refused = chat.handle(seed.rep, "客户 新建 Ningbo Port")
    assert "exists already" in shown(refused) or "已存在" in shown(refused)


def test_a_refused_answer_says_why_and_the_question_names_its_field(world: tuple[App, Seed]) -> None:
    app, seed = world
    chat = TextChat(app, TEXT)
    turn = chat.handle(seed.rep, "stock Baosteel widget-42 80 cases share 150%")
    assert turn.question == "Our share of widget-42's stock, in % (0 to 100)?"
    again = chat.handle(seed.rep, "y")  # not a number: said, asked again, nothing raised
    assert "y" in shown(again) and again.question == turn.question
    over = chat.handle(seed.rep, "120")
    assert over.question == turn.question and "100" in shown(over)
    assert chat.handle(seed.rep, "35%").confirm
    assert chat.handle(seed.rep, "yes").saved
