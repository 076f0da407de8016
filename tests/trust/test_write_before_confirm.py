"""A user who may see an account but not write to it (a teammate's: COSCO is Tom's, Rita reads it
through their team) is told so when the line is read, before being asked to confirm: at the
console, when Slack's modal opens, on the Teams card. Nothing is saved."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from console_harness import ConsoleHarness
from factories import seed_team
from hostile import card_texts
from slack_harness import SlackDriver, start_slack, texts, view_of
from sqlalchemy import Engine
from teams_harness import start_teams

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale
from kam_bot.domain.models import InventoryObservation, PriceObservation, Promise, Visit

READ_ONLY = {
    Locale.EN: "may see this account but are not allowed to write to it",
    Locale.ZH_HANS: "你可以查看此客户，但不能写入",
}
LINES = {
    "visit": "visit COSCO met Li Wei; goal: trial order",
    "promise": "promise COSCO send the quote by Friday",
    "price": "price COSCO widget-42 4.20 USD/kg",
    "stock": "stock COSCO widget-42 12 t",
}


def _nothing_saved(app: App) -> bool:
    with app.uow() as uow:
        return all(uow.repo.count(m) == 0 for m in (Visit, Promise, PriceObservation, InventoryObservation))


@pytest.mark.parametrize("loc", [Locale.EN, Locale.ZH_HANS])
@pytest.mark.parametrize("command", list(LINES))
def test_console_says_read_only_before_save(app: App, command: str, loc: Locale) -> None:
    s = seed_team(app)
    rep = ConsoleHarness(app, app.users.update_settings(s.rep, locale=loc))

    out = rep.send(LINES[command])  # no answers: the question for another account ends it

    assert READ_ONLY[loc] in out
    assert not any("save" in p.lower() or "保存" in p for p in rep.prompts), rep.prompts
    assert _nothing_saved(app)


def test_console_takes_one_of_my_accounts_instead(app: App) -> None:
    s = seed_team(app)
    rep = ConsoleHarness(app, s.rep)
    out = rep.send(LINES["visit"], "Baosteel", "y")
    assert READ_ONLY[Locale.EN] in out and "saved" in out
    with app.uow() as uow:
        [visit] = uow.repo.all(Visit)
    assert visit.account_id == s.baosteel.id


@pytest.mark.parametrize("command", ["/visit", "/promise", "/price", "/stock"])
async def test_slack_modal_opens_with_the_refusal(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], command: str
) -> None:
    slack: SlackDriver = await start_slack(sqlite_engine, make_app)
    try:
        await slack.command(command, LINES[command.lstrip("/")].split(" ", 1)[1])
        view = view_of((await slack.calls("views.open"))[0])
        assert READ_ONLY[Locale.EN] in texts(view)
        assert _nothing_saved(slack.app)
    finally:
        await slack.close()


@pytest.mark.parametrize("command", list(LINES))
async def test_teams_card_shows_the_refusal(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], command: str
) -> None:
    teams = await start_teams(sqlite_engine, make_app)
    try:
        await teams.say(LINES[command])
        _, card = teams.last_card()
        shown = "\n".join(card_texts(card)).replace("\\", "")
        assert READ_ONLY[Locale.EN] in shown
        assert _nothing_saved(teams.app)
    finally:
        await teams.close()
