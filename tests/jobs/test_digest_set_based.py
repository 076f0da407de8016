"""The digest's set-based reads (the week's promises in one query, previous stock counts in one
query, the price list and exchange rates once per tick) give exactly the figures and the message
of the per-query reads they replaced, on a company from the bench's generator."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.apps import FixedClock, open_app  # noqa: E402
from bench.generate import AS_OF, GenConfig  # noqa: E402
from bench.loaders import load_sqlite  # noqa: E402
from kam_bot.bootstrap import App  # noqa: E402
from kam_bot.domain.models import InventoryObservation, PriceListEntry, PriceObservation, Team  # noqa: E402
from kam_bot.jobs import scheduler  # noqa: E402
from kam_bot.jobs.digest import DigestData, compute, reader_window  # noqa: E402
from kam_bot.jobs.notifications import Notification  # noqa: E402
from kam_bot.store.digest_queries import DigestReader  # noqa: E402
from kam_bot.store.digest_share import DigestShare, windows_of  # noqa: E402
from kam_bot.store.jobs import JobsTransaction  # noqa: E402
from kam_bot.store.price_book import PriceBook  # noqa: E402
from kam_bot.store.tables import PriceObservationRow  # noqa: E402

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


def _digests(
    app: App, monday: date, shared: bool = False, ahead: sessionmaker[Session] | None = None
) -> list[tuple[DigestData, Notification]]:
    """Each team's figures and message; ``shared``: read once for all teams, as a tick does;
    ``ahead``: the share reads ahead in a worker thread, in sessions from there."""
    teams, _ = app.jobs.slots.teams(scheduler.DIGESTS, NOW, scheduler.DIGEST_EVERY)
    book = PriceBook()  # shared by all teams, as in one tick
    windows = windows_of([(t.id, *reader_window(t, monday, NOW)) for t in teams])
    share = DigestShare(windows) if shared or ahead else None
    if share is not None and ahead is not None:
        share.prefetch(ahead)
    out = []
    for team in teams:
        with app.jobs.transaction() as tx:
            threshold = app.settings.price_deviation_threshold
            data = compute(tx, team, monday, NOW, threshold, book=book, share=share)
        with app.jobs.transaction() as tx:
            note = scheduler._digest(app.jobs_context, tx, team, monday, NOW, book, share)
        out.append((data, note))
    if share is not None:
        share.release()
    return out


class LostConnection(Session):
    """A session whose server went away: every statement fails."""

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))


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


@pytest.mark.parametrize("monday", [LAST_WEEK, WEEK_BEFORE])
def test_reads_made_ahead_in_a_worker_give_each_teams_own_figures_and_message(
    company: App, monday: date
) -> None:
    ahead = _digests(company, monday, ahead=sessionmaker(bind=company.engine))
    own = _digests(company, monday)
    assert len(ahead) == len(own) == 2
    for (data, note), (own_data, own_note) in zip(ahead, own, strict=True):
        assert data == own_data
        assert note == own_note


def test_reads_the_worker_could_not_make_are_made_by_the_digests(
    company: App, caplog: pytest.LogCaptureFixture
) -> None:
    ahead = _digests(company, LAST_WEEK, ahead=sessionmaker(bind=company.engine, class_=LostConnection))
    assert "reading ahead failed" in caplog.text
    own = _digests(company, LAST_WEEK)
    assert [(d, n) for d, n in ahead] == own
    assert all(d.stock_alerts or d.off_policy or d.stage_moves for d, _ in ahead)


def test_a_digest_waiting_for_a_read_ahead_that_fails_makes_it_itself(company: App) -> None:
    """The worker has started the week's prices when the first digest asks for them; the worker's
    connection then dies: the digest reads them in its own session instead of failing."""
    teams, _ = company.jobs.slots.teams(scheduler.DIGESTS, NOW, scheduler.DIGEST_EVERY)
    share = DigestShare(windows_of([(t.id, *reader_window(t, LAST_WEEK, NOW)) for t in teams]))
    started, die = threading.Event(), threading.Event()

    class DyingConnection(Session):
        def execute(self, *args: Any, **kwargs: Any) -> Any:
            started.set()
            die.wait(5)
            raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))

    share.prefetch(sessionmaker(bind=company.engine, class_=DyingConnection))
    assert started.wait(5)
    threading.Timer(0.05, die.set).start()  # while the digest below waits for the worker's read
    column = PriceObservationRow.observed_at
    with company.jobs.transaction() as tx:
        prices = share.in_week(tx.repo.session, PriceObservation, PriceObservationRow, column)
    share.release()
    with company.jobs.transaction() as tx:
        again = DigestShare(share.windows).in_week(
            tx.repo.session, PriceObservation, PriceObservationRow, column
        )
    assert prices == again and any(prices.values())
