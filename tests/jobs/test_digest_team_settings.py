"""The weekly digest speaks the language an admin chose for the team (else its members'), and
lists the accounts created in its week, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from conftest import FrozenClock
from console_harness import ConsoleHarness
from factories import Seed, seed_team

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import Locale
from kam_bot.jobs.scheduler import digest_notification

W48 = date(2026, 11, 23)  # the clock's Monday; Steel East lives in Asia/Shanghai
W47 = date(2026, 11, 16)
NEXT_MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.fixture
def seed(app: App) -> Seed:
    return seed_team(app)


def _digest(app: App, monday: date = W48) -> tuple[Locale, str]:
    team = next(t for t in app.users.teams() if t.name == "Steel East")
    note = digest_notification(app.jobs_context, team, monday, app.clock())
    return note.locale, note.title + "\n" + note.to_reply().plain_text()


def _speak(app: App, seed: Seed, locale: Locale) -> None:
    for person in (seed.manager, seed.rep, seed.teammate):
        app.users.update_settings(person, locale=locale)


def test_the_digest_speaks_the_language_the_admin_chose_else_the_members(app: App, seed: Seed) -> None:
    assert _digest(app)[0] is Locale.EN
    app.teams.update(seed.admin, "Steel East", language="zh")
    locale, text = _digest(app)
    assert locale is Locale.ZH_HANS and text.startswith("周报")

    _speak(app, seed, Locale.ZH_HANS)
    app.teams.update(seed.admin, "Steel East", language="en")
    locale, text = _digest(app)
    assert locale is Locale.EN and text.startswith("Weekly digest")  # chosen beats the members

    app.teams.update(seed.admin, "Steel East", language="auto")
    assert _digest(app)[0] is Locale.ZH_HANS  # auto: the members' language again


def test_accounts_created_in_the_week_are_listed_as_new(app: App, seed: Seed, clock: FrozenClock) -> None:
    clock.now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # Wednesday of W48
    ConsoleHarness(app, seed.rep).send("account new Ningbo Port Group")
    ConsoleHarness(app, seed.other_rep).send("account new Xiamen Airlines")  # the other team's
    with app.uow() as uow:
        assert {a.name for a in uow.repo.all(m.Account)} >= {"Ningbo Port Group", "Xiamen Airlines"}
    clock.now = NEXT_MONDAY

    _, text = _digest(app)
    assert "New accounts this week\nNingbo Port Group (Rita Rep)\nAccounts at risk" in text, text
    assert "Xiamen Airlines" not in text
    assert "New accounts this week" not in _digest(app, W47)[1]  # created the week after

    app.teams.update(seed.admin, "Steel East", language="zh")
    assert "本周新客户\nNingbo Port Group (Rita Rep)\n风险客户" in _digest(app)[1]
