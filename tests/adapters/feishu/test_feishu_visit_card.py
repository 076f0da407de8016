"""``visit …`` in the 1:1 chat answers with the visit form as a card with real inputs, prefilled
from the line; Save writes once (a double click too), a refused Save marks every field to fix
at once and keeps everything typed; promise, price and stock lines save at once with Undo."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime

import pytest
from conftest import FrozenClock
from feishu_cards import assert_valid, button, buttons, form_value, inputs, marked, texts
from feishu_harness import FeishuDriver, start_feishu
from sqlalchemy import Engine

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import PromiseDirection, PromiseStatus

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
LINE = (
    "visit Baosteel met Li Wei (purchasing) and Wang Lei; goal: trial order - partly; "
    "we promise quote by 2026-11-27; they promise PO by 2026-12-05; price widget-42 4.20 USD/kg"
)


def all_of(app: App, model: type[m.E]) -> list[m.E]:  # type: ignore[name-defined]
    with app.uow() as uow:
        return uow.repo.all(model)


@pytest.fixture(params=["http", "websocket"])
async def feishu(
    request: pytest.FixtureRequest,
    sqlite_engine: Engine,
    make_app: Callable[[Engine], App],
    clock: FrozenClock,
) -> AsyncIterator[FeishuDriver]:
    clock.now = MONDAY
    driver = await start_feishu(sqlite_engine, make_app, clock, mode=request.param)
    yield driver
    await driver.close()


async def test_visit_answers_with_a_form_card_prefilled_from_the_line(feishu: FeishuDriver) -> None:
    card = (await feishu.say(LINE)).card
    assert_valid(card)
    fields = inputs(card)
    assert fields["account"]["tag"] == "select_static"
    assert fields["account"]["initial_option"] == str(feishu.seed.baosteel.id)
    assert fields["goal"]["default_value"] == "trial order"
    assert fields["goal_reached"]["initial_option"] == "partly"
    assert fields["promise_text__0"]["default_value"] == "quote"
    assert fields["promise_due__0"] == {
        **fields["promise_due__0"],
        "tag": "date_picker",
        "initial_date": "2026-11-27",
    }
    assert fields["promise_direction__1"]["initial_option"] == "theirs"
    assert fields["new_contact_name__0"]["default_value"] == "Li Wei"
    assert fields["prices"]["default_value"] == "widget-42 4.2 USD/kg"
    assert all_of(feishu.app, m.Visit) == []  # nothing is written before Save


async def test_save_writes_once_even_on_a_double_click(feishu: FeishuDriver) -> None:
    posted = await feishu.say(LINE)
    save, values = button(posted.card, "form.submit"), form_value(posted.card)
    confirmation = await feishu.press(posted, save, values)
    assert_valid(confirmation)
    assert "Baoshan Iron & Steel" in texts(confirmation).replace("&amp;", "&")
    again = await feishu.press(posted, save, values)  # the second click of a double click
    assert "已保存过" in texts(again)
    [visit] = all_of(feishu.app, m.Visit)
    assert visit.goal == "trial order"
    promises = sorted(all_of(feishu.app, m.Promise), key=lambda p: p.due_date)
    assert [(p.text, p.direction, p.due_date) for p in promises] == [
        ("quote", PromiseDirection.OURS, date(2026, 11, 27)),
        ("PO", PromiseDirection.THEIRS, date(2026, 12, 5)),
    ]
    assert len(all_of(feishu.app, m.PriceObservation)) == 1


async def test_every_refused_field_is_marked_at_once_and_the_typing_kept(feishu: FeishuDriver) -> None:
    posted = await feishu.say(LINE)
    values = form_value(
        posted.card, promise_due__0="", next_visit_date="2026-11-01 +0800", prices="widget-42 lots"
    )
    again = await feishu.press(posted, button(posted.card, "form.submit"), values)
    assert_valid(again)
    shown = marked(again)
    assert {"promise_due__0", "next_visit_date", "prices"} <= set(shown), shown
    fields = inputs(again)
    assert fields["promise_text__0"]["default_value"] == "quote"
    assert fields["prices"]["default_value"] == "widget-42 lots"
    assert fields["goal"]["default_value"] == "trial order"
    assert all_of(feishu.app, m.Visit) == []
    fixed = form_value(
        again, promise_due__0="2026-11-27 +0800", next_visit_date="2026-12-01 +0800", prices=""
    )
    saved = await feishu.press(posted, button(again, "form.submit"), fixed)
    assert "已保存过" not in texts(saved) and len(all_of(feishu.app, m.Visit)) == 1


async def test_a_complete_promise_saves_at_once_with_undo(feishu: FeishuDriver) -> None:
    posted = await feishu.say("promise Baosteel send samples by 2026-11-27")
    assert_valid(posted.card)
    [promise] = all_of(feishu.app, m.Promise)
    after = await feishu.press(posted, button(posted.card, "promise.cancel"))  # its Undo
    assert_valid(after)
    [cancelled] = all_of(feishu.app, m.Promise)
    assert cancelled.id == promise.id and cancelled.status is PromiseStatus.CANCELLED


async def test_an_incomplete_price_line_answers_with_its_form(feishu: FeishuDriver) -> None:
    posted = await feishu.say("price Baosteel widget-42")
    assert_valid(posted.card)
    assert "form.submit" in [b["action"] for b in buttons(posted.card)]
    assert all_of(feishu.app, m.PriceObservation) == []
