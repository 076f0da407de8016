"""The rest of the audit log: settings (by the user or an admin), digest destinations, imports
and restores (one entry per run, with its counts), exchange rates. Written in the change's own
transaction, field names and counts only, never values; shown by `kam-bot audit`. On SQLite
and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date, time
from pathlib import Path

import pytest
from factories import Seed, seed_team

from kam_bot.bootstrap import App
from kam_bot.cli import OPERATOR, main
from kam_bot.cli import admin as cli_admin
from kam_bot.domain.models import AuditEntry
from kam_bot.handlers.commands import Commands
from kam_bot.services import audit
from kam_bot.services.errors import ForbiddenError, InvalidInputError
from kam_bot.services.rates import RateService
from kam_bot.services.transfer import export_all, import_csv, restore_jsonl

ACCOUNTS = (
    "name,aliases,owner,tier\nAcme Steel,Acme,rita@example.com,B\nBeta Chem,,rita@example.com,C\n"
    "Gamma Glass,,rita@example.com,Z\n"  # no tier Z: skipped with --skip-bad, else nothing is written
)


@pytest.fixture
def seed(app: App, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Seed:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_admin, "open_app", lambda settings: app)
    return seed_team(app)


def _entries(app: App) -> list[tuple[int | None, str, str, int, list[str]]]:
    with app.uow() as uow:
        found: list[AuditEntry] = uow.repo.audit_entries()
    return [(e.actor_id, e.action, e.entity, e.entity_id, e.fields) for e in found]


def test_settings_changes_are_recorded_by_field_for_the_user_and_an_admin(app: App, seed: Seed) -> None:
    Commands(app).settings(seed.rep, "timezone Europe/Berlin")
    Commands(app).settings(seed.rep, "language zh")
    app.users.update_settings(seed.rep, reminder_time=time(7, 15))
    app.users.update_settings(seed.admin, away_until=date(2026, 12, 24), user_id=seed.rep.id)
    app.users.update_settings(seed.rep, timezone="Europe/Berlin", reminder_time=time(7, 15))  # the same
    with pytest.raises(ForbiddenError):  # a rep may not change a teammate's
        app.users.update_settings(seed.rep, away_until=date(2026, 12, 24), user_id=seed.teammate.id)
    with pytest.raises(InvalidInputError):  # refused: nothing changed, nothing recorded
        app.users.update_settings(seed.rep, timezone="Mars/Olympus")

    assert _entries(app) == [
        (seed.rep.id, "changed", "settings", seed.rep.id, ["timezone"]),
        (seed.rep.id, "changed", "settings", seed.rep.id, ["locale"]),
        (seed.rep.id, "changed", "settings", seed.rep.id, ["reminder_time"]),
        (seed.admin.id, "changed", "settings", seed.rep.id, ["away_until"]),
    ]
    assert app.users.get(seed.rep.id).away_until == date(2026, 12, 24)
    assert app.users.get(seed.teammate.id).away_until is None


def test_digest_destinations_are_recorded_without_the_address(
    app: App, seed: Seed, capsys: pytest.CaptureFixture[str]
) -> None:
    app.users.set_team_destination(seed.admin, seed.team.id, "slack", "C0SECRETSALES")
    app.users.set_team_destination(seed.admin, seed.team.id, "teams", "19:abc@thread.tacv2")
    with pytest.raises(ForbiddenError):
        app.users.set_team_destination(seed.manager, seed.team.id, "slack", "C0OTHER")

    assert _entries(app) == [
        (seed.admin.id, "changed", "team", seed.team.id, ["digest_destination.slack"]),
        (seed.admin.id, "changed", "team", seed.team.id, ["digest_destination.teams"]),
    ]
    assert main(["audit"]) == 0
    out = capsys.readouterr().out
    assert "Ada Admin  changed team #" in out and "(digest_destination.slack)" in out
    assert "C0SECRETSALES" not in out and "thread" not in out


def test_rates_are_recorded_by_pair(app: App, seed: Seed) -> None:
    rates = RateService(app.uow, app.clock)
    rates.set(OPERATOR, "cny", "usd", "0.14")
    rates.set(seed.admin, "EUR", "USD", "1.08")
    with pytest.raises(ForbiddenError):
        rates.set(seed.rep, "EUR", "USD", "9")
    assert _entries(app) == [
        (None, "changed", "rate", 0, ["CNY/USD"]),
        (seed.admin.id, "changed", "rate", 0, ["EUR/USD"]),
    ]


def test_an_import_run_is_one_entry_with_its_counts(
    app: App, seed: Seed, capsys: pytest.CaptureFixture[str]
) -> None:
    report = import_csv(app, "accounts", io.StringIO(ACCOUNTS), actor=OPERATOR, skip_bad=True)
    assert report.rows_written == 2

    assert _entries(app) == [(None, "imported", "accounts", 0, ["created: 2", "skipped: 1", "updated: 0"])]
    assert main(["audit"]) == 0
    out = capsys.readouterr().out
    assert "(command line)  imported accounts (created: 2, skipped: 1, updated: 0)" in out

    refused = import_csv(app, "accounts", io.StringIO(ACCOUNTS), actor=OPERATOR)  # a bad row: nothing
    assert refused.errors and refused.rows_written == 0
    assert len(_entries(app)) == 1


def test_a_restore_is_one_entry_with_the_records_per_kind(app: App, seed: Seed, empty_app: App) -> None:
    backup = io.StringIO()
    export_all(app, backup, fmt="jsonl", actor=OPERATOR)

    report = restore_jsonl(empty_app, io.BytesIO(backup.getvalue().encode()), actor=OPERATOR)

    assert report.errors == []
    [(actor, action, entity, entity_id, fields)] = _entries(empty_app)
    assert (actor, action, entity, entity_id) == (None, "restored", "export", 0)
    assert "account: 4" in fields and "user: 7" in fields
    assert sum(int(f.split(": ")[1]) for f in fields) == report.rows_written


def test_a_failed_settings_change_leaves_no_entry(
    app: App, seed: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        app.users.update_settings(seed.rep, timezone="Europe/Berlin")
    monkeypatch.undo()
    assert app.users.get(seed.rep.id).timezone != "Europe/Berlin"  # the change and its entry go together
    assert _entries(app) == []
