"""Secrets never in logs; personal notes never in errors, logs or the audit log."""

from __future__ import annotations

import logging

import pytest
from console_harness import ConsoleHarness
from factories import Seed, seed_team

from kam_bot.adapters.slack.retry import make_client
from kam_bot.adapters.slack.server import create_asgi
from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.adapters.teams.settings import TeamsSettings
from kam_bot.bootstrap import App
from kam_bot.config import Settings

SECRETS = {"bot_token": "xoxb-123-SECRET", "signing_secret": "s3cr3t-sign", "app_token": None}


def test_the_settings_repr_and_str_hold_no_secret() -> None:
    settings = Settings(database_url="postgresql://kam:db-pa55@db/kam")
    slack = SlackSettings(**SECRETS)  # type: ignore[arg-type]
    teams = TeamsSettings(client_id="bot", client_secret="teams-SECRET")
    for each in (settings, slack, teams):
        for shown in (repr(each), str(each), f"{each!r} {each}"):
            assert "SECRET" not in shown and "s3cr3t" not in shown and "db-pa55" not in shown
    assert slack.bot_token == "xoxb-123-SECRET"  # still there for the code that needs it
    assert teams.client_secret == "teams-SECRET"


def test_building_the_slack_app_logs_no_secret(app: App, caplog: pytest.LogCaptureFixture) -> None:
    settings = SlackSettings(api_url="http://127.0.0.1:9/", form_process=False, **SECRETS)  # type: ignore[arg-type]
    with caplog.at_level(logging.DEBUG):
        create_asgi(app, settings, client=make_client(settings))
    assert "SECRET" not in caplog.text and "s3cr3t" not in caplog.text


def test_personal_notes_stay_out_of_refusals_logs_and_the_audit(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    s = seed_team(app)
    teammate = ConsoleHarness(app, s.teammate)
    outsider = ConsoleHarness(app, s.other_manager)
    with caplog.at_level(logging.DEBUG):
        said = teammate.send("account Baosteel") + outsider.send("account Baosteel")
        said += outsider.send("visit Baosteel met Wang Lei; summary asked about his daughter")
        app.contacts.update(s.rep, s.contact.id, personal_notes=Seed.NOTES + " and likes tea")
        app.contacts.erase_personal_data(s.admin, s.contact.id)
    assert "not allowed" in said
    assert Seed.NOTES not in said and Seed.NOTES not in caplog.text
    entries = app.audit.entries(s.admin)
    assert Seed.NOTES not in str([e.model_dump() for e in entries])
    assert [(e.action, e.fields) for e in entries][-2:] == [
        ("changed", ["personal_notes"]),
        ("erased", ["personal_notes"]),
    ]
