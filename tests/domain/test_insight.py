"""Table tests of the insight rules, from the handbooks' cases (seeds 000-004, domain.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from kam_bot.domain.enums import (
    Attitude,
    ContactRole,
    Intention,
    Power,
    PriceKind,
    Priority,
    ProcurementStage,
    PromiseDirection,
    PromiseStatus,
    Tier,
)
from kam_bot.domain.insight import allocation, coverage, promise_record, stalls
from kam_bot.domain.insight import prices as price_picture
from kam_bot.domain.insight.coverage import ChainMember, ChainRule
from kam_bot.domain.insight.thresholds import Thresholds
from kam_bot.domain.models import Account, PriceListEntry, PriceObservation, Promise

TODAY = date(2026, 11, 23)
R = ContactRole
A = Attitude


def member(role: R | None, days_ago: int | None, attitude: A | None = None) -> ChainMember:
    met = TODAY - timedelta(days=days_ago) if days_ago is not None else None
    return ChainMember(account_id=1, role=role, attitude=attitude, last_met=met)


CASES = [
    # seed 000: "only low-level relationships" -- the purchaser is the one thread
    ("purchaser only", [member(R.PURCHASER, 10)], 14,
     {ChainRule.SINGLE_THREADED, ChainRule.NO_DECISION_MAKER_MET, ChainRule.NO_COACH}),
    # seed 004: the plant director decides, the engineer evaluates against us
    ("opponent evaluator", [member(R.DECISION_MAKER, 5), member(R.TECHNICAL_EVALUATOR, 20, A.OPPONENT),
                            member(R.COACH, 30, A.SUPPORTER)], 14,
     {ChainRule.OPPONENT_DECIDING}),
    ("opposed user does not decide", [member(R.DECISION_MAKER, 5), member(R.USER, 5, A.OPPONENT),
                                      member(R.COACH, 5)], 14, set()),
    ("decision maker met 100 days ago", [member(R.DECISION_MAKER, 100), member(R.PURCHASER, 3),
                                         member(R.INFLUENCER, 4), member(R.COACH, 4)], 30,
     {ChainRule.NO_DECISION_MAKER_MET}),
    # tier A cadence 14: nobody for 29 days is past 2x cadence; 28 is not yet
    ("cold after 2x cadence", [member(R.DECISION_MAKER, 29), member(R.COACH, 40)], 14,
     {ChainRule.GONE_COLD}),
    ("not yet cold at 2x cadence", [member(R.DECISION_MAKER, 28), member(R.COACH, 40)], 14, set()),
    ("nobody known, old account", [], 30,
     {ChainRule.GONE_COLD, ChainRule.NO_DECISION_MAKER_MET, ChainRule.NO_COACH}),
]  # fmt: skip


@pytest.mark.parametrize(("case", "chain", "cadence", "expected"), CASES, ids=[c[0] for c in CASES])
def test_coverage_rules(case: str, chain: list[ChainMember], cadence: int, expected: set[ChainRule]) -> None:
    result = coverage.coverage(chain, TODAY, cadence, since=TODAY - timedelta(days=200))
    assert set(result.rules) == expected


def test_a_new_account_is_not_cold_on_its_first_days() -> None:
    result = coverage.coverage([], TODAY, 14, since=TODAY - timedelta(days=3))
    assert ChainRule.GONE_COLD not in result.rules


def test_no_coach_alone_is_a_gap_not_a_risk() -> None:
    chain = [member(R.DECISION_MAKER, 5), member(R.PURCHASER, 5)]
    result = coverage.coverage(chain, TODAY, 14, since=TODAY - timedelta(days=200))
    assert result.rules == (ChainRule.NO_COACH,)
    assert not result.at_risk
    assert R.COACH in result.missing_roles


def test_who_to_see_puts_the_unmet_decision_maker_first() -> None:
    chain = [member(R.USER, None), member(R.PURCHASER, 2), member(R.TECHNICAL_EVALUATOR, 120, A.OPPONENT),
             member(R.DECISION_MAKER, 95)]  # fmt: skip
    roles = [m.role for m in coverage.coverage(chain, TODAY, 30, since=TODAY).to_see]
    assert roles == [R.DECISION_MAKER, R.TECHNICAL_EVALUATOR, R.USER]


def test_thresholds_come_from_settings() -> None:
    chain = [member(R.DECISION_MAKER, 50), member(R.COACH, 50)]
    assert ChainRule.NO_DECISION_MAKER_MET not in coverage.coverage(chain, TODAY, 30, TODAY).rules
    tight = Thresholds(met_days=30)
    assert ChainRule.NO_DECISION_MAKER_MET in coverage.coverage(chain, TODAY, 30, TODAY, tight).rules


def account(intention: Intention | None, power: Power | None, **kw: object) -> Account:
    at = datetime(2026, 1, 5, tzinfo=UTC)
    return Account(id=1, name="Baosteel", tier=Tier.A, intention=intention, power=power,
                   created_at=at, updated_at=at, **kw)  # type: ignore[arg-type]  # fmt: skip


ALLOCATION = [
    # seed 002's grid: clear + strong -> the most time
    (Intention.CLEAR, Power.STRONG, 2, Priority.FOCUS, allocation.Misallocation.NEGLECTED),
    (Intention.CLEAR, Power.STRONG, 4, Priority.FOCUS, None),
    (Intention.CLEAR, Power.WEAK, 9, Priority.NURTURE, None),
    (Intention.CLEAR, Power.NOT_NOW, 4, Priority.PARK, allocation.Misallocation.OVERSERVED),
    (Intention.CLEAR, Power.NOT_NOW, 3, Priority.PARK, None),
    (Intention.NONE, Power.STRONG, 6, Priority.MONITOR, allocation.Misallocation.OVERSERVED),
    (None, None, 0, Priority.MONITOR, None),
]


@pytest.mark.parametrize(("intention", "power", "visits", "grid", "finding"), ALLOCATION)
def test_time_against_the_grid(
    intention: Intention | None,
    power: Power | None,
    visits: int,
    grid: Priority,
    finding: allocation.Misallocation | None,
) -> None:
    placed = allocation.place(account(intention, power), visits)
    assert (placed.priority, placed.finding) == (grid, finding)


def test_rep_time_sums_focus_share() -> None:
    placed = [
        allocation.place(account(Intention.CLEAR, Power.STRONG), 1),
        allocation.place(account(Intention.NONE, None), 7),
    ]
    rep = allocation.rep_time(placed)
    assert (rep.visits, rep.focus_visits, rep.focus_accounts, len(rep.findings)) == (8, 1, 1, 2)


def promise(
    direction: PromiseDirection,
    due_ago: int,
    done_ago: int | None = None,
    status: PromiseStatus | None = None,
) -> Promise:
    done = datetime.combine(TODAY - timedelta(days=done_ago), datetime.min.time(), UTC) if done_ago else None
    return Promise(
        id=due_ago * 10 + (done_ago or 0), account_id=1, direction=direction, owner_id=7, text="send the PO",
        due_date=TODAY - timedelta(days=due_ago), done_at=done,
        status=status or (PromiseStatus.DONE if done else PromiseStatus.OPEN),
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip


def test_promise_record_counts_kept_on_time_both_ways() -> None:
    ours, theirs = PromiseDirection.OURS, PromiseDirection.THEIRS
    promises = [
        promise(ours, 10, 11),  # done a day early: kept
        promise(ours, 10, 10),  # done on the day: kept
        promise(ours, 20, 15),  # done five days late
        promise(ours, 5),  # still open, overdue
        promise(ours, 5, status=PromiseStatus.CANCELLED),  # not counted
        promise(ours, 120, 121),  # due before the 90 days: not counted
        promise(theirs, 3),  # the customer's PO, not sent: to chase
        promise(theirs, 30, 30),
    ]
    rec = promise_record.record(promises, TODAY, UTC)
    assert (rec.ours.due, rec.ours.kept, rec.ours.rate) == (4, 2, 0.5)
    assert (rec.theirs.due, rec.theirs.kept) == (2, 1)
    assert [p.due_date for p in promise_record.to_chase(promises, TODAY)] == [TODAY - timedelta(days=3)]
    assert promise_record.Record().rate is None


def test_promise_record_per_rep_and_account() -> None:
    p1, p2 = promise(PromiseDirection.OURS, 4, 4), promise(PromiseDirection.OURS, 6)
    p2 = p2.model_copy(update={"owner_id": 8, "account_id": 2})
    by_rep = promise_record.records_by([p1, p2], lambda p: p.owner_id, TODAY, UTC)
    assert by_rep[7].ours.rate == 1.0 and by_rep[8].ours.rate == 0.0


def visits(*days_ago: int) -> list[date]:
    return [TODAY - timedelta(days=d) for d in days_ago]


STALLS = [
    # seed 004: evaluation for 60 days, visited three times since -> worked but not moving
    (ProcurementStage.EVALUATION, 60, visits(50, 30, 5), True),
    (ProcurementStage.EVALUATION, 60, visits(70, 65, 5), False),  # visits stopped: a stale account
    (ProcurementStage.EVALUATION, 20, visits(15, 10, 5), False),  # moved recently
    (ProcurementStage.CONTRACT_SIGNED, 90, visits(50, 30, 5), False),  # closed
]


@pytest.mark.parametrize(("stage", "days", "visit_days", "stalled"), STALLS)
def test_stalled_deals(stage: ProcurementStage, days: int, visit_days: list[date], stalled: bool) -> None:
    acc = account(Intention.CLEAR, Power.STRONG, procurement_stage=stage)
    age = stalls.stage_age(acc, TODAY - timedelta(days=days), visit_days, TODAY)
    assert age is not None and age.days == days and age.stalled is stalled


def test_no_procurement_stage_no_stage_age() -> None:
    assert stalls.stage_age(account(None, None), None, [], TODAY) is None


def test_price_picture_over_time_against_the_list() -> None:
    def obs(i: int, days_ago: int, price: str, kind: PriceKind, who: str | None = None) -> PriceObservation:
        at = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), UTC)
        return PriceObservation(id=i, account_id=1, product="coil-7", price=Decimal(price), currency="USD",
                                unit="t", kind=kind, competitor=who, observed_at=at)  # fmt: skip

    listed = PriceListEntry(id=1, product="coil-7", price=Decimal("620"), currency="USD", unit="t")
    seen = [
        obs(1, 60, "615", PriceKind.OUR_INVOICE),
        obs(2, 30, "580", PriceKind.OUR_INVOICE),
        obs(3, 30, "560", PriceKind.COMPETITOR, "Posco"),
    ]
    [coil] = price_picture.picture(seen, lambda product, day: listed, UTC)
    assert coil.off_policy  # the latest invoice is 6.5 % under the list
    assert [p for _, p in coil.series["our_invoice"]] == [Decimal("615"), Decimal("580")]
    assert "competitor:Posco" in coil.series
    [coil] = price_picture.picture(seen[:1], lambda product, day: listed, UTC)
    assert not coil.off_policy
