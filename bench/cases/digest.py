"""Build the weekly digests of all teams.

Real: ``kam_bot.jobs.scheduler.digest_tick`` on a window that holds every team's Monday
09:00 — it claims the slot and, per team, computes the figures (``digest.compute``), builds
the notification and writes its outbox row. Floor: ``digest_floor`` — twelve aggregate
queries for all teams at once. The real figures are checked against the floor's totals on
a sample of teams (outside the timing). On PostgreSQL the tick runs at the same moment in as
many processes as ``kam-bot serve`` starts workers (``JOB_PROCESSES`` each), as its workers
share it, timed until the last returns; one process alone in the details.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select, text

from bench.apps import FixedClock, open_app
from bench.cases import ticks
from bench.cases.digest_floor import run_floor, totals
from bench.core import Context, Result, floor_of, status
from bench.generate import GenConfig

BENCH = "team digests"
TARGET = "< 5 s (PG), ≤ 2× floor"
PLAN_AT = timedelta(hours=15)
CHECK_TEAMS = 10


def _available() -> str | None:
    try:
        import kam_bot.jobs.digest
        import kam_bot.jobs.scheduler  # noqa: F401
    except ImportError as exc:
        return f"kam_bot.jobs.digest / scheduler ({exc})"
    return None


def _cleanup(engine: Engine) -> None:
    from kam_bot.jobs import scheduler

    ticks.cleanup(engine, "digest", scheduler.DIGESTS)


def _reset(engine: Engine, day_start: datetime) -> None:
    from kam_bot.jobs import scheduler

    ticks.reset(engine, "digest", scheduler.DIGESTS, day_start)


def real_run(
    url: str, cfg: GenConfig, repeat: int, processes: int = 1
) -> tuple[float, list[float], dict[str, Any]]:
    """(median seconds, samples, facts) of ``digest_tick`` in ``processes`` processes at once."""
    from kam_bot.jobs.scheduler import DIGESTS, digest_tick

    day_start = cfg.as_of.replace(hour=0, minute=0, second=0, microsecond=0)
    now = day_start + PLAN_AT
    if processes > 1:
        runs, done = ticks.together(url, "digest", DIGESTS, day_start, now, repeat, processes)
        with open_app(url) as app:
            _cleanup(app.engine)
        return sorted(runs)[len(runs) // 2], runs, done
    samples: list[float] = []
    facts: dict[str, Any] = {}
    with open_app(url, FixedClock(now)) as app:
        for i in range(repeat + 1):
            _reset(app.engine, day_start)
            t0 = time.perf_counter()
            result = digest_tick(app.jobs_context, now, "bench")
            elapsed = time.perf_counter() - t0
            if i:
                samples.append(elapsed)
            facts = {"due": result.due, "queued": result.queued, "failed": result.failed}
        _cleanup(app.engine)
    return sorted(samples)[len(samples) // 2], samples, facts


def _teams(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [
            (int(i), str(tz)) for i, tz in conn.execute(text("SELECT id, timezone FROM teams ORDER BY id"))
        ]


def _real_totals(url: str, cfg: GenConfig, team_ids: list[int], threshold: Decimal) -> dict[str, int]:
    from kam_bot.domain.models import Team
    from kam_bot.jobs.digest import compute
    from kam_bot.store.tables import TeamRow

    now = cfg.as_of.replace(hour=0, minute=0) + PLAN_AT
    monday = cfg.as_of.date() - timedelta(days=7 + cfg.as_of.weekday())
    keys = ("visits", "rated", "reached", "made", "due", "kept", "overdue")
    out = dict.fromkeys(
        [
            *keys,
            "theirs_overdue",
            "stale",
            "stage_moves",
            "off_policy",
            "competitor_prices",
            "stock_alerts",
            "competitor_notes",
        ],
        0,
    )
    with open_app(url) as app, app.jobs.transaction() as tx:
        rows = tx.repo.session.scalars(select(TeamRow).where(TeamRow.id.in_(team_ids)))
        for team in [Team.model_validate(r) for r in rows]:
            data = compute(tx, team, monday, now, threshold)
            for k in keys:
                out[k] += data.total(k)
            out["theirs_overdue"] += data.theirs_overdue
            for k in (
                "stale",
                "stage_moves",
                "off_policy",
                "competitor_prices",
                "stock_alerts",
                "competitor_notes",
            ):
                out[k] += len(getattr(data, k))
    return out


def run(ctx: Context) -> list[Result]:
    why = _available()
    if why:
        return [Result.not_available(BENCH, TARGET, why)]
    from kam_bot.config import Settings

    threshold = Settings().price_deviation_threshold
    repeat = 1
    monday = ctx.cfg.as_of.date() - timedelta(days=7 + ctx.cfg.as_of.weekday())
    out: list[Result] = []
    if ctx.pg_url:
        pg_url = ctx.pg_url
        real, samples, facts = ticks.as_served(pg_url, lambda n: real_run(pg_url, ctx.cfg, repeat, n))
        with open_app(ctx.pg_url) as app:
            teams = _teams(app.engine)
            figures: dict[str, Any] = {}

            def floor_run() -> None:
                with app.engine.connect() as conn:
                    figures.update(run_floor(conn, teams, monday, threshold))

            floor, _ = floor_of(floor_run, repeat)
            sample = teams[:CHECK_TEAMS]
            with app.engine.connect() as conn:
                floor_sample = totals(run_floor(conn, sample, monday, threshold))
        real_sample = _real_totals(ctx.pg_url, ctx.cfg, [t for t, _ in sample], threshold)
        diffs = {
            k: (real_sample[k], floor_sample[k]) for k in real_sample if real_sample[k] != floor_sample[k]
        }
        verdict = (
            f"floor = real on {len(sample)} teams ✓"
            if not diffs
            else f"floor ≠ real on {len(sample)} teams: {diffs}"
        )
        facts.update(
            {
                "samples_s": [round(s, 3) for s in samples],
                "real_sample": real_sample,
                "floor_sample": floor_sample,
                "floor_matches": not diffs,
            }
        )
        ctx.log(f"   PostgreSQL: real {real:.2f} s{ticks.processes_log(facts)}, floor {floor:.3f} s")
        ctx.log(f"   {verdict}")
        out.append(
            Result(
                f"{BENCH} (PostgreSQL)",
                "time",
                real,
                "s",
                TARGET,
                status(real < 5.0 and real <= 2.0 * floor),
                floor=floor,
                details=facts,
                note=f"{facts['queued']} digests of {len(teams)} teams; "
                + ticks.processes_note(facts)
                + verdict,
            )
        )
    else:
        out.append(Result.not_available(f"{BENCH} (PostgreSQL)", TARGET, "PostgreSQL not configured"))
    real, samples, facts = real_run(ctx.sqlite_url, ctx.cfg, repeat)
    out.append(
        Result(
            f"{BENCH} (SQLite)",
            "time",
            real,
            "s",
            "- (no SQLite target)",
            "INFO",
            details=facts,
            note=f"{facts['queued']} digests; floor queries are PostgreSQL only",
        )
    )
    return out
