"""The walk-through an admin tries first, through Slack's real request handling: a visit typed
in Slack lands in Salesforce as one Event with its Tasks on the right Account, Done pressed in
the reminder DM completes the Task, and an account created in Salesforce shows in
``/kam accounts`` after a pull."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import FrozenClock
from fakes.salesforce_api import FakeSalesforce
from slack_harness import SlackDriver, slack_fixture, texts, view_of  # noqa: F401
from sqlalchemy import Engine

from kam_bot.bootstrap import App, bootstrap
from kam_bot.config import Settings
from kam_bot.crms import Configured
from kam_bot.domain.enums import PromiseDirection, PromiseStatus
from kam_bot.domain.models import Promise
from kam_bot.integrations.salesforce import crm as salesforce

from .conftest import jobs_of, sf_settings


@pytest.fixture
def make_app(clock: FrozenClock, fake_sf: FakeSalesforce) -> Callable[[Engine], App]:
    """The Slack harness's app, with Salesforce chosen (``CRM=salesforce``)."""

    def build(engine: Engine) -> App:
        configured = Configured(salesforce.REGISTRATION, sf_settings(fake_sf))
        return bootstrap(Settings(database_url=str(engine.url)), engine=engine, clock=clock, crm=configured)

    return build


def _ours(app: App) -> Promise:
    with app.uow() as uow:
        (ours,) = [p for p in uow.repo.all(Promise) if p.direction is PromiseDirection.OURS]
    return ours


async def test_a_visit_typed_in_slack_reaches_salesforce_and_done_completes_its_task(
    slack: SlackDriver, fake_sf: FakeSalesforce
) -> None:
    account = fake_sf.add("Account", Name=slack.seed.baosteel.name, Industry="Steel")
    rep = fake_sf.add("User", Name="Rita Rep", Email="rita@example.com", IsActive=True)
    jobs = jobs_of(slack.app)
    assert jobs.pull().owners_matched == 1

    line = "Baosteel met Li Wei; we promise quote by Friday; they promise PO in 2 weeks"
    await slack.command("/visit", line)
    [opened] = await slack.calls("views.open")
    submitted = await slack.submit(view_of(opened), view_id="V_VISIT_CRM")
    assert submitted.status == 200 and submitted.body == b""
    await slack.calls("chat.postMessage")  # the saved visit's DM
    jobs.push(lambda: False)

    (event,) = fake_sf.all("Event")
    assert event["WhatId"] == account and event["OwnerId"] == rep
    tasks = sorted(fake_sf.all("Task"), key=lambda task: str(task["Subject"]))
    assert [task["WhatId"] for task in tasks] == [account, account]
    assert [task["Status"] for task in tasks] == ["Not Started", "Not Started"]
    assert any("quote" in str(task["Subject"]) for task in tasks)
    assert any("Customer's promise" in str(task["Subject"]) for task in tasks)

    ours = _ours(slack.app)
    reminder = {
        "type": "message",
        "ts": "1700000050.000100",
        "text": "Your promises",
        "blocks": [
            {
                "type": "actions",
                "block_id": f"promise:{ours.id}-0",
                "elements": [
                    {
                        "type": "button",
                        "action_id": f"promise.done:{ours.id}",
                        "value": str(ours.id),
                        "text": {"type": "plain_text", "text": "Done"},
                    }
                ],
            }
        ],
    }
    pressed = await slack.press(
        f"promise.done:{ours.id}", str(ours.id), message=reminder, block_id=f"promise:{ours.id}-0"
    )
    assert pressed.status == 200
    await slack.calls("chat.update")
    assert _ours(slack.app).status is PromiseStatus.DONE
    jobs.push(lambda: False)

    (done,) = [task for task in fake_sf.all("Task") if "quote" in str(task["Subject"])]
    assert done["Status"] == "Completed" and done["IsClosed"] is True
    assert len(fake_sf.all("Event")) == 1 and len(fake_sf.all("Task")) == 2  # updated, not created again


async def test_an_account_created_in_salesforce_shows_in_kam_accounts_after_a_pull(
    slack: SlackDriver, fake_sf: FakeSalesforce
) -> None:
    rep = fake_sf.add("User", Name="Rita Rep", Email="rita@example.com", IsActive=True)
    fake_sf.add("Account", Name="Shougang Group", Industry="Steel", OwnerId=rep)

    await slack.command("/kam", "accounts shougang")
    [before] = await slack.responses()
    assert "Shougang Group" not in texts(before.args["blocks"])

    jobs_of(slack.app).pull()
    slack.fake.clear()
    await slack.command("/kam", "accounts shougang")
    [after] = await slack.responses()
    assert "Shougang Group" in texts(after.args["blocks"])
