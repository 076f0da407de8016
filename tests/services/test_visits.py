"""Logging a visit: everything captured at once, shown on the card, all or nothing, once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from factories import Seed, add_contact, add_price_list, at, row_counts, seed_team
from pydantic import ValidationError
from sqlalchemy import event

from kam_bot.bootstrap import App
from kam_bot.domain.enums import (
    Attitude,
    CompetitorActivity,
    ContactRole,
    FunnelStage,
    GoalReached,
    Movement,
    Objective,
    PriceKind,
    ProcurementStage,
    PromiseDirection,
    StageKind,
    StockFlag,
    VisitKind,
)
from kam_bot.domain.models import VISIT_DETAILS, Account, Visit
from kam_bot.services.errors import ForbiddenError, InvalidInputError, NotFoundError
from kam_bot.services.inputs import (
    CompetitorNoteInput,
    NewContactInput,
    PriceInput,
    PromiseInput,
    StageInput,
    StockInput,
    VisitInput,
)
from kam_bot.services.visits import AlreadyTakenIn

TODAY = date(2026, 11, 23)  # the clock fixture's day


def full_visit(app: App, s: Seed, **overrides: Any) -> VisitInput:
    """A rich visit: 2 promises, 2 prices, a stock line, a competitor note,
    a new contact and a funnel stage change, at Baosteel, two hours ago."""
    fields: dict[str, Any] = {
        "account_id": s.baosteel.id,
        "visited_at": at(app, hours=-2),
        "contact_ids": [s.contact.id],
        "new_contacts": [
            NewContactInput(
                name="Zhang Wei",
                title="VP Operations",
                role=ContactRole.DECISION_MAKER,
                attitude=Attitude.SUPPORTER,
                relationship_strength=3,
                personal_notes="Marathon runner",
            )
        ],
        "objectives": [Objective.INCREASE_ORDER, Objective.BUILD_RELATIONSHIP],
        "goal": "Get the Q1 volume agreed",
        "goal_reached": GoalReached.PARTLY,
        "summary": "Volume agreed in principle, price still open",
        "next_step": "Send revised quote",
        "next_visit_date": TODAY + timedelta(days=10),
        "promises": [
            PromiseInput(
                text="Send mill test certificates",
                direction=PromiseDirection.OURS,
                due_date=TODAY + timedelta(days=3),
                contact_id=s.contact.id,
            ),
            PromiseInput(text="PO for 500 t", direction=PromiseDirection.THEIRS, due_date=date(2026, 11, 27)),
        ],
        "prices": [
            PriceInput(product="HRC coil", price=Decimal("4230"), currency="cny", unit="t"),
            PriceInput(
                product="HRC coil",
                price=Decimal("4410"),
                currency="CNY",
                unit="t",
                kind=PriceKind.COMPETITOR,
                competitor="Shougang",
            ),
        ],
        "stocks": [StockInput(product="HRC coil", quantity=Decimal("90"), unit="t", movement=Movement.FAST)],
        "competitor_notes": [
            CompetitorNoteInput(
                competitor="Shougang", activity=CompetitorActivity.PROMOTION, text="2 % off for 1000 t"
            )
        ],
        "stage_change": StageInput(kind=StageKind.FUNNEL, to_stage="target_customer"),
    }
    fields.update(overrides)
    return VisitInput(**fields)


def earlier_visit(app: App, s: Seed) -> None:
    """Ten days ago: 200 t of HRC coil in stock."""
    app.visits.log(
        s.rep,
        VisitInput(
            account_id=s.baosteel.id,
            visited_at=at(app, days=-10),
            stocks=[
                StockInput(product="HRC coil", quantity=Decimal("200"), unit="t", movement=Movement.FAST)
            ],
        ),
    )


def test_full_visit_is_saved_and_shown_on_the_card(app: App) -> None:
    s = seed_team(app)
    add_price_list(app, "HRC coil", "4500", unit="t")
    earlier_visit(app, s)

    logged = app.visits.log(s.rep, full_visit(app, s))

    assert logged.already_saved is False
    visit = logged.visit
    assert visit.rep_id == s.rep.id
    assert visit.visited_at == at(app, hours=-2)
    assert visit.objectives == [Objective.INCREASE_ORDER, Objective.BUILD_RELATIONSHIP]
    assert visit.goal_reached is GoalReached.PARTLY
    [zhang] = logged.new_contacts
    assert zhang.name == "Zhang Wei"
    assert zhang.last_met == TODAY
    assert visit.contact_ids == [s.contact.id, zhang.id]
    assert [(p.direction, p.owner_id, p.visit_id) for p in logged.promises] == [
        (PromiseDirection.OURS, s.rep.id, visit.id),
        (PromiseDirection.THEIRS, s.rep.id, visit.id),
    ]
    (purchase, purchase_dev), (_, competitor_dev) = logged.prices
    assert purchase.currency == "CNY"
    assert purchase_dev is not None
    assert purchase_dev.ratio == Decimal("-0.06")
    assert purchase_dev.flagged is True
    assert competitor_dev is not None
    assert competitor_dev.ratio == Decimal("-0.02")
    assert competitor_dev.flagged is False
    [(stock, change)] = logged.stocks
    assert (change.previous, change.current, change.delta, change.flag) == (
        Decimal("200"),
        Decimal("90"),
        Decimal("-110"),
        StockFlag.STOCK_OUT,
    )
    assert logged.stage_change is not None
    assert (logged.stage_change.from_stage, logged.stage_change.to_stage) == ("potential", "target_customer")
    assert logged.stage_change.visit_id == visit.id

    card = app.accounts.card(s.rep, s.baosteel.id)
    assert card.account.funnel_stage is FunnelStage.TARGET_CUSTOMER
    assert card.account.updated_at == app.clock()
    assert card.last_visit_at == at(app, hours=-2)
    assert card.days_overdue is None
    assert card.visits[0].id == visit.id
    assert len(card.visits) == 2
    assert [p.text for p in card.ours] == ["Send mill test certificates"]
    assert card.ours[0].contact_id == s.contact.id
    assert [p.text for p in card.theirs] == ["PO for 500 t"]
    assert [
        (pp.observation.kind, pp.observation.competitor, pp.deviation.ratio if pp.deviation else None)
        for pp in card.prices
    ] == [
        (PriceKind.CUSTOMER_PURCHASE, None, Decimal("-0.06")),
        (PriceKind.COMPETITOR, "Shougang", Decimal("-0.02")),
    ]
    assert [pp.deviation.flagged for pp in card.prices if pp.deviation] == [True, False]
    [stock_point] = card.stock
    assert stock_point.observation.id == stock.id
    assert stock_point.change.previous == Decimal("200")
    assert stock_point.change.delta == Decimal("-110")
    assert stock_point.change.flag is StockFlag.STOCK_OUT
    assert [(n.competitor, n.activity, n.text) for n in card.competitor_notes] == [
        ("Shougang", CompetitorActivity.PROMOTION, "2 % off for 1000 t")
    ]
    contacts = {cv.contact.name: cv.contact for cv in card.contacts}
    assert set(contacts) == {"Wang Lei", "Zhang Wei"}
    assert contacts["Wang Lei"].last_met == TODAY  # met at this visit
    assert contacts["Zhang Wei"].role is ContactRole.DECISION_MAKER
    assert [(c.from_stage, c.to_stage) for c in card.stage_history] == [("potential", "target_customer")]

    # a later change keeps the first one and chains from it
    app.accounts.change_stage(s.rep, s.baosteel.id, StageKind.FUNNEL, "customer")
    history = app.accounts.card(s.rep, s.baosteel.id).stage_history
    assert [(c.kind, c.from_stage, c.to_stage, c.visit_id) for c in history] == [
        (StageKind.FUNNEL, "potential", "target_customer", visit.id),
        (StageKind.FUNNEL, "target_customer", "customer", None),
    ]


@contextmanager
def inserts(app: App) -> Iterator[Counter[str]]:
    """INSERT statements the database ran while inside, per table (an executemany runs its
    statement once per row)."""
    seen: Counter[str] = Counter()

    def count(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO"):
            seen[statement.split()[2].strip('"')] += len(params) if isinstance(params, list | tuple) else 1

    event.listen(app.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(app.engine, "before_cursor_execute", count)


@pytest.mark.postgres
def test_on_postgresql_a_visit_writes_each_kind_of_row_in_one_statement(app: App) -> None:
    """A submitted visit is a handful of statements whatever it holds: its promises, prices,
    stock counts and notes go out together, their events and audit entries with the commit, each
    kind as one multi-row INSERT (not one execution per row).
    (SQLite gets a statement per row: SQLAlchemy batches inserts with RETURNING only where the
    rows come back in order.)"""
    if app.engine.dialect.name != "postgresql":
        pytest.skip("multi-row INSERT ... RETURNING is PostgreSQL's here")
    s = seed_team(app)
    add_price_list(app, "HRC coil", "4500", unit="t")
    extra = full_visit(app, s)
    more = extra.model_copy(
        update={
            "promises": [*extra.promises, extra.promises[1]],
            "stocks": [*extra.stocks, StockInput(product="CRC sheet", quantity=Decimal("5"), unit="t")],
            "stage_change": None,  # a stage change writes its row (and what is staged) on its own
        }
    )
    with inserts(app) as seen:
        logged = app.visits.log(s.rep, more)
    assert (len(logged.promises), len(logged.prices), len(logged.stocks)) == (3, 2, 2)
    tables = ("promises", "price_observations", "inventory_observations", "competitor_notes")
    assert {table: seen[table] for table in (*tables, "promise_events", "audit_log")} == dict.fromkeys(
        (*tables, "promise_events", "audit_log"), 1
    )


@pytest.mark.postgres
def test_on_postgresql_a_save_opens_with_one_statement(app: App) -> None:
    """The request's claim, the account's ``updated_at`` and the contacts met: one statement."""
    if app.engine.dialect.name != "postgresql":
        pytest.skip("data-modifying CTEs are PostgreSQL's")
    s = seed_team(app)
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(app.engine, "before_cursor_execute", record)
    try:
        app.visits.log(s.rep, full_visit(app, s, submission_key="one"), ("slack", "body:one"))
    finally:
        event.remove(app.engine, "before_cursor_execute", record)
    touching = [q for q in sent if "request_keys" in q or "SET updated_at" in q or "UPDATE contacts" in q]
    assert len(touching) == 1 and touching[0].startswith("WITH claim AS")


def test_a_product_counted_twice_in_one_visit_compares_with_the_count_before_it(app: App) -> None:
    s = seed_team(app)
    earlier_visit(app, s)  # 200 t
    logged = app.visits.log(
        s.rep,
        VisitInput(
            account_id=s.baosteel.id,
            visited_at=at(app, hours=-1),
            stocks=[
                StockInput(product="HRC coil", quantity=Decimal("120"), unit="t"),
                StockInput(product="hrc coil", quantity=Decimal("90"), unit="t"),
            ],
        ),
    )
    assert [(c.previous, c.current) for _, c in logged.stocks] == [
        (Decimal("200"), Decimal("120")),
        (Decimal("120"), Decimal("90")),
    ]


def test_procurement_stage_change_starts_from_none_then_chains(app: App) -> None:
    s = seed_team(app)
    for stage in ("need_identified", "evaluation"):
        app.visits.log(
            s.rep,
            VisitInput(
                account_id=s.sinopec.id,
                visited_at=at(app, hours=-1),
                stage_change=StageInput(kind=StageKind.PROCUREMENT, to_stage=stage),
            ),
        )
    card = app.accounts.card(s.rep, s.sinopec.id)
    assert card.account.procurement_stage is ProcurementStage.EVALUATION
    assert card.account.funnel_stage is FunnelStage.POTENTIAL  # untouched
    assert [(c.from_stage, c.to_stage) for c in card.stage_history] == [
        (None, "need_identified"),
        ("need_identified", "evaluation"),
    ]


# -- all or nothing ------------------------------------------------------------------------


def test_a_promise_names_a_contact_met_in_the_visit_or_another_of_the_account(app: App) -> None:
    """The account's contacts are read only for a promise naming one the visit did not meet;
    either way the promise is saved with its contact."""
    s = seed_team(app)
    absent = add_contact(app, s.baosteel, "Zhou Min")
    data = full_visit(app, s)
    data.promises.append(PromiseInput(text="Call Zhou", due_date=TODAY, contact_id=absent.id))
    logged = app.visits.log(s.rep, data)
    assert [p.contact_id for p in logged.promises] == [s.contact.id, None, absent.id]


def test_failing_promise_leaves_no_row(app: App) -> None:
    """A promise made to a contact of another account fails after the visit, the new contact,
    and the first promise were written: nothing of it may remain."""
    s = seed_team(app)
    elsewhere = add_contact(app, s.cosco, "Chen Jie")
    before = row_counts(app)
    data = full_visit(app, s)
    data.promises.append(PromiseInput(text="Intro to Chen", due_date=TODAY, contact_id=elsewhere.id))

    with pytest.raises(InvalidInputError) as err:
        app.visits.log(s.rep, data)

    assert err.value.message == "promise.unknown_contact"
    assert row_counts(app) == before
    card = app.accounts.card(s.rep, s.baosteel.id)
    assert card.account.funnel_stage is FunnelStage.POTENTIAL
    assert card.account.updated_at == s.baosteel.updated_at
    assert [c.contact.name for c in card.contacts] == ["Wang Lei"]
    assert card.contacts[0].contact.last_met is None


def test_failing_stage_change_leaves_no_row(app: App) -> None:
    """The stage change is the last part written; an invalid stage that slipped past
    validation fails there and rolls back everything before it."""
    s = seed_team(app)
    before = row_counts(app)
    data = full_visit(app, s, submission_key="view-9")
    data.stage_change = StageInput.model_construct(kind=StageKind.FUNNEL, to_stage="signed")

    with pytest.raises(InvalidInputError, match=r"account\.unknown_stage"):
        app.visits.log(s.rep, data)

    assert row_counts(app) == before
    assert app.accounts.card(s.rep, s.baosteel.id).account.funnel_stage is FunnelStage.POTENTIAL
    # the failed submission left no trace of its key: the corrected form saves
    logged = app.visits.log(s.rep, full_visit(app, s, submission_key="view-9"))
    assert logged.already_saved is False
    assert row_counts(app)["Visit"] == 1


# -- once ----------------------------------------------------------------------------------


def test_same_submission_twice_saves_once(app: App) -> None:
    s = seed_team(app)
    first = app.visits.log(s.rep, full_visit(app, s, submission_key="V123-view-abc"))
    after_first = row_counts(app)
    second = app.visits.log(s.rep, full_visit(app, s, submission_key="V123-view-abc"))

    assert first.already_saved is False
    assert second.already_saved is True
    assert second.visit.id == first.visit.id
    assert row_counts(app) == after_first
    assert after_first["Visit"] == 1
    assert after_first["Promise"] == 2
    assert after_first["PriceObservation"] == 2
    assert sorted(p.id for p in second.promises) == sorted(p.id for p in first.promises)
    assert [p.id for p, _ in second.prices] == [p.id for p, _ in first.prices]
    assert [n.id for n in second.competitor_notes] == [n.id for n in first.competitor_notes]
    # a different key is a different visit
    app.visits.log(s.rep, full_visit(app, s, submission_key="V123-view-def", new_contacts=[]))
    assert row_counts(app)["Visit"] == 2


def test_a_request_taken_in_once_saves_once_and_a_refused_one_may_come_again(app: App) -> None:
    """The platform's claim on the request carrying a visit is taken in the save's transaction
    (with the account and the contacts met, in one statement on PostgreSQL): a request taken
    in before writes nothing, a save refused leaves its request free, an unknown account is
    refused on the account."""
    s = seed_team(app)
    elsewhere = add_contact(app, s.cosco, "Chen Jie")
    refused = full_visit(app, s, submission_key="view-1", contact_ids=[s.contact.id, elsewhere.id])
    with pytest.raises(InvalidInputError, match=r"visit\.unknown_contact"):
        app.visits.log(s.rep, refused, ("slack", "body:1"))
    gone = full_visit(app, s, submission_key="view-1", account_id=10**6)
    with pytest.raises(NotFoundError, match=r"account\.gone"):
        app.visits.log(s.rep, gone, ("slack", "body:1"))
    before = row_counts(app)
    first = app.visits.log(s.rep, full_visit(app, s, submission_key="view-1"), ("slack", "body:1"))
    assert first.already_saved is False and row_counts(app)["Visit"] == before["Visit"] + 1
    after = row_counts(app)
    updated_at = app.accounts.card(s.rep, s.baosteel.id).account.updated_at
    with pytest.raises(AlreadyTakenIn):  # the same request again, whatever it carries
        app.visits.log(s.rep, full_visit(app, s, submission_key="view-2"), ("slack", "body:1"))
    assert row_counts(app) == after
    assert app.accounts.card(s.rep, s.baosteel.id).account.updated_at == updated_at
    # another request with the same form (a retried submission): answered with the first save
    again = app.visits.log(s.rep, full_visit(app, s, submission_key="view-1"), ("slack", "body:2"))
    assert again.already_saved is True and again.visit.id == first.visit.id
    assert row_counts(app) == after
    # no request at all: the contacts met are marked, as with one
    app.visits.log(s.rep, full_visit(app, s, submission_key="view-3", new_contacts=[]))
    assert row_counts(app)["Visit"] == after["Visit"] + 1
    assert app.contacts.list(s.rep, s.baosteel.id)[0].last_met is not None


# -- refused -------------------------------------------------------------------------------


def test_refused_visits_leave_no_row(app: App) -> None:
    s = seed_team(app)
    elsewhere = add_contact(app, s.cosco, "Chen Jie")
    before = row_counts(app)
    # in the future
    with pytest.raises(InvalidInputError) as err:
        app.visits.log(s.rep, full_visit(app, s, visited_at=at(app, minutes=1)))
    assert (err.value.field, err.value.message) == ("visited_at", "visit.in_future")
    # meeting a contact of another account
    with pytest.raises(InvalidInputError) as err:
        app.visits.log(s.rep, full_visit(app, s, contact_ids=[s.contact.id, elsewhere.id]))
    assert err.value.field == "contact_ids"
    assert err.value.params == {"ids": [elsewhere.id]}
    # by someone who may not write the account
    for outsider in (s.teammate, s.manager, s.other_rep):
        with pytest.raises(ForbiddenError):
            app.visits.log(outsider, full_visit(app, s))
    assert row_counts(app) == before
    # right now is fine, and an admin may log it: the promises stay with the account owner
    logged = app.visits.log(s.admin, full_visit(app, s, visited_at=app.clock()))
    assert logged.visit.rep_id == s.admin.id
    assert {p.owner_id for p in logged.promises} == {s.rep.id}
    # an archived account takes no visit
    with app.uow() as uow:
        uow.repo.update(Account, s.sinopec.id, archived=True)
        uow.commit()
    with pytest.raises(NotFoundError):
        app.visits.log(s.rep, full_visit(app, s, account_id=s.sinopec.id, contact_ids=[], promises=[]))


def test_visit_input_validation() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        VisitInput(account_id=1, visited_at="2026-11-23T09:00:00")
    with pytest.raises(ValidationError, match="unknown funnel stage"):
        StageInput(kind=StageKind.FUNNEL, to_stage="signed")
    with pytest.raises(ValidationError, match="unknown procurement stage"):
        StageInput(kind=StageKind.PROCUREMENT, to_stage="customer")


def test_recent_visits_and_last_at(app: App) -> None:
    s = seed_team(app)
    earlier_visit(app, s)
    app.visits.log(s.rep, full_visit(app, s, new_contacts=[]))
    assert [v.visited_at for v in app.visits.recent(s.teammate, s.baosteel.id)] == [
        at(app, hours=-2),
        at(app, days=-10),
    ]
    assert app.visits.last_at(s.baosteel.id) == at(app, hours=-2)
    assert app.visits.last_at(s.sinopec.id) is None
    with pytest.raises(ForbiddenError):
        app.visits.recent(s.other_rep, s.baosteel.id)


def test_stage_change_to_the_current_stage_is_not_a_move(app: App) -> None:
    s = seed_team(app)
    app.visits.log(
        s.rep,
        full_visit(app, s, stage_change=StageInput(kind=StageKind.FUNNEL, to_stage="potential")),
    )
    assert app.accounts.card(s.rep, s.baosteel.id).stage_history == []


def test_owner_corrects_a_visit_and_a_teammate_may_not(app: App) -> None:
    s = seed_team(app)
    logged = app.visits.log(s.rep, full_visit(app, s))
    edited = app.visits.edit(
        s.rep,
        logged.visit.id,
        goal_reached=GoalReached.NO,
        summary="lost to Foo",
        next_step=None,
        next_visit_date=date(2026, 12, 7),
    )
    assert edited.goal_reached is GoalReached.NO
    assert edited.summary == "lost to Foo"
    assert app.visits.recent(s.rep, s.baosteel.id)[0].next_visit_date == date(2026, 12, 7)
    with pytest.raises(ForbiddenError):
        app.visits.edit(
            s.teammate, logged.visit.id, goal_reached=None, summary="x", next_step=None, next_visit_date=None
        )
    with pytest.raises(NotFoundError):
        app.visits.for_edit(s.rep, 9999)


def test_a_logged_visit_keeps_every_detail(app: App) -> None:
    """The details are copied to the visit by name (``VISIT_DETAILS``): none is dropped."""
    s = seed_team(app)
    details = {
        "kind": VisitKind.PHONE,
        "objectives": [Objective.COLLECT_PAYMENT],
        "goal": "trial order",
        "goal_reached": GoalReached.PARTLY,
        "summary": "went well",
        "needs": "faster delivery",
        "competitor_intel": "Foo cut prices",
        "next_step": "send samples",
        "next_visit_date": date(2026, 12, 7),
    }
    assert set(details) == set(VISIT_DETAILS)
    logged = app.visits.log(s.rep, VisitInput(account_id=s.baosteel.id, visited_at=app.clock(), **details))
    with app.uow() as uow:
        stored = uow.repo.get(Visit, logged.visit.id)
    assert stored is not None and stored.model_dump(include=set(VISIT_DETAILS)) == details
