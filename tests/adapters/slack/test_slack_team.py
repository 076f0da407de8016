"""/kam team: the manager's view, refused to reps, each section with Open buttons to its accounts."""

from __future__ import annotations

from datetime import date

from slack_harness import ADA, SlackDriver, slack_fixture, texts  # noqa: F401

from kam_bot.services.inputs import PromiseInput


async def test_a_rep_is_refused(slack: SlackDriver) -> None:
    await slack.command("/kam", "team")
    [reply] = await slack.responses()
    assert "The team view is for managers and admins." in texts(reply.args)


async def test_an_admin_sees_the_named_team_with_open_buttons(slack: SlackDriver) -> None:
    slack.app.promises.add(
        slack.seed.rep,
        slack.seed.baosteel.id,
        PromiseInput(text="send the quote", due_date=date(2026, 11, 20)),
    )
    await slack.command("/kam", "team Steel East", user=ADA)
    [reply] = await slack.responses()
    shown = texts(reply.args)
    assert "Team Steel East" in shown and "Accounts at risk (tier A first)" in shown
    assert "Rita Rep: 1 overdue, oldest 3 days" in shown and "send the quote" in shown
    assert "Coverage gaps" in shown and "nobody known as: decision maker, coach" in shown
    opens = [
        e for b in reply.args["blocks"] if b["type"] == "actions" for e in b["elements"]
        if e["action_id"].startswith("account.open")
    ]  # fmt: skip
    assert {e["value"] for e in opens} >= {str(slack.seed.baosteel.id)}
    assert len(reply.args["blocks"]) <= 50
