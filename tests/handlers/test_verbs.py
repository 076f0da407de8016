"""One command language: every verb, typed in English or Chinese, gives the same neutral answer on
the console, Teams and Slack for the same data; the help is generated from the table."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from factories import Seed, seed_team
from sqlalchemy import Engine

from kam_bot.adapters.console.bot import SURFACE as CONSOLE
from kam_bot.adapters.slack.listeners.commands import SURFACE as SLACK
from kam_bot.adapters.slack.listeners.commands import typed_line
from kam_bot.adapters.teams.commands import SURFACE as TEAMS
from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale, PromiseStatus
from kam_bot.handlers.answers import Answer, Capture
from kam_bot.handlers.dispatch import dispatch
from kam_bot.handlers.replies import Reply
from kam_bot.handlers.verbs import CORE_TABLE

SURFACES = {"console": CONSOLE, "teams": TEAMS, "slack": SLACK}

LINES: dict[str, tuple[str, str]] = {
    # verb: (English line, Chinese line) with the same meaning
    "visit": (
        "visit Baosteel met Wang Lei; we promise quote by Friday",
        "拜访 宝钢 见了王磊；我们承诺 周五前 报价",
    ),
    "promise": ("promise Baosteel send samples by Friday", "承诺 宝钢 周五前 送样"),
    "price": ("price Baosteel widget-42 4.20 USD/kg", "价格 宝钢 widget-42 4.20 USD/kg"),
    "stock": ("stock Baosteel widget-42 80 cases slow", "库存 宝钢 widget-42 80 箱 慢"),
    "account": ("account Baosteel", "客户 宝钢"),
    "accounts": ("accounts", "客户列表"),
    "promises": ("promises", "承诺列表"),
    "today": ("today", "今天"),
    "done": ("done 1", "完成 1"),
    "reopen": ("reopen 1", "重开 1"),
    "cancel": ("cancel 1", "取消 1"),
    "snooze": ("snooze 1 3", "推迟 1 3"),
    "undo": ("undo price 999", "撤销 price 999"),
    "settings": ("settings", "设置"),
    "team": ("team", "团队"),
    "calendar": ("calendar show", "日历 show"),
    "help": ("help", "帮助"),
    "remind": ("remind", "提醒"),
    "digest": ("digest", "周报"),
}


@pytest.fixture
def seeded(sqlite_engine: Engine, make_app: Callable[[Engine], App]) -> tuple[App, Seed]:
    app = make_app(sqlite_engine)
    seed = seed_team(app)
    app.promises.add(seed.rep, seed.baosteel.id, _promise_input())
    return app, seed


def _promise_input() -> Any:
    from datetime import date

    from kam_bot.services.inputs import PromiseInput

    return PromiseInput(text="send the price sheet", due_date=date(2026, 11, 27))


def _neutral(answer: Answer) -> Any:
    """What a surface renders: a reply as data; a capture as its kind and what was understood."""
    if isinstance(answer, Capture):
        prefill = answer.prefill
        fields = {f.name: getattr(prefill, f.name) for f in dataclasses.fields(prefill)}
        return ("capture", answer.kind, answer.line.split(" ", 1)[1], repr(fields))
    assert isinstance(answer, Reply)
    return ("reply", answer.model_dump())


def test_the_table_covers_every_verb_the_lines_use(seeded: tuple[App, Seed]) -> None:
    app, _ = seeded
    assert {v.name for v in app.verbs.verbs} == set(LINES)


@pytest.mark.parametrize("verb", sorted(LINES))
@pytest.mark.parametrize("language", ["en", "zh"])
def test_each_verb_answers_the_same_on_every_surface(
    seeded: tuple[App, Seed], verb: str, language: str
) -> None:
    app, seed = seeded
    actor = seed.rep.model_copy(update={"locale": Locale.ZH_HANS if language == "zh" else Locale.EN})
    line = LINES[verb][0 if language == "en" else 1]
    if verb in {"done", "reopen", "cancel", "snooze"}:
        answers = {}
        for name, surface in SURFACES.items():  # each acts on the same state: set again before each
            status = app.promises.get(seed.rep, 1).status
            if verb == "reopen" and status is PromiseStatus.OPEN:
                app.promises.complete(seed.rep, 1)
            elif verb != "reopen" and status is not PromiseStatus.OPEN:
                app.promises.reopen(seed.rep, 1)
            answers[name] = _neutral(dispatch(app, line, actor, surface))
    else:
        answers = {name: _neutral(dispatch(app, line, actor, s)) for name, s in SURFACES.items()}
    if verb == "digest":  # the console, at this machine, also gets the charts as files
        sections = answers["console"][1]["sections"]
        written = [x for x in sections if "kam-bot-charts-" in repr(x)]
        assert len(written) == 1
        sections.remove(written[0])
    if verb == "help":  # Slack adds its own line (slash commands, the shortcut) after the same list
        slack = answers.pop("slack")
        [section] = slack[1]["sections"]
        section["lines"] = section["lines"][: -len(SLACK.help_lines)]
        assert slack == answers["console"]
    assert answers["console"] == answers["teams"] == answers.get("slack", answers["console"])
    kind = answers["console"][0]
    assert kind == ("capture" if verb in {"visit", "promise", "price", "stock"} else "reply")
    if kind == "reply":
        text = repr(answers["console"])
        assert "I don't know" not in text and "无法识别" not in text  # the verb was recognised


def test_the_help_lists_every_verb_in_the_readers_language(seeded: tuple[App, Seed]) -> None:
    app, seed = seeded
    for loc, words in (
        (Locale.EN, ["visit ", "promises —", "remind —"]),
        (Locale.ZH_HANS, ["拜访 ", "承诺列表 —", "提醒 —"]),
    ):
        actor = seed.rep.model_copy(update={"locale": loc})
        reply = dispatch(app, "help", actor, CONSOLE)
        assert isinstance(reply, Reply)
        lines = [line.plain for line in reply.sections[0].lines]
        assert len(lines) == len(app.verbs.verbs)
        for word in words:
            assert any(line.startswith(word) for line in lines), (word, lines)


def test_promise_alone_lists_the_open_promises_everywhere(seeded: tuple[App, Seed]) -> None:
    """The old drift: Slack's ``/kam promise`` listed while the console and Teams created one."""
    app, seed = seeded
    for surface in SURFACES.values():
        for line in ("promise", "承诺", "promises"):
            said = dispatch(app, line, seed.rep, surface)
            assert isinstance(said, Reply) and "send the price sheet" in repr(said.model_dump())


def test_each_slash_command_is_its_verb() -> None:
    assert typed_line({"command": "/visit", "text": "Baosteel met Li"}) == "visit Baosteel met Li"
    assert typed_line({"command": "/promise", "text": ""}) == "promise"
    assert typed_line({"command": "/account", "text": "宝钢"}) == "account 宝钢"
    assert typed_line({"command": "/kam", "text": "promises"}) == "promises"
    assert CORE_TABLE.captures("visit") and CORE_TABLE.captures("/promise Baosteel x by Friday")
    assert not CORE_TABLE.captures("promise") and not CORE_TABLE.captures("promises")


def test_an_unknown_word_says_so_in_the_users_language(seeded: tuple[App, Seed]) -> None:
    app, seed = seeded
    en = dispatch(app, "frobnicate now", seed.rep, TEAMS)
    zh = dispatch(app, "随便", seed.rep.model_copy(update={"locale": Locale.ZH_HANS}), TEAMS)
    assert isinstance(en, Reply) and "I don't know “frobnicate”" in repr(en.model_dump())
    assert isinstance(zh, Reply) and "无法识别“随便”" in repr(zh.model_dump())
