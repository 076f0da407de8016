"""What every bench shares: the run context, result rows, latency statistics, timing."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bench.generate import GenConfig

Status = Literal["PASS", "MISS", "N/A", "INFO", "ERROR"]


@dataclass
class Context:
    """Everything a case needs: where the data is, how big it is, how hard to push."""

    cfg: GenConfig
    quick: bool
    pg_base_url: str | None
    pg_url: str | None
    """The loaded dataset's PostgreSQL URL (search_path set), or None when PostgreSQL is off."""
    pg_schema: str | None
    sqlite_url: str
    workdir: Path
    growth_history: float = 10.0
    log: Callable[[str], None] = print
    extra: dict[str, Any] = field(default_factory=dict)
    """What one case leaves for a later one (the /visit run leaves the server's memory)."""

    def n(self, full: int, quick: int) -> int:
        """A request or repetition count for the mode."""
        return quick if self.quick else full


@dataclass
class Result:
    bench: str
    metric: str
    value: float | None
    unit: str
    target: str
    status: Status
    floor: float | None = None
    details: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    case: str = ""
    """The module under bench/cases that measured it (set by the runner)."""

    @classmethod
    def not_available(cls, bench: str, target: str, why: str) -> Result:
        return cls(bench, "-", None, "", target, "N/A", note=f"not available: {why}")

    @classmethod
    def error(cls, bench: str, target: str, exc: BaseException) -> Result:
        return cls(bench, "-", None, "", target, "ERROR", note=f"{type(exc).__name__}: {exc}"[:300])


def status(ok: bool) -> Status:
    return "PASS" if ok else "MISS"


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values (p in 0..100)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def latency_summary(samples_s: Sequence[float]) -> dict[str, float]:
    """p50/p90/p99/max/mean in milliseconds, and the count."""
    ms = sorted(s * 1000 for s in samples_s)
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p90_ms": round(percentile(ms, 90), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(ms[-1], 2),
        "mean_ms": round(sum(ms) / len(ms), 2),
    }


def timed_calls(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall seconds of ``repeat`` calls of ``fn``."""
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as t: ...`` then ``t[0]`` is the elapsed seconds."""
    box: list[float] = []
    t0 = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - t0)


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    """(median seconds, all samples) of ``repeat`` runs after one warm-up run."""
    fn()
    samples = timed_calls(fn, repeat)
    return sorted(samples)[len(samples) // 2], samples


def floor_of(fn: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    """``best_of`` with Python's cyclic collector paused, as the tick the floor stands beside runs
    (``jobs.gc_pause``). A floor query returns some 20,000 rows; kept from one run to the next,
    they set off a full collection of the bench process's heap every few runs, 50-80 ms on a
    0.11 s floor (runs of 0.11 s and 0.17-0.24 s mixed), which the tick does not pay."""
    from kam_bot.jobs.gc_pause import collector_paused

    with collector_paused():
        return best_of(fn, repeat)
