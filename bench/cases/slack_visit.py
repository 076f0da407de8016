"""Signed ``/visit`` → HTTP 200 (and the modal opened on the Slack fake), at concurrency 1, 10, 50.

Real: kam-bot's ASGI app (``create_asgi``) under uvicorn on 127.0.0.1, on the PostgreSQL
dataset (SQLite without PostgreSQL). Floor: a bare Bolt app on the same server settings that
acks and opens one fixed modal. Both run side by side; each concurrency level runs the floor
then kam-bot with the same number of requests (different triggers). The texts typed after
``/visit`` are a rep's own accounts: 40 % none, 40 % the exact name and a note, 20 % a prefix.
Reported: latency to the HTTP response (the target), and, from the fake's records, the time
until ``views.open`` arrived (what the rep waits for) and whether every modal was opened.

kam-bot runs with as many worker processes as ``kam-bot serve`` starts by default on this host
(``cli_serve.worker_count``: one per core on PostgreSQL, one on SQLite); the floor is one
process. The notes name the count.
"""

from __future__ import annotations

import time
from typing import Any

from bench.apps import BOT_TOKEN, SIGNING_SECRET
from bench.core import Context, Result, latency_summary, status
from bench.payloads import command_body, owned_accounts, visit_texts
from bench.slackfake import FakeSlackProcess
from bench.slackload import Load, Server, bench_server, run_load, time_to

BENCH = "/visit → 200"
TARGET = "all modals within 3 s; ack p99 and time-to-modal p99 within their multiples of the floor (RATIOS)"
LEVELS = ((1, 300, 30), (10, 1000, 60), (50, 2000, 150))
"""(concurrency, requests in a full run, requests in a quick run)."""
RATIOS: dict[int, tuple[float, float | None]] = {1: (1.25, 1.25), 10: (1.5, 2.0), 50: (2.0, None)}
"""Per concurrency, the most ack p99 and time-to-modal p99 may be, as multiples of the floor's:
c=10 and c=50 are the second speed round's targets (ack ≤ 1.5× and time to modal ≤ 2× at 10,
ack ≤ 2× at 50); at c=1, which it names none for, the first round's 1.25× for both."""
TRIGGER_LIFE = 3.0
"""Seconds a ``trigger_id`` lives: Slack refuses ``views.open`` after that (the fake does not)."""


def _available() -> str | None:
    try:
        from kam_bot.adapters.slack.server import create_asgi  # noqa: F401
    except ImportError as exc:
        return f"kam_bot.adapters.slack.server.create_asgi ({exc})"
    return None


def serve_workers(database_url: str) -> int:
    """The worker count ``kam-bot serve`` picks by default for this database on this host."""
    try:
        from kam_bot.cli.serve import worker_count
        from kam_bot.config import Settings
    except ImportError:  # a tree from before --workers
        return 1
    settings = Settings(_env_file=None, database_url=database_url)
    return worker_count(settings, None)[0]  # Slack over HTTP: no platform asks for one worker


def wait_for_modals(fake: FakeSlackProcess, keys: set[str], timeout: float = 20.0) -> dict[str, Any]:
    """The fake's stats once every request's ``views.open`` arrived (or the timeout passed)."""
    deadline = time.monotonic() + timeout
    while True:
        stats = fake.stats()
        if keys <= set(stats["views_open"]) or time.monotonic() > deadline:
            return stats
        time.sleep(0.25)


def wait_for_quiet(fake: FakeSlackProcess, quiet: float = 1.0, timeout: float = 60.0) -> float:
    """Seconds until the server stopped calling the fake (no new call for ``quiet`` seconds): a
    server that answers first and finishes its forms later (``views.update``) is done before
    the next measurement starts, so its leftover work is not counted against the floor."""
    started = time.monotonic()
    last_count, last_change = -1, started
    while time.monotonic() - started < timeout:
        count = sum(fake.stats()["methods"].values())
        now = time.monotonic()
        if count != last_count:
            last_count, last_change = count, now
        elif now - last_change >= quiet:
            break
        time.sleep(0.1)
    return round(max(0.0, last_change - started), 2)


