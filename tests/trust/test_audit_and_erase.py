"""The audit log (written with each change, read by admins with `kam-bot audit`) and
`kam-bot erase-contact`, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from factories import Seed, seed_team

from kam_bot.bootstrap import App
from kam_bot.cli import admin as cli_admin
from kam_bot.cli import main
from kam_bot.domain.enums import PromiseDirection
from kam_bot.domain.models import AuditEntry, Contact, PriceObservation, Visit
from kam_bot.services import audit
from kam_bot.services.errors import ForbiddenError
from kam_bot.services.inputs import PriceInput, PromiseInput, VisitInput


@pytest.fixture
def seed(app: App, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Seed:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_admin, "open_app", lambda settings: app)
    return seed_team(app)


def _entries(app: App) -> list[AuditEntry]:
    with app.uow() as uow:
        return uow.repo.audit_entries()


def _visit(app: App, seed: Seed, **extra: object) -> VisitInput:
    return VisitInput(account_id=seed.baosteel.id, visited_at=app.clock(), summary="talked", **extra)  # type: ignore[arg-type]


def test_each_change_is_recorded_with_who_what_and_when(app: App, seed: Seed) -> None:
    promise_data = PromiseInput(text="quote", due_date=date(2026, 11, 27), direction=PromiseDirection.OURS)
    logged = app.visits.log(seed.rep, _visit(app, seed, promises=[promise_data]))
    [promise] = logged.promises
    app.promises.complete(seed.manager, promise.id)
    obs, _ = app.observations.record_price(
        seed.rep, seed.baosteel.id, PriceInput(product="w", price=Decimal("4.2"), currency="USD")
    )
    app.observations.undo(seed.rep, PriceObservation, obs.id)
    app.contacts.update(seed.rep, seed.contact.id, title="Head of Purchasing")

    got = [(e.actor_id, e.action, e.entity, e.entity_id, e.fields) for e in _entries(app)]
    assert got == [
        (seed.rep.id, "created", "promise", promise.id, []),
        (seed.rep.id, "created", "visit", logged.visit.id, []),
        (seed.manager.id, "changed", "promise", promise.id, ["done_at", "snoozed_until", "status"]),
        (seed.rep.id, "created", "price", obs.id, []),
        (seed.rep.id, "deleted", "price", obs.id, []),
        (seed.rep.id, "changed", "contact", seed.contact.id, ["title"]),
    ]
    assert all(e.at == app.clock() for e in _entries(app))


def test_a_refused_or_failed_change_leaves_no_entry(
    app: App, seed: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ForbiddenError):
        app.visits.log(seed.other_rep, _visit(app, seed))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        app.visits.log(seed.rep, _visit(app, seed))

    monkeypatch.undo()
    assert _entries(app) == []
    with app.uow() as uow:
        assert uow.repo.count(Visit) == 0  # the change and its entry commit together or not at all


def test_kam_bot_audit_lists_entries_filters_them_and_is_for_admins(
    app: App, seed: Seed, capsys: pytest.CaptureFixture[str]
) -> None:
    app.visits.log(seed.rep, _visit(app, seed))
    app.contacts.update(seed.rep, seed.contact.id, personal_notes="Now plays golf on Sundays")

    assert main(["audit"]) == 0
    out = capsys.readouterr().out
    assert "2 audit entries" in out
    assert "Rita Rep  created visit #" in out
    assert "Rita Rep  changed contact #" in out and "(personal_notes)" in out
    assert "golf" not in out  # names the field, never its value

    assert main(["audit", "--user", "ada@example.com"]) == 0
    assert "No audit entries match." in capsys.readouterr().out
    assert main(["audit", "--since", "2026-11-24"]) == 0
    assert "No audit entries match." in capsys.readouterr().out
    assert main(["audit", "--since", "2026-11-23", "--user", "Rita Rep"]) == 0
    assert "2 audit entries" in capsys.readouterr().out

    assert main(["audit", "--since", "last tuesday"]) == 2
    assert "--since: “last tuesday” is not a date or time" in capsys.readouterr().err
    assert main(["audit", "--as", "rita@example.com"]) == 2
    assert "only admins read the audit log" in capsys.readouterr().err
    assert main(["audit", "--as", "ada@example.com"]) == 0


def test_erase_contact_removes_personal_data_and_records_that_it_did(
    app: App, seed: Seed, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["erase-contact", str(seed.contact.id)]) == 0
    out = capsys.readouterr().out
    assert f"Erased the personal data of contact #{seed.contact.id} (Wang Lei" in out
    assert Seed.NOTES not in out
    with app.uow() as uow:
        contact = uow.repo.get(Contact, seed.contact.id)
    assert contact is not None and contact.personal_notes is None
    assert contact.name == "Wang Lei" and contact.title == "Purchasing Manager"  # the chain stays
    [entry] = _entries(app)
    assert (entry.action, entry.entity, entry.entity_id, entry.actor_id, entry.fields) == (
        "erased",
        "contact",
        seed.contact.id,
        None,
        ["personal_notes"],
    )

    assert main(["erase-contact", str(seed.contact.id), "--as", "ada@example.com"]) == 0
    assert "holds no personal data" in capsys.readouterr().out
    assert main(["audit"]) == 0
    audit_out = capsys.readouterr().out
    assert "(command line)  erased personal data of contact" in audit_out
    assert "Ada Admin  erased personal data of contact" in audit_out
    assert Seed.NOTES not in audit_out

    assert main(["erase-contact", "999999"]) == 2
    assert "No contact #999999." in capsys.readouterr().err
    assert main(["erase-contact", str(seed.contact.id), "--as", "rita@example.com"]) == 2
    assert "not an admin" in capsys.readouterr().err
