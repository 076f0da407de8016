"""`kam-bot remind --dry-run` names who Teams cannot reach yet, before the outbox marks them dead."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import FrozenClock

from kam_bot import cli
from kam_bot.bootstrap import bootstrap
from kam_bot.config import Settings
from kam_bot.services import demo
from kam_bot.services.conversations import ConversationRef

SEEDED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kam.db'}")
    monkeypatch.setenv("TEAMS_ALLOW_UNAUTHENTICATED", "true")  # Teams enabled: DMs may go there
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
        uow.repo.link_identity(alex.id, "teams", "aad-alex")
        uow.commit()
    app.engine.dispose()
    return clock


def test_a_teams_user_who_never_opened_the_bot_is_named(
    demo_db: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["remind", "--at", "2026-11-24T08:30", "--user", "alex.chen@example.com", "--dry-run"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "=== Alex Chen <teams:aad-alex: has not opened kam-bot in Teams yet" in out
    assert "1 of them have not opened kam-bot in Teams yet" in out and "no_teams_conversation" in out
    app = bootstrap(Settings(), clock=demo_db)
    app.conversation_refs.save(
        ConversationRef(
            platform="teams", external_id="aad-alex", conversation_id="a:1", service_url="https://x/"
        )
    )
    app.engine.dispose()
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "=== Alex Chen <teams:aad-alex> ·" in out and "not opened" not in out
