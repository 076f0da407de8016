"""A visit, its promises and observations reach a (fake) Salesforce org once, edits and Done
follow, a pull brings accounts, contacts and owners back; SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from conftest import FrozenClock
from factories import Seed, seed_team
from fakes.salesforce_api import FakeSalesforce
from sqlalchemy import select

from kam_bot.bootstrap import App
from kam_bot.domain.enums import PromiseDirection, PromiseStatus
from kam_bot.services.errors import InvalidInputError
from kam_bot.services.inputs import PriceInput, PromiseInput, VisitInput
from kam_bot.store.tables import OutboxRow

from .conftest import jobs_of


def _org(fake: FakeSalesforce, s: Seed) -> dict[str, str]:
    """The org as the team finds it: their account, its buyer, the rep as a user."""
    account = fake.add("Account", Name=s.baosteel.name, Industry="Steel")
    return {
        "account": account,
        "contact": fake.add("Contact", AccountId=account, Name="Wang Lei", Title="Purchasing Manager"),
        "rep": fake.add("User", Name="Rita Rep", Email="RITA@example.com", IsActive=True),
    }


def _visit(app: App, s: Seed, **extra: object) -> VisitInput:
    today = app.clock().date()
    fields: dict[str, object] = {
        "account_id": s.baosteel.id,
        "visited_at": app.clock() - timedelta(hours=2),
        "contact_ids": [s.contact.id],
        "goal": "renew the coil contract",
        "summary": "they want 5% off",
        "next_step": "send the quote",
        "needs": "faster delivery",
        "promises": [
            PromiseInput(text="send the quote", due_date=today + timedelta(days=3)),
            PromiseInput(
                text="share the volume forecast",
                direction=PromiseDirection.THEIRS,
                due_date=today + timedelta(days=7),
                contact_id=s.contact.id,
            ),
        ],
        "prices": [PriceInput(product="HRC coil", price=Decimal("4300"), currency="CNY", unit="t")],
    }
    return VisitInput(**(fields | extra))  # type: ignore[arg-type]


def _rows(app: App) -> dict[str, int]:
    with app.uow() as uow:
        session = uow.repo.session
        found: dict[str, int] = {}
        for status in session.scalars(select(OutboxRow.status).where(OutboxRow.kind == "change")):
            found[status] = found.get(status, 0) + 1
        return found


def test_a_visit_lands_as_one_event_with_its_tasks_on_the_right_account(
    crm_app: App, fake_sf: FakeSalesforce
) -> None:
    s = seed_team(crm_app)
    org = _org(fake_sf, s)
    jobs = jobs_of(crm_app)
    pulled = jobs.pull()
    assert pulled.owners_matched == 1 and pulled.accounts_updated == 1

    crm_app.visits.log(s.rep, _visit(crm_app, s))
    stats = jobs.push(lambda: False)

    (event,) = fake_sf.all("Event")
    assert event["WhatId"] == org["account"] and event["WhoId"] == org["contact"]
    assert event["OwnerId"] == org["rep"]
    assert "renew the coil contract" in event["Subject"] and "send the quote" in event["Description"]
    assert event["Kam_Bot_Id__c"].startswith("kam-bot-visit-")
    tasks = sorted(fake_sf.all("Task"), key=lambda t: t["ActivityDate"])
    assert [t["Subject"] for t in tasks] == [
        "send the quote",
        "Customer's promise: share the volume forecast",
    ]
    assert all(t["WhatId"] == org["account"] and t["Status"] == "Not Started" for t in tasks)
    assert tasks[0]["OwnerId"] == org["rep"] and tasks[1]["WhoId"] == org["contact"]
    (note,) = fake_sf.all("Note")
    assert note["ParentId"] == org["account"] and "HRC coil 4300" in note["Title"]
    assert stats.pushed == 4 and _rows(crm_app) == {"sent": 4}

    assert jobs.push(lambda: False).pushed == 0  # nothing left: nothing twice
    assert len(fake_sf.all("Event")) == 1 and len(fake_sf.all("Task")) == 2


def test_personal_notes_never_leave(crm_app: App, fake_sf: FakeSalesforce) -> None:
    s = seed_team(crm_app)
    _org(fake_sf, s)
    jobs = jobs_of(crm_app)
    jobs.pull()
    crm_app.visits.log(s.rep, _visit(crm_app, s))
    jobs.push(lambda: False)
    written = [str(r) for name in fake_sf.records for r in fake_sf.all(name)]
    assert written and not any("plays go" in text for text in written)


def test_an_edit_done_undo_and_a_deletion_reach_the_crm_record(
    crm_app: App, fake_sf: FakeSalesforce, clock: FrozenClock
) -> None:
    s = seed_team(crm_app)
    _org(fake_sf, s)
    jobs = jobs_of(crm_app)
    jobs.pull()
    logged = crm_app.visits.log(s.rep, _visit(crm_app, s))
    jobs.push(lambda: False)

    crm_app.visits.edit(
        s.rep,
        logged.visit.id,
        goal_reached=None,
        summary="they signed",
        next_step="book delivery",
        next_visit_date=None,
    )
    ours = next(p for p in logged.promises if p.direction is PromiseDirection.OURS)
    crm_app.promises.complete(s.rep, ours.id)
    jobs.push(lambda: False)
    (event,) = fake_sf.all("Event")
    assert "they signed" in event["Description"] and "book delivery" in event["Description"]
    task = next(t for t in fake_sf.all("Task") if t["Subject"] == "send the quote")
    assert task["Status"] == "Completed" and task["IsClosed"] is True

    crm_app.promises.reopen(s.rep, ours.id)
    jobs.push(lambda: False)
    task = next(t for t in fake_sf.all("Task") if t["Subject"] == "send the quote")
    assert task["Status"] == "Not Started"

    crm_app.undo.visit(s.rep, logged.visit.id)
    jobs.push(lambda: False)
    assert fake_sf.all("Event") == [] and fake_sf.all("Task") == [] and fake_sf.all("Note") == []
    assert _rows(crm_app) == {"sent": 4 + 2 + 1 + 4}  # saved, edit + done, undone, 4 deleted


def test_a_pull_creates_updates_and_maps_owners_and_never_deletes(
    crm_app: App, fake_sf: FakeSalesforce, clock: FrozenClock
) -> None:
    s = seed_team(crm_app)
    org = _org(fake_sf, s)
    new = fake_sf.add("Account", Name="Shougang Group", Industry="Steel", OwnerId=org["rep"])
    fake_sf.add("Contact", AccountId=new, Name="Li Na", Title="Buyer")
    fake_sf.add("User", Name="Nobody Known", Email="nobody@example.com", IsActive=True)
    jobs = jobs_of(crm_app)

    result = jobs.pull()

    assert (result.owners_matched, result.accounts_created, result.contacts_created) == (1, 1, 1)
    with crm_app.uow() as uow:
        accounts = {a.name: a for a in uow.repo.all(type(s.baosteel))}
        created = accounts["Shougang Group"]
        assert created.owner_id == s.rep.id and created.team_id == s.team.id and created.industry == "Steel"
        assert accounts[s.baosteel.name].industry == "Steel"  # updated from "steel"
        assert s.sinopec.name in accounts  # known to kam-bot alone: kept
        contacts = {c.name: c for c in uow.repo.contacts_for(s.baosteel.id)}
        assert contacts["Wang Lei"].personal_notes == Seed.NOTES  # matched, notes untouched
        assert [c.name for c in uow.repo.contacts_for(created.id)] == ["Li Na"]

    fake_sf.records["Account"][new]["Name"] = "Shougang Group Co."
    fake_sf.records["Account"][new]["LastModifiedDate"] = "2099-01-01T00:00:00.000+0000"
    clock.advance(hours=1)
    again = jobs.pull()
    assert again.accounts_created == 0 and again.accounts_updated == 1
    with crm_app.uow() as uow:
        assert uow.repo.get(type(s.baosteel), created.id).name == "Shougang Group Co."  # type: ignore[union-attr]


def test_a_task_completed_in_salesforce_closes_the_promise(crm_app: App, fake_sf: FakeSalesforce) -> None:
    s = seed_team(crm_app)
    _org(fake_sf, s)
    jobs = jobs_of(crm_app)
    jobs.pull()
    logged = crm_app.visits.log(s.rep, _visit(crm_app, s))
    jobs.push(lambda: False)
    task = next(t for t in fake_sf.all("Task") if t["Subject"] == "send the quote")
    fake_sf.records["Task"][task["Id"]] |= {"Status": "Completed", "IsClosed": True}

    assert jobs.pull(full=True).promises_closed == 1
    ours = next(p for p in logged.promises if p.direction is PromiseDirection.OURS)
    assert crm_app.promises.get(s.rep, ours.id).status is PromiseStatus.DONE


def _all_rows(app: App) -> int:
    return sum(_rows(app).values())


def test_a_refused_change_writes_no_crm_row(crm_app: App) -> None:
    s = seed_team(crm_app)
    promise = crm_app.promises.add(
        s.rep, s.baosteel.id, PromiseInput(text="call back", due_date=crm_app.clock().date())
    )
    assert _all_rows(crm_app) == 1
    with pytest.raises(InvalidInputError):
        crm_app.promises.snooze(s.rep, promise.id, days=400)
    crm_app.promises.cancel(s.rep, promise.id)
    with pytest.raises(InvalidInputError):  # a cancelled promise cannot be snoozed: nothing written
        crm_app.promises.snooze(s.rep, promise.id, days=1)
    assert _all_rows(crm_app) == 2


def test_mapped_fields_where_the_org_has_them_and_the_password_login(
    fake_sf: FakeSalesforce, make_crm_app: Callable[..., App]
) -> None:
    fake_sf.optional_fields = True
    app = make_crm_app(
        fake_sf, client_id=None, client_secret=None, username="kam@example.com", password="pw", token="TOKEN"
    )
    s = seed_team(app)
    _org(fake_sf, s)
    jobs = jobs_of(app)
    jobs.pull()
    app.visits.log(s.rep, _visit(app, s))
    jobs.push(lambda: False)
    (event,) = fake_sf.all("Event")
    assert (
        event["Kam_Bot_Goal__c"] == "renew the coil contract"
        and event["Kam_Bot_Needs__c"] == "faster delivery"
    )
    directions = sorted(t["Kam_Bot_Direction__c"] for t in fake_sf.all("Task"))
    assert directions == ["ours", "theirs"]
    assert ("POST", f"/services/Soap/u/{fake_sf.VERSION}") in fake_sf.calls
