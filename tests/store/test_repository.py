"""SqlRepository and SqlUnitOfWork against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from factories import add_account, add_contact, add_price_list, add_team, add_user, at, seed_team
from sqlalchemy.exc import IntegrityError, StatementError

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import (
    FunnelStage,
    Locale,
    Movement,
    PriceKind,
    PromiseDirection,
    PromiseStatus,
    Role,
    Tier,
)
from kam_bot.store.uow import ConflictError, SqlUnitOfWork

SHANGHAI = timezone(timedelta(hours=8))


# -- generic -------------------------------------------------------------------------------


def test_add_get_update_all_count(app: App) -> None:
    with app.uow() as uow:
        team = uow.repo.add(m.Team, name="Steel East", timezone="Asia/Shanghai")
        uow.repo.add(m.Team, name="South")
        uow.commit()
    with app.uow() as uow:
        assert uow.repo.get(m.Team, team.id) == team
        assert uow.repo.get(m.Team, 999_999) is None
        updated = uow.repo.update(m.Team, team.id, digest_destinations={"slack": "C123"})
        assert updated.digest_destinations == {"slack": "C123"}
        assert [t.name for t in uow.repo.all(m.Team)] == ["Steel East", "South"]
        assert uow.repo.count(m.Team) == 2
        with pytest.raises(LookupError):
            uow.repo.update(m.Team, 999_999, name="x")
        uow.commit()
    with app.uow() as uow:
        assert uow.repo.get(m.Team, team.id) == team.model_copy(
            update={"digest_destinations": {"slack": "C123"}}
        )


def test_unit_of_work_is_all_or_nothing(app: App) -> None:
    with app.uow() as uow:
        uow.repo.add(m.Team, name="Ghost")
        assert uow.repo.count(m.Team) == 1  # visible inside the transaction
    with app.uow() as uow:
        assert uow.repo.count(m.Team) == 0

    def add_then_fail() -> None:
        with app.uow() as uow:
            uow.repo.add(m.Team, name="Ghost")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        add_then_fail()
    with app.uow() as uow:
        assert uow.repo.count(m.Team) == 0

    uow = SqlUnitOfWork.for_engine(app.engine)
    with pytest.raises(RuntimeError, match="outside"):
        _ = uow.repo
    with uow, pytest.raises(RuntimeError, match="re-entrant"):
        uow.__enter__()
    with uow:  # usable again after the block
        assert uow.repo.count(m.Team) == 0


def test_values_round_trip(app: App) -> None:
    """Aware datetimes come back as the same instant in UTC, naive ones are refused, and
    money and quantities keep their decimals."""
    team = add_team(app, "T")
    rep = add_user(app, "Rita", team=team)
    local = datetime(2026, 11, 23, 18, 30, tzinfo=SHANGHAI)
    account = add_account(app, "Baosteel", rep, created_at=local)
    with app.uow() as uow:
        got = uow.repo.get(m.Account, account.id)
    assert got is not None
    assert got.created_at == local
    assert got.created_at.tzinfo is not None
    assert got.created_at.utcoffset() == timedelta(0)
    assert got.created_at == datetime(2026, 11, 23, 10, 30, tzinfo=UTC)
    with pytest.raises(StatementError, match="naive datetime"):
        add_account(app, "Baosteel 2", rep, created_at=datetime(2026, 11, 23, 10, 0))
    with app.uow() as uow:
        price = uow.repo.add(
            m.PriceObservation,
            account_id=account.id,
            product="HRC",
            price=Decimal("4123.4567"),
            currency="CNY",
            kind=PriceKind.OUR_INVOICE,
            observed_at=app.clock(),
        )
        stock = uow.repo.add(
            m.InventoryObservation,
            account_id=account.id,
            product="HRC",
            quantity=Decimal("12.345"),
            our_share_pct=Decimal("37.50"),
            observed_at=app.clock(),
        )
        uow.commit()
    with app.uow() as uow:
        got_price = uow.repo.get(m.PriceObservation, price.id)
        got_stock = uow.repo.get(m.InventoryObservation, stock.id)
    assert got_price is not None
    assert got_stock is not None
    assert got_price.price == Decimal("4123.4567")
    assert got_stock.quantity == Decimal("12.345")
    assert got_stock.our_share_pct == Decimal("37.5")


# -- users and teams -----------------------------------------------------------------------


def test_user_identities_and_look_ups(app: App) -> None:
    team = add_team(app, "Steel East")
    boss = add_user(app, "Max", role=Role.MANAGER, team=team, identities={"slack": "U1"})
    rita = add_user(
        app,
        "Rita",
        team=team,
        manager=boss,
        email="Rita.Li@Example.com",
        identities={"slack": "U2", "teams": "29:abc"},
        locale=Locale.ZH_HANS,
    )
    assert rita.identities == {"slack": "U2", "teams": "29:abc"}
    assert rita.locale is Locale.ZH_HANS
    assert rita.role is Role.REP
    with app.uow() as uow:
        repo = uow.repo
        by_id = repo.user_by_identity("slack", "U2")
        assert by_id == rita
        assert repo.user_by_identity("teams", "U2") is None
        assert repo.user_by_email("  rita.li@example.COM ") == rita
        assert repo.user_by_email("nobody@example.com") is None
        assert [u.id for u in repo.users_managed_by(boss.id)] == [rita.id]
        assert repo.team_by_name(" steel EAST ") == team
        assert repo.team_by_name("North") is None
        # an identity seen again for another user moves, it is never duplicated
        repo.link_identity(boss.id, "slack", "U2")
        repo.link_identity(boss.id, "slack", "U2")
        assert repo.user_by_identity("slack", "U2") == repo.get(m.User, boss.id)
        got_rita = repo.get(m.User, rita.id)
        assert got_rita is not None
        assert got_rita.identities == {"teams": "29:abc"}
        uow.commit()
    with pytest.raises(ConflictError):  # an email belongs to one user
        add_user(app, "Rita again", email="Rita.Li@Example.com")


# -- accounts ------------------------------------------------------------------------------


def test_accounts_are_found_by_folded_name_and_alias(app: App) -> None:
    s = seed_team(app)
    with app.uow() as uow:
        repo = uow.repo
        assert [a.id for a in repo.accounts_by_key("baoshanironsteel")] == [s.baosteel.id]
        assert [a.id for a in repo.accounts_by_key("baosteel")] == [s.baosteel.id]
        assert [a.id for a in repo.accounts_by_key("宝钢")] == [s.baosteel.id]
        assert repo.accounts_by_key("Baosteel") == []  # callers fold first
        assert repo.accounts_by_key("tesla") == []
    # changing the aliases or the name re-indexes them
    with app.uow() as uow:
        uow.repo.update(m.Account, s.baosteel.id, aliases=["Bao Steel Corp", "宝山钢铁"])
        uow.commit()
    with app.uow() as uow:
        repo = uow.repo
        assert repo.accounts_by_key("宝钢") == []
        assert [a.id for a in repo.accounts_by_key("宝山钢铁")] == [s.baosteel.id]
        assert [a.id for a in repo.accounts_by_key("baosteel")] == [s.baosteel.id]
        uow.repo.update(m.Account, s.baosteel.id, name="Baowu Steel Group")
        uow.commit()
    with app.uow() as uow:
        assert uow.repo.accounts_by_key("baoshanironsteel") == []
        assert [a.id for a in uow.repo.accounts_by_key("baowusteel")] == [s.baosteel.id]


def test_account_names_and_filters(app: App) -> None:
    s = seed_team(app)
    with app.uow() as uow:
        repo = uow.repo
        names = repo.account_names()
        assert (s.baosteel.id, "Baoshan Iron & Steel Co., Ltd.") in names
        assert (s.baosteel.id, "宝钢") in names
        assert len(names) == 4 * 3  # four accounts, each a name and two aliases
        assert [a.id for a in repo.accounts_where(owner_id=s.rep.id)] == [s.baosteel.id, s.sinopec.id]
        # ordered by name in the database's collation: "COSCO" / "China" differ by collation
        assert {a.id for a in repo.accounts_where(team_id=s.team.id)} == {
            s.baosteel.id,
            s.sinopec.id,
            s.cosco.id,
        }
        assert [a.id for a in repo.accounts_where(team_id=s.other_team.id)] == [s.haier.id]
        got = repo.get(m.Account, s.baosteel.id)
        assert got is not None
        assert got.tier is Tier.A
        assert got.funnel_stage is FunnelStage.POTENTIAL
        assert got.aliases == ["Baosteel", "宝钢"]
        assert got.archived is False
    # archived accounts are hidden unless asked for
    with app.uow() as uow:
        uow.repo.update(m.Account, s.cosco.id, archived=True)
        uow.commit()
    with app.uow() as uow:
        repo = uow.repo
        assert repo.accounts_by_key("cosco") == []
        assert [a.id for a in repo.accounts_by_key("cosco", include_archived=True)] == [s.cosco.id]
        assert s.cosco.id not in {account_id for account_id, _ in repo.account_names()}
        assert s.cosco.id not in {a.id for a in repo.accounts_where(team_id=s.team.id)}
        assert s.cosco.id in {a.id for a in repo.accounts_where(team_id=s.team.id, include_archived=True)}


def test_visits_last_dates_and_submission_keys(app: App) -> None:
    s = seed_team(app)
    with app.uow() as uow:
        for days in (20, 3, 9):
            uow.repo.add(
                m.Visit,
                account_id=s.baosteel.id,
                rep_id=s.rep.id,
                visited_at=at(app, days=-days),
                created_at=app.clock(),
            )
        uow.commit()
    with app.uow() as uow:
        last = uow.repo.last_visit_dates([s.baosteel.id, s.sinopec.id])
        assert last == {s.baosteel.id: at(app, days=-3)}
        assert uow.repo.last_visit_dates([]) == {}
        assert [v.visited_at for v in uow.repo.visits_for(s.baosteel.id, limit=2)] == [
            at(app, days=-3),
            at(app, days=-9),
        ]
    with app.uow() as uow:
        uow.repo.add(
            m.Visit,
            account_id=s.baosteel.id,
            rep_id=s.rep.id,
            visited_at=app.clock(),
            created_at=app.clock(),
            submission_key="view-1",
        )
        uow.commit()
    with app.uow() as uow:
        found = uow.repo.visit_by_submission("view-1")
        assert found is not None
        assert found.account_id == s.baosteel.id
        assert uow.repo.visit_by_submission("view-2") is None
        with pytest.raises(IntegrityError):
            uow.repo.add(
                m.Visit,
                account_id=s.baosteel.id,
                rep_id=s.rep.id,
                visited_at=app.clock(),
                created_at=app.clock(),
                submission_key="view-1",
            )


# -- promises ------------------------------------------------------------------------------


def test_promises_where_filters_and_orders_by_due_date(app: App) -> None:
    s = seed_team(app)
    today = app.clock().date()

    def promise(text: str, due_in: int, **fields: object) -> m.Promise:
        defaults: dict[str, object] = {
            "account_id": s.baosteel.id,
            "direction": PromiseDirection.OURS,
            "owner_id": s.rep.id,
            "status": PromiseStatus.OPEN,
        }
        with app.uow() as uow:
            p = uow.repo.add(
                m.Promise,
                text=text,
                due_date=today + timedelta(days=due_in),
                created_at=app.clock(),
                **{**defaults, **fields},
            )
            uow.commit()
            return p

    later = promise("send samples", 5)
    overdue = promise("quote for Q1", -2)
    theirs = promise("PO by Friday", 1, direction=PromiseDirection.THEIRS)
    done = promise("call back", -1, status=PromiseStatus.DONE)
    other = promise("visit plant", 0, account_id=s.cosco.id, owner_id=s.teammate.id)
    with app.uow() as uow:
        repo = uow.repo

        def ids(**kw: object) -> list[int]:
            return [p.id for p in repo.promises_where(**kw)]  # type: ignore[arg-type]

        assert ids() == [overdue.id, other.id, theirs.id, later.id]  # open, soonest first
        assert ids(account_id=s.baosteel.id) == [overdue.id, theirs.id, later.id]
        assert ids(owner_id=s.rep.id, direction=PromiseDirection.OURS) == [overdue.id, later.id]
        assert ids(owner_id=s.rep.id, due_on_or_before=today) == [overdue.id]
        assert ids(status=PromiseStatus.DONE) == [done.id]
        assert ids(status=None, account_id=s.baosteel.id) == [overdue.id, done.id, theirs.id, later.id]
        # events, written out of time order, are read by time, then by id
        t0 = app.clock()
        for kind, hours in [("done", 2), ("created", 0), ("reminded", 1), ("snoozed", 1)]:
            repo.add(m.PromiseEvent, promise_id=later.id, kind=kind, at=t0 + timedelta(hours=hours))
        assert [e.kind for e in repo.promise_events(later.id)] == ["created", "reminded", "snoozed", "done"]
        assert repo.promise_events(overdue.id) == []
        first = repo.get(m.Promise, overdue.id)
        assert first is not None
        assert first.direction is PromiseDirection.OURS
        assert first.status is PromiseStatus.OPEN


# -- observations --------------------------------------------------------------------------


def test_latest_prices_one_per_product_kind_and_competitor(app: App) -> None:
    s = seed_team(app)
    with app.uow() as uow:

        def price(
            product: str, value: str, kind: PriceKind, days_ago: int, competitor: str | None = None
        ) -> None:
            uow.repo.add(
                m.PriceObservation,
                account_id=s.baosteel.id,
                product=product,
                price=Decimal(value),
                currency="CNY",
                kind=kind,
                competitor=competitor,
                observed_at=at(app, days=-days_ago),
            )

        price("HRC coil", "4000", PriceKind.CUSTOMER_PURCHASE, 30)
        price("HRC coil", "4100", PriceKind.CUSTOMER_PURCHASE, 2)  # newer: wins
        price("hrc COIL", "4050", PriceKind.CUSTOMER_PURCHASE, 10)  # same product, other spelling
        price("HRC coil", "4300", PriceKind.OUR_INVOICE, 5)
        price("HRC coil", "3900", PriceKind.COMPETITOR, 3, competitor="Shougang")
        price("HRC coil", "3950", PriceKind.COMPETITOR, 4, competitor="Ansteel")
        price("Rebar", "3500", PriceKind.CUSTOMER_PURCHASE, 1)
        uow.commit()
    with app.uow() as uow:
        latest = uow.repo.latest_prices(s.baosteel.id)
    assert [(p.product, p.kind, p.competitor, p.price) for p in latest] == [
        ("HRC coil", PriceKind.OUR_INVOICE, None, Decimal("4300")),  # our own price first
        ("HRC coil", PriceKind.CUSTOMER_PURCHASE, None, Decimal("4100")),
        ("HRC coil", PriceKind.COMPETITOR, "Ansteel", Decimal("3950")),
        ("HRC coil", PriceKind.COMPETITOR, "Shougang", Decimal("3900")),
        ("Rebar", PriceKind.CUSTOMER_PURCHASE, None, Decimal("3500")),
    ]


def test_latest_stock_pairs_and_previous_stock(app: App) -> None:
    s = seed_team(app)
    ids: dict[str, int] = {}
    with app.uow() as uow:
        for key, product, qty, days_ago in [
            ("old", "HRC coil", "300", 40),
            ("mid", "HRC coil", "200", 20),
            ("new", "hrc coil", "80", 1),
            ("rebar", "Rebar", "50", 5),
        ]:
            ids[key] = uow.repo.add(
                m.InventoryObservation,
                account_id=s.baosteel.id,
                product=product,
                quantity=Decimal(qty),
                movement=Movement.FAST,
                observed_at=at(app, days=-days_ago),
            ).id
        uow.commit()
    with app.uow() as uow:
        repo = uow.repo
        pairs = repo.latest_stock(s.baosteel.id)
        assert [(cur.id, prev.id if prev else None) for cur, prev in pairs] == [
            (ids["new"], ids["mid"]),
            (ids["rebar"], None),
        ]
        prev = repo.previous_stock(s.baosteel.id, "HRC COIL", app.clock())
        assert prev is not None
        assert prev.id == ids["new"]
        prev = repo.previous_stock(s.baosteel.id, "HRC coil", at(app, days=-2))
        assert prev is not None
        assert prev.id == ids["mid"]
        prev = repo.previous_stock(s.baosteel.id, "hrc coil", app.clock(), exclude_id=ids["new"])
        assert prev is not None
        assert prev.id == ids["mid"]
        assert repo.previous_stock(s.baosteel.id, "HRC coil", at(app, days=-50)) is None
        assert repo.previous_stock(s.sinopec.id, "HRC coil", app.clock()) is None


def test_price_list_for_picks_the_entry_in_force(app: App) -> None:
    add_price_list(app, "HRC coil", "3900", unit="t")  # undated: the fallback
    add_price_list(app, "HRC coil", "4000", unit="t", valid_from=date(2026, 1, 1))
    add_price_list(app, "HRC coil", "4500", unit="t", valid_from=date(2026, 12, 1))
    with app.uow() as uow:
        repo = uow.repo

        def listed(on: date | None) -> Decimal | None:
            entry = repo.price_list_for("hrc Coil", on)
            return entry.price if entry else None

        assert listed(date(2026, 11, 23)) == Decimal("4000")
        assert listed(date(2026, 12, 1)) == Decimal("4500")
        assert listed(date(2025, 6, 1)) == Decimal("3900")
        assert listed(None) == Decimal("4500")  # no date: the newest
        assert repo.price_list_for("Rebar", date(2026, 11, 23)) is None


def test_product_with_non_ascii_capitals_is_found_in_any_case(app: App) -> None:
    s = seed_team(app)
    products = ["Ölfilter", "Édelweiss coil"]
    with app.uow() as uow:
        for product in products:
            uow.repo.add(m.PriceListEntry, product=product, price=Decimal(100), currency="CNY")
            uow.repo.add(
                m.InventoryObservation,
                account_id=s.baosteel.id,
                product=product,
                quantity=Decimal(5),
                observed_at=at(app, days=-1),
            )
        uow.commit()
    with app.uow() as uow:
        for product in products:
            assert uow.repo.price_list_for(product) is not None, product
            assert uow.repo.price_list_for(product.upper()) is not None, product
            assert uow.repo.previous_stock(s.baosteel.id, product.lower(), app.clock()) is not None, product


def test_product_with_sharp_s_is_found(app: App) -> None:
    add_price_list(app, "Straßenbahn-Schiene", "100")
    with app.uow() as uow:
        assert uow.repo.price_list_for("Straßenbahn-Schiene") is not None


def test_competitor_notes_observations_for_visit_and_delete(app: App) -> None:
    s = seed_team(app)
    with app.uow() as uow:
        repo = uow.repo
        visit = repo.add(
            m.Visit, account_id=s.baosteel.id, rep_id=s.rep.id, visited_at=app.clock(), created_at=app.clock()
        )
        for days_ago in range(7):
            repo.add(
                m.CompetitorNote,
                account_id=s.baosteel.id,
                competitor="Shougang",
                activity="promotion",
                text=f"note {days_ago}",
                observed_at=at(app, days=-days_ago),
                visit_id=visit.id if days_ago == 0 else None,
            )
        repo.add(
            m.PriceObservation,
            account_id=s.baosteel.id,
            product="HRC",
            price=Decimal(1),
            currency="CNY",
            kind="competitor",
            competitor="Shougang",
            observed_at=app.clock(),
            visit_id=visit.id,
        )
        uow.commit()
    with app.uow() as uow:
        notes = uow.repo.competitor_notes_for(s.baosteel.id)
        assert [n.text for n in notes] == [f"note {i}" for i in range(5)]
        prices, stock, visit_notes = uow.repo.observations_for_visit(visit.id)
        assert [p.competitor for p in prices] == ["Shougang"]
        assert stock == []
        assert [n.text for n in visit_notes] == ["note 0"]
    other = add_contact(app, s.baosteel, "Li Na")
    with app.uow() as uow:
        uow.repo.delete(m.Contact, [other.id])
        uow.repo.delete(m.Contact, [])
        uow.commit()
    with app.uow() as uow:
        assert [c.id for c in uow.repo.contacts_for(s.baosteel.id)] == [s.contact.id]
