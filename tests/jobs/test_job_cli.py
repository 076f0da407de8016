"""`kam-bot remind`, `digest`, `outbox` on the demo data, and `remind` / `digest` in the console."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import FrozenClock
from sqlalchemy import Engine, update

from kam_bot import cli, platforms
from kam_bot.adapters.console.bot import ConsoleBot
from kam_bot.bootstrap import App, bootstrap
from kam_bot.config import Settings
from kam_bot.services import demo
from kam_bot.services.users import PlatformProfile
from kam_bot.store import lease
from kam_bot.store.engine import make_engine
from kam_bot.store.tables import OutboxRow

SEEDED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai, where the demo team lives


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """A migrated SQLite file with the demo data seeded on Monday 23 Nov 2026; the CLI's clock frozen then."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kam.db'}")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["db", "upgrade"]) == 0
    clock = FrozenClock(SEEDED)
    import kam_bot.cli.jobs as cli_jobs

    monkeypatch.setattr(cli_jobs, "open_app", lambda settings: bootstrap(settings, clock=clock))
    app = bootstrap(Settings(), clock=clock)
    demo.seed(app.uow, SEEDED, platforms.demo_destinations())
    app.engine.dispose()
    return clock


BUTTONS_OF_PROMISE_1 = (
    "[Done: done 1 | Snooze 1 day: snooze 1 1 | Snooze 3 days: snooze 1 3 | Snooze 1 week: snooze 1 7"
    " | Open account: account #1]"
)


