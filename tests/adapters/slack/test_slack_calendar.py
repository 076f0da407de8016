"""/kam calendar: a team's working days from Slack (signed requests through Bolt)."""

from __future__ import annotations

from slack_harness import ADA, SlackDriver, slack_fixture, texts  # noqa: F401


async def test_an_admin_sets_china_and_a_rep_sees_the_make_up_day_and_spring_festival(
    slack: SlackDriver,
) -> None:
    await slack.command("/kam", "calendar set --team Steel East --country CN", user=ADA)
    [reply] = await slack.responses()
    assert "Steel East now follows: country CN · weekend Sat, Sun." in texts(reply.args)
    await slack.command("/kam", "calendar show --from 2026-02-14 --to 2026-02-17")
    _, reply = await slack.responses(2)
    shown = texts(reply.args)
    assert "Sat 14 Feb 2026" in shown and "make-up working day" in shown
    assert "Chinese New Year (Spring Festival)" in shown


async def test_a_rep_is_told_only_admins_change_it(slack: SlackDriver) -> None:
    await slack.command("/kam", "calendar set --team Steel East --country CN")
    [reply] = await slack.responses()
    assert "Only admins change a team's calendar" in texts(reply.args)


async def test_a_promise_due_on_thanksgiving_is_saved_for_that_day_and_the_reply_says_it_is_off(
    slack: SlackDriver,
) -> None:
    await slack.command("/kam", "calendar set --team Steel East --country US", user=ADA)
    await slack.responses()
    await slack.command("/promise", "Baosteel send the quote by Thursday")
    _, reply = await slack.responses(2)
    assert "Thu 26 Nov 2026" in texts(reply.args) and "(a day off: Thanksgiving Day)" in texts(reply.args)
