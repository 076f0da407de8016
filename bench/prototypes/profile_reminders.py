"""``python -m bench.prototypes.profile_reminders SCHEMA [TICKS [FILE]] [--one-thread]``: cProfile
(CPU time, so the database's waits and other processes' load are left out) of the reminder bench's tick
(``reminder_tick`` over everyone's morning, as ``bench.cases.reminders`` runs it) against the
loaded PostgreSQL schema. TICKS unprofiled ticks first (default 2), then one profiled; prints
their wall and CPU times, the load average and the profile's tops by own and by total time
(and dumps the profile to FILE). cProfile sees only the planner's thread: ``--one-thread`` reads
the batches in it too (no read-ahead), so the profile holds the whole tick."""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time

from bench.apps import FixedClock, open_app
from bench.cases import reminders
from bench.generate import AS_OF
from bench.loaders import pg_schema_url
from kam_bot.jobs.scheduler import REMINDERS, reminder_tick

BASE_URL = "postgresql://postgres@127.0.0.1:5432/test"


def main() -> None:
    one_thread = "--one-thread" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--one-thread"]
    schema, warm = args[0], int(args[1]) if len(args) > 1 else 2
    url = pg_schema_url(BASE_URL, schema)
    midnight = AS_OF.replace(hour=0, minute=0, second=0, microsecond=0)
    day_start, now = midnight + reminders.WINDOW_START, midnight + reminders.PLAN_AT
    print(f"# load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with open_app(url, FixedClock(now)) as app:
        if one_thread:
            app.jobs.reads_beside_writes = False
        for _ in range(warm):
            reminders.ticks.reset(app.engine, "daily", REMINDERS, day_start)
            wall, cpu = time.perf_counter(), time.process_time()
            result = reminder_tick(app.jobs_context, now, "bench")
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            facts = f"due {result.due}, queued {result.queued}"
            print(f"# unprofiled tick: wall {wall:.2f} s, CPU {cpu:.2f} s, {facts}")
        reminders.ticks.reset(app.engine, "daily", REMINDERS, day_start)
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        reminder_tick(app.jobs_context, now, "bench")
        prof.disable()
        reminders.ticks.cleanup(app.engine, "daily", REMINDERS)
    if len(args) > 2:
        prof.dump_stats(args[2])
    stats = pstats.Stats(prof)
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(60)


if __name__ == "__main__":
    main()
