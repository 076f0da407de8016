"""The digest's set-based reads (the week's promises in one query, previous stock counts in one
query, the price list and exchange rates once per tick) give exactly the figures and the message
of the per-query reads they replaced, on a company from the bench's generator."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.apps import FixedClock, open_app  # noqa: E402
from bench.generate import AS_OF, GenConfig  # noqa: E402
from bench.loaders import load_sqlite  # noqa: E402
from kam_bot.bootstrap import App  # noqa: E402
from kam_bot.domain.models import InventoryObservation, PriceListEntry, Team  # noqa: E402
from kam_bot.jobs import scheduler  # noqa: E402
from kam_bot.jobs.digest import DigestData, compute, reader_window  # noqa: E402
from kam_bot.jobs.notifications import Notification  # noqa: E402
from kam_bot.store.digest_queries import DigestReader  # noqa: E402
from kam_bot.store.digest_share import DigestShare, windows_of  # noqa: E402
from kam_bot.store.jobs import JobsTransaction  # noqa: E402
from kam_bot.store.price_book import PriceBook  # noqa: E402

COMPANY = GenConfig(seed=11, scale=0.02)
NOW = AS_OF + timedelta(hours=15)
LAST_WEEK = (AS_OF - timedelta(days=7)).date()
WEEK_BEFORE = (AS_OF - timedelta(days=14)).date()
"""A past week's digest counts promises done after it as still late then (``done_at > as_of``)."""


class PerQueryReader(DigestReader):
    """The reads as they were: a query per figure, per stock count, per price looked up."""

    def prefetch_promises(self, made_since: datetime, due_from: object, as_of: datetime) -> None:
        return None

    def previous_stocks(self, stocks: list[InventoryObservation]) -> dict[int, InventoryObservation | None]:
        return {s.id: self.previous_stock(s) for s in stocks}

    def price_list_for(self, product: str, on: object) -> PriceListEntry | None:
        return self.repo.price_list_for(product, on)  # type: ignore[arg-type]

    def exchange_rates(self) -> dict[tuple[str, str], Decimal]:
        return self.repo.exchange_rates()


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    report = load_sqlite(tmp_path_factory.mktemp("company") / "company.db", COMPANY, fresh=True, quiet=True)
    with open_app(report.url, FixedClock(NOW)) as app:
        yield app


def _digests(app: App, monday: date, shared: bool = False) -> list[tuple[DigestData, Notification]]:
    """Each team's figures and message; ``shared``: read once for all teams, as a tick does."""
    teams, _ = app.jobs.slots.teams(scheduler.DIGESTS, NOW, scheduler.DIGEST_EVERY)
    book = PriceBook()  # shared by all teams, as in one tick
    windows = windows_of([(t.id, *reader_window(t, monday, NOW)) for t in teams])
    share = DigestShare(windows) if shared else None
    out = []
    for team in teams:
        with app.jobs.transaction() as tx:
            threshold = app.settings.price_deviation_threshold
            data = compute(tx, team, monday, NOW, threshold, book=book, share=share)
        with app.jobs.transaction() as tx:
            note = scheduler._digest(app.jobs_context, tx, team, monday, NOW, book, share)
        out.append((data, note))
    return out


@pytest.mark.parametrize("monday", [LAST_WEEK, WEEK_BEFORE])
def test_reads_shared_by_a_ticks_teams_give_each_teams_own_figures_and_message(
    company: App, monday: date
) -> None:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(company.engine, "before_cursor_execute", count)
    try:
        shared = _digests(company, monday, shared=True)
        shared_statements = len(statements)
        statements.clear()
        own = _digests(company, monday)
    finally:
        event.remove(company.engine, "before_cursor_execute", count)
    assert shared_statements < len(statements) * 0.7  # each figure read once for both teams
    assert len(shared) == len(own) == 2
    for (data, note), (own_data, own_note) in zip(shared, own, strict=True):
        assert data == own_data
        assert note == own_note
    assert all(d.stage_moves or d.competitor_notes for d, _ in shared)  # every shared read has rows
    assert all(d.stale and d.insight is not None and d.insight.placements for d, _ in shared)


@pytest.mark.parametrize("monday", [LAST_WEEK, WEEK_BEFORE])
def test_set_based_reads_give_the_per_query_figures_and_message(
    company: App, monkeypatch: pytest.MonkeyPatch, monday: date
) -> None:
    set_based = _digests(company, monday)

    def per_query(
        tx: JobsTransaction,
        team: Team,
        start: datetime,
        end: datetime,
        book: PriceBook | None = None,
        share: DigestShare | None = None,
    ) -> DigestReader:
        return PerQueryReader(tx.repo, team, start, end)

    monkeypatch.setattr(JobsTransaction, "digest_reader", per_query)
    per_team = _digests(company, monday)

    assert len(set_based) == len(per_team) == 2
    for (data, note), (old_data, old_note) in zip(set_based, per_team, strict=True):
        assert data == old_data
        assert note == old_note
    # the company exercises every replaced read: promises in each figure, stock, prices off policy
    datas = [d for d, _ in set_based]
    assert all(d.total("due") and d.total("made") and d.total("overdue") for d in datas)
    assert any(d.stock_alerts for d in datas) and any(d.off_policy for d in datas)
    assert all(d.insight is not None and d.insight.records for d in datas)
