"""Plan the daily reminders of every rep (and manager) on the full data.

Real: ``kam_bot.jobs.scheduler.reminder_tick`` — what `kam-bot serve` runs every 5 minutes —
on a window that holds everyone's morning (as if the whole company sat in one time zone, the
worst tick there is): it claims the slot, finds who is due, and for each person builds the
DM (``daily.build_daily``: promises, stale accounts, briefs, escalations) and writes its
outbox row. Floor: ``reminder_floor`` — one SQL query returning the same items.
Each timed run starts from an empty outbox and a finished run at the window's start. On PostgreSQL
the tick runs at the same moment in as many processes as ``kam-bot serve`` starts workers on the
host (each with that ``JOB_PROCESSES``), as its workers do, timed until the last returns; the time
of one process alone is in the details.
The growth run repeats it on a dataset with ``--growth``× the history (same people).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, text

from bench.apps import FixedClock, open_app
from bench.cases import ticks
from bench.cases.reminder_floor import floor_params, floor_query
from bench.core import Context, Result, floor_of, status
from bench.generate import GenConfig
from bench.loaders import LoadReport, load_postgres

BENCH = "reminder planning"
TARGET = "< 2 s (PG), ≤ 3× floor"
GROWTH_TARGET = "< 1.5× the time at 1×"
WINDOW_START = -timedelta(minutes=5)
PLAN_AT = timedelta(hours=15)
"""From 23:55 UTC the day before to 15:00 UTC: every reminder time (08:00-09:00) in every zone the
generator uses, Shanghai's 08:00 (00:00 UTC) included."""


def _available() -> str | None:
    try:
        import kam_bot.jobs.scheduler  # noqa: F401
    except ImportError as exc:
        return f"kam_bot.jobs.scheduler ({exc})"
    return None


def _cleanup(engine: Engine) -> None:
    from kam_bot.jobs import scheduler

    ticks.cleanup(engine, "daily", scheduler.REMINDERS)


def _reset(engine: Engine, day_start: datetime) -> None:
    from kam_bot.jobs import scheduler

    ticks.reset(engine, "daily", scheduler.REMINDERS, day_start)


