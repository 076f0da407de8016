"""The `kam-bot` command as an operator and a new user run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kam_bot.cli import main


@pytest.fixture
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.chdir(tmp_path)
    return db


def test_unmigrated_database_is_refused_with_what_to_run(
    db_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["shell"]) == 2
    err = capsys.readouterr().err
    assert "kam-bot db upgrade" in err and "not set up" in err


def test_db_upgrade_then_current(db_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "current"]) == 0
    out = capsys.readouterr().out
    assert "latest schema" in out and "current: 0" in out


def test_malformed_setting_names_the_variable(
    db_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORT", "not-a-port")
    assert main(["db", "upgrade"]) == 2
    assert "PORT" in capsys.readouterr().err


def test_shell_piped_from_stdin_loads_demo_and_logs_a_visit(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'pipe.db'}"}
    run = [sys.executable, "-m", "kam_bot"]
    subprocess.run([*run, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=tmp_path)
    script = "\n".join(
        [
            "visit Acme met Sam Ortiz; goal: reorder - yes; we promise samples by next Tue",
            "y",
            "account Acme",
            "quit",
        ]
    )
    result = subprocess.run(
        [*run, "shell"], env=env, input=script, text=True, capture_output=True, cwd=tmp_path, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Loaded the demo data" in result.stdout
    assert "saved" in result.stdout
    assert result.stdout.count("samples") >= 2  # confirmation and the card
    again = subprocess.run(
        [*run, "shell", "--as", "li.na@example.com"],
        env=env,
        input="promises\n",
        text=True,
        capture_output=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert "Loaded the demo data" not in again.stdout
    assert "Li Na" in again.stdout


def test_shell_as_unknown_user_says_so(db_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["db", "upgrade"])
    assert main(["shell", "--as", "nobody@example.com", "--no-demo"]) == 2
    assert "nobody@example.com" in capsys.readouterr().err


def test_import_csv_errors_have_line_numbers_and_nothing_is_written(
    db_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["db", "upgrade"])
    users = tmp_path / "users.csv"
    users.write_text(
        "email,display_name,role,timezone\n"
        "ann@example.com,Ann,rep,Asia/Shanghai\n"
        "bob@example.com,Bob,captain,Europe/Berlin\n"
        "cy@example.com,Cy,rep,Mars/Base\n",
        encoding="utf-8",
    )
    assert main(["import", "users", str(users)]) == 1
    err = capsys.readouterr().err
    assert "Line 3" in err and "Line 4" in err and "Nothing was imported" in err
    assert main(["export"]) == 0
    assert "ann@example.com" not in capsys.readouterr().out
    assert main(["import", "users", str(users), "--skip-bad"]) == 0  # asked to skip the bad: done
    captured = capsys.readouterr()
    assert "Imported 1 of 3 rows" in captured.out
    assert "2 rows with errors were skipped (lines 3, 4)" in captured.err


def test_export_import_export_round_trip_is_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    main(["db", "upgrade"])
    script = "visit Baosteel met Li Wei; we promise 报价 by Friday; price widget-42 4.20 USD/kg\ny\nquit\n"
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(script))
    assert main(["shell"]) == 0
    assert main(["rates", "set", "CNY", "USD", "0.14"]) == 0
    capsys.readouterr()
    assert main(["audit"]) == 0
    log = capsys.readouterr().out
    first = tmp_path / "first.jsonl"
    assert main(["export", "--out", str(first)]) == 0
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'b.db'}")
    main(["db", "upgrade"])
    assert main(["import", str(first)]) == 0
    assert "Restored" in capsys.readouterr().out
    second = tmp_path / "second.jsonl"
    assert main(["export", "--out", str(second)]) == 0
    # the same records, ids and bytes; the audit log gains one line: the restore
    assert second.read_bytes().startswith(first.read_bytes())
    assert '"action":"restored"' in second.read_text(encoding="utf-8").splitlines()[-1]
    assert "报价" in first.read_text(encoding="utf-8")
    assert main(["rates"]) == 0 and "CNY" in capsys.readouterr().out  # the rate came back
    assert main(["audit"]) == 0
    restored_log = capsys.readouterr().out
    assert all(line in restored_log for line in log.strip().splitlines()[1:])  # the history came back


def test_import_accounts_summary_pending_owners_new_teams_and_each_field_once(
    db_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    accounts = db_env.parent / "accounts.csv"
    accounts.write_text(
        "name,owner,team,tier\n"
        "Acme Trading,li.na@example.com,East China,A\n"
        "Bright Star,slack:U0NOBODY,East China,B\n"
        "Cathay Foods,,East Chnia,B\n",
        encoding="utf-8",
    )
    assert main(["import", "accounts", str(accounts), "--strict-teams"]) == 1
    err = capsys.readouterr().err
    assert "Line 3: owner: no user “slack:U0NOBODY”" in err and "owner: owner:" not in err
    assert "Line 4: team: no team “East Chnia”" in err
    assert main(["import", "accounts", str(accounts), "--skip-bad"]) == 0
    captured = capsys.readouterr()
    assert "Imported 2 of 3 rows" in captured.out
    assert "1 new owners created as pending users" in captured.out and "li.na@example.com" in captured.out
    assert (
        "2 new teams created (no digest channel yet, time zone UTC): East China, East Chnia" in captured.out
    )
    assert "1 rows with errors were skipped (lines 3)" in captured.err


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("kam_bot.db", "not a database URL"),  # unparseable
        ("postgresql://kam@db:five/kam", "not a database URL"),
        ("mysql://kam@db/kam", "'mysql' is not a database kam-bot uses"),
        ("sqlite:////no/such/folder/kam.db", "unable to open database file"),  # no such database
        ("postgresql://kam@127.0.0.1:1/kam", "Connection refused"),  # unreachable
    ],
)
def test_a_wrong_database_url_stops_any_command_with_one_line_naming_it(
    tmp_path: Path, url: str, says: str
) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    for command in (["db", "upgrade"], ["remind", "--dry-run"], ["export"]):
        run = subprocess.run(
            [sys.executable, "-m", "kam_bot", *command], env=env, capture_output=True, text=True, cwd=tmp_path
        )
        assert run.returncode == 2, run.stderr
        [line] = run.stderr.strip().splitlines()
        assert "DATABASE_URL" in line and says in line and "Traceback" not in run.stderr


@pytest.mark.postgres
def test_a_database_that_does_not_exist_on_the_server_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = os.environ.get("KAM_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("PostgreSQL not configured (set KAM_TEST_POSTGRES_URL)")
    monkeypatch.setenv("DATABASE_URL", server.rsplit("/", 1)[0] + "/no_such_kam_db")
    assert main(["db", "current"]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("kam-bot: DATABASE_URL:") and 'database "no_such_kam_db" does not exist' in line


def test_an_unknown_default_locale_is_named(
    db_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEFAULT_LOCALE", "klingon")
    assert main(["db", "current"]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "DEFAULT_LOCALE" in line and "en or zh-Hans" in line
    monkeypatch.setenv("DEFAULT_LOCALE", "zh-CN")
    assert main(["db", "upgrade"]) == 0


@pytest.mark.parametrize("command", [["export"], ["audit"], ["digest", "--team", "East China", "--preview"]])
def test_output_into_a_closed_pipe_stops_quietly(tmp_path: Path, command: list[str]) -> None:
    """``kam-bot … | head``: the reader is gone before the first line (the read end is closed)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'pipe.db'}"}
    run = [sys.executable, "-m", "kam_bot"]
    subprocess.run([*run, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=tmp_path)
    subprocess.run(
        [*run, "shell"], env=env, input="quit\n", check=True, capture_output=True, text=True, cwd=tmp_path
    )
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [*run, *command], env=env, stdout=write_end, stderr=subprocess.PIPE, text=True, cwd=tmp_path
        )
    finally:
        os.close(write_end)
    assert done.returncode == 141 and "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, (
        done.stderr
    )
