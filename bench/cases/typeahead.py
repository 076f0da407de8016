"""Account type-ahead (Slack ``block_suggestion``) over every account of the company.

Real: what the Slack options listener runs for each keystroke,
``kam_bot.adapters.slack.listeners.options.account_options`` (``AccountService.search`` with
20 suggestions, then each account read for its label); ``AccountService.search`` alone when
the adapter is not there. Floor: one indexed SQL
query, a prefix range on ``accounts.search_key`` (``ix_accounts_search_key``), ten rows.
Queries are what reps type: growing prefixes of names (from 3 characters, Slack's default
``min_query_length``), aliases, Chinese names, and prefixes with a typo.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from functools import partial

from sqlalchemy import text

from bench.apps import engine_for, open_app
from bench.core import Context, Result, latency_summary, status, timed_calls
from kam_bot.bootstrap import App
from kam_bot.domain.matching import fold

BENCH = "account type-ahead"
TARGET = "p99 < 50 ms"
LIMIT_MS = 50.0
FLOOR_SQL = text(
    "SELECT id, name FROM accounts WHERE search_key >= :lo AND search_key < :hi AND archived = :no "
    "ORDER BY search_key LIMIT 10"
)


def keystrokes(samples: list[tuple[str, list[str]]], n: int, seed: int) -> list[str]:
    """``n`` queries as typed, from (name, aliases) samples: prefixes, aliases, typos."""
    rng = random.Random(f"{seed}/typeahead")
    out: list[str] = []
    while len(out) < n:
        name, aliases = rng.choice(samples)
        r = rng.random()
        if r < 0.15 and aliases:
            typed = rng.choice(aliases)
        elif r < 0.25 and len(name) > 6:
            k = rng.randrange(1, min(len(name), 10) - 1)
            typed = name[:k] + name[k + 1] + name[k] + name[k + 2 : 12]  # two letters swapped
        else:
            typed = name[: rng.randint(1 if not name.isascii() else 3, min(len(name), 14))]
        if fold(typed):
            out.append(typed)
    return out


def _upper_bound(key: str) -> str:
    return key[:-1] + chr(ord(key[-1]) + 1)


def _real(app: App, rep_id: int) -> tuple[Callable[[str], object], str]:
    """As a rep types (their suggestions are filtered by what they may read, as in production)."""
    try:
        from kam_bot.adapters.slack.listeners.options import account_options
    except ImportError:
        return app.accounts.search, "AccountService.search"
    return partial(account_options, app, app.users.get(rep_id)), "options.account_options"


def run_backend(ctx: Context, label: str, url: str) -> list[Result]:
    bench = f"{BENCH} ({label})"
    engine = engine_for(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, aliases FROM accounts WHERE id % 97 = 1 ORDER BY id")).all()
        total = conn.execute(text("SELECT count(*) FROM accounts")).scalar_one()
        rep_id = conn.execute(text("SELECT min(id) FROM users WHERE role = 'rep'")).scalar_one()
    samples = [
        (name, json.loads(aliases) if isinstance(aliases, str) else list(aliases or []))
        for name, aliases in rows
    ]
    queries = keystrokes(samples, ctx.n(200, 60), ctx.cfg.seed)
    floor_s: list[float] = []
    with engine.connect() as conn:

        def floor_one(q: str) -> Callable[[], object]:
            key = fold(q)
            return lambda: conn.execute(FLOOR_SQL, {"lo": key, "hi": _upper_bound(key), "no": False}).all()

        for q in queries[:20]:
            floor_one(q)()
        for q in queries:
            floor_s += timed_calls(floor_one(q), 1)
    engine.dispose()
    with open_app(url) as app:
        search, what = _real(app, rep_id)
        for q in queries[:20]:
            search(q)
        real_s: list[float] = []
        for q in queries:
            real_s += timed_calls(partial(search, q), 1)
    real, floor = latency_summary(real_s), latency_summary(floor_s)
    p99 = real["p99_ms"]
    return [
        Result(
            bench,
            "p99",
            p99,
            "ms",
            TARGET,
            status(p99 < LIMIT_MS),
            floor=floor["p99_ms"],
            details={"accounts": total, "queries": len(queries), "real": real, "floor": floor, "code": what},
            note=f"{what}; {total:,} accounts; p50 {real['p50_ms']} ms (floor {floor['p50_ms']} ms)",
        ),
    ]


def run(ctx: Context) -> list[Result]:
    out: list[Result] = []
    if ctx.pg_url:
        out += run_backend(ctx, "PostgreSQL", ctx.pg_url)
    out += run_backend(ctx, "SQLite", ctx.sqlite_url)
    return out
