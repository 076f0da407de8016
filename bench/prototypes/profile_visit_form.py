"""``python -m bench.prototypes.profile_visit_form SCHEMA [N]``: cProfile of what a /visit's form
costs (the rep, ``dispatch``, ``modals.visit_view``), called directly in one thread against the
loaded PostgreSQL schema, for N of the bench's own /visit lines (``payloads.visit_texts``).
Prints the wall time per form and the profile's tops by own and by total time."""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from typing import Any

from bench.apps import open_app
from bench.loaders import pg_schema_url
from bench.payloads import owned_accounts, visit_texts
from bench.people import slack_id
from kam_bot.adapters.slack import modals
from kam_bot.adapters.slack.listeners.commands import SURFACE
from kam_bot.adapters.slack.users import SLACK
from kam_bot.bootstrap import App
from kam_bot.handlers.answers import Capture
from kam_bot.handlers.dispatch import dispatch
from kam_bot.handlers.prefill import VisitPrefill

BASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
SEED = 20261123


def one_form(app: App, owner: int, typed: str) -> dict[str, Any]:
    actor = app.users.by_identity(SLACK, slack_id(owner))
    assert actor is not None
    said = dispatch(app, f"visit {typed}".strip(), actor, SURFACE)
    assert isinstance(said, Capture) and isinstance(said.prefill, VisitPrefill)
    return modals.visit_view(app, actor, said.prefill, "D1")


def main() -> None:
    schema, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 400
    url = pg_schema_url(BASE_URL, schema)
    texts = visit_texts(owned_accounts(url, 500, SEED), 40 + n, SEED)[40:]
    with open_app(url) as app:
        for owner, typed in texts[:20]:  # warm: connections, key list, caches
            one_form(app, owner, typed)
        times, prof = [], cProfile.Profile()
        prof.enable()
        for owner, typed in texts:
            started = time.perf_counter()
            one_form(app, owner, typed)
            times.append(time.perf_counter() - started)
        prof.disable()
    times.sort()
    ms = [round(times[int(len(times) * q)] * 1000, 1) for q in (0.5, 0.9, 0.99)]
    print(f"n={len(times)} p50={ms[0]}ms p90={ms[1]}ms p99={ms[2]}ms max={times[-1] * 1000:.1f}ms")
    stats = pstats.Stats(prof)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