def plan_once(
    url: str, cfg: GenConfig, repeat: int, processes: int = 1
) -> tuple[float, list[float], dict[str, Any]]:
    """(median seconds, samples, tick facts) of ``reminder_tick`` over everyone's morning, run at
    the same moment by ``processes`` processes (``JOB_PROCESSES``, as ``kam-bot serve``'s workers),
    timed until the last returns."""
    if processes > 1:
        return _plan_together(url, cfg, repeat, processes)
    from kam_bot.jobs.scheduler import reminder_tick

    day_start, now = _moments(cfg)
    facts: dict[str, Any] = {}
    samples: list[float] = []
    with open_app(url, FixedClock(now)) as app:
        import time

        for i in range(repeat + 1):
            _reset(app.engine, day_start)
            t0 = time.perf_counter()
            result = reminder_tick(app.jobs_context, now, "bench")
            elapsed = time.perf_counter() - t0
            if i:
                samples.append(elapsed)
            facts = {"due": result.due, "queued": result.queued, "failed": result.failed}
        facts["outbox"] = _outbox_items(app.engine)
        _cleanup(app.engine)
    return sorted(samples)[len(samples) // 2], samples, facts


def _moments(cfg: GenConfig) -> tuple[datetime, datetime]:
    """(the window's start, the tick's moment)."""
    midnight = cfg.as_of.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + WINDOW_START, midnight + PLAN_AT


def _plan_together(
    url: str, cfg: GenConfig, repeat: int, processes: int
) -> tuple[float, list[float], dict[str, Any]]:
    from kam_bot.jobs.scheduler import REMINDERS

    day_start, now = _moments(cfg)
    samples, facts = ticks.together(url, "daily", REMINDERS, day_start, now, repeat, processes)
    with open_app(url) as app:
        facts["outbox"] = _outbox_items(app.engine)
        _cleanup(app.engine)
    return sorted(samples)[len(samples) // 2], samples, facts


def _outbox_items(engine: Engine) -> dict[str, Any]:
    """What the real planner decided, for comparing with the floor: button promises and stale counts."""
    from kam_bot.i18n import t
    from kam_bot.jobs.notifications import Notification

    due: set[tuple[int, int]] = set()
    other: set[tuple[int, int]] = set()
    stale: dict[int, int] = {}
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT user_id, payload FROM outbox WHERE kind = 'daily'")).all()
    for user_id, payload in rows:
        data = json.loads(payload) if isinstance(payload, str) else payload
        note = Notification.model_validate(data["notification"])
        stale_title = t("jobs.daily.stale", note.locale)
        for part in note.parts:
            target = due if part.buttons else other
            target.update((user_id, item.promise.id) for item in part.promises)
            if part.title == stale_title:
                stale[user_id] = len(part.lines) + part.more
    return {"rows": len(rows), "due": due, "other": other, "stale": stale}


def floor_once(engine: Engine, today: date, escalation_days: int, repeat: int) -> tuple[float, list[Any]]:
    query = floor_query(engine.dialect.name)
    params = floor_params(engine.dialect.name, today, escalation_days)
    rows: list[Any] = []

    def run() -> None:
        nonlocal rows
        with engine.connect() as conn:
            rows = list(conn.execute(query, params).all())

    median, _ = floor_of(run, repeat)
    return median, rows


def compare(real: dict[str, Any], floor_rows: list[Any]) -> tuple[bool, str]:
    """Does the floor return the real planner's items? Exact for due promises and stale counts."""
    by_kind: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for user_id, kind, entity in floor_rows:
        by_kind[kind].add((int(user_id), int(entity)))
    stale_counts: dict[int, int] = defaultdict(int)
    for user_id, _ in by_kind["stale"]:
        stale_counts[user_id] += 1
    due_ok = by_kind["due"] == real["due"]
    esc_ok = by_kind["esc"] <= real["other"]
    stale_ok = dict(stale_counts) == real["stale"]
    ok = due_ok and esc_ok and stale_ok

    def mark(good: bool) -> str:
        return "✓" if good else "✗"

    text_ = (
        f"floor = real: due {len(by_kind['due'])} {mark(due_ok)}, escalations {len(by_kind['esc'])} "
        f"{mark(esc_ok)}, stale {len(by_kind['stale'])} {mark(stale_ok)}"
    )
    return ok, text_


def _measure(
    ctx: Context, label: str, url: str, cfg: GenConfig, repeat: int
) -> tuple[float, float, dict[str, Any]]:
    from kam_bot.config import Settings

    real_s, samples, facts = ticks.as_served(url, lambda processes: plan_once(url, cfg, repeat, processes))
    with open_app(url) as app:
        floor_s, rows = floor_once(app.engine, cfg.as_of.date(), Settings().escalation_days, repeat)
    ok, verdict = compare(facts.pop("outbox"), rows)
    facts.update(
        {
            "samples_s": [round(s, 3) for s in samples],
            "floor_rows": len(rows),
            "floor_matches": ok,
            "verdict": verdict,
        }
    )
    ctx.log(f"   {label}: real {real_s:.2f} s{ticks.processes_log(facts)}, floor {floor_s:.3f} s, {verdict}")
    return real_s, floor_s, facts


def run(ctx: Context) -> list[Result]:
    why = _available()
    if why:
        return [Result.not_available(BENCH, TARGET, why)]
    repeat = 3
    out: list[Result] = []
    base_pg: float | None = None
    if ctx.pg_url:
        real, floor, facts = _measure(ctx, "PostgreSQL", ctx.pg_url, ctx.cfg, repeat)
        base_pg = real
        ok = real < 2.0 and real <= 3.0 * floor
        out.append(
            Result(
                f"{BENCH} (PostgreSQL)",
                "time",
                real,
                "s",
                TARGET,
                status(ok),
                floor=floor,
                details=facts,
                note=f"{facts['due']} people due, {facts['queued']} DMs; {ticks.processes_note(facts)}"
                + facts["verdict"],
            )
        )
    else:
        out.append(Result.not_available(f"{BENCH} (PostgreSQL)", TARGET, "PostgreSQL not configured"))
    real, floor, facts = _measure(ctx, "SQLite", ctx.sqlite_url, ctx.cfg, repeat)
    out.append(
        Result(
            f"{BENCH} (SQLite)",
            "time",
            real,
            "s",
            "- (no SQLite target)",
            "INFO",
            floor=floor,
            details=facts,
            note=f"{facts['due']} people due; " + facts["verdict"] + " (SQLite's floor counts UTC days)",
        )
    )
    if ctx.pg_url and ctx.pg_base_url and base_pg is not None:
        out.append(_growth(ctx, base_pg, repeat))
    return out


def _growth(ctx: Context, base: float, repeat: int) -> Result:
    cfg = GenConfig(seed=ctx.cfg.seed, scale=ctx.cfg.scale, history=ctx.growth_history, as_of=ctx.cfg.as_of)
    assert ctx.pg_base_url is not None
    ctx.log(f"   loading the growth dataset {cfg.fingerprint()} (PostgreSQL) ...")
    schema_for = ctx.extra["schema_for"]
    load: LoadReport = load_postgres(
        ctx.pg_base_url, schema_for(cfg), cfg, fresh=bool(ctx.extra.get("fresh"))
    )
    ctx.extra.setdefault("loads", []).append(load)
    real, floor, facts = _measure(ctx, f"PostgreSQL ×{ctx.growth_history:g} history", load.url, cfg, repeat)
    ratio = real / base
    facts["base_s"] = base
    bench = f"{BENCH} growth (PG, {ctx.growth_history:g}× history)"
    return Result(
        bench,
        "time",
        real,
        "s",
        GROWTH_TARGET,
        status(ratio < 1.5),
        floor=floor,
        details=facts,
        note=f"{ratio:.2f}× the 1× time ({base:.2f} s); {load.total_rows:,} rows; "
        + ticks.processes_note(facts)
        + facts["verdict"],
    )
