"""A visit, its promises and observations reach a (fake) HubSpot portal once, edits and Done
follow, a pull brings companies, contacts and owners back; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from conftest import FrozenClock
from factories import Seed, seed_team
from fakes.hubspot_api import FakeHubSpot
from sqlalchemy import select

from kam_bot.bootstrap import App
from kam_bot.domain.enums import PromiseDirection, PromiseStatus
from kam_bot.services.inputs import PriceInput, PromiseInput, VisitInput
from kam_bot.store.tables import OutboxRow

from .conftest import jobs_of


def portal(fake: FakeHubSpot, s: Seed) -> dict[str, str]:
    """The portal as the team finds it: their company, its buyer, the rep as an owner."""
    company = fake.add("companies", {"name": s.baosteel.name, "industry": "Steel"})
    return {
        "company": company,
        "contact": fake.add(
            "contacts",
            {
                "firstname": "Wang",
                "lastname": "Lei",
                "jobtitle": "Purchasing Manager",
                "associatedcompanyid": company,
            },
        ),
        "rep": fake.add_owner("RITA@example.com", "Rita", "Rep"),
    }


def visit_input(app: App, s: Seed, **extra: object) -> VisitInput:
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


def rows(app: App) -> dict[str, int]:
    with app.uow() as uow:
        found: dict[str, int] = {}
        for status in uow.repo.session.scalars(select(OutboxRow.status).where(OutboxRow.kind == "change")):
            found[status] = found.get(status, 0) + 1
        return found


def task_titled(fake: FakeHubSpot, subject: str) -> dict[str, str]:
    return next(t.properties for t in fake.all("tasks") if t.properties.get("hs_task_subject") == subject)


@pytest.mark.parametrize("id_property", [None, "unique", "plain"])
def test_a_visit_lands_as_one_meeting_with_its_tasks_and_note_on_the_right_company(
    fake_hs: FakeHubSpot, make_crm_app: object, id_property: str | None
) -> None:
    for kind in ("meetings", "tasks", "notes"):
        if id_property:
            fake_hs.define_property(kind, "kam_bot_id", unique=id_property == "unique")
    app = make_crm_app(fake_hs)  # type: ignore[operator]
    s = seed_team(app)
    org = portal(fake_hs, s)
    jobs = jobs_of(app)
    pulled = jobs.pull()
    assert pulled.owners_matched == 1 and pulled.accounts_updated == 1

    app.visits.log(s.rep, visit_input(app, s))
    stats = jobs.push(lambda: False)

    (meeting,) = fake_hs.all("meetings")
    assert fake_hs.associated("meetings", meeting.id, "companies") == {org["company"]}
    assert fake_hs.associated("meetings", meeting.id, "contacts") == {org["contact"]}
    assert meeting.properties["hubspot_owner_id"] == org["rep"]
    assert "renew the coil contract" in meeting.properties["hs_meeting_title"]
    assert "send the quote" in meeting.properties["hs_meeting_body"]
    assert meeting.properties["hs_timestamp"] == "2026-11-23T08:00:00.000Z"
    if id_property:
        assert meeting.properties["kam_bot_id"].startswith("kam-bot-visit-")
    else:
        assert meeting.properties["hs_meeting_body"].endswith("]")
    tasks = sorted(fake_hs.all("tasks"), key=lambda t: t.properties["hs_timestamp"])
    assert [t.properties["hs_task_subject"] for t in tasks] == [
        "send the quote",
        "Customer's promise: share the volume forecast",
    ]
    assert [t.properties["hs_timestamp"] for t in tasks] == [
        "2026-11-26T12:00:00.000Z",
        "2026-11-30T12:00:00.000Z",
    ]
    assert all(t.properties["hs_task_status"] == "NOT_STARTED" for t in tasks)
    assert all(fake_hs.associated("tasks", t.id, "companies") == {org["company"]} for t in tasks)
    assert tasks[0].properties["hubspot_owner_id"] == org["rep"]
    assert fake_hs.associated("tasks", tasks[1].id, "contacts") == {org["contact"]}
    (note,) = fake_hs.all("notes")
    assert fake_hs.associated("notes", note.id, "companies") == {org["company"]}
    assert "HRC coil 4300 CNY/t" in note.properties["hs_note_body"]
    assert stats.pushed == 4 and rows(app) == {"sent": 4}

    assert jobs.push(lambda: False).pushed == 0  # nothing left: nothing twice
    assert len(fake_hs.all("meetings")) == 1 and len(fake_hs.all("tasks")) == 2


def test_personal_notes_never_leave(crm_app: App, fake_hs: FakeHubSpot) -> None:
    s = seed_team(crm_app)
    portal(fake_hs, s)
    jobs = jobs_of(crm_app)
    jobs.pull()
    crm_app.visits.log(s.rep, visit_input(crm_app, s))
    jobs.push(lambda: False)
    sent = [str(c.body) for c in fake_hs.calls]
    assert fake_hs.all("meetings") and not any("plays go" in text for text in sent)


def test_an_edit_done_undo_and_a_deletion_reach_the_hubspot_record(
    crm_app: App, fake_hs: FakeHubSpot, clock: FrozenClock
) -> None:
    s = seed_team(crm_app)
    portal(fake_hs, s)
    jobs = jobs_of(crm_app)
    jobs.pull()
    logged = crm_app.visits.log(s.rep, visit_input(crm_app, s))
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
    (meeting,) = fake_hs.all("meetings")
    assert "they signed" in meeting.properties["hs_meeting_body"]
    assert "book delivery" in meeting.properties["hs_meeting_body"]
    task = task_titled(fake_hs, "send the quote")
    assert task["hs_task_status"] == "COMPLETED" and task["hs_task_completion_date"]

    crm_app.promises.reopen(s.rep, ours.id)
    jobs.push(lambda: False)
    assert task_titled(fake_hs, "send the quote")["hs_task_status"] == "NOT_STARTED"

    crm_app.undo.visit(s.rep, logged.visit.id)
    jobs.push(lambda: False)
    assert fake_hs.all("meetings") == [] and fake_hs.all("tasks") == [] and fake_hs.all("notes") == []
    assert len(fake_hs.all("meetings", archived=True)) == 1 and len(fake_hs.all("tasks", archived=True)) == 2
    assert rows(crm_app) == {"sent": 4 + 2 + 1 + 4}  # saved, edit + done, undone, 4 deleted


def test_a_pull_creates_updates_and_maps_owners_and_never_deletes(
    crm_app: App, fake_hs: FakeHubSpot, clock: FrozenClock
) -> None:
    s = seed_team(crm_app)
    org = portal(fake_hs, s)
    new = fake_hs.add(
        "companies", {"name": "Shougang Group", "industry": "Steel", "hubspot_owner_id": org["rep"]}
    )
    fake_hs.add(
        "contacts", {"firstname": "Li", "lastname": "Na", "jobtitle": "Buyer", "associatedcompanyid": new}
    )
    fake_hs.add_owner("nobody@example.com", "Nobody", "Known")
    jobs = jobs_of(crm_app)

    result = jobs.pull()

    assert (result.owners_matched, result.accounts_created, result.contacts_created) == (1, 1, 1)
    with crm_app.uow() as uow:
        accounts = {a.name: a for a in uow.repo.all(type(s.baosteel))}
        created = accounts["Shougang Group"]
        assert created.owner_id == s.rep.id and created.team_id == s.team.id and created.industry == "Steel"
        assert accounts[s.baosteel.name].industry == "Steel"
        assert s.sinopec.name in accounts  # known to kam-bot alone: kept
        contacts = {c.name: c for c in uow.repo.contacts_for(s.baosteel.id)}
        assert contacts["Wang Lei"].personal_notes == Seed.NOTES  # matched, notes untouched
        assert [c.name for c in uow.repo.contacts_for(created.id)] == ["Li Na"]

    clock.advance(hours=1)
    fake_hs.change("companies", new, {"name": "Shougang Group Co."})
    again = jobs.pull()
    assert again.accounts_created == 0 and again.accounts_updated == 1
    with crm_app.uow() as uow:
        assert uow.repo.get(type(s.baosteel), created.id).name == "Shougang Group Co."  # type: ignore[union-attr]


def test_a_task_completed_in_hubspot_closes_the_promise(crm_app: App, fake_hs: FakeHubSpot) -> None:
    s = seed_team(crm_app)
    portal(fake_hs, s)
    jobs = jobs_of(crm_app)
    jobs.pull()
    logged = crm_app.visits.log(s.rep, visit_input(crm_app, s))
    jobs.push(lambda: False)
    task = next(t for t in fake_hs.all("tasks") if t.properties["hs_task_subject"] == "send the quote")
    fake_hs.change("tasks", task.id, {"hs_task_status": "COMPLETED"})

    assert jobs.pull(full=True).promises_closed == 1
    ours = next(p for p in logged.promises if p.direction is PromiseDirection.OURS)
    assert crm_app.promises.get(s.rep, ours.id).status is PromiseStatus.DONE
