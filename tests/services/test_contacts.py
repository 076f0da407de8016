"""The decision chain: adding, editing and listing contacts; erasing personal data.

Each test seeds a fresh database (on SQLite and PostgreSQL), so related checks share a test.
"""

from __future__ import annotations

import pytest
from factories import Seed, add_contact, seed_team
from pydantic import ValidationError

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Attitude, ContactRole
from kam_bot.services.errors import ForbiddenError, NotFoundError
from kam_bot.services.inputs import NewContactInput


def test_add_and_list_contacts(app: App) -> None:
    s = seed_team(app)
    data = NewContactInput(
        name=" Zhang Wei ", title="VP Operations", role=ContactRole.DECISION_MAKER,
        attitude=Attitude.NEUTRAL, relationship_strength=2, personal_notes="Alumnus of Tongji",
    )  # fmt: skip
    contact = app.contacts.add(s.rep, s.baosteel.id, data)
    assert (contact.account_id, contact.name, contact.role, contact.relationship_strength) == (
        s.baosteel.id, "Zhang Wei", ContactRole.DECISION_MAKER, 2,
    )  # fmt: skip
    add_contact(app, s.baosteel, "Li Na")
    assert [c.name for c in app.contacts.list(s.rep, s.baosteel.id)] == ["Li Na", "Wang Lei", "Zhang Wei"]
    # only the owner (or an admin) adds
    for outsider in (s.teammate, s.manager, s.other_rep):
        with pytest.raises(ForbiddenError):
            app.contacts.add(outsider, s.baosteel.id, NewContactInput(name="Zhou Min"))
    assert app.contacts.add(s.admin, s.baosteel.id, NewContactInput(name="Zhou Min")).name == "Zhou Min"
    assert len(app.contacts.list(s.rep, s.baosteel.id)) == 4


def test_invalid_contact_input() -> None:
    with pytest.raises(ValidationError):
        NewContactInput(name="")
    with pytest.raises(ValidationError):
        NewContactInput(name="Li Na", relationship_strength=6)
    with pytest.raises(ValidationError):
        NewContactInput.model_validate({"name": "Li Na", "role": "ceo"})


def test_update(app: App) -> None:
    s = seed_team(app)
    updated = app.contacts.update(s.rep, s.contact.id, attitude=Attitude.SUPPORTER, relationship_strength=4)
    assert (updated.attitude, updated.relationship_strength, updated.title) == (
        Attitude.SUPPORTER, 4, "Purchasing Manager",
    )  # fmt: skip
    assert updated.personal_notes == Seed.NOTES  # untouched fields are kept
    # refused: out of range, not editable, not the owner, unknown contact
    with pytest.raises(ValidationError):
        app.contacts.update(s.rep, s.contact.id, relationship_strength=0)
    with pytest.raises(ValueError, match="not editable"):
        app.contacts.update(s.rep, s.contact.id, account_id=s.sinopec.id)
    with pytest.raises(ForbiddenError):
        app.contacts.update(s.teammate, s.contact.id, title="CEO")
    with pytest.raises(ForbiddenError):
        app.contacts.update(s.manager, s.contact.id, personal_notes="overwritten")
    with pytest.raises(NotFoundError):
        app.contacts.update(s.rep, 999_999, title="CEO")
    assert app.contacts.list(s.rep, s.baosteel.id) == [updated]
    notes = app.contacts.update(s.rep, s.contact.id, personal_notes="Prefers WeChat")
    assert notes.personal_notes == "Prefers WeChat"


def test_personal_notes_in_the_contact_list(app: App) -> None:
    s = seed_team(app)
    [seen] = app.contacts.list(s.teammate, s.baosteel.id)
    assert (seen.name, seen.title, seen.personal_notes) == ("Wang Lei", "Purchasing Manager", None)
    for reader in (s.rep, s.manager, s.director, s.admin):  # owner, managers up the chain, admin
        [seen] = app.contacts.list(reader, s.baosteel.id)
        assert seen.personal_notes == Seed.NOTES, reader.display_name
    for outsider in (s.other_rep, s.other_manager):
        with pytest.raises(ForbiddenError):
            app.contacts.list(outsider, s.baosteel.id)


def test_erase_personal_data_is_admin_only(app: App) -> None:
    s = seed_team(app)
    for not_admin in (s.rep, s.manager, s.director):
        with pytest.raises(ForbiddenError):
            app.contacts.erase_personal_data(not_admin, s.contact.id)
    [still] = app.contacts.list(s.rep, s.baosteel.id)
    assert still.personal_notes == Seed.NOTES

    erased = app.contacts.erase_personal_data(s.admin, s.contact.id)
    assert erased.personal_notes is None
    assert (erased.name, erased.role, erased.title) == (
        "Wang Lei",
        ContactRole.PURCHASER,
        "Purchasing Manager",
    )
    [after] = app.contacts.list(s.admin, s.baosteel.id)
    assert after.personal_notes is None
    assert app.accounts.card(s.rep, s.baosteel.id).contacts[0].contact.personal_notes is None
    with pytest.raises(NotFoundError):
        app.contacts.erase_personal_data(s.admin, 999_999)
