"""The briefs' prefetch (one read for a batch's accounts) gives what the repository gives per account
(both databases; PostgreSQL reads the newest rows through an index probe per account)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from conftest import FrozenClock
from factories import _add, add_account, add_user, batch
from sqlalchemy.orm import sessionmaker

from kam_bot.bootstrap import App
from kam_bot.domain.models import (
    Account,
    CompetitorNote,
    InventoryObservation,
    PriceObservation,
    Promise,
    User,
    Visit,
)
from kam_bot.store.daily_batch import NOTES, VISIT_TIMES, VISITS, BriefReads, DailyData


def test_the_newest_visits_and_notes_of_each_account_as_the_repository_reads_them(
    app: App, clock: FrozenClock
) -> None:
    rep = add_user(app, "Rita")
    busy, quiet, none = (add_account(app, name, rep) for name in ("Busy", "Quiet", "None"))
    with batch(app):
        for i in range(VISIT_TIMES + 12):  # more than a brief keeps, some at the same moment
            at = clock.now - timedelta(days=i // 2)
            _add(app, Visit, account_id=busy.id, rep_id=rep.id, visited_at=at, created_at=at)
        for i in range(NOTES + 3):
            at = clock.now - timedelta(days=i // 3)
            _add(
                app,
                CompetitorNote,
                account_id=busy.id,
                competitor=f"C{i}",
                activity="other",
                text="x",
                observed_at=at,
            )
        _add(app, Visit, account_id=quiet.id, rep_id=rep.id, visited_at=clock.now, created_at=clock.now)
        for n, (status, days) in enumerate([("open", -400), ("done", -400), ("done", -20), ("cancelled", -5),
                                            ("open", 3), ("done", -90), ("done", -91)]):  # fmt: skip
            due = clock.now.date() + timedelta(days=days)
            _add(app, Promise, account_id=busy.id, direction="ours" if n % 2 else "theirs", owner_id=rep.id,
                 text=f"p{n}", due_date=due, status=status, created_at=clock.now)  # fmt: skip
    reads = BriefReads()
    ids = [busy.id, quiet.id, none.id]
    start = clock.now.date() - timedelta(days=90)
    with app.uow() as uow:
        reads.prefetch(uow.repo.session, ids, start)
        for account_id in ids:
            assert reads.promises[account_id] == uow.repo.promises_for_record([account_id], start)
            assert reads.visits[account_id] == uow.repo.visits_for(account_id, limit=VISITS)
            times = uow.repo.latest_visit_times(account_id, VISIT_TIMES)
            assert reads.visit_times[account_id] == times
            assert times == [v.visited_at for v in uow.repo.visits_for(account_id, limit=VISIT_TIMES)]
            assert reads.competitor_notes[account_id] == uow.repo.competitor_notes_for(account_id, NOTES)
    assert len(reads.visits[busy.id]) == VISITS and len(reads.competitor_notes[busy.id]) == NOTES
    assert len(reads.visit_times[busy.id]) == VISIT_TIMES and reads.visit_times[none.id] == []
    assert [p.text for p in reads.promises[busy.id]] == ["p0", "p5", "p2", "p4"]  # open, or due since start
    assert len(reads.visits[quiet.id]) == 1 and reads.visits[none.id] == []


def test_the_latest_prices_and_stock_of_each_account_as_the_repository_reads_them(
    app: App, clock: FrozenClock
) -> None:
    """Every key kind the loose scan steps between: products in two spellings, each kind, named
    competitors (two spellings of one), prices with no competitor, several rows per key over time
    and two at one moment; an account with no prices and no stock."""
    rep = add_user(app, "Rita")
    busy, quiet, none = (add_account(app, name, rep) for name in ("Busy", "Quiet", "None"))
    kinds = [
        ("our_invoice", None),
        ("customer_purchase", None),
        ("customer_retail", None),
        ("competitor", "Acme"),
        ("competitor", "ACME"),
        ("competitor", "Zeta"),
        ("competitor", "Beta"),
        ("competitor", None),
        ("customer_retail", "Acme"),
    ]
    with batch(app):
        for product in ("widget-42", "Widget-42", "bolt", "Zinc plate"):
            for n, (kind, competitor) in enumerate(kinds):
                for age in (0, 0, 3, 30, 400):
                    at = clock.now - timedelta(days=age + n)
                    _add(
                        app,
                        PriceObservation,
                        account_id=busy.id,
                        product=product,
                        price=Decimal("4.20") + age,
                        currency="USD",
                        kind=kind,
                        competitor=competitor,
                        observed_at=at,
                    )
            for age in (0, 0, 1, 9, 200):
                at = clock.now - timedelta(days=age)
                _add(
                    app,
                    InventoryObservation,
                    account_id=busy.id,
                    product=product,
                    quantity=Decimal(100 + age),
                    observed_at=at,
                )
        at = clock.now - timedelta(days=2)
        one = {"account_id": quiet.id, "product": "bolt", "observed_at": at}
        _add(app, PriceObservation, price=Decimal(1), currency="USD", kind="our_invoice", **one)
        _add(app, InventoryObservation, quantity=Decimal(5), **one)
    reads = BriefReads()
    ids = [busy.id, quiet.id, none.id]
    with app.uow() as uow:
        reads.prefetch(uow.repo.session, ids, clock.now.date())
        for account_id in ids:
            assert reads.prices[account_id] == uow.repo.latest_prices(account_id)
            assert reads.stock[account_id] == uow.repo.latest_stock(account_id)
    assert len(reads.prices[busy.id]) == 3 * 8  # three products as folded, eight keys as folded
    assert len(reads.stock[busy.id]) == 3 and reads.prices[none.id] == [] and reads.stock[none.id] == []


def test_a_card_changing_what_it_read_leaves_the_batch_s_accounts_and_people_as_read(app: App) -> None:
    """The cards of one batch's briefs read its accounts and recipients from memory. A card that
    changed its copy (a name, an alias, a chosen setting) must not change what the next DM of the
    batch shows: each read is a copy of its own, lists and dicts too."""
    rep = add_user(app, "Rita")
    account = add_account(app, "Busy", rep)
    with app.uow() as uow:
        row = uow.repo.get(Account, account.id)
        person = uow.repo.get(User, rep.id)
    assert row is not None and person is not None
    reads = BriefReads()
    reads.remember(DailyData(rows={account.id: {**row.model_dump(), "aliases": ["BZ"]}}), [person])
    with reads.uow(sessionmaker(app.engine, expire_on_commit=False))() as uow:
        first, who = uow.repo.get(Account, account.id), uow.repo.get(User, rep.id)
        assert first is not None and who is not None
        first.name, who.display_name = "Changed", "Changed"
        first.aliases.append("changed")
        who.chosen.append("changed")
        who.identities["slack"] = "changed"
        again, who_again = uow.repo.get(Account, account.id), uow.repo.get(User, rep.id)
    assert again is not None and (again.name, again.aliases) == ("Busy", ["BZ"])
    assert who_again is not None and who_again.display_name == "Rita"
    assert who_again.chosen == person.chosen and who_again.identities == person.identities
