"""A NUL byte and an absurd due date through every surface (console, Slack, Teams), on SQLite
and PostgreSQL: the NUL is dropped and the record saved; ``by 0001-01-01`` / ``by 9999-12-31`` is
asked about (never saved at once) and refused at Save, naming the due date.

PostgreSQL refuses NUL in text: before, a visit with one answered "Something went wrong on my
side" and a promise due 0001-01-01 was saved as "overdue 739956 d".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from adapters.teams.card_schema import inputs, submitted
from adapters.teams.card_schema import texts as card_texts
from console_harness import ConsoleHarness
from factories import seed_team
from slack_harness import input_block, start_slack, texts, view_of
from sqlalchemy import Engine
from teams_harness import start_teams

from kam_bot.bootstrap import App
from kam_bot.domain import models as m

FAR = ["0001-01-01", "9999-12-31", "2031-12-31"]
"""Before a year ago, the last day there is, and just over five years ahead of 23 Nov 2026."""
OUT_OF_RANGE = "too far from today"


def all_of(app: App, model: type[Any]) -> list[Any]:
    with app.uow() as uow:
        return list(uow.repo.all(model))


def no_nul(app: App) -> None:
    """Nothing stored anywhere holds a NUL."""
    for model in (m.Visit, m.Promise, m.Contact, m.PriceObservation, m.InventoryObservation):
        for row in all_of(app, model):
            assert "\x00" not in repr(row.model_dump() if hasattr(row, "model_dump") else vars(row))


# -- console ------------------------------------------------------------------------------


def test_console_saves_lines_with_a_nul_without_it(app: App) -> None:
    rep = ConsoleHarness(app, seed_team(app).rep)
    out = rep.send(
        "visit Baosteel met Li Wei\x00; summary trial\x00 order agreed; we promise quote\x00 by Friday", "y"
    )
    assert "saved" in out and "went wrong" not in out
    assert rep.send("promise Baosteel call\x00 Li by Friday", "y").count("saved") >= 1
    assert "saved" in rep.send("price Baosteel widget\x00-42 4.20 USD/kg", "y")
    assert "saved" in rep.send("stock Baosteel widget-42 12\x00 t", "y")
    assert "Baoshan" in rep.send("accounts Bao\x00")
    [visit] = all_of(app, m.Visit)
    assert visit.summary == "trial order agreed"
    assert {p.text for p in all_of(app, m.Promise)} == {"quote", "call Li"}
    assert "Li Wei" in {c.name for c in all_of(app, m.Contact)}
    assert [p.product for p in all_of(app, m.PriceObservation)] == ["widget-42"]
    no_nul(app)


@pytest.mark.parametrize("far", FAR)
def test_console_asks_about_an_absurd_due_date_and_saves_the_fixed_one(app: App, far: str) -> None:
    rep = ConsoleHarness(app, seed_team(app).rep)
    out = rep.send(f"promise Baosteel quote by {far}")
    assert OUT_OF_RANGE in out and f"you typed: {far}" in out
    assert not any("Save?" in p for p in rep.prompts)  # asked about, never offered for saving
    assert all_of(app, m.Promise) == []
    out = rep.send(f"visit Baosteel met Li Wei; we promise quote by {far}")
    assert OUT_OF_RANGE in out and all_of(app, m.Visit) == []
    rep.send(f"promise Baosteel quote by {far}", "Friday", "y")
    [promise] = all_of(app, m.Promise)
    assert promise.due_date == date(2026, 11, 27)


# -- Slack ----------------------------------------------------------------------------------


async def test_slack_saves_a_nul_free_promise_and_asks_about_a_far_due_date(
    engine: Engine, make_app: Callable[[Engine], App]
) -> None:
    slack = await start_slack(engine, make_app)
    try:
        await slack.command("/promise", "Baosteel send the quote\x00 by Friday")
        await slack.responses()
        [promise] = all_of(slack.app, m.Promise)
        assert promise.text == "send the quote"

        await slack.command("/promise", "Baosteel call Li by 9999-12-31")
        [opened] = await slack.calls("views.open")  # not saved at once: the form asks
        view = view_of(opened)
        assert OUT_OF_RANGE in texts(view)
        assert len(all_of(slack.app, m.Promise)) == 1
        refused = await slack.submit(view, changes={"due": {"selected_date": "9999-12-31"}})
        assert "too far" in refused.json()["errors"]["due"]
        saved = await slack.submit(view, view_id="V2", changes={"due": {"selected_date": "2026-12-04"}})
        assert saved.status == 200
        await slack.settle()
        assert sorted(p.due_date for p in all_of(slack.app, m.Promise)) == [
            date(2026, 11, 27),
            date(2026, 12, 4),
        ]
    finally:
        await slack.close()


async def test_slack_visit_form_with_a_nul_saves_and_a_far_due_date_is_refused_on_its_field(
    engine: Engine, make_app: Callable[[Engine], App]
) -> None:
    slack = await start_slack(engine, make_app)
    try:
        await slack.command("/visit", "Baosteel met Li Wei; goal: trial; we promise quote by Friday")
        view = view_of((await slack.calls("views.open"))[0])
        due = next(b["block_id"].split("~")[0] for b in view["blocks"] if "due" in b.get("block_id", ""))
        far = await slack.submit(view, changes={due: {"selected_date": "0001-01-01"}})
        assert any("too far" in e for e in far.json()["errors"].values())
        assert all_of(slack.app, m.Visit) == []
        summary = input_block(view, "summary")["block_id"].split("~")[0]
        ok = await slack.submit(view, view_id="V3", changes={summary: {"value": "agreed\x00 a trial"}})
        assert ok.status == 200
        await slack.settle()
        [visit] = all_of(slack.app, m.Visit)
        assert visit.summary == "agreed a trial"
        no_nul(slack.app)
    finally:
        await slack.close()


# -- Teams ----------------------------------------------------------------------------------


async def test_teams_saves_without_the_nul_and_asks_about_a_far_due_date(
    engine: Engine, make_app: Callable[[Engine], App]
) -> None:
    teams = await start_teams(engine, make_app)
    try:
        await teams.say("promise Baosteel send the quote\x00 by Friday")
        [promise] = all_of(teams.app, m.Promise)
        assert promise.text == "send the quote"
        await teams.say("promise Baosteel call Li by 0001-01-01")
        message_id, card = teams.last_card()
        assert any(OUT_OF_RANGE in t for t in card_texts(card))
        assert len(all_of(teams.app, m.Promise)) == 1
        due = next(k for k in inputs(card) if "due" in k)
        refused = await teams.press("form.submit", submitted(card, **{due: "9999-12-31"}), message_id)
        assert any("too far" in t for t in card_texts(refused["value"]))
        assert len(all_of(teams.app, m.Promise)) == 1
        await teams.say("visit Baosteel met Li Wei\x00; summary agreed\x00 a trial")
        message_id, card = teams.last_card()
        saved = await teams.press("form.submit", submitted(card), message_id)
        assert any("saved" in t for t in card_texts(saved["value"]))
        [visit] = all_of(teams.app, m.Visit)
        assert visit.summary == "agreed a trial"
        no_nul(teams.app)
    finally:
        await teams.close()


def test_a_next_visit_years_away_is_refused_on_its_field() -> None:
    from kam_bot.services.visits import next_visit_error

    today = date(2026, 11, 23)
    error = next_visit_error(date(9999, 12, 31), today, today)
    assert error is not None and (error.message, error.field) == ("visit.next_too_far", "next_visit_date")
    assert next_visit_error(date(2031, 11, 1), today, today) is None
