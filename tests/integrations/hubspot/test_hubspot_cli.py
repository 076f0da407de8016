"""`kam-bot crm status | pull | push | resync` as an admin runs them, against the fake HubSpot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import seed_team
from fakes.hubspot_api import FakeHubSpot

from kam_bot import cli
from kam_bot.bootstrap import bootstrap
from kam_bot.config import Settings
from kam_bot.store.engine import make_engine, upgrade

from .test_hubspot_sync import portal, visit_input


@pytest.fixture
def live_hs() -> Iterator[FakeHubSpot]:
    """The portal on the real clock, as the CLI's own clock is."""
    with FakeHubSpot(daily=250_000) as fake:
        yield fake


@pytest.fixture
def env(tmp_path: Path, live_hs: FakeHubSpot, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(make_engine(url))
    monkeypatch.setenv("DATABASE_URL", url)
    for name, value in live_hs.env().items():
        monkeypatch.setenv(name, value)
    return url


def test_status_pull_push_and_resync(
    env: str, live_hs: FakeHubSpot, capsys: pytest.CaptureFixture[str]
) -> None:
    app = bootstrap(Settings(database_url=env))
    s = seed_team(app)
    portal(live_hs, s)
    live_hs.add("companies", {"name": "Shougang Group"})

    assert cli.main(["crm", "status"]) == 0
    out = capsys.readouterr().out
    assert "CRM sync with hubspot: running" in out and "never pulled" in out

    assert cli.main(["crm", "pull"]) == 0
    assert "accounts +1 ~1" in capsys.readouterr().out
    app.visits.log(s.rep, visit_input(app, s))
    assert cli.main(["crm", "push"]) == 0
    assert "4 written" in capsys.readouterr().out

    assert cli.main(["crm", "resync", "--since", "2026-11-01"]) == 0
    assert "Queued 4 records" in capsys.readouterr().out
    assert cli.main(["crm", "status"]) == 0
    out = capsys.readouterr().out
    assert "pending: 4" in out and "sent: 4" in out and "API allowance today:" in out and "250000" in out
    assert cli.main(["crm", "push"]) == 0
    assert len(live_hs.all("meetings")) == 1 and len(live_hs.all("tasks")) == 2  # re-sent as updates


def test_a_revoked_token_says_one_clear_line(
    env: str, live_hs: FakeHubSpot, capsys: pytest.CaptureFixture[str]
) -> None:
    live_hs.revoke()
    assert cli.main(["crm", "pull"]) == 1
    assert capsys.readouterr().out.strip() == (
        "CRM sync with hubspot is stopped: hubspot refused kam-bot's credentials (INVALID_AUTHENTICATION). "
        "Nothing is lost; fix the hubspot settings and it resumes."
    )


def test_a_missing_token_is_named(
    env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN")
    assert cli.main(["crm", "status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kam-bot: configuration error: HUBSPOT_ACCESS_TOKEN is not set")
