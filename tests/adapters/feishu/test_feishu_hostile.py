"""Hostile input through Feishu, with the real SDK in the loop: command lines (both languages)
typed in the 1:1 chat, the visit and quick-entry cards saved with one field hostile, and forged
card callbacks. The properties: nothing logged as an error, no crash text, no library's text;
every card is one Feishu accepts (JSON 2.0 rules, under 30 KB); no ``<at`` a person typed
reaches its markdown, header or preview (never an @all; an input keeps it, as plain text); a
refusal is in the user's language and on the field that was filled; nothing is saved when
something is refused. Bounded and deterministic (``BOUNDED``)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import FrozenClock
from feishu_cards import assert_valid, button, form_value, inputs, marked, texts, walk
from feishu_harness import FeishuDriver, start_feishu
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from trust.hostile import (
    BOUNDED,
    CJK,
    HUGE,
    LIBRARY_TEXT,
    QUOTED,
    command_line,
    crashed,
    hostile_date,
    hostile_text,
)

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import Locale

COUNTS: Counter[str] = Counter()
SAVED = (m.Visit, m.Promise, m.PriceObservation, m.InventoryObservation, m.Contact)
MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
AT = re.compile(r"<\s*at\b", re.IGNORECASE)


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    print(f"\nFeishu hostile input: {dict(COUNTS)}")


def _run(engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock, loc: Locale,
         scenario: Callable[[FeishuDriver], Any]) -> None:  # fmt: skip
    clock.now = MONDAY

    async def main() -> None:
        feishu = await start_feishu(engine, make_app, clock, mode="http")
        try:
            await feishu.say("help")  # Rita is met, then chooses her language
            feishu.app.users.update_settings(feishu.seed.rep, locale=loc)
            await scenario(feishu)
        finally:
            await feishu.close()

    asyncio.run(main())


def _saved(app: App) -> tuple[int, ...]:
    with app.uow() as uow:
        return tuple(uow.repo.count(model) for model in SAVED)


def _errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def _common(card: dict[str, Any], typed: str, caplog: pytest.LogCaptureFixture) -> None:
    assert not _errors_logged(caplog), _errors_logged(caplog)
    assert_valid(card)
    assert len(json.dumps(card, ensure_ascii=False).encode()) < 30 * 1024
    shown = texts(card)
    assert not crashed(shown), shown
    assert not LIBRARY_TEXT.search(shown.replace(typed, "")), shown
    read = [e["content"] for e in walk(card["body"]) if e["tag"] == "markdown"]
    read += [card["config"]["summary"]["content"], card.get("header", {}).get("title", {}).get("content", "")]
    assert not [r for r in read if AT.search(r)], "a typed <at> reached what Feishu reads as markup"


def _in_language(message: str, loc: Locale) -> bool:
    own = QUOTED.sub("", message.split(" you typed:")[0].split(" 你输入的是")[0])
    return bool(CJK.search(own)) if loc is Locale.ZH_HANS else not CJK.search(own)


@pytest.mark.parametrize("loc", [Locale.EN, Locale.ZH_HANS])
def test_feishu_command_lines(sqlite_engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock,
                              loc: Locale, caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    caplog.set_level(logging.WARNING)

    async def scenario(feishu: FeishuDriver) -> None:
        loop = asyncio.get_running_loop()
        at_all = st.sampled_from(
            ['<at user_id="all"></at> visit Baosteel', "promise Baosteel <at id=all></at>"]
        )
        lines = st.one_of(
            command_line(loc), at_all, st.sampled_from(HUGE).map(lambda h: "visit Baosteel " + h)
        )

        @BOUNDED
        @given(line=lines)
        def check(line: str) -> None:
            caplog.clear()
            posted = asyncio.run_coroutine_threadsafe(feishu.say(line), loop).result(60)
            COUNTS["feishu line examples"] += 1
            _common(posted.card, line, caplog)

        await asyncio.to_thread(check)

    _run(sqlite_engine, make_app, clock, loc, scenario)


FORMS = {
    "visit": "visit Baosteel met Li Wei; goal: trial order; we promise quote by Friday",
    "promise": "promise Baosteel send the quote",
    "price": "price Baosteel widget-42",
}


@pytest.mark.parametrize("loc", [Locale.EN, Locale.ZH_HANS])
@pytest.mark.parametrize("form", list(FORMS))
def test_feishu_card_fields(sqlite_engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock,
                            form: str, loc: Locale, caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    caplog.set_level(logging.WARNING)

    async def scenario(feishu: FeishuDriver) -> None:
        loop = asyncio.get_running_loop()
        posted = await feishu.say(FORMS[form])
        shown = inputs(posted.card)
        base = form_value(posted.card)
        base |= {"price": "4.20", "currency": "USD"} if form == "price" else {}
        base |= {"due": "2026-12-01 +0800"} if form == "promise" else {}
        save = button(posted.card, "form.submit")
        foreign = [str(feishu.seed.cosco.id), str(feishu.seed.haier.id)]  # a teammate's, another team's
        fields = st.sampled_from(sorted(shown))

        def value_for(name: str) -> st.SearchStrategy[Any]:
            if shown[name]["tag"] == "date_picker":
                return hostile_date().map(lambda d: f"{d} +0800")
            if shown[name]["tag"] == "multi_select_static":
                return st.lists(st.one_of(hostile_text(10), st.sampled_from(foreign)), max_size=3)
            return st.one_of(
                hostile_text(), st.sampled_from(HUGE), st.sampled_from(["-5", "9" * 28, *foreign])
            )

        @BOUNDED
        @given(pair=fields.flatmap(lambda f: st.tuples(st.just(f), value_for(f))))
        def check(pair: tuple[str, Any]) -> None:
            name, value = pair
            caplog.clear()
            key = f"k-{COUNTS['feishu card examples']}-{form}-{loc.value}"
            before = _saved(feishu.app)
            pressed = asyncio.run_coroutine_threadsafe(
                feishu.press(posted, {**save, "submission": key}, {**base, name: value}), loop
            ).result(60)
            COUNTS["feishu card examples"] += 1
            _common(pressed, str(value), caplog)
            errors = marked(pressed)
            row = name.rpartition("__")[2] if "__" in name else ""
            assert all(e == name or (row and e.endswith(f"__{row}")) for e in errors), (name, errors)
            if errors:
                COUNTS["feishu card rejections"] += len(errors)
                assert _saved(feishu.app) == before
                for message in errors.values():
                    assert _in_language(message, loc), message

        await asyncio.to_thread(check)

    _run(sqlite_engine, make_app, clock, loc, scenario)


def test_feishu_forged_callbacks(sqlite_engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock,
                                 caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    caplog.set_level(logging.WARNING)

    async def scenario(feishu: FeishuDriver) -> None:
        loop = asyncio.get_running_loop()
        posted = await feishu.say("promise Baosteel send samples by 2026-11-27")
        actions = st.sampled_from(["promise.done", "promise.snooze_3", "undo.visit", "account.open",
                                   "visit.start", "form.submit", "promise.delete", ""])  # fmt: skip
        values = st.one_of(
            hostile_text(20), st.sampled_from(["-1", "0", "9" * 28, str(feishu.seed.haier.id)])
        )
        forms = st.sampled_from(["visit", "promise", "price", "stock", "nope", ""])

        @BOUNDED
        @given(action=actions, value=values, form=forms, extra=hostile_text(30))
        def check(action: str, value: str, form: str, extra: str) -> None:
            caplog.clear()
            forged = {"action": action, "value": value, "form": form, "submission": extra}
            card = asyncio.run_coroutine_threadsafe(
                feishu.press(posted, forged, {"account": value, "text": extra}), loop
            ).result(60)
            COUNTS["feishu forged callbacks"] += 1
            _common(card, f"{value} {extra}", caplog)

        await asyncio.to_thread(check)

    _run(sqlite_engine, make_app, clock, Locale.EN, scenario)
