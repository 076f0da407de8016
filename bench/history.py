"""Row builders for the history: visits, stage changes, promise events, observations, notes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from bench import vocab
from bench.generate import FUNNEL, OBJECTIVES, PROCUREMENT, Row, _rng, _utc, _weighted

if TYPE_CHECKING:
    from bench.generate import Dataset

CENT = Decimal("0.01")
MILLI = Decimal("0.001")


def visits(ds: Dataset) -> Iterator[Row]:
    rng = _rng(ds.cfg, "visit-rows")
    v, acc = ds.visits, ds.accounts
    for k in range(len(v.ts)):
        i = v.account[k]
        at = _utc(v.ts[k])
        first, n = acc.first_contact[i], acc.n_contacts[i]
        met = sorted(rng.sample(range(first, first + n), rng.randint(1, min(3, n))))
        objectives = sorted(rng.sample(OBJECTIVES, rng.randint(1, 2)), key=OBJECTIVES.index)
        next_date = at.date() + timedelta(days=rng.randint(7, 45)) if rng.random() < 0.35 else None
        created = _utc(min(ds.as_of_ts - 1, v.ts[k] + rng.randint(300, 4 * 3600)))
        yield (
            k + 1,
            i + 1,
            v.rep[k],
            at,
            _weighted(rng, ("in_person", "phone", "video"), (0.7, 0.2, 0.1)),
            met,
            objectives,
            rng.choice(vocab.GOALS),
            _weighted(rng, ("yes", "partly", "no", None), (0.45, 0.3, 0.15, 0.1)),
            rng.choice(vocab.SUMMARIES),
            rng.choice(vocab.NEEDS),
            rng.choice(vocab.COMPETITOR_TEXTS) if rng.random() < 0.2 else None,
            rng.choice(vocab.NEXT_STEPS),
            next_date,
            created,
            f"hist-{k + 1}",
        )


def stage_changes(ds: Dataset) -> Iterator[Row]:
    rng = _rng(ds.cfg, "stage-rows")
    v = ds.visits
    points = ds._history_points("stage_changes", "stage-points", on_visit=1.0)
    for n, (ts, k, i) in enumerate(points, start=1):
        stages: tuple[str, ...]
        if rng.random() < 0.4:
            kind, stages = "funnel", FUNNEL
        else:
            kind, stages = "procurement", PROCUREMENT
        step = rng.randrange(len(stages) - 1)
        actor = v.rep[k] if k >= 0 else ds.accounts.owner[i]
        yield (n, i + 1, k + 1 if k >= 0 else None, kind, stages[step], stages[step + 1], actor, _utc(ts))


def promise_event_count(ds: Dataset) -> int:
    return sum(1 for _ in promise_events(ds))


def promise_events(ds: Dataset) -> Iterator[Row]:
    """``created`` for every promise; ``done``/``cancelled`` and ``snoozed`` where they apply."""
    n = 0
    for row in ds.promise_rows:
        pid, owner, status, done_at, snoozed, created = row[0], row[4], row[8], row[9], row[10], row[11]
        n += 1
        yield (n, pid, "created", created, owner, None)
        if done_at is not None:
            n += 1
            yield (n, pid, status, done_at, owner, None)
        if snoozed is not None:
            n += 1
            yield (n, pid, "snoozed", created + timedelta(hours=1), owner, f"until {snoozed.isoformat()}")


def _basket(ds: Dataset, i: int) -> list[int]:
    """The products an account buys: 4-10 of them, fixed per account (derived from the seed)."""
    n = len(ds.products)
    start = (i * 7919 + ds.cfg.seed) % n
    size = 4 + (i * 31 + ds.cfg.seed) % 7
    return [(start + j * 13) % n for j in range(size)]


def prices(ds: Dataset) -> Iterator[Row]:
    rng = _rng(ds.cfg, "price-rows")
    v = ds.visits
    points = ds._history_points("price_observations", "price-points", on_visit=0.9)
    kinds = ("our_invoice", "customer_purchase", "customer_retail", "competitor")
    for n, (ts, k, i) in enumerate(points, start=1):
        product, unit, list_price, currency = ds.products[rng.choice(_basket(ds, i))]
        kind = _weighted(rng, kinds, (0.3, 0.35, 0.15, 0.2))
        factor = rng.gauss(1.0, 0.05) * (0.97 if kind == "competitor" else 1.0)
        factor *= 1.25 if kind == "customer_retail" else 1.0
        price = (list_price * Decimal(round(max(0.2, factor), 4))).quantize(CENT)
        if rng.random() < 0.05:
            currency = "USD" if currency != "USD" else "EUR"
        competitor = rng.choice(vocab.COMPETITORS) if kind == "competitor" else None
        recorder = v.rep[k] if k >= 0 else ds.accounts.owner[i]
        note = "from the invoice" if kind == "our_invoice" and rng.random() < 0.1 else None
        yield (
            n,
            i + 1,
            product,
            price,
            currency,
            unit,
            kind,
            competitor,
            _utc(ts),
            k + 1 if k >= 0 else None,
            note,
            recorder,
        )


def stocks(ds: Dataset) -> Iterator[Row]:
    rng = _rng(ds.cfg, "stock-rows")
    v = ds.visits
    points = ds._history_points("inventory_observations", "stock-points", on_visit=0.9)
    for n, (ts, k, i) in enumerate(points, start=1):
        p = rng.choice(_basket(ds, i))
        product, unit, _, _ = ds.products[p]
        base = 20 + (i * 37 + p * 101) % 480
        quantity = Decimal(round(base * rng.lognormvariate(0, 0.6), 1)).quantize(MILLI)
        if rng.random() < 0.03:
            quantity = Decimal(0).quantize(MILLI)
        movement = _weighted(rng, ("fast", "normal", "slow", None), (0.3, 0.4, 0.2, 0.1))
        share = Decimal(rng.randint(0, 100)) if rng.random() < 0.6 else None
        recorder = v.rep[k] if k >= 0 else ds.accounts.owner[i]
        yield (
            n,
            i + 1,
            product,
            quantity,
            unit,
            share,
            movement,
            _utc(ts),
            k + 1 if k >= 0 else None,
            recorder,
        )


def competitor_notes(ds: Dataset) -> Iterator[Row]:
    rng = _rng(ds.cfg, "note-rows")
    v = ds.visits
    points = ds._history_points("competitor_notes", "note-points", on_visit=0.95)
    activities = ("promotion", "price_change", "new_product", "rep_change", "other")
    for n, (ts, k, i) in enumerate(points, start=1):
        recorder = v.rep[k] if k >= 0 else ds.accounts.owner[i]
        yield (
            n,
            i + 1,
            rng.choice(vocab.COMPETITORS),
            rng.choice(activities),
            rng.choice(vocab.COMPETITOR_TEXTS),
            _utc(ts),
            k + 1 if k >= 0 else None,
            recorder,
        )
