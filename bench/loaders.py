"""Bulk-load a generated dataset into SQLite or PostgreSQL, through the real schema.

Both loaders migrate with ``kam_bot.store.engine.upgrade`` first, drop the secondary
indexes the migration made (remembering their exact DDL), stream the rows in (PostgreSQL:
``COPY ... FROM STDIN`` through psycopg's ``cursor.copy``; SQLite: ``executemany`` in
batches, values converted by the columns' own SQLAlchemy bind processors so they are stored
exactly as the application stores them), recreate the indexes, reset the PostgreSQL
sequences and run ``VACUUM ANALYZE`` (so autovacuum does not wake up in the middle of a
bench). A loaded database is reused when its fingerprint (generator version, seed, scale,
history, as-of day) matches, unless ``fresh``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import JSON
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import make_url
from tqdm import tqdm

from bench.generate import Dataset, GenConfig, Row, TableData
from kam_bot.store.engine import make_engine, normalise_url, upgrade
from kam_bot.store.tables import Base

BATCH = 5_000


@dataclass
class LoadReport:
    backend: str
    fingerprint: str
    url: str
    seconds: float = 0.0
    """Wall time of the whole load (migrate, rows, indexes, sequences, VACUUM ANALYZE)."""
    rows: dict[str, int] = field(default_factory=dict)
    table_seconds: dict[str, float] = field(default_factory=dict)
    index_seconds: float = 0.0
    analyze_seconds: float = 0.0
    reused: bool = False

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _progress(table: TableData, quiet: bool) -> tqdm[Any]:
    return tqdm(
        total=table.count(),
        desc=f"{table.name:<24}",
        unit="row",
        unit_scale=True,
        disable=quiet or None,
        leave=False,
        mininterval=0.5,
    )


def _batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while batch := list(islice(rows, size)):
        yield batch


# -- PostgreSQL --------------------------------------------------------------------------


def pg_schema_url(base_url: str, schema: str) -> str:
    """The application URL for ``schema`` (``options=-csearch_path=...``, URL-encoded)."""
    url = normalise_url(base_url)
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def _libpq(base_url: str) -> str:
    return (
        make_url(normalise_url(base_url)).set(drivername="postgresql").render_as_string(hide_password=False)
    )


def load_postgres(
    base_url: str, schema: str, cfg: GenConfig, *, fresh: bool = False, quiet: bool = False
) -> LoadReport:
    report = LoadReport("postgresql", cfg.fingerprint(), pg_schema_url(base_url, schema))
    with psycopg.connect(_libpq(base_url), autocommit=True) as admin:
        comment = admin.execute(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s", (schema,)
        ).fetchone()
        if not fresh and comment and comment[0] and _meta_matches(comment[0], report):
            return report
        started = time.perf_counter()
        admin.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    engine = make_engine(base_url, connect_args={"options": f"-csearch_path={schema}"})
    upgrade(engine)
    engine.dispose()
    ds = Dataset(cfg)
    with psycopg.connect(_libpq(base_url), options=f"-csearch_path={schema}") as conn:
        indexes = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = %s AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || "
            "quote_ident(i.indexname))::regclass) ORDER BY i.indexname",
            (schema,),
        ).fetchall()
        for name, _ in indexes:
            conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
        if superuser and superuser[0]:
            conn.execute("SET session_replication_role = replica")  # no FK triggers: rows are consistent
        conn.commit()
        for table in ds.tables():
            report.rows[table.name], report.table_seconds[table.name] = _copy_table(conn, table, quiet)
        conn.execute("SET session_replication_role = DEFAULT")
        t0 = time.perf_counter()
        for _, ddl in indexes:
            conn.execute(ddl)
        conn.commit()
        report.index_seconds = time.perf_counter() - t0
        for name in Base.metadata.tables:
            conn.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({t}, 'id'), COALESCE(max(id), 0) + 1, false) "
                    "FROM {i}"
                ).format(t=sql.Literal(name), i=sql.Identifier(name))
            )
        conn.commit()
    t0 = time.perf_counter()
    with psycopg.connect(_libpq(base_url), autocommit=True, options=f"-csearch_path={schema}") as conn:
        conn.execute("VACUUM ANALYZE")
        report.analyze_seconds = time.perf_counter() - t0
        report.seconds = time.perf_counter() - started
        conn.execute(
            sql.SQL("COMMENT ON SCHEMA {} IS {}").format(sql.Identifier(schema), sql.Literal(_meta(report)))
        )
    return report


def vacuum_dead(base_url: str) -> tuple[int, int]:
    """``VACUUM ANALYZE`` every table of the bench schemas that autovacuum would vacuum (more dead
    rows than its default threshold, 50 + 20 % of the live ones): (tables, dead rows).

    What a bench deletes (each reminder tick's outbox rows, the submitted visits, the delivered
    DMs) stays behind as dead rows until a vacuum. A production server's autovacuum takes them
    away; with autovacuum off (as on the bench machines' server) they piled up run after run
    (444,000 dead outbox rows, 686 MB, after an hour of runs here) and each later bench paid for them:
    the Sender read its claims through them at 69-74 % of the allowed rate instead of 92-94 %.
    ``__main__`` calls this before each case, so each starts from the tables as autovacuum would
    leave them."""
    with psycopg.connect(_libpq(base_url), autocommit=True) as conn:
        found = conn.execute(
            "SELECT schemaname, relname, n_dead_tup FROM pg_stat_user_tables "
            "WHERE schemaname LIKE 'bench\\_%' AND n_dead_tup > 50 + 0.2 * n_live_tup"
        ).fetchall()
        for schema, table, _ in found:
            name = sql.Identifier(schema, table)
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(name))
    return len(found), sum(dead for *_, dead in found)


def drop_pg_schema(base_url: str, schema: str) -> None:
    with psycopg.connect(_libpq(base_url), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def _copy_table(conn: psycopg.Connection[Any], table: TableData, quiet: bool) -> tuple[int, float]:
    json_cols = _json_columns(table)
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in table.columns)
    )
    t0 = time.perf_counter()
    n = 0
    with _progress(table, quiet) as bar, conn.cursor() as cur, cur.copy(stmt) as copy:
        for batch in _batches(table.rows(), BATCH):
            for row in batch:
                if json_cols:
                    row = tuple(json.dumps(v) if k in json_cols else v for k, v in enumerate(row))
                copy.write_row(row)
            n += len(batch)
            bar.update(len(batch))
    conn.commit()
    return n, time.perf_counter() - t0


def _json_columns(table: TableData) -> set[int]:
    columns = Base.metadata.tables[table.name].columns
    return {k for k, name in enumerate(table.columns) if isinstance(columns[name].type, JSON)}


# -- SQLite ------------------------------------------------------------------------------


def sqlite_path(workdir: Path, cfg: GenConfig) -> Path:
    return workdir / f"kam-bench-{cfg.fingerprint()}.db"


def load_sqlite(path: Path, cfg: GenConfig, *, fresh: bool = False, quiet: bool = False) -> LoadReport:
    report = LoadReport("sqlite", cfg.fingerprint(), f"sqlite:///{path}")
    meta_file = path.with_suffix(".json")
    if not fresh and path.exists() and meta_file.exists() and _meta_matches(meta_file.read_text(), report):
        return report
    started = time.perf_counter()
    for stale in (path, meta_file, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(report.url)
    upgrade(engine)
    engine.dispose()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("foreign_keys=OFF", "synchronous=OFF", "journal_mode=WAL", "cache_size=-262144"):
            conn.execute(f"PRAGMA {pragma}")
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        for table in Dataset(cfg).tables():
            report.rows[table.name], report.table_seconds[table.name] = _insert_table(conn, table, quiet)
        t0 = time.perf_counter()
        for _, ddl in indexes:
            conn.execute(ddl)
        report.index_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        report.analyze_seconds = time.perf_counter() - t0
    finally:
        conn.close()
    report.seconds = time.perf_counter() - started
    meta_file.write_text(_meta(report))
    return report


def _insert_table(conn: sqlite3.Connection, table: TableData, quiet: bool) -> tuple[int, float]:
    dialect = sqlite_dialect.dialect()
    columns = Base.metadata.tables[table.name].columns
    procs: list[Callable[[Any], Any] | None] = [
        columns[c].type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns
    ]
    active = [(k, p) for k, p in enumerate(procs) if p is not None]
    stmt = f'INSERT INTO "{table.name}" ({", ".join(table.columns)}) VALUES ({", ".join("?" * len(procs))})'
    t0 = time.perf_counter()
    n = 0
    with _progress(table, quiet) as bar:
        conn.execute("BEGIN")
        for batch in _batches(table.rows(), BATCH):
            if active:
                converted = []
                for row in batch:
                    values = list(row)
                    for k, proc in active:
                        if values[k] is not None:
                            values[k] = proc(values[k])
                    converted.append(values)
                conn.executemany(stmt, converted)
            else:
                conn.executemany(stmt, batch)
            n += len(batch)
            bar.update(len(batch))
        conn.execute("COMMIT")
    return n, time.perf_counter() - t0


# -- metadata ------------------------------------------------------------------------------


def _meta(report: LoadReport) -> str:
    data = asdict(report)
    data.pop("reused")
    return json.dumps(data)


def _meta_matches(text: str, report: LoadReport) -> bool:
    """Fill ``report`` from a stored load description when it is for the same dataset."""
    try:
        data = json.loads(text)
    except ValueError:
        return False
    if not isinstance(data, dict) or data.get("fingerprint") != report.fingerprint:
        return False
    for key in ("seconds", "rows", "table_seconds", "index_seconds", "analyze_seconds"):
        if key in data:
            setattr(report, key, data[key])
    report.reused = True
    return True
