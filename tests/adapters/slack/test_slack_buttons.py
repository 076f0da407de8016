"""Buttons in messages, on the Home tab and in modals; the account card and its decision chain."""

from __future__ import annotations

from datetime import date

from factories import add_account
from slack_harness import (
    RITA,
    SlackDriver,
    blocks_of,
    slack_fixture,  # noqa: F401
    texts,
    view_of,
)

from kam_bot.bootstrap import App
from kam_bot.domain.enums import PromiseDirection, PromiseStatus
from kam_bot.domain.models import Promise
from kam_bot.services.inputs import PromiseInput


def _promise(slack: SlackDriver, text: str = "send the quote", due: date = date(2026, 11, 23)) -> Promise:
    data = PromiseInput(text=text, due_date=due, direction=PromiseDirection.OURS)
    return slack.app.promises.add(slack.seed.rep, slack.seed.baosteel.id, data)


def _get(app: App, promise_id: int) -> Promise:
    with app.uow() as uow:
        found = uow.repo.get(Promise, promise_id)
    assert found is not None
    return found


async def test_done_in_a_reminder_updates_that_message_in_place(slack: SlackDriver) -> None:
    promise = _promise(slack)
    other = _promise(slack, "visit the plant")
    reminder = [
        {"type": "section", "block_id": "head", "text": {"type": "mrkdwn", "text": "Due today"}},
        {
            "type": "actions",
            "block_id": f"promise:{promise.id}-0",
            "elements": [
                {
                    "type": "button",
                    "action_id": f"promise.done:{promise.id}",
                    "value": str(promise.id),
                    "text": {"type": "plain_text", "text": "Done"},
                }
            ],
        },
        {
            "type": "actions",
            "block_id": f"promise:{other.id}-0",
            "elements": [
                {
                    "type": "button",
                    "action_id": f"promise.done:{other.id}",
                    "value": str(other.id),
                    "text": {"type": "plain_text", "text": "Done"},
                }
            ],
        },
    ]
    message = {"type": "message", "ts": "1700000050.000100", "text": "Your promises", "blocks": reminder}
    response = await slack.press(
        f"promise.done:{promise.id}",
        str(promise.id),
        message=message,
        block_id=f"promise:{promise.id}-0",
        channel="D_RITA",
    )
    assert response.status == 200
    [update] = await slack.calls("chat.update")
    assert (update.args["channel"], update.args["ts"]) == ("D_RITA", "1700000050.000100")
    blocks = blocks_of(update)
    assert blocks[0] == reminder[0] and blocks[2] == reminder[2]  # the rest is kept
    assert blocks[1]["type"] == "context" and blocks[1]["elements"][0]["text"] == "✅ Done by Rita Rep"
    assert _get(slack.app, promise.id).status is PromiseStatus.DONE
    assert _get(slack.app, other.id).status is PromiseStatus.OPEN
    [home] = await slack.calls("views.publish")
    assert home.args["user_id"] == RITA


async def test_snooze_from_home_refreshes_home(slack: SlackDriver) -> None:
    promise = _promise(slack)
    await slack.press(f"promise.snooze_3:{promise.id}", str(promise.id))
    [published] = await slack.calls("views.publish")
    assert _get(slack.app, promise.id).snoozed_until == date(2026, 11, 26)
    assert "snoozed until" in texts(view_of(published))
    assert slack.fake.calls_to("chat.update") == []


async def test_card_buttons_open_and_push_modals(slack: SlackDriver) -> None:
    response = await slack.command("/account", "Baosteel")
    assert response.status == 200
    [card] = await slack.responses()
    blocks = card.args["blocks"]
    baosteel = slack.seed.baosteel.id
    assert "Baoshan Iron &amp; Steel" in texts(blocks) or "Baoshan Iron & Steel" in texts(blocks)
    actions = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert actions == [f"visit.start:{baosteel}", f"promise.start:{baosteel}", f"account.contacts:{baosteel}"]

    await slack.press(f"account.open:{baosteel}", str(baosteel))
    card_view = view_of((await slack.calls("views.open"))[0])
    assert card_view["callback_id"] == "account"
    await slack.press(f"visit.start:{baosteel}", str(baosteel), view={**card_view, "id": "V_CARD"})
    [pushed] = await slack.calls("views.push")
    visit = view_of(pushed)
    assert visit["callback_id"] == "visit"
    assert f"contacts:{baosteel}" in texts(visit)


async def test_personal_notes_only_for_those_who_may_read_them(slack: SlackDriver) -> None:
    baosteel = slack.seed.baosteel.id
    await slack.press(f"account.contacts:{baosteel}", str(baosteel))
    owner_view = view_of((await slack.calls("views.open"))[0])
    assert "plays go" in texts(owner_view)

    with slack.app.uow() as uow:  # Tom, same team, not the owner: reads the account, not the notes
        uow.repo.link_identity(slack.seed.teammate.id, "slack", "U_TOM")
        uow.commit()
    await slack.press(f"account.contacts:{baosteel}", str(baosteel), user="U_TOM")
    teammate_view = view_of((await slack.calls("views.open", 2))[1])
    assert "Wang Lei" in texts(teammate_view) and "plays go" not in texts(teammate_view)


async def test_ambiguous_account_offers_buttons(slack: SlackDriver) -> None:
    north = add_account(slack.app, "Acme North", slack.seed.rep)
    south = add_account(slack.app, "Acme South", slack.seed.rep)
    await slack.command("/account", "Acme")
    [reply] = await slack.responses()
    buttons = [e for b in reply.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert {b["action_id"] for b in buttons} == {f"account.open:{north.id}", f"account.open:{south.id}"}
    assert "Several accounts match" in texts(reply.args["blocks"])


async def test_reopen_and_add_a_promise_from_the_card(slack: SlackDriver) -> None:
    promise = _promise(slack)
    slack.app.promises.complete(slack.seed.rep, promise.id)
    message = {"type": "message", "ts": "1700000060.000100", "text": "Done", "blocks": [
        {"type": "actions", "block_id": "undo", "elements": [
            {"type": "button", "action_id": f"promise.reopen:{promise.id}", "value": str(promise.id),
             "text": {"type": "plain_text", "text": "Undo"}}]}]}  # fmt: skip
    await slack.press(f"promise.reopen:{promise.id}", str(promise.id), message=message, block_id="undo")
    [update] = await slack.calls("chat.update")
    assert blocks_of(update)[0]["elements"][0]["text"] == "↩️ Reopened by Rita Rep"
    assert _get(slack.app, promise.id).status is PromiseStatus.OPEN

    baosteel = slack.seed.baosteel.id
    await slack.press(f"promise.start:{baosteel}", str(baosteel))
    view = view_of((await slack.calls("views.open"))[0])
    assert view["callback_id"] == "promise"
    assert f'"value": "{baosteel}"' in texts(view)
