"""The bench data generator at a tiny scale: exact counts, the schema's conventions, determinism.

No timing is asserted here: the benches themselves run with ``python -m bench``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import TABLE_ORDER, Dataset, GenConfig  # noqa: E402
from bench.loaders import load_sqlite  # noqa: E402
from kam_bot.bootstrap import bootstrap  # noqa: E402
from kam_bot.config import Settings  # noqa: E402
from kam_bot.domain import models as m  # noqa: E402
from kam_bot.domain.matching import fold  # noqa: E402
from kam_bot.services.inputs import PromiseInput, VisitInput  # noqa: E402
from kam_bot.store import tables as t  # noqa: E402
from kam_bot.store.engine import make_engine  # noqa: E402

TINY = GenConfig(seed=7, scale=0.002)


def _load(tmp_path: Path, cfg: GenConfig, name: str) -> Engine:
    report = load_sqlite(tmp_path / f"{name}.db", cfg, fresh=True, quiet=True)
    assert not report.reused
    return make_engine(report.url)


def _digest(engine: Engine) -> str:
    h = hashlib.sha256()
    with engine.connect() as conn:
        for table in TABLE_ORDER:
            for row in conn.execute(text(f'SELECT * FROM "{table}" ORDER BY id')):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def test_counts_match_the_config(tmp_path: Path) -> None:
    engine = _load(tmp_path, TINY, "a")
    ds = Dataset(TINY)
    expected = {table.name: table.count() for table in ds.tables()}
    with engine.connect() as conn:
        actual = {name: conn.scalar(text(f'SELECT count(*) FROM "{name}"')) for name in TABLE_ORDER}
        reps = conn.scalar(text("SELECT count(*) FROM users WHERE role = 'rep'"))
    assert actual == expected
    assert reps == ds.n_reps == round(2000 * TINY.scale)
    for table in ("accounts", "visits", "promises", "price_observations", "inventory_observations"):
        assert actual[table] == TINY.count(table)
    assert actual["contacts"] >= 3 * actual["accounts"]


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path) -> None:
    first, second = _digest(_load(tmp_path, TINY, "a")), _digest(_load(tmp_path, TINY, "b"))
    assert first == second
    other = GenConfig(seed=8, scale=TINY.scale)
    assert _digest(_load(tmp_path, other, "c")) != first


def test_more_history_keeps_the_recent_rows() -> None:
    """``history=3`` is the same company and the same last three years, with older rows after them."""
    base = {t.name: list(t.rows()) for t in Dataset(TINY).tables()}
    grown = {t.name: list(t.rows()) for t in Dataset(GenConfig(seed=7, scale=0.002, history=3)).tables()}
    for name, rows in base.items():
        assert grown[name][: len(rows)] == rows, name
    assert len(grown["visits"]) == 3 * len(base["visits"])
    oldest_recent = min(r[3] for r in base["visits"])
    assert all(r[3] < oldest_recent for r in grown["visits"][len(base["visits"]) :])
    assert all(r[8] != "open" for r in grown["promises"][len(base["promises"]) :])


def test_rows_do_not_depend_on_the_hash_seed() -> None:
    code = (
        "import hashlib; from bench.generate import Dataset, GenConfig; h = hashlib.sha256()\n"
        "for t in Dataset(GenConfig(seed=7, scale=0.002)).tables():\n"
        "    for r in t.rows(): h.update(repr(r).encode())\n"
        "print(h.hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1


def test_the_application_reads_and_extends_the_data(tmp_path: Path) -> None:
    engine = _load(tmp_path, TINY, "a")
    app = bootstrap(Settings(database_url=str(engine.url)), engine=engine)  # checks the migration
    with engine.connect() as conn:
        accounts = conn.execute(
            select(t.AccountRow.id, t.AccountRow.name, t.AccountRow.search_key, t.AccountRow.aliases)
        ).all()
        alias_rows = conn.execute(select(t.AccountAliasRow.account_id, t.AccountAliasRow.search_key)).all()
    for _, name, key, _ in accounts:
        assert key == fold(name)
    expected_aliases = sorted(
        (aid, k) for aid, _, key, aliases in accounts for k in {fold(a) for a in aliases} - {"", key}
    )
    assert sorted(alias_rows) == expected_aliases
    account_id, name = accounts[0][0], accounts[0][1]
    assert app.accounts.search(name)[0].account_id == account_id
    with app.uow() as uow:
        account = uow.repo.get(m.Account, account_id)
        assert account is not None and account.owner_id is not None
        owner = uow.repo.get(m.User, account.owner_id)
        assert owner is not None and owner.identities["slack"].startswith("U")
        before = uow.repo.count(m.Visit)
    logged = app.visits.log(
        owner,
        VisitInput(
            account_id=account_id,
            visited_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
            summary="bench smoke",
            promises=[PromiseInput(text="send offer", due_date=datetime(2026, 11, 30).date())],
        ),
    )
    assert logged.visit.id == before + 1  # the id sequence continues after the bulk load


@pytest.mark.postgres
def test_postgres_load_reads_the_same_as_sqlite(tmp_path: Path) -> None:
    url = os.environ.get("KAM_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PostgreSQL not configured (set KAM_TEST_POSTGRES_URL)")
    from bench.loaders import drop_pg_schema, load_postgres

    schema = "bench_smoke_test"
    report = load_postgres(url, schema, TINY, fresh=True, quiet=True)
    try:
        pg = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        lite = _load(tmp_path, TINY, "a")
        for model in (m.User, m.Account, m.Visit, m.Promise, m.PriceObservation, m.InventoryObservation):
            sides = []
            for engine in (lite, pg):
                app = bootstrap(Settings(database_url=str(engine.url)), engine=engine)
                with app.uow() as uow:
                    sides.append(uow.repo.all(model))
            assert sides[0] == sides[1], model.__name__
        assert report.rows["visits"] == TINY.count("visits")
        pg.dispose()
    finally:
        drop_pg_schema(url, schema)


def test_the_visit_bench_serves_with_the_worker_count_serve_picks_by_default() -> None:
    from bench.cases.slack_visit import serve_workers

    assert serve_workers("postgresql+psycopg://postgres@127.0.0.1:5432/test") == (os.cpu_count() or 1)
    assert serve_workers("sqlite:///kam_bot.db") == 1  # SQLite: one writer, one worker


def test_a_load_only_run_leaves_the_last_results_as_they_were(tmp_path: Path) -> None:
    """``--load-only`` loads and stops: before, it wrote an empty results table over the last
    run's ``results-*.md`` / ``.json`` (the committed figures, in a checkout)."""
    from bench.__main__ import main

    out = tmp_path / "results"
    out.mkdir()
    kept = {name: f"the last run's {name}" for name in ("results-scale-0.002.md", "results-scale-0.002.json")}
    for name, body in kept.items():
        (out / name).write_text(body)
    argv = ["--scale", "0.002", "--seed", "7", "--no-postgres", "--load-only"]
    assert main([*argv, "--workdir", str(tmp_path / "work"), "--out", str(out)]) == 0
    assert list((tmp_path / "work").glob("*.db"))  # it did load
    assert {p.name: p.read_text() for p in out.iterdir()} == kept
