"""`/kam settings team …` over signed Slack requests: an admin changes a team's digest language;
a rep is told only admins may."""

from __future__ import annotations

from slack_harness import ADA, SlackDriver, slack_fixture, texts  # noqa: F401

from kam_bot.domain.enums import Locale


async def test_an_admin_sets_the_digest_language_and_a_rep_is_refused(slack: SlackDriver) -> None:
    await slack.command("/kam", "settings team Steel East lang zh", user=ADA)
    [done] = await slack.responses()
    shown = texts(done.args)
    assert "Steel East: time zone Asia/Shanghai · digest language zh-Hans (set by an admin)" in shown
    assert done.args["response_type"] == "ephemeral"

    await slack.command("/kam", "settings team Steel East lang en", response="r2")
    [_, refused] = await slack.responses(2)
    assert "Only admins may see or change a team's settings." in texts(refused.args)
    [team] = [t for t in slack.app.users.teams() if t.name == "Steel East"]
    assert team.locale is Locale.ZH_HANS
