"""Quick price, stock and competitor entries (/price, /stock) and their Undo button."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from factories import add_price_list, row_counts, seed_team
from pydantic import ValidationError

from kam_bot.bootstrap import App, bootstrap
from kam_bot.config import Settings
from kam_bot.domain.enums import CompetitorActivity, Movement, PriceKind, StockFlag
from kam_bot.domain.models import Account, CompetitorNote, InventoryObservation, PriceObservation
from kam_bot.services.errors import ForbiddenError, NotFoundError
from kam_bot.services.inputs import CompetitorNoteInput, PriceInput, StockInput
from kam_bot.services.rates import RateService

if TYPE_CHECKING:
    from conftest import FrozenClock


def test_record_price_compares_with_the_price_list(app: App) -> None:
    s = seed_team(app)
    add_price_list(app, "HRC coil", "4500", unit="t")
    obs, deviation = app.observations.record_price(
        s.rep, s.baosteel.id, PriceInput(product="HRC coil", price=Decimal("4860"), currency="cny", unit="t")
    )
    assert (obs.account_id, obs.recorded_by, obs.observed_at, obs.visit_id) == (
        s.baosteel.id, s.rep.id, app.clock(), None,
    )  # fmt: skip
    assert obs.currency == "CNY"
    assert obs.kind is PriceKind.CUSTOMER_PURCHASE
    assert deviation is not None
    assert deviation.ratio == Decimal("0.08")
    assert deviation.flagged is True
    [point] = app.accounts.card(s.rep, s.baosteel.id).prices
    assert point.observation.id == obs.id
    assert point.deviation == deviation
    # another currency without a rate is marked not comparable; with the admin's rate it compares
    usd = PriceInput(product="HRC coil", price=Decimal("610"), currency="USD", unit="t")
    unrated = app.observations.record_price(s.rep, s.baosteel.id, usd)[1]
    assert unrated is not None and unrated.not_comparable == "currency" and not unrated.flagged
    RateService(app.uow, app.clock).set(s.admin, "USD", "CNY", "7.5")
    per_kg = PriceInput(product="HRC coil", price=Decimal("0.61"), currency="USD", unit="kg")
    rated = app.observations.record_price(s.rep, s.baosteel.id, per_kg)[1]
    assert rated is not None and rated.converted
    assert rated.observed == Decimal("4575") and rated.flagged is False  # 0.61 USD/kg = 4,575 CNY/t: +1.7 %
    # a product with no list price: nothing to compare
    rebar = PriceInput(product="Rebar", price=Decimal("3500"), currency="CNY")
    assert app.observations.record_price(s.rep, s.baosteel.id, rebar)[1] is None


def test_configured_threshold_is_used(app: App) -> None:
    s = seed_team(app)
    add_price_list(app, "HRC coil", "4500")
    settings = Settings(database_url="sqlite://", price_deviation_threshold=Decimal("0.10"))
    lenient = bootstrap(settings, engine=app.engine, clock=app.clock)
    price = PriceInput(product="HRC coil", price=Decimal("4860"), currency="CNY")
    _, deviation = lenient.observations.record_price(s.rep, s.baosteel.id, price)
    assert deviation is not None
    assert deviation.ratio == Decimal("0.08")
    assert deviation.flagged is False  # 8 % is within 10 %
    card = lenient.accounts.card(s.rep, s.baosteel.id)
    assert [p.deviation.flagged for p in card.prices if p.deviation] == [False]
    assert [p.deviation.flagged for p in app.accounts.card(s.rep, s.baosteel.id).prices if p.deviation] == [
        True
    ]


def test_competitor_price_needs_the_competitor() -> None:
    with pytest.raises(ValidationError, match="competitor"):
        PriceInput(product="HRC coil", price=Decimal(1), currency="CNY", kind=PriceKind.COMPETITOR)
    with pytest.raises(ValidationError):
        PriceInput(product="HRC coil", price=Decimal(0), currency="CNY")


def test_record_stock_compares_with_the_previous_reading(app: App, clock: FrozenClock) -> None:
    s = seed_team(app)
    first, change = app.observations.record_stock(
        s.rep, s.baosteel.id, StockInput(product="Rebar", quantity=Decimal("100"), movement=Movement.SLOW)
    )
    assert (change.previous, change.delta, change.flag) == (None, None, None)
    clock.advance(days=14)
    more = StockInput(
        product="rebar", quantity=Decimal(160), movement=Movement.SLOW, our_share_pct=Decimal(40)
    )
    second, change = app.observations.record_stock(s.rep, s.baosteel.id, more)
    assert (change.previous, change.current, change.delta, change.flag) == (
        Decimal("100"), Decimal("160"), Decimal("60"), StockFlag.OVERSTOCK,
    )  # fmt: skip
    assert second.our_share_pct == Decimal("40")
    [point] = app.accounts.card(s.rep, s.baosteel.id).stock
    assert point.observation.id == second.id
    assert point.change == change
    assert first.id != second.id
    # a fast mover gone: likely stock-out
    app.observations.record_stock(s.rep, s.baosteel.id, StockInput(product="HRC coil", quantity=Decimal(80)))
    clock.advance(days=1)
    _, change = app.observations.record_stock(
        s.rep, s.baosteel.id, StockInput(product="HRC coil", quantity=Decimal(0))
    )
    assert (change.delta, change.flag) == (Decimal(-80), StockFlag.STOCK_OUT)


def test_record_competitor_and_undo(app: App) -> None:
    s = seed_team(app)
    before = row_counts(app)
    price, _ = app.observations.record_price(
        s.rep, s.baosteel.id, PriceInput(product="HRC coil", price=Decimal(4000), currency="CNY")
    )
    stock, _ = app.observations.record_stock(
        s.rep, s.baosteel.id, StockInput(product="HRC", quantity=Decimal(5))
    )
    promo = CompetitorNoteInput(
        competitor="Shougang", activity=CompetitorActivity.PROMOTION, text="  2 % off for 1000 t  "
    )
    note = app.observations.record_competitor(s.rep, s.baosteel.id, promo)
    assert row_counts(app) != before
    assert (note.competitor, note.activity, note.text, note.recorded_by, note.observed_at) == (
        "Shougang", CompetitorActivity.PROMOTION, "2 % off for 1000 t", s.rep.id, app.clock(),
    )  # fmt: skip
    assert [n.id for n in app.accounts.card(s.rep, s.baosteel.id).competitor_notes] == [note.id]
    assert app.observations.undo(s.rep, PriceObservation, price.id) is True
    assert app.observations.undo(s.rep, InventoryObservation, stock.id) is True
    assert app.observations.undo(s.rep, CompetitorNote, note.id) is True
    assert row_counts(app) == before
    assert app.observations.undo(s.rep, PriceObservation, price.id) is False  # already gone
    card = app.accounts.card(s.rep, s.baosteel.id)
    assert (card.prices, card.stock, card.competitor_notes) == ([], [], [])


def test_rep_cannot_record_on_someone_elses_account(app: App) -> None:
    s = seed_team(app)
    before = row_counts(app)
    price = PriceInput(product="HRC coil", price=Decimal(4000), currency="CNY")
    for account in (s.cosco, s.haier):  # a teammate's, another team's
        with pytest.raises(ForbiddenError):
            app.observations.record_price(s.rep, account.id, price)
        with pytest.raises(ForbiddenError):
            app.observations.record_stock(s.rep, account.id, StockInput(product="HRC", quantity=Decimal(1)))
        with pytest.raises(ForbiddenError):
            app.observations.record_competitor(
                s.rep, account.id, CompetitorNoteInput(competitor="Shougang", text="promo")
            )
    with pytest.raises(ForbiddenError):  # a manager reads, but does not write, the team's accounts
        app.observations.record_price(s.manager, s.baosteel.id, price)
    assert row_counts(app) == before
    obs, _ = app.observations.record_price(s.admin, s.cosco.id, price)  # an admin may
    assert obs.recorded_by == s.admin.id
    # nor undo what is on someone else's account
    with pytest.raises(ForbiddenError):
        app.observations.undo(s.rep, PriceObservation, obs.id)
    assert len(app.accounts.card(s.admin, s.cosco.id).prices) == 1
    # an archived account takes nothing
    with app.uow() as uow:
        uow.repo.update(Account, s.baosteel.id, archived=True)
        uow.commit()
    with pytest.raises(NotFoundError):
        app.observations.record_stock(s.rep, s.baosteel.id, StockInput(product="HRC", quantity=Decimal(1)))
