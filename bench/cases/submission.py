"""A ``/visit`` modal submitted with 3 promises and 2 observations → committed, PostgreSQL, c=10.

Real: kam-bot's ASGI app (two uvicorn worker processes, as ``--workers 2``) receives the
``view_submission`` kam-bot's own modal produces, checks it, writes the visit, promises and
observations in one transaction, acks, then DMs the rep and refreshes their Home tab. Floor: the bare Bolt app
acking the same payload. Each submission has its own view id (the idempotency key), so each
writes a visit; afterwards the bench counts the committed visits and deletes them again.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, text

from bench.apps import BOT_TOKEN, SIGNING_SECRET, engine_for, open_app
from bench.core import Context, Result, latency_summary, status
from bench.payloads import owned_accounts, submission_body, visit_form
from bench.slackfake import FakeSlackProcess
from bench.slackload import Load, bench_server, run_load

BENCH = "visit submission (PG, c=10, 2 workers)"
KEY_PREFIX = "VBENCH-"
CONCURRENCY = 10
WORKERS = 2
"""kam-bot as ``kam-bot serve --workers 2`` runs it (the issue's target); the floor is one process."""
_BENCH_VISITS = f"SELECT id FROM visits WHERE submission_key LIKE '{KEY_PREFIX}%'"
CLEANUP = (
    "DELETE FROM promise_events WHERE promise_id IN "
    f"(SELECT id FROM promises WHERE visit_id IN ({_BENCH_VISITS}))",
    f"DELETE FROM promises WHERE visit_id IN ({_BENCH_VISITS})",
    f"DELETE FROM price_observations WHERE visit_id IN ({_BENCH_VISITS})",
    f"DELETE FROM inventory_observations WHERE visit_id IN ({_BENCH_VISITS})",
    f"DELETE FROM competitor_notes WHERE visit_id IN ({_BENCH_VISITS})",
    f"DELETE FROM stage_changes WHERE visit_id IN ({_BENCH_VISITS})",
    f"DELETE FROM visits WHERE submission_key LIKE '{KEY_PREFIX}%'",
)


def _available() -> str | None:
    try:
        from kam_bot.adapters.slack.forms.visit import build_view  # noqa: F401
        from kam_bot.adapters.slack.server import create_asgi  # noqa: F401
    except ImportError as exc:
        return f"kam_bot.adapters.slack ({exc})"
    return None


def views(url: str, seed: int, n: int) -> list[tuple[int, dict[str, Any]]]:
    """(rep user id, the modal kam-bot builds for them, filled in) for ``n`` of their accounts."""
    from bench.payloads import state_values
    from kam_bot.adapters.slack.forms.state import FormState
    from kam_bot.adapters.slack.forms.visit import VisitForm, build_view
    from kam_bot.domain.models import User
    from kam_bot.handlers.forms.visit.rules import Context, price_lines, stock_lines, to_input
    from kam_bot.services.inputs import VisitInput

    day = (datetime.now(UTC) - timedelta(days=2)).date()
    out: list[tuple[int, dict[str, Any]]] = []
    with open_app(url) as app, app.uow() as uow:
        for owner, account_id, name in owned_accounts(url, n, seed):
            contacts = uow.repo.contacts_for(account_id)
            person = uow.repo.get(User, owner)
            assert person is not None
            form = visit_form((account_id, name), contacts[0].id if contacts else None, day)
            view = build_view(form, contacts, person.locale)
            view_state = {**view, "state": {"values": state_values(view)}}
            submitted, loc = VisitForm.from_values(FormState(view_state)), person.locale
            context = Context(
                loc,
                day,
                datetime.now(UTC) - timedelta(days=2),
                "check",
                labels=str,
                account_refusal=None,
                prices=price_lines(submitted.prices, day, lambda _: "CNY", loc),
                stocks=stock_lines(submitted.stocks, day, loc),
            )
            data, errors = to_input(submitted, context)
            if not isinstance(data, VisitInput) or errors:
                raise RuntimeError(f"the bench's submission does not validate: {errors}")
            if (len(data.promises), len(data.prices), len(data.stocks)) != (3, 1, 1):
                raise RuntimeError(f"the bench's submission lost parts: {data}")
            out.append((owner, view))
    return out


def _committed(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM ({_BENCH_VISITS}) b")).scalar_one())


def cleanup(engine: Engine) -> None:
    with engine.begin() as conn:
        for statement in CLEANUP:
            conn.execute(text(statement))


def _bodies(filled: list[tuple[int, dict[str, Any]]], n: int, tag: str) -> list[tuple[str, bytes]]:
    out = []
    for i in range(n):
        owner, view = filled[i % len(filled)]
        view_id = f"{KEY_PREFIX}{tag}-{i:06d}"
        out.append((view_id, submission_body(owner, view, view_id)))
    return out


def run(ctx: Context) -> list[Result]:
    why = _available()
    if why:
        return [Result.not_available(BENCH, "≥ 150/s, p99 < 200 ms", why)]
    if not ctx.pg_url:
        return [Result.not_available(BENCH, "≥ 150/s, p99 < 200 ms", "PostgreSQL not configured")]
    url = ctx.pg_url
    n = ctx.n(1500, 100)
    filled = views(url, ctx.cfg.seed, ctx.n(100, 20))
    engine = engine_for(url)
    cleanup(engine)
    loads: dict[str, Load] = {}
    drain: dict[str, float] = {}
    with FakeSlackProcess() as fake:
        common = {
            "api_url": fake.api_url,
            "token": BOT_TOKEN,
            "secret": SIGNING_SECRET,
            "workdir": ctx.workdir,
        }
        floor = bench_server("floor", database_url=None, **common)  # type: ignore[arg-type]
        kam = bench_server("kam", database_url=url, workers=WORKERS, **common)  # type: ignore[arg-type]
        stamp = f"{int(time.time())}"
        with floor, kam:
            for server in (floor, kam):
                run_load(server.url, _bodies(filled, 30, f"{stamp}w{server.name}"), 5, SIGNING_SECRET)
            time.sleep(2)
            cleanup(engine)
            for server in (floor, kam):
                fake.reset()
                loads[server.name] = run_load(
                    server.url, _bodies(filled, n, f"{stamp}{server.name}"), CONCURRENCY, SIGNING_SECRET
                )
                t0 = time.perf_counter()
                while (
                    server is kam
                    and fake.stats()["posts"] < loads["kam"].ok
                    and time.perf_counter() - t0 < 60
                ):
                    time.sleep(0.25)
                drain[server.name] = time.perf_counter() - t0
                ctx.log(
                    f"   {server.name}: {loads[server.name].throughput:.0f}/s "
                    f"{latency_summary(loads[server.name].latencies)}"
                )
            ctx.extra["submission_server_memory"] = kam.memory()
    committed = _committed(engine)
    cleanup(engine)
    engine.dispose()
    return _rows(loads["kam"], loads["floor"], n, committed, drain["kam"])


def _rows(kam: Load, floor: Load, n: int, committed: int, drain: float) -> list[Result]:
    real, base = latency_summary(kam.latencies), latency_summary(floor.latencies)
    complete = kam.ok == n and committed == n
    details = {
        "kam": {**real, "statuses": kam.statuses, "errors": kam.errors, "elapsed_s": round(kam.elapsed, 2)},
        "floor": {**base, "statuses": floor.statuses, "elapsed_s": round(floor.elapsed, 2)},
        "committed": committed,
        "dm_drain_s": round(drain, 2),
    }
    note = (
        f"200s {kam.ok}/{n}, committed {committed}/{n}; DMs done {drain:.1f} s after the last 200; "
        f"p50 {real.get('p50_ms')} ms (floor {base.get('p50_ms')} ms)"
    )
    rate_ok = complete and kam.throughput >= 150
    p99 = real.get("p99_ms")
    return [
        Result(
            BENCH,
            "throughput",
            round(kam.throughput, 1),
            "/s",
            "≥ 150/s, all committed",
            status(rate_ok),
            floor=round(floor.throughput, 1),
            details=details,
            note=note,
        ),
        Result(
            BENCH,
            "p99",
            p99,
            "ms",
            "p99 < 200 ms",
            status(complete and p99 is not None and p99 < 200),
            floor=base.get("p99_ms"),
            details=details,
            note=f"max {real.get('max_ms')} ms",
        ),
    ]
