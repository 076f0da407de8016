"""/kam: help, my promises, my day, and the settings modal (with the digest channels for admins)."""

from __future__ import annotations

from datetime import date, time

from slack_harness import (
    ADA,
    RITA,
    SlackDriver,
    input_block,
    slack_fixture,  # noqa: F401
    texts,
    view_of,
)

from kam_bot.domain.enums import Locale, PromiseDirection
from kam_bot.domain.models import Team
from kam_bot.services.inputs import PromiseInput


async def test_help_and_my_promises(slack: SlackDriver) -> None:
    await slack.command("/kam", "")
    [help_reply] = await slack.responses()
    assert "/visit" in texts(help_reply.args) and help_reply.args["response_type"] == "ephemeral"

    for text, direction in (
        ("send the quote", PromiseDirection.OURS),
        ("send the PO", PromiseDirection.THEIRS),
    ):
        slack.app.promises.add(
            slack.seed.rep,
            slack.seed.baosteel.id,
            PromiseInput(text=text, direction=direction, due_date=date(2026, 11, 25)),
        )
    await slack.command("/kam", "promises")
    [_, listed] = await slack.responses(2)
    blocks = listed.args["blocks"]
    assert "We promised" in texts(blocks) and "They promised" in texts(blocks)
    done_buttons = [
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("promise.done:")
    ]
    assert len(done_buttons) == 2 and len(blocks) <= 50


async def test_kam_today_answers_with_my_day(slack: SlackDriver) -> None:
    slack.app.promises.add(
        slack.seed.rep,
        slack.seed.baosteel.id,
        PromiseInput(text="send the <!channel> quote", due_date=date(2026, 11, 25)),
    )
    await slack.command("/kam", "today")
    [reply] = await slack.responses()
    shown = texts(reply.args)
    assert "My day" in shown and "Planned visits" in shown
    assert "send the &lt;!channel&gt; quote" in shown and "<!channel>" not in shown
    assert "China Petroleum &amp; Chemical Corporation" in shown  # Rita's other account, never visited


async def test_settings_modal_saves_each_setting(slack: SlackDriver) -> None:
    await slack.command("/kam", "settings")
    view = view_of((await slack.calls("views.open"))[0])
    assert view["callback_id"] == "settings"
    assert input_block(view, "reminder")["element"]["type"] == "timepicker"
    assert input_block(view, "away")["element"]["type"] == "datepicker"
    assert "team:" not in texts(view)  # reps see no channel settings

    zones = await slack.suggest("settings.timezone", "berl", block_id="timezone")
    assert [o["value"] for o in zones.json()["options"]] == ["Europe/Berlin"]

    bad = await slack.submit(view, changes={"timezone": {"selected_option": {"value": "Mars/Olympus"}}})
    assert set(bad.json()["errors"]) == {"timezone"}
    good = await slack.submit(
        view,
        changes={
            "timezone": {"selected_option": {"value": "Europe/Berlin"}},
            "locale": {"selected_option": {"value": "zh-Hans"}},
            "reminder": {"selected_time": "07:45"},
            "away": {"selected_date": "2026-12-24"},
        },
    )
    assert good.body == b""
    [confirmation] = await slack.responses()
    assert "时区 Europe/Berlin" in texts(confirmation.args)  # answered in the new language
    rita = slack.app.users.get(slack.seed.rep.id)
    assert (rita.timezone, rita.locale, rita.reminder_time, rita.away_until) == (
        "Europe/Berlin",
        Locale.ZH_HANS,
        time(7, 45),
        date(2026, 12, 24),
    )


async def test_admin_sets_a_team_digest_channel(slack: SlackDriver) -> None:
    await slack.command("/kam", "settings", user=ADA)
    view = view_of((await slack.calls("views.open"))[0])
    team = slack.seed.team
    assert input_block(view, f"team:{team.id}")["element"]["type"] == "conversations_select"
    await slack.submit(view, user=ADA, changes={f"team:{team.id}": {"selected_conversation": "CDIGEST42"}})
    await slack.responses()
    with slack.app.uow() as uow:
        saved = uow.repo.get(Team, team.id)
    assert saved is not None and saved.digest_destinations == {"slack": "CDIGEST42"}


async def test_text_settings_still_work(slack: SlackDriver) -> None:
    await slack.command("/kam", "settings tz Asia/Tokyo", user=RITA)
    [reply] = await slack.responses()
    assert "Asia/Tokyo" in texts(reply.args)
    assert slack.app.users.get(slack.seed.rep.id).timezone == "Asia/Tokyo"
