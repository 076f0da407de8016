"""Forged or foreign button clicks through signed Slack requests: "not yours" (or "no such
record") to the presser alone, the shared message left as it was, nothing changed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from slack_harness import SlackDriver, slack_fixture  # noqa: F401

from kam_bot.domain.enums import PromiseDirection, PromiseStatus
from kam_bot.domain.models import PriceObservation, Promise
from kam_bot.services.inputs import PriceInput, PromiseInput

MESSAGE = {"type": "message", "ts": "1700000050.000100", "text": "Team digest", "blocks": []}


def _foreign_promise(slack: SlackDriver) -> Promise:
    data = PromiseInput(text="send samples", due_date=date(2026, 11, 30), direction=PromiseDirection.OURS)
    return slack.app.promises.add(slack.seed.other_rep, slack.seed.haier.id, data)


def _status(slack: SlackDriver, promise_id: int) -> PromiseStatus:
    with slack.app.uow() as uow:
        found = uow.repo.get(Promise, promise_id)
    assert found is not None
    return found.status


@pytest.mark.parametrize("verb", ["done", "cancel", "reopen", "snooze_7"])
async def test_a_foreign_promise_button_in_a_channel_message_is_refused_to_the_presser_only(
    slack: SlackDriver, verb: str
) -> None:
    promise = _foreign_promise(slack)
    message = {
        **MESSAGE,
        "blocks": [
            {
                "type": "actions",
                "block_id": "p1",
                "elements": [{"type": "button", "action_id": f"promise.{verb}:{promise.id}", "value": "x"}],
            }
        ],
    }

    await slack.press(f"promise.{verb}:{promise.id}", str(promise.id), message=message, block_id="p1")

    [reply] = await slack.responses()
    assert f"Promise #{promise.id} is not yours" in reply.args["text"]
    assert reply.args["response_type"] == "ephemeral" and not reply.args.get("replace_original")
    await slack.settle()
    assert slack.fake.calls_to("chat.update") == []  # the shared message keeps its buttons
    assert _status(slack, promise.id) is PromiseStatus.OPEN


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 28, "1e3", "٣", ""])
async def test_a_forged_value_is_answered_as_no_such_promise(slack: SlackDriver, value: str) -> None:
    await slack.press("promise.done:1", value, message=MESSAGE)

    [reply] = await slack.responses()
    assert "There is no promise" in reply.args["text"]
    assert "went wrong" not in reply.args["text"]


@pytest.mark.parametrize("action", ["visit.start", "promise.start", "account.contacts"])
async def test_a_foreign_account_button_on_home_says_not_allowed_and_opens_nothing(
    slack: SlackDriver, action: str
) -> None:
    await slack.press(f"{action}:{slack.seed.haier.id}", str(slack.seed.haier.id))

    [dm] = await slack.calls("chat.postMessage")
    assert "That account is not yours" in dm.args["text"]
    await slack.settle()
    assert slack.fake.calls_to("views.open") == []


async def test_undo_of_someone_elses_price_is_refused_and_kept(slack: SlackDriver) -> None:
    obs, _ = slack.app.observations.record_price(
        slack.seed.other_rep,
        slack.seed.haier.id,
        PriceInput(product="widget", price=Decimal("4.2"), currency="USD"),
    )

    await slack.press(f"undo.price:{obs.id}", str(obs.id), message=MESSAGE)

    [reply] = await slack.responses()
    assert "That account is not yours" in reply.args["text"]
    with slack.app.uow() as uow:
        assert uow.repo.get(PriceObservation, obs.id) is not None