def visit_load(
    server: Server, fake: FakeSlackProcess, texts: list[tuple[int, str]], concurrency: int, tag: str
) -> tuple[Load, dict[str, Any]]:
    """Send ``/visit`` for every (user, text); (the load, facts incl. time to modal)."""
    fake.reset()
    response_url = f"{fake.api_url.removesuffix('/api/')}/response/{tag}"
    bodies = [
        (f"{tag}-{i}", command_body(u, "/visit", typed, f"{tag}-{i}", response_url))
        for i, (u, typed) in enumerate(texts)
    ]
    load = run_load(server.url, bodies, concurrency, SIGNING_SECRET)
    keys = {key for key, _ in bodies}
    stats = wait_for_modals(fake, keys)
    opened = {k: v for k, v in stats["views_open"].items() if k in keys}
    to_modal = time_to(opened, load)
    busy_after = wait_for_quiet(fake)
    facts = {
        "http": latency_summary(load.latencies),
        "to_modal": latency_summary(to_modal),
        "modals_in_time": sum(1 for s in to_modal if s <= TRIGGER_LIFE),
        "sent": len(bodies),
        "ok": load.ok,
        "statuses": load.statuses,
        "errors": load.errors,
        "unfinished": load.unfinished,
        "modals": len(opened),
        "throughput_per_s": round(load.throughput, 1),
        "busy_after_s": busy_after,
        "views_updated": fake.stats()["methods"].get("views.update", 0),
    }
    return load, facts


def run(ctx: Context) -> list[Result]:
    why = _available()
    if why:
        return [Result.not_available(BENCH, TARGET, why)]
    url = ctx.pg_url or ctx.sqlite_url
    accounts = owned_accounts(url, 500, ctx.cfg.seed)
    levels = [(c, ctx.n(full, quick)) for c, full, quick in LEVELS]
    texts = visit_texts(accounts, 40 + sum(n for _, n in levels), ctx.cfg.seed)
    warm, texts = texts[:40], texts[40:]
    facts: dict[tuple[int, str], dict[str, Any]] = {}
    with FakeSlackProcess() as fake:
        common = {
            "api_url": fake.api_url,
            "token": BOT_TOKEN,
            "secret": SIGNING_SECRET,
            "workdir": ctx.workdir,
        }
        floor = bench_server("floor", database_url=None, **common)  # type: ignore[arg-type]
        workers = serve_workers(url)
        kam = bench_server("kam", database_url=url, workers=workers, **common)  # type: ignore[arg-type]
        with floor, kam:
            for server in (floor, kam):
                visit_load(server, fake, warm, 5, f"warm-{server.name}")
            start = 0
            for c, n in levels:
                chunk = texts[start : start + n]
                start += n
                for server in (floor, kam):
                    _, facts[(c, server.name)] = visit_load(server, fake, chunk, c, f"c{c}-{server.name}")
                    ctx.log(f"   c={c} {server.name}: {facts[(c, server.name)]['http']}")
            ctx.extra["visit_server_memory"] = kam.memory()
    setup = f"{'PostgreSQL' if ctx.pg_url else 'SQLite'}, kam-bot {workers} worker{'s' * (workers != 1)}"
    return [_row(c, facts[(c, "kam")], facts[(c, "floor")], setup) for c, _ in levels]


def target_of(c: int) -> str:
    ack_ratio, modal_ratio = RATIOS[c]
    modal = f", time-to-modal p99 ≤ {modal_ratio:g}× floor" if modal_ratio is not None else ""
    return f"all modals within 3 s; ack p99 ≤ {ack_ratio:g}× floor{modal}"


def _row(c: int, kam: dict[str, Any], floor: dict[str, Any], backend: str) -> Result:
    p99, floor_p99 = kam["http"].get("p99_ms"), floor["http"].get("p99_ms")
    complete = kam["ok"] == kam["sent"] and kam["modals_in_time"] == kam["sent"]
    modal_p99, floor_modal_p99 = kam["to_modal"].get("p99_ms"), floor["to_modal"].get("p99_ms")
    ack_ratio, modal_ratio = RATIOS[c]
    fast_ack = p99 is not None and p99 <= ack_ratio * floor_p99
    fast_modal = modal_ratio is None or (
        modal_p99 is not None and floor_modal_p99 is not None and modal_p99 <= modal_ratio * floor_modal_p99
    )
    ok = complete and fast_ack and fast_modal
    note = (
        f"{backend}; 200s {kam['ok']}/{kam['sent']}, modals within 3 s {kam['modals_in_time']}/{kam['sent']} "
        f"(floor {floor['modals_in_time']}); "
        f"time to modal p99 {kam['to_modal'].get('p99_ms')} ms (floor {floor['to_modal'].get('p99_ms')} ms); "
        f"forms updated into light modals {kam.get('views_updated', 0)}, the last "
        f"{kam.get('busy_after_s', 0)} s after the modals; "
        f"p50 {kam['http'].get('p50_ms')} ms (floor {floor['http'].get('p50_ms')} ms)"
    )
    return Result(
        f"{BENCH} (c={c})",
        "p99",
        p99,
        "ms",
        target_of(c),
        status(ok),
        floor=floor_p99,
        details={"kam": kam, "floor": floor},
        note=note,
    )
