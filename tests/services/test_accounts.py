"""Finding an account by what a rep types, the account card's derived facts, creating accounts.

Each test seeds a fresh database (on SQLite and PostgreSQL), so related checks share a test.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from factories import BAOSTEEL_NAME, add_account, add_user, at, batch, seed_team

from kam_bot.bootstrap import App
from kam_bot.domain.enums import FunnelStage, Intention, Power, Priority, StageKind, Tier
from kam_bot.domain.models import Account
from kam_bot.services.errors import (
    AccountNotFoundError,
    AmbiguousAccountError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from kam_bot.services.inputs import VisitInput

if TYPE_CHECKING:
    from conftest import FrozenClock


def archive(app: App, account: Account) -> None:
    with app.uow() as uow:
        uow.repo.update(Account, account.id, archived=True)
        uow.commit()


# -- resolve -------------------------------------------------------------------------------


def test_resolve_exact_names_aliases_and_typos(app: App) -> None:
    s = seed_team(app)
    baosteel_queries = [
        "Baosteel", "baosteel", "BAO STEEL", "Baosteel Co., Ltd.", BAOSTEEL_NAME, "baoshan iron & steel",
        "宝钢", "宝钢集团",  # exact, once folded
        "Baostel", "宝钢集团有限公司",  # close enough to be sure
    ]  # fmt: skip
    for query in baosteel_queries:
        assert app.accounts.resolve(query).id == s.baosteel.id, query
    assert app.accounts.resolve("Sinopek").id == s.sinopec.id
    assert app.accounts.resolve("中远海控").id == s.cosco.id
    # the same look-up for type-ahead
    [exact] = app.accounts.search("宝钢")
    assert (exact.account_id, exact.score) == (s.baosteel.id, 100.0)
    assert [m.account_id for m in app.accounts.search("Bao")] == [s.baosteel.id]
    assert app.accounts.search("  ") == []
    assert app.accounts.is_known_name("SINOPEC corp.") is True
    assert app.accounts.is_known_name("Sinopek") is False


def test_resolve_ambiguous_offers_ranked_suggestions(app: App) -> None:
    s = seed_team(app)
    with batch(app):
        beijing = add_account(app, "Shougang Beijing Steel", s.rep)
        jingtang = add_account(app, "Shougang Jingtang Steel", s.rep)
        north = add_account(app, "Ma'anshan Steel North", s.rep, aliases=["马钢"])
        south = add_account(app, "Ma'anshan Steel South", s.rep, aliases=["马钢"])
        add_account(app, "Angang Steel Company", s.rep, aliases=["Angang"])
        add_account(app, "Anyang Iron & Steel", s.rep, aliases=["Angang Anyang"])

    with pytest.raises(AmbiguousAccountError) as err:
        app.accounts.resolve("Shougang")
    assert err.value.query == "Shougang"
    assert err.value.message == "account.ambiguous"
    assert err.value.suggestions[:2] == [
        (beijing.id, "Shougang Beijing Steel"), (jingtang.id, "Shougang Jingtang Steel"),
    ]  # fmt: skip
    assert all("Shougang" not in name for _, name in err.value.suggestions[2:])  # weaker ones follow
    assert app.accounts.resolve("Shougang Jingtang").id == jingtang.id  # the longer name settles it

    with pytest.raises(AmbiguousAccountError) as err:  # two accounts sharing an alias
        app.accounts.resolve("马钢")
    assert sorted(err.value.suggestions) == [
        (north.id, "Ma'anshan Steel North"), (south.id, "Ma'anshan Steel South"),
    ]  # fmt: skip

    with pytest.raises(AmbiguousAccountError) as err:  # a suggestion names the alias that matched
        app.accounts.resolve("Angan")
    names = [name for _, name in err.value.suggestions]
    assert names[0] == "Angang Steel Company (Angang)"
    assert "Anyang Iron & Steel (Angang Anyang)" in names


def test_resolve_nothing(app: App) -> None:
    s = seed_team(app)
    for query in ("Tesla", ""):
        with pytest.raises(AccountNotFoundError) as err:
            app.accounts.resolve(query)
        assert err.value.suggestions == []
        assert err.value.query == query
    # a weak single match is offered, never picked: PetroChina (中国石油) is not Sinopec (中国石化)
    with pytest.raises(AccountNotFoundError) as err:
        app.accounts.resolve("中国石油")
    assert err.value.suggestions == [(s.sinopec.id, "China Petroleum & Chemical Corporation (中国石化)")]


def test_archived_accounts_are_not_found(app: App) -> None:
    s = seed_team(app)
    archive(app, s.baosteel)
    for query in (BAOSTEEL_NAME, "Baosteel", "宝钢", "Baostel"):
        with pytest.raises(AccountNotFoundError):
            app.accounts.resolve(query)
    assert app.accounts.search("Baosteel") == []
    assert app.accounts.is_known_name("Baosteel") is False
    with pytest.raises(NotFoundError):
        app.accounts.card(s.rep, s.baosteel.id)


# -- the card ------------------------------------------------------------------------------


def test_card_priority_cadence_and_staleness(app: App) -> None:
    s = seed_team(app)
    with app.uow() as uow:
        uow.repo.update(Account, s.baosteel.id, intention=Intention.CLEAR, power=Power.STRONG)
        uow.repo.update(
            Account, s.sinopec.id, intention=Intention.CLEAR, power=Power.NOT_NOW, visit_cadence_days=120
        )
        uow.commit()
    baosteel = app.accounts.card(s.rep, s.baosteel.id)
    assert baosteel.priority is Priority.FOCUS
    assert baosteel.cadence_days == 14
    assert baosteel.last_visit_at is None
    assert baosteel.days_overdue == 100 - 14  # never visited: counted from creation
    assert baosteel.owner == s.rep
    assert baosteel.can_write is True
    sinopec = app.accounts.card(s.rep, s.sinopec.id)
    assert (sinopec.priority, sinopec.cadence_days, sinopec.days_overdue) == (Priority.PARK, 120, None)
    cosco = app.accounts.card(s.rep, s.cosco.id)
    assert (cosco.priority, cosco.cadence_days, cosco.days_overdue) == (Priority.MONITOR, 60, 40)
    assert cosco.can_write is False
    # an account nobody owns yet
    orphan = add_account(app, "Orphan Ltd", None, team=s.team)
    card = app.accounts.card(s.rep, orphan.id)
    assert (card.owner, card.can_write, card.days_overdue) == (None, False, None)


def test_staleness_after_a_visit_and_my_accounts(app: App, clock: FrozenClock) -> None:
    s = seed_team(app)
    app.visits.log(s.rep, VisitInput(account_id=s.baosteel.id, visited_at=at(app, hours=-1)))
    app.visits.log(s.rep, VisitInput(account_id=s.sinopec.id, visited_at=at(app, days=-20)))
    fresh = add_account(app, "Ansteel", s.rep, tier=Tier.A)
    clock.advance(days=14)
    assert app.accounts.card(s.rep, s.baosteel.id).days_overdue is None  # exactly the cadence
    rows = app.accounts.my_accounts(s.rep)
    assert [(a.id, overdue) for a, _, overdue in rows] == [
        (s.sinopec.id, 4), (fresh.id, None), (s.baosteel.id, None),  # most overdue first, then by name
    ]  # fmt: skip
    assert rows[0][1] == at(app, days=-34)
    clock.advance(days=1)
    assert app.accounts.card(s.rep, s.baosteel.id).days_overdue == 1
    assert [overdue for _, _, overdue in app.accounts.my_accounts(s.rep)] == [5, 1, 1]
    assert app.accounts.my_accounts(s.admin) == []


def test_staleness_counts_the_visit_day_in_the_readers_time_zone(app: App, clock: FrozenClock) -> None:
    s = seed_team(app)
    rep = app.users.update_settings(s.rep, timezone="Asia/Shanghai")
    # 07:00 in Shanghai on 9 Nov is 23:00 UTC on 8 Nov
    clock.now = datetime(2026, 11, 9, 0, 0, tzinfo=UTC)
    app.visits.log(
        rep, VisitInput(account_id=s.baosteel.id, visited_at=datetime(2026, 11, 8, 23, 0, tzinfo=UTC))
    )
    clock.now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 23 Nov in Shanghai: 14 days later
    assert app.accounts.card(rep, s.baosteel.id).days_overdue is None
    overdue = {account.id: days for account, _, days in app.accounts.my_accounts(rep)}
    assert overdue[s.baosteel.id] is None


# -- creating and changing -----------------------------------------------------------------


def test_create(app: App) -> None:
    s = seed_team(app)
    account = app.accounts.create(s.rep, name="  Ansteel Group  ", aliases=["鞍钢"], tier=Tier.A)
    assert (account.name, account.owner_id, account.team_id, account.tier) == (
        "Ansteel Group", s.rep.id, s.team.id, Tier.A,
    )  # fmt: skip
    assert account.created_at == account.updated_at == app.clock()
    assert app.accounts.resolve("鞍钢").id == account.id
    # the same name, however written, even of an archived account, is refused
    archive(app, s.cosco)
    for name in ("BAOSHAN IRON & STEEL", "Baoshan Iron & Steel Co Ltd", "COSCO Shipping Holdings"):
        with pytest.raises(InvalidInputError) as err:
            app.accounts.create(s.rep, name=name)
        assert err.value.message == "account.exists"
    with pytest.raises(InvalidInputError) as err:
        app.accounts.create(s.rep, name="   ")
    assert err.value.field == "name"
    # only an admin creates for someone else
    with pytest.raises(ForbiddenError):
        app.accounts.create(s.manager, name="Gree", owner_id=s.rep.id)
    assert (
        app.accounts.create(s.admin, name="Gree", owner_id=s.rep.id, team_id=s.team.id).owner_id == s.rep.id
    )
    newbie = add_user(app, "Newbie", team=s.other_team)
    assert app.accounts.create(newbie, name="Midea").team_id == s.other_team.id


def test_change_stage_keeps_history(app: App, clock: FrozenClock) -> None:
    s = seed_team(app)
    with pytest.raises(InvalidInputError, match=r"account\.unknown_stage"):
        app.accounts.change_stage(s.rep, s.baosteel.id, StageKind.FUNNEL, "signed")
    with pytest.raises(ForbiddenError):
        app.accounts.change_stage(s.teammate, s.baosteel.id, StageKind.FUNNEL, "customer")
    assert app.accounts.card(s.rep, s.baosteel.id).stage_history == []

    first = app.accounts.change_stage(s.rep, s.baosteel.id, StageKind.FUNNEL, "target_customer")
    clock.advance(days=1)
    second = app.accounts.change_stage(s.rep, s.baosteel.id, StageKind.FUNNEL, FunnelStage.CUSTOMER.value)
    assert (first.from_stage, first.to_stage, first.changed_by) == ("potential", "target_customer", s.rep.id)
    assert (second.from_stage, second.to_stage) == ("target_customer", "customer")
    card = app.accounts.card(s.rep, s.baosteel.id)
    assert [c.id for c in card.stage_history] == [first.id, second.id]
    assert card.account.funnel_stage is FunnelStage.CUSTOMER
    assert card.account.updated_at == app.clock()
