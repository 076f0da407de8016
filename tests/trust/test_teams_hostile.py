"""Hypothesis through the real Teams SDK: hostile command lines (both languages) typed in the
personal chat, and the visit, promise, price and stock cards saved with one field hostile, as
``Action.Execute`` invokes and as ``Action.Submit`` messages, each a signed activity.

The properties: no 5xx and nothing logged as an error; no library's text; no mention Teams
would read (``<at>``) nor Slack syntax unescaped in any TextBlock; cards Teams accepts (under
28 KB); a refusal in the user's language, on the field that was filled and naming it; nothing
saved when something is refused. Bounded and deterministic, as in ``test_hostile_input``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hostile import (
    BOUNDED,
    CJK,
    FIELD_LABELS,
    HUGE,
    LIBRARY_TEXT,
    QUOTED,
    TEAMS_LIVE,
    TeamsSaid,
    command_line,
    crashed,
    hostile_date,
    hostile_text,
    teams_says,
    teams_submits,
    walk_body,
)
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from teams_harness import TeamsDriver, start_teams

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import Locale

COUNTS: Counter[str] = Counter()
CARD_LIMIT = 28 * 1024
SAVED = (m.Visit, m.Promise, m.PriceObservation, m.InventoryObservation, m.Contact)


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    print(f"\nTeams hostile input: {dict(COUNTS)}")


def _run(
    engine: Engine, make_app: Callable[[Engine], App], loc: Locale, scenario: Callable[[TeamsDriver], Any]
) -> None:
    async def main() -> None:
        teams = await start_teams(engine, make_app)
        teams.app.users.update_settings(teams.seed.rep, locale=loc)
        await teams.say("help")  # first contact: Rita is linked before the examples start
        try:
            await scenario(teams)
        finally:
            await teams.close()

    asyncio.run(main())


def _errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def _common(said: TeamsSaid, typed: str, caplog: pytest.LogCaptureFixture) -> None:
    """What holds for every answer: no crash, no library text, nothing live, cards Teams takes."""
    assert said.status < 500, said.status
    assert not _errors_logged(caplog), _errors_logged(caplog)
    shown = "\n".join(said.texts)
    assert not crashed(shown), shown
    assert not LIBRARY_TEXT.search(shown.replace(typed, "")), shown
    assert not [t for t in said.texts if TEAMS_LIVE.search(t)], [
        t for t in said.texts if TEAMS_LIVE.search(t)
    ]
    for card in said.cards:
        assert len(json.dumps(card, ensure_ascii=False).encode()) < CARD_LIMIT


def _in_language(message: str, loc: Locale) -> bool:
    """The bot's own words (typed text quoted back taken out) are in ``loc``'s script."""
    own = QUOTED.sub("", message.split(" you typed:")[0].split(" 你输入的是")[0])
    return bool(CJK.search(own)) if loc is Locale.ZH_HANS else not CJK.search(own)


def _saved(app: App) -> tuple[int, ...]:
    with app.uow() as uow:
        return tuple(uow.repo.count(model) for model in SAVED)


# -- typed lines ------------------------------------------------------------------------


@pytest.mark.parametrize("loc", [Locale.EN, Locale.ZH_HANS])
def test_teams_command_lines(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], loc: Locale, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)

    async def scenario(teams: TeamsDriver) -> None:
        loop = asyncio.get_running_loop()

        @BOUNDED
        @given(line=st.one_of(command_line(loc), st.sampled_from(HUGE).map(lambda h: "visit Baosteel " + h)))
        def check(line: str) -> None:
            caplog.clear()
            said = asyncio.run_coroutine_threadsafe(teams_says(teams, line), loop).result(60)
            COUNTS["teams line examples"] += 1
            _common(said, line, caplog)
            assert said.cards, "every line gets an answer"
            warnings = [t for t in said.texts if t.startswith("⚠")]
            COUNTS["teams line rejections"] += len(warnings)
            for warning in warnings:
                assert _in_language(warning, loc), warning

        await asyncio.to_thread(check)

    _run(sqlite_engine, make_app, loc, scenario)


# -- card submissions, one field hostile at a time ----------------------------------------

FORMS = {
    "visit": "visit Baosteel met Li Wei; goal: trial order; we promise quote by Friday",
    "promise": "promise Baosteel send the quote",
    "price": "price Baosteel widget-42",
    "stock": "stock Baosteel widget-42",
}


def _base(card: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The values Teams would send for the card as shown (a valid submission once completed), and
    the kind of each input."""
    values: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    for node in walk_body(card.get("body", [])):
        if str(node.get("type", "")).startswith("Input.") and "id" in node:
            kinds[node["id"]] = node["type"]
            values[node["id"]] = node.get("value") or ""  # Teams sends every input, empty ones as ""
    [save] = [a for a in card.get("actions", []) if a.get("verb") == "form.submit"]
    return {**values, **save["data"]}, kinds


