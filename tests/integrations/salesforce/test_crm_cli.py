"""`kam-bot crm status | resync | pull | push` as an admin runs them, against the fake org."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import seed_team
from fakes.salesforce_api import FakeSalesforce

from kam_bot import cli
from kam_bot.bootstrap import bootstrap
from kam_bot.config import Settings
from kam_bot.store.engine import make_engine, upgrade

from .test_salesforce_sync import _org, _visit


@pytest.fixture
def env(tmp_path: Path, fake_sf: FakeSalesforce, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(make_engine(url))
    monkeypatch.setenv("DATABASE_URL", url)
    for name, value in fake_sf.env().items():
        monkeypatch.setenv(name, value)
    return url


def test_status_pull_push_and_resync(
    env: str, fake_sf: FakeSalesforce, capsys: pytest.CaptureFixture[str]
) -> None:
    app = bootstrap(Settings(database_url=env))
    s = seed_team(app)
    _org(fake_sf, s)
    fake_sf.add("Account", Name="Shougang Group")

    assert cli.main(["crm", "status"]) == 0
    out = capsys.readouterr().out
    assert "CRM sync with salesforce: running" in out and "never pulled" in out

    assert cli.main(["crm", "pull"]) == 0
    assert "accounts +1 ~1" in capsys.readouterr().out
    app.visits.log(s.rep, _visit(app, s))
    assert cli.main(["crm", "push"]) == 0
    assert "4 written" in capsys.readouterr().out

    assert cli.main(["crm", "resync", "--since", "2026-11-01"]) == 0
    assert "Queued 4 records" in capsys.readouterr().out
    assert cli.main(["crm", "status"]) == 0
    out = capsys.readouterr().out
    assert "pending: 4" in out and "sent: 4" in out and "API allowance today:" in out
    assert cli.main(["crm", "push"]) == 0
    assert len(fake_sf.all("Event")) == 1 and len(fake_sf.all("Task")) == 2  # re-sent as updates


def test_a_bad_date_and_a_revoked_credential_each_say_one_clear_line(
    env: str, fake_sf: FakeSalesforce, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["crm", "resync", "--since", "last week"]) == 2
    assert capsys.readouterr().err.strip() == (
        "kam-bot crm resync: --since 'last week' is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01"
    )
    fake_sf.revoke()
    assert cli.main(["crm", "pull"]) == 1
    assert capsys.readouterr().out.strip() == (
        "CRM sync with salesforce is stopped: salesforce refused kam-bot's credentials (invalid_client). "
        "Nothing is lost; fix the salesforce settings and it resumes."
    )


def test_without_crm_the_command_says_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    upgrade(make_engine(url))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("CRM", raising=False)
    assert cli.main(["crm", "status"]) == 2
    assert capsys.readouterr().err.startswith("kam-bot: CRM is not set; to sync, set CRM=salesforce")


def test_a_missing_salesforce_setting_is_named(
    env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SALESFORCE_CLIENT_SECRET")
    assert cli.main(["crm", "status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kam-bot: configuration error: SALESFORCE_CLIENT_SECRET is not set")
