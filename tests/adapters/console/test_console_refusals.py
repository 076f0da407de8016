"""Refusals that say why: someone else's promise is named as not yours, in the reader's language."""

from __future__ import annotations

from datetime import date

import pytest
from console_harness import ConsoleHarness
from factories import Seed, seed_team

from kam_bot.bootstrap import App
from kam_bot.domain.enums import PromiseStatus
from kam_bot.services.inputs import PromiseInput


@pytest.fixture
def seed(app: App) -> Seed:
    return seed_team(app)


@pytest.mark.parametrize(
    ("line", "en", "zh"),
    [
        ("done {id}", "so you cannot mark it done", "你不能将其标为完成"),
        ("cancel {id}", "so you cannot cancel it", "你不能取消它"),
        ("snooze {id} 3", "so you cannot snooze it", "你不能推迟提醒"),
        ("reopen {id}", "so you cannot reopen it", "你不能重新打开它"),
    ],
)
def test_changing_a_teammates_promise_says_it_is_not_yours(
    app: App, seed: Seed, line: str, en: str, zh: str
) -> None:
    theirs = app.promises.add(
        seed.teammate, seed.cosco.id, PromiseInput(text="send samples", due_date=date(2026, 11, 25))
    )
    if line.startswith("reopen"):
        app.promises.complete(seed.teammate, theirs.id)
    typed = line.format(id=theirs.id)
    out = ConsoleHarness(app, seed.rep).send(typed)
    assert f"Promise #{theirs.id} is not yours, {en}" in out
    assert "not allowed to do that" not in out
    zh_rep = app.users.update_settings(seed.rep, locale="zh-Hans")
    assert f"承诺 #{theirs.id} 不是你的，{zh}" in ConsoleHarness(app, zh_rep).send(typed)
    expected = PromiseStatus.DONE if line.startswith("reopen") else PromiseStatus.OPEN
    assert app.promises.get(seed.teammate, theirs.id).status is expected  # nothing changed
