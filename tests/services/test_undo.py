"""Undo what was just saved: a visit with everything it recorded, or ``undo`` alone for the last
save; only the rep who saved it, within the window; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import FrozenClock
from console_harness import ConsoleHarness
from factories import Seed, seed_team
from sqlalchemy import Engine, func, select

from kam_bot.bootstrap import App
from kam_bot.store import tables

LINE = (
    "visit Baosteel met Wang Lei; we promise quote by Friday; they promise PO in 2 weeks; "
    "price widget-42 4.20 USD/kg; stock widget-42 80 cases slow; procurement: negotiation"
)


@pytest.fixture
def world(engine: Engine, make_app: Callable[[Engine], App]) -> tuple[App, Seed]:
    app = make_app(engine)
    return app, seed_team(app)


def rows(app: App, table: type[tables.Base]) -> int:
    with app.uow() as uow:
        return int(uow.repo.session.scalar(select(func.count()).select_from(table)) or 0)


COUNTED = (
    tables.VisitRow,
    tables.PromiseRow,
    tables.PriceObservationRow,
    tables.InventoryObservationRow,
    tables.StageChangeRow,
)


def test_undo_takes_back_a_visit_with_all_it_recorded(world: tuple[App, Seed]) -> None:
    app, seed = world
    rep = ConsoleHarness(app, seed.rep)
    before = {t: rows(app, t) for t in COUNTED}
    stage_before = app.accounts.live(seed.baosteel.id).procurement_stage
    saved = rep.send(LINE, "y")
    assert "saved: Baoshan" in saved and "Undo: undo visit" in saved
    assert all(rows(app, t) > before[t] for t in COUNTED)  # the stage moved too
    out = rep.send("undo")
    assert "Undone: the visit of Mon 23 Nov 2026, its 2 promise(s) and 2 observation(s)" in out
    assert {t: rows(app, t) for t in COUNTED} == before
    assert app.accounts.live(seed.baosteel.id).procurement_stage == stage_before
    assert "Nothing to undo" in rep.send("undo")  # and nothing twice
    with app.uow() as uow:
        deleted = [e for e in uow.repo.audit_entries(actor_id=seed.rep.id) if e.action == "deleted"]
    assert {e.entity for e in deleted} == {"visit", "promise", "price", "stock"}


def test_undo_alone_takes_the_last_save_whatever_it_was(world: tuple[App, Seed]) -> None:
    app, seed = world
    rep = ConsoleHarness(app, seed.rep)
    rep.send("promise Baosteel send samples by Friday", "y")
    rep.send("price Baosteel widget-42 4.35 USD/kg", "y")
    assert "Undone." in rep.send("undo")  # the price, the newest
    assert rows(app, tables.PriceObservationRow) == 0
    out = rep.send("undo")  # then the promise: cancelled
    assert "Cancelled" in out and "send samples" in out
    assert "Nothing to undo" in rep.send("undo")


def test_only_the_rep_who_saved_it_and_only_soon(world: tuple[App, Seed], clock: FrozenClock) -> None:
    app, seed = world
    ConsoleHarness(app, seed.rep).send(LINE, "y")
    with app.uow() as uow:
        (visit_id,) = uow.repo.session.scalars(select(tables.VisitRow.id))
    teammate = ConsoleHarness(app, seed.teammate).send(f"undo visit {visit_id}")
    assert "Undone" not in teammate and rows(app, tables.VisitRow) == 1
    clock.advance(minutes=16)
    late = ConsoleHarness(app, seed.rep).send(f"undo visit {visit_id}")
    assert "more than 15 minutes ago" in late and rows(app, tables.VisitRow) == 1
    assert "Nothing to undo" in ConsoleHarness(app, seed.rep).send("undo")