def _hostile_value(kind: str, foreign: list[str]) -> st.SearchStrategy[str]:
    """A value for an input of ``kind``; ``foreign`` are account ids the user may not write to."""
    if kind == "Input.Date":
        return hostile_date()
    numbers = st.sampled_from(["-5", "9" * 28, "0", "1e400", *foreign])
    return st.one_of(hostile_text(), st.sampled_from(HUGE), numbers)


@pytest.mark.parametrize("loc", [Locale.EN, Locale.ZH_HANS])
@pytest.mark.parametrize("form", list(FORMS))
def test_teams_card_fields(
    sqlite_engine: Engine,
    make_app: Callable[[Engine], App],
    form: str,
    loc: Locale,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)

    async def scenario(teams: TeamsDriver) -> None:
        loop = asyncio.get_running_loop()
        opened = await teams_says(
            teams, FORMS[form] if loc is Locale.EN else FORMS[form].replace("Baosteel", "宝钢")
        )
        [card] = opened.cards
        message_id = teams.fake.sent("POST")[-1].activity_id
        assert message_id is not None
        base, kinds = _base(card)
        if form == "price":
            base |= {"price": "4.20", "currency": "USD"}
        if form == "promise":
            base |= {"due": "2026-12-01"}
        if form == "stock":
            base |= {"quantity": "12"}
        labels = opened.labels()
        foreign = [str(teams.seed.cosco.id), str(teams.seed.haier.id)]  # a teammate's, another team's

        def check(field: str, value: str, invoke: bool) -> None:
            submission = {
                **base,
                field: value,
                "submission": f"k-{COUNTS['teams card examples']}-{form}-{loc.value}",
            }
            before = _saved(teams.app)
            caplog.clear()
            said = asyncio.run_coroutine_threadsafe(
                teams_submits(teams, submission, message_id, invoke=invoke), loop
            ).result(60)
            COUNTS["teams card examples"] += 1
            _common(said, value, caplog)
            errors = said.errors()
            row = field.partition(":")[2]  # a promise's text may need its due date: same row
            assert all(e == field or (row and e.endswith(f":{row}")) for e in errors), (field, errors)
            if errors:
                assert _saved(teams.app) == before  # refused: nothing saved
            for block_id, message in errors.items():
                COUNTS["teams card rejections"] += 1
                assert _in_language(message, loc), message
                named = re.split(r"[:：]", message)[0].replace("\\", "").strip()
                label = said.labels().get(block_id) or labels.get(block_id, "")
                assert (label and label.casefold() in message.casefold()) or named in FIELD_LABELS[loc], (
                    block_id,
                    label,
                    message,
                )

        def every_field() -> None:  # each field once with the worst, refused, then Hypothesis's mixes
            for n, field in enumerate(sorted(kinds)):
                before = _saved(teams.app)
                check(field, "2026-02-30" if kinds[field] == "Input.Date" else HUGE[1], invoke=n % 2 == 0)
                assert _saved(teams.app) == before, f"{field}: saved"

        @BOUNDED
        @given(field=st.sampled_from(sorted(kinds)), data=st.data(), invoke=st.booleans())
        def generated(field: str, data: st.DataObject, invoke: bool) -> None:
            check(field, data.draw(_hostile_value(kinds[field], foreign), label="value"), invoke)

        await asyncio.to_thread(every_field)
        await asyncio.to_thread(generated)

    _run(sqlite_engine, make_app, loc, scenario)
