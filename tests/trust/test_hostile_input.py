"""Hypothesis: hostile text in every command line (both languages) and every quick-entry form
field, through the console and signed Slack requests. The properties: nothing crashes, no
library's text reaches the user, a refusal is in the user's language, a form's refusal sits
on the field that was filled and names it, and what was not saved is printed back.

Runs are bounded and deterministic (``derandomize``, no example database) so the suite stays
fast; ``COUNTS`` gathers what ran, for the report (``-s`` prints it).
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from console_harness import ConsoleHarness
from factories import seed_team
from hostile import (
    BOUNDED,
    CJK,
    FIELD_LABELS,
    HUGE,
    LIBRARY_TEXT,
    QUOTED,
    command_line,
    console_says,
    crashed,
    hostile_date,
    hostile_text,
    live_mentions,
    slack_command_says,
    slack_form_says,
)
from hypothesis import given
from hypothesis import strategies as st
from slack_harness import SlackDriver, input_block, start_slack, view_of
from sqlalchemy import Engine

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale
from kam_bot.domain.models import Visit

COUNTS: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    print(f"\nhostile input: {dict(COUNTS)}")


# -- the console ------------------------------------------------------------------------


@pytest.mark.parametrize("loc", [Locale.EN, Locale.ZH_HANS])
def test_console_command_lines(sqlite_engine: Engine, make_app: Callable[[Engine], App], loc: Locale) -> None:
    app = make_app(sqlite_engine)
    seed = seed_team(app)
    console = ConsoleHarness(app, app.users.update_settings(seed.rep, locale=loc))

    @BOUNDED
    @given(line=command_line(loc), answers=st.lists(hostile_text(20), max_size=2))
    def check(line: str, answers: list[str]) -> None:
        said = console_says(console, line, answers)
        COUNTS["console examples"] += 1
        assert not crashed(said), said
        assert not LIBRARY_TEXT.search(said.replace(line, "")), said
        warnings = [w for w in said.splitlines() if w.startswith("⚠")]
        COUNTS["console rejections"] += len(warnings)
        for warning in warnings:  # in the user's language
            typed = QUOTED.sub("", warning.split(" you typed:")[0].split(" 你输入的是")[0])
            assert bool(CJK.search(typed)) is (loc is Locale.ZH_HANS) or typed.isascii() is (loc is Locale.EN)
        if "Not saved" in said or "未保存" in said:
            assert said.rstrip().endswith(line.strip()), said  # the line comes back to paste again

    check()


# -- Slack: slash commands and the quick-entry forms, as signed requests -------------------


def _run(engine: Engine, make_app: Callable[[Engine], App], scenario: Callable[[SlackDriver], Any]) -> None:
    async def main() -> None:
        slack = await start_slack(engine, make_app)
        try:
            await scenario(slack)
        finally:
            await slack.close()

    asyncio.run(main())


@pytest.mark.parametrize("command", ["/visit", "/promise", "/price", "/stock", "/account", "/kam"])
def test_slack_slash_commands(sqlite_engine: Engine, make_app: Callable[[Engine], App], command: str) -> None:
    async def scenario(slack: SlackDriver) -> None:
        loop = asyncio.get_running_loop()

        @BOUNDED
        @given(text=st.one_of(command_line(Locale.EN).map(lambda s: s.split(" ", 1)[-1]), hostile_text()))
        def check(text: str) -> None:
            said = asyncio.run_coroutine_threadsafe(slack_command_says(slack, command, text), loop).result(30)
            COUNTS["slack command examples"] += 1
            assert not crashed(said), said
            assert not LIBRARY_TEXT.search(said.replace(text, "")), said
            assert not [t for t in live_mentions(slack.seen) if not _ours(t)], said  # type: ignore[attr-defined]

        await asyncio.to_thread(check)

    _run(sqlite_engine, make_app, scenario)


def _ours(text: str) -> bool:
    """Mentions the bot writes itself (a user's own <@U…> in a greeting) are not the typed ones."""
    return (
        all(m in {"<@U_RITA>"} for m in __import__("re").findall(r"<[!@#][^>]*>", text))
        and "<http" not in text
    )


FORMS = {
    "/promise": ("Baosteel send the quote", {"due": {"selected_date": "2026-12-01"}}, ["text", "due"]),
    "/price": (
        "Baosteel widget-42 4.20 USD",
        {},
        ["product", "price", "currency", "unit", "competitor", "note"],
    ),
    "/stock": ("Baosteel widget-42 12", {}, ["product", "quantity", "unit", "share"]),
}


@pytest.mark.parametrize("command", list(FORMS))
def test_slack_quick_entry_form_fields(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], command: str
) -> None:
    line, valid, fields = FORMS[command]

    async def scenario(slack: SlackDriver) -> None:
        loop = asyncio.get_running_loop()
        await slack.command(command, line.replace(" 4.20 USD", "").replace(" 12", " lots"))
        view = view_of((await slack.calls("views.open"))[0])
        base = {**valid}
        if command == "/price":
            base |= {"price": {"value": "4.20"}, "currency": {"value": "USD"}}
        if command == "/stock":
            base |= {"quantity": {"value": "12"}}

        @BOUNDED
        @given(field=st.sampled_from(fields), value=hostile_text(), day=hostile_date())
        def check(field: str, value: str, day: str) -> None:
            change = {"selected_date": day} if field == "due" else {"value": value}
            status, errors = asyncio.run_coroutine_threadsafe(
                slack_form_says(slack, view, {**base, field: change}), loop
            ).result(30)
            COUNTS["slack form examples"] += 1
            assert status == 200
            assert set(errors) <= {field}, errors  # never on another field
            for message in errors.values():
                COUNTS["slack form rejections"] += 1
                label = input_block(view, field)["label"]["text"]
                assert not LIBRARY_TEXT.search(message), message
                named = message.split(":")[0].split(":")[0]
                assert label.casefold() in message.casefold() or named in FIELD_LABELS[Locale.EN], (
                    label,
                    message,
                )

        await asyncio.to_thread(check)

    _run(sqlite_engine, make_app, scenario)


