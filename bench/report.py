"""results.md (a table a person reads) and results.json (everything, for tools) under bench/results/."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.core import Result
from bench.loaders import LoadReport

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in {"ms", "s"}:
        text = f"{value:,.3f}" if value < 1 else f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    elif unit == "%":
        text = f"{value:.1f}"
    else:
        text = f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"
    return f"{text} {unit}".strip()


def _ratio(r: Result) -> str:
    if r.value is None or not r.floor:
        return "-"
    return f"{r.value / r.floor:.2f}×"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(
    results: list[Result], loads: list[LoadReport], machine: dict[str, Any], meta: dict[str, Any]
) -> str:
    lines = [f"# kam-bot benchmarks ({meta['mode']})", ""]
    merged = (
        "; rows of cases not re-run are from the previous run" if meta.get("merged_from_previous_run") else ""
    )
    lines += [
        f"Run {meta['started']} UTC, {meta['seconds']:.0f} s, code {meta.get('code', '?')}; "
        f"data: {meta['data']}; "
        "load average (1/5/15 min) "
        f"at start {meta.get('load_average_at_start')}, at the end {machine.get('load_average')}"
        f"{merged}.",
        "",
    ]
    described = (f"{k} {v}" for k, v in machine.items() if v is not None and k != "load_average")
    lines += ["Machine: " + ", ".join(described), ""]
    lines += [
        "| Bench | Metric | Result | Floor | × floor | Target | Status | Notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        cells = [
            r.bench,
            r.metric,
            _num(r.value, r.unit),
            _num(r.floor, r.unit),
            _ratio(r),
            r.target,
            r.status,
            r.note,
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += [
        "",
        "## Data loads",
        "",
        "| Backend | Dataset | Rows | Load | Indexes | VACUUM/ANALYZE | Reused |",
        "|---|---|---|---|---|---|---|",
    ]
    for load in loads:
        lines.append(
            f"| {load.backend} | {load.fingerprint} | {load.total_rows:,} | {load.seconds:.1f} s | "
            f"{load.index_seconds:.1f} s | {load.analyze_seconds:.1f} s | {'yes' if load.reused else 'no'} |"
        )
    lines += [
        "",
        "PASS/MISS compare with the issue's targets; N/A: the code under test is not there; "
        "INFO: measured, no target. Timings on a shared 2-core machine: read them with the load "
        "average above in mind.",
        "",
    ]
    return "\n".join(lines)


def write(
    results: list[Result],
    loads: list[LoadReport],
    machine: dict[str, Any],
    meta: dict[str, Any],
    out_dir: Path = RESULTS_DIR,
) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "results" if meta["mode"] == "full" else f"results-{meta['mode']}"
    md, js = out_dir / f"{stem}.md", out_dir / f"{stem}.json"
    md.write_text(markdown(results, loads, machine, meta))
    payload = {
        "meta": meta,
        "machine": machine,
        "loads": [{**asdict(load), "total_rows": load.total_rows} for load in loads],
        "results": [asdict(r) for r in results],
    }
    js.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    return md, js


def previous(out_dir: Path, mode: str) -> dict[str, Any] | None:
    path = out_dir / ("results.json" if mode == "full" else f"results-{mode}.json")
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def merge(
    old: dict[str, Any], results: list[Result], loads: list[LoadReport], rerun: list[str], order: list[str]
) -> tuple[list[Result], list[LoadReport]]:
    """The previous run's rows of the cases not re-run, with this run's rows in case order."""
    kept = [
        Result(**r) for r in old.get("results", []) if (r.get("case") or case_of(r["bench"])) not in rerun
    ]
    for r in kept:
        r.case = r.case or case_of(r.bench)
    rows = sorted([*kept, *results], key=lambda r: order.index(r.case) if r.case in order else len(order))
    seen = {load.fingerprint + load.backend for load in loads}
    old_loads = [
        LoadReport(**{k: v for k, v in raw.items() if k != "total_rows"}) for raw in old.get("loads", [])
    ]
    return rows, [*loads, *(lo for lo in old_loads if lo.fingerprint + lo.backend not in seen)]


BENCH_CASES = {
    "account type-ahead": "typeahead", "reminder planning": "reminders", "team digests": "digest",
    "/visit": "slack_visit", "kam-bot serve memory": "memory", "visit submission": "submission",
    "DM delivery": "delivery",
}  # fmt: skip


def case_of(bench: str) -> str:
    return next((case for prefix, case in BENCH_CASES.items() if bench.startswith(prefix)), "")


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
