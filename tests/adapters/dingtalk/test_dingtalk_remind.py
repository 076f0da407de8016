"""`kam-bot remind --dry-run` names who DingTalk refused as not a member of the organisation,
so the admin can fix their ``dingtalk_id`` before the next mornings go to nobody."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import FrozenClock

from kam_bot import cli
from kam_bot.adapters.dingtalk import identity
from kam_bot.bootstrap import bootstrap
from kam_bot.config import Settings
from kam_bot.services import demo

SEEDED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kam.db'}")
    monkeypatch.setenv("DINGTALK_CLIENT_ID", "ding-app")  # DingTalk enabled: DMs may go there
    monkeypatch.setenv("DINGTALK_CLIENT_SECRET", "ding-secret")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["db", "upgrade"]) == 0
    clock = FrozenClock(SEEDED)
    import kam_bot.cli.jobs as cli_jobs

    monkeypatch.setattr(cli_jobs, "open_app", lambda settings: bootstrap(settings, clock=clock))
    app = bootstrap(Settings(), clock=clock)
    demo.seed(app.uow, SEEDED)
    alex = app.users.find("alex.chen@example.com")
    assert alex is not None
    with app.uow() as uow:
        uow.repo.link_identity(alex.id, "dingtalk", "ding-alex")
        uow.commit()
    app.engine.dispose()
    return clock


def test_a_user_id_dingtalk_refused_is_named(
    demo_db: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["remind", "--at", "2026-11-24T08:30", "--user", "alex.chen@example.com", "--dry-run"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "=== Alex Chen <dingtalk:ding-alex> ·" in out and "not a member" not in out  # reachable first
    app = bootstrap(Settings(), clock=demo_db)
    identity.refused(app, "ding-alex")  # what the deliverer records on invalidStaffIdList
    app.engine.dispose()
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "is not a member DingTalk knows in this organisation" in out and "dingtalk_invalid_user" in out
