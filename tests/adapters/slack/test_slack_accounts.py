"""``/kam accounts [TEXT]``: the same list as the console's ``accounts``, with buttons to open each."""

from __future__ import annotations

import json

from factories import add_contact
from slack_harness import (
    SlackDriver,
    input_block,
    slack_fixture,  # noqa: F401
    texts,
    view_of,
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


async def test_a_titled_surname_in_visit_picks_the_known_contact_or_lists_all(
    slack: SlackDriver,
) -> None:
    await slack.command("/visit", "Baosteel met Mr Wang")
    view = view_of((await slack.calls("views.open"))[0])
    assert "Wang Lei" in json.dumps(view, ensure_ascii=False)  # the known contact, preselected
    assert "new_contact_name:0" not in json.dumps(view) or (
        input_block(view, "new_contact_name:0")["element"].get("initial_value") != "Mr Wang"
    )
    add_contact(slack.app, slack.seed.baosteel, "王芳", title="采购")
    slack.fake.clear()
    await slack.command("/visit", "Baosteel met 王总")
    view = view_of((await slack.calls("views.open"))[0])
    assert "1) Wang Lei, 2) 王芳" in texts(view["blocks"])  # both fit: the rep picks in the form
