"""`kam-bot calendar`: an admin sets a team's country, sees the year's days and corrects one by import."""

from __future__ import annotations

from pathlib import Path

import pytest

from kam_bot.cli import main


@pytest.fixture
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.chdir(tmp_path)
    assert main(["db", "upgrade"]) == 0
    (tmp_path / "users.csv").write_text("email,display_name,role,team\nli@example.com,Li Na,rep,Shanghai\n")
    assert main(["import", "users", "users.csv"]) == 0
    return tmp_path


def test_an_admin_sets_china_sees_the_year_and_corrects_a_day(
    db_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calendar", "set", "--team", "Shanghai", "--country", "CN"]) == 0
    assert "Shanghai now follows: country CN · weekend Sat, Sun." in capsys.readouterr().out

    assert main(["calendar", "show", "--team", "Shanghai", "--from", "2026-01-01"]) == 0
    year = capsys.readouterr().out
    assert "Working calendar of Shanghai: 1 Jan 2026 – 31 Dec 2026" in year
    assert "• Tue 17 Feb 2026 · Chinese New Year (Spring Festival)" in year
    assert "• Sat 14 Feb 2026 · make-up working day" in year
    assert "• Sat 10 Oct 2026 · make-up working day" in year

    (db_env / "calendar.csv").write_text("date,kind,team,name\n2026-02-24,off,Shanghai,Plant shutdown\n")
    assert main(["calendar", "import", "calendar.csv"]) == 0
    assert main(["calendar", "show", "--team", "Shanghai", "--from", "2026-02-24", "--to", "2026-02-24"]) == 0
    assert "• Tue 24 Feb 2026 · Plant shutdown" in capsys.readouterr().out

    assert main(["audit"]) == 0
    log = capsys.readouterr().out
    assert "changed team #1 (calendar_country)" in log and "imported calendar (created: 1" in log


def test_the_calendar_speaks_chinese(
    db_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFAULT_LOCALE", "zh-Hans")
    assert main(["calendar", "set", "--team", "Shanghai", "--country", "CN"]) == 0
    assert main(["calendar", "show", "--team", "Shanghai", "--from", "2026-02-14", "--to", "2026-02-28"]) == 0
    out = capsys.readouterr().out
    assert "2026年2月17日 周二 · 春节" in out and "2026年2月14日 周六 · 调休上班" in out


def test_a_bad_import_row_is_named_by_line_and_nothing_is_written(
    db_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (db_env / "calendar.csv").write_text(
        "date,kind,team,name\n2026-12-24,off,,Christmas Eve\n2026-12-25,holiday,,\n"
    )
    assert main(["calendar", "import", "calendar.csv"]) == 1
    err = capsys.readouterr().err
    assert "Line 3: kind: “holiday” is not one of off, work." in err
    assert main(["calendar", "show", "--team", "Shanghai", "--from", "2026-12-24", "--to", "2026-12-24"]) == 0
    assert "No holidays" in capsys.readouterr().out


def test_a_bad_country_stops_with_what_to_write(db_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "set", "--team", "Shanghai", "--country", "China"]) == 2
    assert "write two letters such as CN" in capsys.readouterr().err


def test_a_default_calendar_country_that_is_not_one_names_the_variable(
    db_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFAULT_CALENDAR_COUNTRY", "Atlantis")
    assert main(["calendar", "show", "--team", "Shanghai"]) == 2
    assert "DEFAULT_CALENDAR_COUNTRY" in capsys.readouterr().err


def test_remind_dry_run_says_no_reminders_on_a_holiday_and_sends_on_the_make_up_saturday(
    db_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calendar", "set", "--team", "Shanghai", "--country", "CN"]) == 0
    capsys.readouterr()
    assert main(["remind", "--at", "2026-02-17T08:30", "--user", "li@example.com", "--dry-run"]) == 0
    assert "Chinese New Year (Spring Festival): no reminders today." in capsys.readouterr().out
    assert main(["remind", "--at", "2026-02-14T08:30", "--user", "li@example.com", "--dry-run"]) == 0
    assert "(weekend: no DM)" not in capsys.readouterr().out


def test_remind_dry_run_at_an_instant_lists_who_gets_nothing_because_of_a_holiday(
    db_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calendar", "set", "--team", "Shanghai", "--country", "CN"]) == 0
    capsys.readouterr()
    assert main(["remind", "--at", "2026-02-17T08:30:00+00:00", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Li Na" in out and "Chinese New Year (Spring Festival): no reminders today." in out
    assert main(["remind", "--at", "2026-02-21T08:30:00+00:00", "--dry-run"]) == 0  # a plain Saturday
    assert "Li Na" not in capsys.readouterr().out


def test_a_year_the_library_has_no_make_up_days_for_asks_for_the_schedule_until_it_is_imported(
    db_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calendar", "set", "--team", "Shanghai", "--country", "CN"]) == 0
    assert main(["calendar", "show", "--team", "Shanghai", "--from", "2027-01-01"]) == 0
    assert "no make-up working days for CN in 2027 yet" in capsys.readouterr().out
    assert main(["calendar", "show", "--team", "Shanghai", "--from", "2026-01-01"]) == 0
    assert "no make-up working days" not in capsys.readouterr().out
    (db_env / "cn2027.csv").write_text("date,kind,team,name\n2027-02-20,work,Shanghai,调休上班\n")
    assert main(["calendar", "import", "cn2027.csv"]) == 0
    assert main(["calendar", "show", "--team", "Shanghai", "--from", "2027-01-01"]) == 0
    out = capsys.readouterr().out
    assert "no make-up working days" not in out and "• Sat 20 Feb 2027 · 调休上班" in out