def test_remind_dry_run_prints_each_users_dm_at_their_local_time(
    demo_db: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["remind", "--at", "2026-11-24T08:30", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "=== Alex Chen <no chat identity" in out and "Tue 2026-11-24 08:30 Asia/Shanghai" in out
    assert "3 of them cannot be reached: no identity on slack, teams" in out  # the demo has console ids
    assert "Visit today: Baoshan Iron & Steel Co., Ltd." in out  # the demo's visit planned for tomorrow
    assert "send lab report on coating life — overdue 5 d" in out
    assert "confirm trial volume — overdue 3 d" in out
    assert BUTTONS_OF_PROMISE_1 in out
    assert "Wang Fang，早上好" in out and "⚠ Alex Chen" in out  # the manager, in Chinese, with escalations
    assert "Daughter starts university" not in out  # personal notes never in a DM
    assert "(nothing to say: no DM)" in out  # the admin
    assert "3 DM(s) would be sent at 2026-11-24T08:30 (local time of each user)" in out


def test_remind_dry_run_for_one_user_at_an_instant(
    demo_db: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["remind", "--at", "2026-11-24T00:30Z", "--user", "li.na@example.com", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "=== Li Na" in out and "Sinochem Coatings" in out and "Alex Chen" not in out
    assert (
        cli.main(["remind", "--at", "2026-11-28T08:30", "--user", "alex.chen@example.com", "--dry-run"]) == 0
    )
    assert "(weekend: no DM)" in capsys.readouterr().out


def test_remind_help_explains_naive_times(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["remind", "--help"])
    assert "the wall time of each user in their own time zone" in capsys.readouterr().out


def test_digest_preview_prints_the_team_digest_and_writes_the_chart(
    demo_db: FrozenClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = tmp_path / "chart.png"
    args = ["digest", "--team", "East China", "--week", "2026-W45", "--preview", "--chart", str(chart)]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "To: slack:#kam-east" in out
    assert (
        "== Weekly digest · East China · 2026-W45 (2 Nov 2026 – 8 Nov 2026) ==" in out
    )  # 2 of 3 read English
    assert "Alex Chen: visits 1 · goal reached 0/1 (0%) · partly 1" in out
    assert "[chart visits-2026-W45.png: East China: visits per rep per week]" in out
    assert "Daughter starts university" not in out
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert cli.main(["digest", "--team", "Nowhere", "--preview"]) == 2


def test_digest_preview_writes_every_chart_into_a_directory(
    demo_db: FrozenClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    charts = tmp_path / "charts"
    args = ["digest", "--team", "East China", "--week", "2026-W47", "--preview", "--chart-dir", str(charts)]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "-- Accounts at risk (tier A first)" in out and "-- Stalled deals" in out
    written = sorted(p.name for p in charts.iterdir())
    assert written == [
        "price-1-2026-W47.png", "priority-grid-2026-W47.png", "promises-2026-W47.png", "visits-2026-W47.png"
    ]  # fmt: skip
    for name in written:
        assert f"Chart written to {charts / name}" in out
        assert (charts / name).read_bytes().startswith(b"\x89PNG")


def test_remind_says_in_the_default_language_that_the_slot_was_taken(
    demo_db: FrozenClock, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFAULT_LOCALE", "zh-Hans")
    demo_db.now = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)  # Tuesday 08:30 in Shanghai
    assert cli.main(["remind"]) == 0
    assert cli.main(["remind"]) == 0  # the same slot again: it was decided
    last = capsys.readouterr().out.splitlines()[-1]
    assert last == "这个 5 分钟时段已被占用：另一次运行已处理或正在处理它；未做任何操作。"


def test_outbox_lists_and_retry_requeues(demo_db: FrozenClock, capsys: pytest.CaptureFixture[str]) -> None:
    demo_db.now = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)  # Tuesday 08:30 in Shanghai
    assert cli.main(["remind"]) == 0
    assert "0 DM(s) queued" in capsys.readouterr().out  # nobody reachable: see the next test
    assert cli.main(["remind"]) == 0  # the same slot again: nothing twice
    assert "nothing done" in capsys.readouterr().out
    assert cli.main(["outbox"]) == 0
    out = capsys.readouterr().out
    listed = [line for line in out.splitlines() if line.startswith("#")]
    # the demo's people have no Slack or Teams identity: reported, not silently dropped
    assert len(listed) == 3 and all(" dead " in line and "[no_chat_identity]" in line for line in listed)
    assert (
        "daily:u2:2026-11-24" in out and "Outbox: pending 0, in flight 0, sent 0, dead 3, skipped 0." in out
    )
    assert "Possible repeats" not in out
    assert cli.main(["outbox", "retry"]) == 0
    assert "0 dead message(s) queued again" in capsys.readouterr().out  # nowhere to send them
    engine = make_engine(f"sqlite:///{Path.cwd() / 'kam.db'}")
    with engine.begin() as conn:
        conn.execute(
            update(OutboxRow).values(
                status="dead", platform="slack", recipient="U1", attempts=5, last_error="invalid_auth"
            )
        )
    engine.dispose()
    assert cli.main(["outbox"]) == 0
    assert "[invalid_auth]" in capsys.readouterr().out
    assert cli.main(["outbox", "retry"]) == 0
    assert "3 dead message(s) queued again" in capsys.readouterr().out
    assert cli.main(["outbox"]) == 0
    assert "Outbox: pending 3, in flight 0, sent 0, dead 0, skipped 0." in capsys.readouterr().out


def test_remind_counts_only_the_dms_on_their_way_and_names_who_cannot_be_reached(
    demo_db: FrozenClock, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    app = bootstrap(Settings(), clock=demo_db)
    app.users.ensure(
        PlatformProfile(platform="slack", external_id="U_LI", display_name="Li Na", email="li.na@example.com")
    )
    app.engine.dispose()
    demo_db.now = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)  # Tuesday 08:30 in Shanghai
    assert cli.main(["remind"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "1 DM(s) queued; 0 due with nothing (new) to say; 0 failed."  # Li Na's
    assert lines[1].startswith("2 could not be reached (no chat identity on slack")
    assert lines[1].endswith(": Alex Chen, Wang Fang.")


def test_outbox_shows_rows_in_flight_and_the_repeats_the_sender_detected(
    demo_db: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    demo_db.now = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)
    assert cli.main(["remind"]) == 0
    app = bootstrap(Settings(), clock=demo_db)
    with app.uow() as uow:
        session = uow.repo.session
        session.execute(
            update(OutboxRow).values(status="pending", platform="slack", recipient="U1", last_error=None)
        )
        first, second, _ = lease.claim(session, demo_db.now, ["slack"], "host:1:abc", 3)
        assert lease.renew(session, first, demo_db.now)
        assert lease.record_incident(
            session, first, lease.FOUND_IN_HISTORY, "host:2", demo_db.now, "DU1:1700000001.000100"
        )
        assert lease.mark_sent(session, first, demo_db.now, "DU1:1700000001.000100")
        assert lease.record_incident(session, second, lease.LEASE_LOST_AFTER_SEND, "host:1", demo_db.now)
    app.engine.dispose()
    assert cli.main(["outbox"]) == 0
    out = capsys.readouterr().out
    assert "Outbox: pending 0, in flight 2, sent 1, dead 0, skipped 0." in out
    repeats = out.split("Possible repeats", 1)[1].splitlines()[1:3]
    assert f"#{first.id:<5} found_in_history" in repeats[0] and f"{first.key} (sent)" in repeats[0]
    assert "[DU1:1700000001.000100]" in repeats[0] and "host:2" in repeats[0]
    assert f"#{second.id:<5} lease_lost_after_send" in repeats[1] and "(pending)" in repeats[1]


# -- the console ---------------------------------------------------------------------


@pytest.fixture
def console(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock
) -> Callable[[str, str], str]:
    clock.now = SEEDED
    app = make_app(sqlite_engine)
    demo.seed(app.uow, SEEDED)

    def run(who: str, line: str) -> str:
        actor = app.users.by_identity("console", who)
        assert actor is not None
        said: list[str] = []
        bot = ConsoleBot(app, actor, ask=lambda _: None, say=said.append)
        bot.handle(line)
        return "\n".join(said)

    return run


def test_console_remind_shows_tomorrow_mornings_dm(console: Callable[[str, str], str]) -> None:
    out = console(demo.DEMO_IDENTITY, "remind")
    assert "Your next reminder: Tue 24 Nov 2026 at 08:30." in out
    assert "Visit today: Baoshan Iron & Steel Co., Ltd." in out
    assert BUTTONS_OF_PROMISE_1 in out


def test_console_digest_shows_this_weeks_team_digest(
    console: Callable[[str, str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    out = console("lina", "digest")
    written = re.search(r"Chart written: (\S+)/visits-2026-W48\.png", out)
    assert written is not None, out
    folder = Path(written.group(1))
    assert folder.parent == tmp_path / "tmp"  # a folder of its own in the temporary directory
    assert (folder / "priority-grid-2026-W48.png").read_bytes().startswith(b"\x89PNG")
    assert not (tmp_path / "kam-bot-charts").exists()  # nothing in the working directory
    assert "East China · 2026-W48" in out and "Week in progress" in out
    assert "Alex Chen" in out and "Li Na" in out
    assert "2026-W45" in console("lina", "digest 2026-W45")
    assert "not a week" in console("lina", "digest soon")
    assert "not in a team" in console("admin", "digest")
