"""``python -m bench``: load the generated company, run every bench, write bench/results/.

    python -m bench                 # full data (scale 1), every bench; results.md / results.json
    python -m bench --quick         # small data, small counts, under two minutes (CI smoke)
    python -m bench --scale 0.25    # a quarter of the company (growth curves: 0.1, 1, 10 ...)
    python -m bench --only typeahead,reminders --fresh

PostgreSQL: ``--pg-url`` or ``KAM_BENCH_POSTGRES_URL`` (default the local test server); each
dataset lives in its own schema (``bench_<fingerprint>``) and is reused by later runs.
Always exits 0 once results are written: a missed target is a MISS in the table, not a failure.
"""

from __future__ import annotations

import argparse
import fcntl
import importlib
import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from bench import machine, report
from bench.core import Context, Result
from bench.generate import GenConfig
from bench.loaders import LoadReport, load_postgres, load_sqlite, sqlite_path, vacuum_dead

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
CASES = (
    "typeahead",
    "reminders",
    "digest",
    "slack_visit",
    "memory",
    "submission",
    "delivery",
    "hostile_lines",
)
"""Modules under bench/cases, run in this order; each has ``run(ctx) -> list[Result]``."""
QUICK_SCALE = 0.02


def schema_for(cfg: GenConfig) -> str:
    return ("bench_" + re.sub(r"[^a-z0-9]+", "_", cfg.fingerprint().lower()))[:63]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    p.add_argument(
        "--quick", action="store_true", help=f"scale {QUICK_SCALE}, small request counts (CI smoke)"
    )
    p.add_argument(
        "--scale", type=float, help=f"company size factor (default 1, or {QUICK_SCALE} with --quick)"
    )
    p.add_argument(
        "--growth", type=float, default=10.0, help="history factor of the reminder growth run (10)"
    )
    p.add_argument("--seed", type=int, default=GenConfig.seed)
    p.add_argument("--only", help="comma-separated cases: " + ",".join(CASES))
    p.add_argument("--skip", help="comma-separated cases to leave out")
    p.add_argument("--pg-url", default=os.environ.get("KAM_BENCH_POSTGRES_URL", DEFAULT_PG))
    p.add_argument("--no-postgres", action="store_true", help="SQLite only")
    p.add_argument("--fresh", action="store_true", help="reload the data even when a matching load exists")
    p.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "kam-bench",
        help="where the SQLite files and server logs go",
    )
    p.add_argument("--out", type=Path, default=report.RESULTS_DIR)
    p.add_argument("--load-only", action="store_true", help="load the data, run no bench")
    p.add_argument(
        "--merge",
        action="store_true",
        help="with --only/--skip: keep the other cases' last results (same mode)",
    )
    return p.parse_args(argv)


def _pg_reachable(url: str) -> bool:
    import psycopg

    from bench.loaders import _libpq

    try:
        with psycopg.connect(_libpq(url), connect_timeout=5):
            return True
    except psycopg.Error:
        return False


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started, t0 = report.now_utc(), time.perf_counter()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    scale = args.scale if args.scale is not None else (QUICK_SCALE if args.quick else 1.0)
    cfg = GenConfig(seed=args.seed, scale=scale)
    mode = "quick" if args.quick else "full" if scale == 1 else f"scale-{scale:g}"
    log = _logger()
    args.workdir.mkdir(parents=True, exist_ok=True)
    lock = _exclusive(args.workdir / "bench.lock", log)
    pg_base = None if args.no_postgres or not _pg_reachable(args.pg_url) else args.pg_url
    if pg_base is None and not args.no_postgres:
        log(f"PostgreSQL at {args.pg_url} unreachable: PostgreSQL benches will say N/A")
    pg_lock = _pg_exclusive(pg_base, log) if pg_base else None
    try:
        return _run(
            args, cfg, mode, pg_base, log, {"started": started, "load_average_at_start": load_at_start}, t0
        )
    finally:  # also when a case raises
        lock.close()
        if pg_lock is not None:
            pg_lock.close()