# -- Slack: the /visit modal, one field hostile at a time ---------------------------------


def _hostile_state(element: dict[str, Any], value: str, day: str) -> dict[str, Any]:
    """What a forged view_submission can carry for this kind of input."""
    kind = element["type"]
    option = {"value": value, "text": {"type": "plain_text", "text": value[:75] or "x"}}
    if kind == "datepicker":
        return {"selected_date": day}
    if kind in {"checkboxes", "multi_static_select"}:
        return {"selected_options": [option]}
    if kind in {"radio_buttons", "static_select", "external_select"}:
        return {"selected_option": option}
    return {"value": value}


@pytest.mark.parametrize("loc", [Locale.EN, Locale.ZH_HANS])
def test_slack_visit_modal_fields(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], loc: Locale
) -> None:
    async def scenario(slack: SlackDriver) -> None:
        loop = asyncio.get_running_loop()
        slack.app.users.update_settings(slack.seed.rep, locale=loc)
        await slack.command("/visit", "Baosteel met Li Wei; goal: trial order; we promise quote by Friday")
        view = view_of((await slack.calls("views.open"))[0])
        blocks = {b["block_id"].split("~", 1)[0]: b for b in view["blocks"] if b.get("type") == "input"}
        foreign = [str(slack.seed.cosco.id), str(slack.seed.haier.id)]

        def check(field: str, value: str, day: str) -> None:
            change = _hostile_state(blocks[field]["element"], value, day)
            before = _visits(slack.app)
            status, errors = asyncio.run_coroutine_threadsafe(
                slack_form_says(slack, view, {field: change}), loop
            ).result(60)
            COUNTS["slack visit modal examples"] += 1
            assert status == 200
            row = field.partition(":")[2]  # a promise's text may need its due date: same row
            assert all(e == field or (row and e.endswith(f":{row}")) for e in errors), (field, errors)
            if errors:
                assert _visits(slack.app) == before  # nothing saved
            for block_id, message in errors.items():
                COUNTS[f"slack visit modal rejections ({loc.value})"] += 1
                assert not LIBRARY_TEXT.search(message.replace(value, "")), message
                label = input_block(view, block_id)["label"]["text"]
                named = re.split(r"[:：]", message)[0]
                assert label.casefold() in message.casefold() or named in FIELD_LABELS[loc], (label, message)
                own = QUOTED.sub("", message.replace(value[:80], ""))
                assert bool(CJK.search(own)) is (loc is Locale.ZH_HANS), message

        def every_field() -> None:  # each field once with the worst, then Hypothesis's mixes
            for field in sorted(blocks):
                before = _visits(slack.app)
                check(field, HUGE[1], "2026-02-30")
                assert _visits(slack.app) == before, f"{field}: saved"

        generated = BOUNDED(
            given(
                field=st.sampled_from(sorted(blocks)),
                value=st.one_of(hostile_text(), st.sampled_from([*HUGE, "-5", "9" * 28, *foreign])),
                day=hostile_date(),
            )(check)
        )
        await asyncio.to_thread(every_field)
        await asyncio.to_thread(generated)

    _run(sqlite_engine, make_app, scenario)


def _visits(app: App) -> int:
    with app.uow() as uow:
        return uow.repo.count(Visit)
