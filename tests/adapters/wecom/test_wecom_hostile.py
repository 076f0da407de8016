"""Hostile input through WeCom: command lines (both languages, and 100 kB ones) as signed text
messages, and card events whose button key is anything at all.

The properties: every callback answered 200, nothing logged as an error, no crash text, no
library's text, no live mention (``@all`` / ``@所有人`` reach WeCom only with a zero-width
space after the ``@``; no ``<a`` link from user text), every text within WeCom's 2048 bytes
(nothing cut by WeCom) and every card one WeCom accepts (the fake refuses the others), a
refusal in the user's language. Bounded and deterministic, as ``tests/trust/test_hostile_input``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from fakes.wecom_api import Sent
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from trust.hostile import BOUNDED, CJK, HUGE, LIBRARY_TEXT, QUOTED, command_line, crashed, hostile_text
from wecom_harness import RITA, WecomDriver, start_wecom

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale

LIVE = re.compile(r"@(all|所有人|everyone)\b|<a\b", re.IGNORECASE)


def _shown(sent: list[Sent]) -> list[str]:
    out = []
    for s in sent:
        out.append(s.text)
        out.append(str(s.content.get("sub_title_text", "")))
        out.append(str((s.content.get("main_title") or {}).get("title", "")))
        out += [str(b.get("text", "")) for b in s.buttons]
    return [x for x in out if x]


def _check(sent: list[Sent], typed: str, loc: Locale, caplog: pytest.LogCaptureFixture) -> None:
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not errors, errors
    assert sent, "every message gets an answer"
    shown = _shown(sent)
    joined = "\n".join(shown)
    assert not crashed(joined), joined
    assert not LIBRARY_TEXT.search(joined.replace(typed, "")), joined
    assert not [x for x in shown if LIVE.search(x)], [x for x in shown if LIVE.search(x)]
    assert all(len(s.text.encode()) <= 2048 and not s.truncated for s in sent)
    for warning in (x for x in shown if x.startswith("⚠")):
        own = QUOTED.sub("", warning.split(" you typed:")[0])
        assert bool(CJK.search(own)) == (loc is Locale.ZH_HANS) or typed in warning, warning


def _run(engine: Engine, make_app: Callable[[Engine], App], loc: Locale, scenario: Any) -> None:
    async def main() -> None:
        wecom = await start_wecom(engine, make_app)
        try:
            await wecom.say("help")  # first contact before the examples
            wecom.app.users.update_settings(wecom.seed.rep, locale=loc)
            await scenario(wecom)
        finally:
            await wecom.close()

    asyncio.run(main())


@pytest.mark.parametrize("loc", [Locale.EN, Locale.ZH_HANS])
def test_wecom_command_lines(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], loc: Locale, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    mentions = st.sampled_from(["promise Baosteel @all call @所有人 by Friday", "account <a href='x'>y</a>"])

    async def scenario(wecom: WecomDriver) -> None:
        loop = asyncio.get_running_loop()
        huge = st.sampled_from(HUGE).map(lambda h: "visit Baosteel " + h)

        @BOUNDED
        @given(line=st.one_of(command_line(loc), huge, mentions))
        def check(line: str) -> None:
            caplog.clear()
            wecom.bot.quota = type(wecom.bot.quota)()  # each example starts within the member's limit
            sent = asyncio.run_coroutine_threadsafe(wecom.say(line), loop).result(60)
            _check(sent, line, loc, caplog)
            asyncio.run_coroutine_threadsafe(wecom.say("cancel"), loop).result(60)

        await asyncio.to_thread(check)

    _run(sqlite_engine, make_app, loc, scenario)


def test_wecom_card_events_with_any_key(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)

    async def scenario(wecom: WecomDriver) -> None:
        loop = asyncio.get_running_loop()
        card = Sent(RITA, "template_card", {"task_id": "t1", "button_list": []}, "msg-x")
        wecom.fake.sent.append(card)
        actions = st.sampled_from(["promise.done", "undo.visit", "account.open"])
        values = st.one_of(hostile_text(20), st.integers(-10, 10**20).map(str))
        keys = st.one_of(hostile_text(80), st.builds(lambda a, v: f"{a}|{v}", actions, values))

        @BOUNDED
        @given(key=keys)
        def check(key: str) -> None:
            caplog.clear()
            card.content["button_list"] = [{"text": "x", "key": key}]
            sent = asyncio.run_coroutine_threadsafe(wecom.press(card, key), loop).result(60)
            _check(sent, key, Locale.ZH_HANS, caplog)

        await asyncio.to_thread(check)

    _run(sqlite_engine, make_app, Locale.ZH_HANS, scenario)
