"""Who may read and write what, as a user of the bot would notice it.

Each test seeds a fresh database (on SQLite and PostgreSQL), so related checks share a test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from factories import Seed, add_account, add_contact, add_user, seed_team

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale
from kam_bot.domain.models import User
from kam_bot.handlers.render import error_reply
from kam_bot.services import access
from kam_bot.services.errors import ForbiddenError
from kam_bot.services.inputs import PriceInput, PromiseInput

PRICE = PriceInput(product="HRC coil", price=Decimal(4000), currency="CNY")


def test_rep_writes_own_reads_the_team_and_nothing_else(app: App) -> None:
    s = seed_team(app)
    quote = PromiseInput(text="Quote", due_date=app.clock().date())
    # own account: read and write
    assert app.accounts.card(s.rep, s.baosteel.id).can_write is True
    app.observations.record_price(s.rep, s.baosteel.id, PRICE)
    app.promises.add(s.rep, s.baosteel.id, quote)
    # a teammate's: read, not write
    card = app.accounts.card(s.rep, s.cosco.id)
    assert (card.account.id, card.can_write) == (s.cosco.id, False)
    assert app.visits.recent(s.rep, s.cosco.id) == []
    with pytest.raises(ForbiddenError) as err:
        app.observations.record_price(s.rep, s.cosco.id, PRICE)
    assert err.value.message == "access.denied.account"
    assert "That account is not yours" in error_reply(err.value, Locale.EN).plain_text()
    with pytest.raises(ForbiddenError):
        app.promises.add(s.rep, s.cosco.id, quote)
    # another team's: nothing, either way round
    with pytest.raises(ForbiddenError):
        app.accounts.card(s.rep, s.haier.id)
    with pytest.raises(ForbiddenError):
        app.accounts.card(s.other_rep, s.baosteel.id)


def test_managers_read_their_team_and_reports_admins_everything(app: App) -> None:
    s = seed_team(app)
    for account in (s.baosteel, s.sinopec, s.cosco):
        assert app.accounts.card(s.manager, account.id).can_write is False
    with pytest.raises(ForbiddenError):
        app.accounts.card(s.manager, s.haier.id)
    # a report who sits in another team: the manager still reads that rep's accounts
    remote = add_user(app, "Remote Rep", team=s.other_team, manager=s.manager)
    remote_account = add_account(app, "Gree Electric", remote)
    assert app.accounts.card(s.manager, remote_account.id).account.id == remote_account.id
    # the director above the manager reads all of it, with no team of their own
    for account in (s.baosteel, s.cosco, remote_account):
        app.accounts.card(s.director, account.id)
    with pytest.raises(ForbiddenError):
        app.accounts.card(s.director, s.haier.id)
    # the other team's manager reads the remote rep's account through the team
    app.accounts.card(s.other_manager, remote_account.id)
    # an admin reads and writes everything
    for account in (s.baosteel, s.cosco, s.haier, remote_account):
        assert app.accounts.card(s.admin, account.id).can_write is True


def test_personal_notes_on_the_card(app: App) -> None:
    s = seed_team(app)
    readers: list[tuple[User, bool]] = [
        (s.rep, True), (s.manager, True), (s.director, True), (s.admin, True), (s.teammate, False),
    ]  # fmt: skip
    for reader, visible in readers:
        [view] = app.accounts.card(reader, s.baosteel.id).contacts
        assert view.notes_visible is visible, reader.display_name
        assert view.contact.personal_notes == (Seed.NOTES if visible else None), reader.display_name
        assert view.contact.name == "Wang Lei"  # the rest of the decision chain stays visible
    # notes follow the owner's management chain, not the team
    remote = add_user(app, "Remote Rep", team=s.other_team, manager=s.manager)
    account = add_account(app, "Gree Electric", remote)
    add_contact(app, account, "Dong Mingzhu", personal_notes="Private")
    [view] = app.accounts.card(s.other_manager, account.id).contacts
    assert (view.notes_visible, view.contact.personal_notes) == (False, None)
    [view] = app.accounts.card(s.manager, account.id).contacts
    assert (view.notes_visible, view.contact.personal_notes) == (True, "Private")


def test_access_rules(app: App) -> None:
    s = seed_team(app)
    with app.uow() as uow:
        repo = uow.repo
        assert access.managers_of(repo, s.rep.id) == [s.manager.id, s.director.id]
        assert access.managers_of(repo, s.director.id) == []
        assert access.managers_of(repo, None) == []
        assert access.manages(repo, s.director, s.rep.id) is True
        assert access.manages(repo, s.rep, s.manager.id) is False
        assert access.can_manage_account(repo, s.manager, s.cosco) is True
        assert access.can_manage_account(repo, s.teammate, s.cosco) is False
        assert access.can_manage_account(repo, s.other_manager, s.cosco) is False
        assert access.can_manage_account(repo, s.admin, s.haier) is True
        assert access.can_write_account(repo, s.manager, s.baosteel) is False
        # bad import data with a loop in the chain still terminates
        repo.update(User, s.director.id, manager_id=s.rep.id)
        assert set(access.managers_of(repo, s.rep.id)) == {s.manager.id, s.director.id, s.rep.id}
    access.require_admin(s.admin)
    for user in (s.rep, s.manager, s.director):
        with pytest.raises(ForbiddenError):
            access.require_admin(user)
