"""`kam-bot serve` checks the bot token with Slack (``auth.test``) before it starts listening."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.slack_api import FakeSlack

from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.adapters.slack.startup import check_token
from kam_bot.cli import main
from kam_bot.config import SettingsError


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    slack = FakeSlack().start()
    yield slack
    slack.stop()


def test_a_token_slack_accepts_names_the_workspace(fake: FakeSlack) -> None:
    settings = SlackSettings(bot_token="xoxb-good", api_url=fake.api_url)
    assert check_token(settings) == "T1/UBOT"
    assert [c.method for c in fake.calls] == ["auth.test"]


def test_serve_with_a_refused_token_says_so_and_does_not_start(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kam.db'}")
    assert main(["db", "upgrade"]) == 0
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-revoked")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    fake.fail_next("auth.test", "invalid_auth")
    assert main(["serve", "--port", "9"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_BOT_TOKEN: Slack refused the token at auth.test (invalid_auth)" in err


def test_slack_not_answering_is_said_and_the_start_goes_on(capsys: pytest.CaptureFixture[str]) -> None:
    settings = SlackSettings(bot_token="xoxb-x", api_url="http://127.0.0.1:9/api/")
    assert check_token(settings, timeout=2) is None
    assert "could not reach Slack to check the token" in capsys.readouterr().err


def test_another_refusal_is_a_configuration_error(fake: FakeSlack) -> None:
    fake.fail_next("auth.test", "token_revoked")
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN"):
        check_token(SlackSettings(bot_token="xoxb-old", api_url=fake.api_url))


def test_an_app_token_slack_accepts_is_checked_too(fake: FakeSlack) -> None:
    settings = SlackSettings(bot_token="xoxb-good", app_token="xapp-good", api_url=fake.api_url)
    assert check_token(settings) == "T1/UBOT"
    [opened] = [c for c in fake.calls if c.method == "apps.connections.open"]
    assert opened.headers["Authorization"] == "Bearer xapp-good"


@pytest.mark.parametrize("error", ["invalid_auth", "not_allowed_token_type", "token_revoked"])
def test_serve_with_a_refused_app_token_stops_with_one_line_naming_it(
    fake: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    error: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kam.db'}")
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-good")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-revoked")
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    fake.fail_next("apps.connections.open", error)
    assert main(["serve", "--port", "9"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"kam-bot: configuration error: SLACK_APP_TOKEN: Slack refused the app-level token at "
        f"apps.connections.open ({error}); create one (xapp-…) with the connections:write scope "
        "under the app's Basic Information"
    ]
