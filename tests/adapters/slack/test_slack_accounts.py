"""``/kam accounts [TEXT]``: the same list as the console's ``accounts``, with buttons to open each."""

from __future__ import annotations

from slack_harness import (
    SlackDriver,
    slack_fixture,  # noqa: F401
    texts,
)


async def test_kam_accounts_lists_mine_and_finds_by_text(slack: SlackDriver) -> None:
    await slack.command("/kam", "accounts")
    [mine] = await slack.responses()
    listed = texts(mine.args["blocks"])
    assert "Your accounts" in listed
    assert "Tier A" in listed and "never visited" in listed
    buttons = [e["action_id"] for b in mine.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert f"account.open:{slack.seed.baosteel.id}" in buttons

    slack.fake.clear()
    await slack.command("/kam", "accounts sino")
    [found] = await slack.responses()
    assert "Accounts matching" in texts(found.args["blocks"])
    assert "China Petroleum" in texts(found.args["blocks"])
    assert "Baoshan" not in texts(found.args["blocks"])
