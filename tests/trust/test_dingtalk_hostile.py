"""Hypothesis through the real ``dingtalk-stream`` client: hostile command lines (both
languages) typed to the robot, and hostile answers to the conversation's questions, each pushed
as a Stream frame to the adapter.

The properties: every message is acknowledged and answered; nothing logged as an error; no
library's text and no crash message; nothing live in the Markdown that the person did not get
from kam-bot: no link or button but kam-bot's own send-message buttons, no image, no
``@all``/``@所有人`` unbroken, never an ``at`` field; answers under the size kam-bot allows; a
refusal (``⚠``) in the user's language. Bounded and deterministic.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote

import pytest
from dingtalk_harness import DingTalkDriver, Said, start_dingtalk
from hostile import BOUNDED, CJK, HUGE, LIBRARY_TEXT, QUOTED, command_line, crashed, hostile_text
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from kam_bot.adapters.dingtalk.markdown import MAX_TEXT
from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale

COUNTS: Counter[str] = Counter()
OUR_BUTTON = re.compile(
    r"^(yes|edit|no|(done|reopen|cancel) \d+|snooze \d+ [137]|account #\d+|undo (visit|price|stock) \d+)$"
)
LINK = re.compile(r"(?<!\\)\]\((?P<url>[^)]*)\)")
EVERYONE = re.compile(r"@\s*(all|everyone|所有人)", re.IGNORECASE)


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    print(f"\nDingTalk hostile input: {dict(COUNTS)}")


def _errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def _in_language(message: str, loc: Locale) -> bool:
    own = QUOTED.sub("", message.split(" you typed:")[0].split(" 你输入的是")[0])
    return bool(CJK.search(own)) if loc is Locale.ZH_HANS else not CJK.search(own)


def check_answer(said: Said, typed: str, loc: Locale, caplog: pytest.LogCaptureFixture) -> None:
    text = said.text
    assert not _errors_logged(caplog), _errors_logged(caplog)
    assert not crashed(text), text
    assert not LIBRARY_TEXT.search(text.replace(typed, "")), text
    assert "at" not in said.call.body and len(text) <= MAX_TEXT
    for match in LINK.finditer(text):
        url = match.group("url")
        assert url.startswith("dtmd://dingtalkclient/sendMessage?content="), text
        assert OUR_BUTTON.match(unquote(url.partition("content=")[2])), url
    assert "![" not in text.replace("\\!", "")
    assert not EVERYONE.search(text), text
    for warning in [line for line in text.split("\n\n") if line.startswith("⚠")]:
        COUNTS["dingtalk rejections"] += 1
        assert _in_language(warning, loc), warning


def _run(
    engine: Engine, make_app: Callable[[Engine], App], loc: Locale, scenario: Callable[[DingTalkDriver], Any]
) -> None:
    from conftest import FrozenClock
    from dingtalk_harness import MONDAY_MORNING

    async def main() -> None:
        async with start_dingtalk(engine, make_app, FrozenClock(MONDAY_MORNING)) as ding:
            await ding.say("help")  # first contact: Rita is linked before the examples start
            ding.app.users.update_settings(ding.app.users.get(ding.seed.rep.id), locale=loc)
            await scenario(ding)

    asyncio.run(main())


@pytest.mark.parametrize("loc", [Locale.EN, Locale.ZH_HANS])
def test_dingtalk_command_lines(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], loc: Locale, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)

    async def scenario(ding: DingTalkDriver) -> None:
        loop = asyncio.get_running_loop()

        @BOUNDED
        @given(line=st.one_of(command_line(loc), st.sampled_from(HUGE).map(lambda h: "visit Baosteel " + h)))
        def check(line: str) -> None:
            caplog.clear()
            said = asyncio.run_coroutine_threadsafe(ding.say(line), loop).result(60)
            COUNTS["dingtalk line examples"] += 1
            check_answer(said, line, loc, caplog)
            if said.buttons.get("Cancel" if loc is Locale.EN else "取消") == "no":  # leave no draft open
                asyncio.run_coroutine_threadsafe(ding.say("no"), loop).result(60)

        await asyncio.to_thread(check)

    _run(sqlite_engine, make_app, loc, scenario)


@pytest.mark.parametrize("loc", [Locale.EN, Locale.ZH_HANS])
def test_dingtalk_answers_to_questions(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], loc: Locale, caplog: pytest.LogCaptureFixture
) -> None:
    """A promise without a due date asks for it; whatever comes as the answer is taken or refused
    on that field, in the person's language, and the draft can still be given up."""
    caplog.set_level(logging.WARNING)
    opening = "promise Baosteel send samples" if loc is Locale.EN else "承诺 宝钢 寄样品"

    async def scenario(ding: DingTalkDriver) -> None:
        loop = asyncio.get_running_loop()

        @BOUNDED
        @given(answer=hostile_text(40))
        def check(answer: str) -> None:
            caplog.clear()
            asked = asyncio.run_coroutine_threadsafe(ding.say(opening), loop).result(60)
            said = asyncio.run_coroutine_threadsafe(ding.say(answer), loop).result(60)
            COUNTS["dingtalk answer examples"] += 1
            check_answer(asked, opening, loc, caplog)
            check_answer(said, answer, loc, caplog)
            asyncio.run_coroutine_threadsafe(ding.say("cancel" if loc is Locale.EN else "取消"), loop).result(
                60
            )

        await asyncio.to_thread(check)

    _run(sqlite_engine, make_app, loc, scenario)
