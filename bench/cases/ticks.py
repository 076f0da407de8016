"""Resetting a scheduled job between timed runs, and running its tick in several processes at
once (shared by the reminder and digest benches)."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, insert

from bench.apps import FixedClock, open_app
from bench.cases.slack_visit import serve_workers


def cleanup(engine: Engine, kind: str, job: str) -> None:
    """Leave no pending message of ``kind`` (a later bench's sender would send it) and no run of
    ``job`` (a later scheduler would catch up from it)."""
    from kam_bot.store.tables import JobRunRow, OutboxRow

    with engine.begin() as conn:
        conn.execute(delete(OutboxRow).where(OutboxRow.kind == kind))
        conn.execute(delete(JobRunRow).where(JobRunRow.job == job))


def reset(engine: Engine, kind: str, job: str, day_start: datetime) -> None:
    """An empty outbox of ``kind`` and one finished run of ``job`` at ``day_start``: the next tick's
    window starts there."""
    from kam_bot.store import slots
    from kam_bot.store.tables import JobRunRow

    cleanup(engine, kind, job)
    with engine.begin() as conn:
        conn.execute(
            insert(JobRunRow).values(
                job=job,
                slot=slots.slot_name(day_start),
                claimed_by="bench",
                claimed_at=day_start,
                finished_at=day_start,
            )
        )


def together(
    url: str, kind: str, job: str, day_start: datetime, now: datetime, repeat: int, processes: int
) -> tuple[list[float], dict[str, Any]]:
    """``job``'s tick at ``now`` in ``processes`` processes started together (``JOB_PROCESSES``
    each, as ``kam-bot serve``'s workers), ``repeat`` times after a warm one, from a ``reset``
    each time: (seconds until the last returned, each run; the last run's facts)."""
    spawn = multiprocessing.get_context("spawn")
    start, done = spawn.Barrier(processes + 1), spawn.Barrier(processes + 1)
    results = spawn.Queue()
    children = [
        spawn.Process(target=_tick_process, args=(url, job, now, repeat, processes, n, start, done, results))
        for n in range(processes)
    ]
    for child in children:
        child.start()
    samples: list[float] = []
    facts: dict[str, Any] = {}
    try:
        with open_app(url) as app:
            for i in range(repeat + 1):
                reset(app.engine, kind, job, day_start)
                t0 = time.time()
                start.wait(300)
                done.wait(600)
                ticks = [results.get(timeout=60) for _ in children]
                if i:
                    samples.append(max(end for *_, end in ticks) - t0)
                facts = {
                    "due": max(due for due, *_ in ticks),
                    "queued": sum(queued for _, queued, *_ in ticks),
                    "failed": sum(failed for _, _, failed, _ in ticks),
                    "processes": processes,
                }
    finally:
        for child in children:
            child.join(30)
    return samples, facts


def _tick_process(
    url: str,
    job: str,
    now: datetime,
    repeat: int,
    processes: int,
    n: int,
    start: Any,
    done: Any,
    results: Any,
) -> None:
    """One process of ``together``: a tick each time the parent says go."""
    from kam_bot.jobs import scheduler

    tick = scheduler.reminder_tick if job == scheduler.REMINDERS else scheduler.digest_tick
    with open_app(url, FixedClock(now), job_processes=processes) as app:
        for _ in range(repeat + 1):
            start.wait(300)
            result = tick(app.jobs_context, now, f"bench-{n}")
            results.put((result.due, result.queued, result.failed, time.time()))
            done.wait(600)


Timed = tuple[float, list[float], dict[str, Any]]
"""(median seconds, samples, facts) of a tick's timed runs."""


def as_served(url: str, run: Callable[[int], Timed]) -> Timed:
    """``run(processes)`` in as many processes as ``kam-bot serve`` starts workers for ``url``; with
    more than one, run alone too, its time kept in the facts (``one_process_s``)."""
    processes = serve_workers(url)
    median, samples, facts = run(processes)
    if processes > 1:
        alone, alone_samples, _ = run(1)
        facts.update(
            {"one_process_s": round(alone, 3), "one_process_samples_s": [round(x, 3) for x in alone_samples]}
        )
    return median, samples, facts


def processes_log(facts: dict[str, Any]) -> str:
    """`` in 2 process(es) (one process 1.09 s)`` for a bench's progress line."""
    one = f" (one process {facts['one_process_s']:.2f} s)" if "one_process_s" in facts else ""
    return f" in {facts.get('processes', 1)} process(es){one}"


def processes_note(facts: dict[str, Any]) -> str:
    """What a result's note says about the processes that ran the tick (nothing for one)."""
    if "one_process_s" not in facts:
        return ""
    return (
        f"{facts['processes']} processes ticking together, as `kam-bot serve`'s workers "
        f"(one process: {facts['one_process_s']:.2f} s); "
    )
