"""/promise, /price, /stock and the "Save as promise" message shortcut."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from slack_harness import (
    RITA,
    SlackDriver,
    blocks_of,
    input_block,
    slack_fixture,  # noqa: F401
    texts,
    view_of,
)

from kam_bot.bootstrap import App
from kam_bot.domain.enums import PromiseStatus
from kam_bot.domain.models import InventoryObservation, PriceObservation, Promise


def _all(app: App, model: type) -> list:
    with app.uow() as uow:
        return uow.repo.all(model)


def _buttons(blocks: list[dict]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def test_complete_promise_is_saved_at_once_with_undo(slack: SlackDriver) -> None:
    response = await slack.command("/promise", "Baosteel send the quote by Friday")
    assert response.status == 200
    [reply] = await slack.responses()
    [promise] = _all(slack.app, Promise)
    assert (promise.text, promise.due_date) == ("send the quote", date(2026, 11, 27))
    assert reply.args["response_type"] == "ephemeral"
    assert _buttons(reply.args["blocks"]) == [f"promise.cancel:{promise.id}"]
    assert slack.fake.calls_to("views.open") == []

    await slack.press(f"promise.cancel:{promise.id}", str(promise.id), ephemeral=True, channel="C_SALES")
    [_, undone] = await slack.responses(2)
    assert undone.args["replace_original"] is True
    assert "Cancelled" in texts(undone.args)
    [cancelled] = _all(slack.app, Promise)
    assert cancelled.status is PromiseStatus.CANCELLED


async def test_incomplete_promise_opens_a_prefilled_modal(slack: SlackDriver) -> None:
    await slack.command("/promise", "Baosteel send the quote")
    [opened] = await slack.calls("views.open")
    view = view_of(opened)
    assert view["callback_id"] == "promise"
    assert input_block(view, "text")["element"]["initial_value"] == "send the quote"
    assert input_block(view, "account")["element"]["initial_option"]["value"] == str(slack.seed.baosteel.id)
    assert "When is it due?" in texts(view)
    assert _all(slack.app, Promise) == []

    missing = await slack.submit(view, view_id="V_P1")
    assert set(missing.json()["errors"]) == {"due"}
    done = await slack.submit(view, view_id="V_P1", changes={"due": {"selected_date": "2026-12-01"}})
    assert done.status == 200 and done.body == b""
    [reply] = await slack.responses()  # back where /promise was typed, through its response_url
    assert reply.method == "r1" and "send the quote" in texts(reply.args)
    [promise] = _all(slack.app, Promise)
    assert promise.due_date == date(2026, 12, 1)

    again = await slack.submit(view, view_id="V_P1", changes={"due": {"selected_date": "2026-12-01"}})
    assert again.status == 200
    await slack.settle()
    assert len(_all(slack.app, Promise)) == 1  # a double submit saves once


async def test_price_saved_then_undone(slack: SlackDriver) -> None:
    await slack.command("/price", "Baosteel widget-42 4.20 USD/kg")
    [reply] = await slack.responses()
    [obs] = _all(slack.app, PriceObservation)
    assert (obs.product, obs.price, obs.currency, obs.unit) == ("widget-42", Decimal("4.2"), "USD", "kg")
    assert _buttons(reply.args["blocks"]) == [f"undo.price:{obs.id}"]
    await slack.press(f"undo.price:{obs.id}", str(obs.id), ephemeral=True)
    await slack.responses(2)
    assert _all(slack.app, PriceObservation) == []


async def test_price_without_currency_asks_for_it_in_a_modal(slack: SlackDriver) -> None:
    await slack.command("/price", "Baosteel widget-42 4.20")
    view = view_of((await slack.calls("views.open"))[0])
    assert view["callback_id"] == "price"
    assert input_block(view, "price")["element"]["initial_value"] == "4.20"
    assert "Which currency?" in input_block(view, "currency")["hint"]["text"]
    bad = await slack.submit(view, changes={"price": {"value": "four"}, "currency": {"value": "CNY"}})
    assert set(bad.json()["errors"]) == {"price"}
    good = await slack.submit(view, changes={"currency": {"value": "cny"}})
    assert good.body == b""
    await slack.responses()
    [obs] = _all(slack.app, PriceObservation)
    assert (obs.price, obs.currency) == (Decimal("4.2"), "CNY")


async def test_stock_needs_a_number(slack: SlackDriver) -> None:
    await slack.command("/stock", "Baosteel widget-42 lots")
    view = view_of((await slack.calls("views.open"))[0])
    assert view["callback_id"] == "stock"
    response = await slack.submit(view, changes={"quantity": {"value": "plenty"}, "share": {"value": "130"}})
    assert set(response.json()["errors"]) == {"quantity", "share"}
    saved = await slack.submit(
        view, changes={"product": {"value": "widget-42"}, "quantity": {"value": "1,200"}}
    )
    assert saved.body == b""
    await slack.responses()
    [obs] = _all(slack.app, InventoryObservation)
    assert obs.quantity == Decimal("1200")


@pytest.mark.parametrize(
    ("name", "said"),
    [("Haier", "not allowed to write"), ("COSCO", "may see this account but are not allowed to write to it")],
)
async def test_entry_for_an_account_one_may_not_write_is_refused_before_and_on_the_account(
    slack: SlackDriver, name: str, said: str
) -> None:
    """Haier is another team's (not even readable); COSCO a teammate's (readable, not writable)."""
    await slack.command("/promise", f"{name} call back")
    view = view_of((await slack.calls("views.open"))[0])
    assert said in texts(view)  # told when the modal opens, before anything is confirmed
    account = slack.seed.haier if name == "Haier" else slack.seed.cosco
    picked = {"selected_option": {"value": str(account.id), "text": {"type": "plain_text", "text": name}}}
    response = await slack.submit(view, changes={"due": {"selected_date": "2026-12-01"}, "account": picked})
    assert said in response.json()["errors"]["account"]
    assert _all(slack.app, Promise) == []


async def test_save_as_promise_shortcut_prefills_from_the_message(slack: SlackDriver) -> None:
    payload = {
        "type": "message_action",
        "callback_id": "save_as_promise",
        "trigger_id": slack.trigger(),
        "team": {"id": "T1"},
        "user": slack.user(RITA),
        "channel": {"id": "CDEALS01", "name": "deals"},
        "message": {
            "type": "message",
            "user": "U_BOSS",
            "ts": "1700000000.000200",
            "text": "Baosteel they promise the PO by Friday",
        },
        "response_url": slack.fake.response_url("r9"),
        "message_ts": "1700000000.000200",
    }
    response = await slack.interact(payload)
    assert response.status == 200
    view = view_of((await slack.calls("views.open"))[0])
    assert view["callback_id"] == "promise"
    assert input_block(view, "due")["element"]["initial_date"] == "2026-11-27"
    assert input_block(view, "direction")["element"]["initial_option"]["value"] == "theirs"
    assert "<#CDEALS01>" in texts(view)
    await slack.submit(view)
    [reply] = await slack.responses()
    assert reply.method == "r9"
    [promise] = _all(slack.app, Promise)
    assert promise.direction.value == "theirs"


async def test_stock_saved_then_undone_from_a_dm(slack: SlackDriver) -> None:
    await slack.command("/stock", "Baosteel widget-42 120 cases slow")
    [reply] = await slack.responses()
    [obs] = _all(slack.app, InventoryObservation)
    assert _buttons(reply.args["blocks"]) == [f"undo.stock:{obs.id}"]
    shown = [{**b, "block_id": f"auto{i}"} for i, b in enumerate(reply.args["blocks"])]  # Slack names blocks
    message = {"type": "message", "ts": "1700000070.000100", "text": "Stock saved", "blocks": shown}
    block_id = next(b["block_id"] for b in shown if b["type"] == "actions")
    await slack.press(f"undo.stock:{obs.id}", str(obs.id), message=message, block_id=block_id)
    [update] = await slack.calls("chat.update")
    assert "↩️ Undone by Rita Rep" in texts(blocks_of(update))
    assert _all(slack.app, InventoryObservation) == []