def _run(
    args: argparse.Namespace,
    cfg: GenConfig,
    mode: str,
    pg_base: str | None,
    log: Callable[[str], None],
    begun: dict[str, Any],
    t0: float,
) -> int:
    """Load the data, run the selected cases, write the results (``begun``: the run's start, for them)."""
    loads: list[LoadReport] = []
    log(f"loading {cfg.fingerprint()} into SQLite ...")
    lite = load_sqlite(sqlite_path(args.workdir, cfg), cfg, fresh=args.fresh)
    loads.append(lite)
    log(f"  SQLite: {lite.total_rows:,} rows, {lite.seconds:.1f} s{' (reused)' if lite.reused else ''}")
    pg_url = None
    if pg_base:
        log(f"loading {cfg.fingerprint()} into PostgreSQL ...")
        pg = load_postgres(pg_base, schema_for(cfg), cfg, fresh=args.fresh)
        loads.append(pg)
        pg_url = pg.url
        log(f"  PostgreSQL: {pg.total_rows:,} rows, {pg.seconds:.1f} s{' (reused)' if pg.reused else ''}")
    ctx = Context(
        cfg=cfg,
        quick=args.quick,
        pg_base_url=pg_base,
        pg_url=pg_url,
        pg_schema=schema_for(cfg) if pg_base else None,
        sqlite_url=lite.url,
        workdir=args.workdir,
        growth_history=args.growth,
        log=log,
    )
    ctx.extra["loads"] = loads
    ctx.extra["fresh"] = args.fresh
    ctx.extra["schema_for"] = schema_for
    if args.load_only:  # the last run's results stay as they are: no table of nothing over them
        log("loaded; no bench run (--load-only)")
        return 0
    results: list[Result] = []
    selected = _selected(args)
    for name in selected:
        results += _run_case(name, ctx, log)
    old = report.previous(args.out, mode) if args.merge else None
    if old is not None:
        results, loads = report.merge(old, results, loads, selected, list(CASES))
    meta = {
        "mode": mode,
        "started": begun["started"],
        "seconds": round(time.perf_counter() - t0, 1),
        "data": f"seed {cfg.seed}, scale {cfg.scale:g} (as of {cfg.as_of:%Y-%m-%d})",
        "argv": sys.argv[1:],
        "merged_from_previous_run": bool(old),
        "load_average_at_start": begun["load_average_at_start"],
        "code": _code_version(),
    }
    md, js = report.write(results, loads, machine.describe(pg_base), meta, args.out)
    print(md.read_text())
    log(f"wrote {md} and {js}")
    return 0


def _pg_exclusive(url: str, log: Callable[[str], None]) -> Any:
    """One run at a time per PostgreSQL server too: runs from other machines share its bench schemas."""
    import psycopg

    from bench.loaders import _libpq

    conn = psycopg.connect(_libpq(url), autocommit=True)
    row = conn.execute("SELECT pg_try_advisory_lock(hashtext('kam-bot bench'))").fetchone()
    if not (row and row[0]):
        log("another `python -m bench` is using this PostgreSQL server; waiting for it to finish ...")
        conn.execute("SELECT pg_advisory_lock(hashtext('kam-bot bench'))")
    return conn


def _code_version() -> str:
    """The commit measured, and whether the work tree had changes on top of it (read-only git)."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    try:

        def git(*args: str) -> str:
            return subprocess.run(
                ["git", "--no-optional-locks", *args], cwd=root, capture_output=True, text=True, timeout=10
            ).stdout.strip()

        head, dirty = (
            git("rev-parse", "--short", "HEAD"),
            git("status", "--porcelain", "--untracked-files=no"),
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}{' + uncommitted changes' if dirty else ''}" if head else "unknown"


def _exclusive(path: Path, log: Callable[[str], None]) -> TextIO:
    """One run at a time per work directory: two runs would reload and measure over each other."""
    handle = path.open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        log(f"another `python -m bench` holds {path}; waiting for it to finish ...")
        fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def _selected(args: argparse.Namespace) -> list[str]:
    names = [n.strip() for n in args.only.split(",")] if args.only else list(CASES)
    skip = {n.strip() for n in args.skip.split(",")} if args.skip else set()
    unknown = [n for n in [*names, *skip] if n not in CASES]
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(CASES)}")
    return [n for n in names if n not in skip]


def _run_case(name: str, ctx: Context, log: Callable[[str], None]) -> list[Result]:
    log(f"== {name}")
    if ctx.pg_base_url:
        tables, dead = vacuum_dead(ctx.pg_base_url)
        if tables:
            log(f"   vacuumed {tables} table(s) holding {dead:,} dead rows (autovacuum's work)")
    t0 = time.perf_counter()
    try:
        module = importlib.import_module(f"bench.cases.{name}")
        results: list[Result] = module.run(ctx)
    except Exception as exc:  # a crashing bench is a row, never the end of the run
        traceback.print_exc()
        results = [Result.error(name, "-", exc)]
    for r in results:
        r.case = name
        log(f"   {r.bench} {r.metric}: {r.value} {r.unit} (floor {r.floor}) {r.status} {r.note}")
    log(f"   ({time.perf_counter() - t0:.1f} s)")
    return results


def _logger() -> Callable[[str], None]:
    start = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - start:7.1f}s] {message}", file=sys.stderr, flush=True)

    return log


if __name__ == "__main__":
    raise SystemExit(main())
