"""The machine a run was made on: CPU, cores, memory, Python, SQLite, PostgreSQL, load."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from pathlib import Path
from typing import Any

import psycopg


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _pg_version(url: str | None) -> str | None:
    if not url:
        return None
    try:
        from bench.loaders import _libpq

        with psycopg.connect(_libpq(url), connect_timeout=5) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            settings = conn.execute(
                "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) "
                "FROM pg_settings "
                "WHERE name IN ('shared_buffers', 'work_mem', 'effective_cache_size', 'synchronous_commit', "
                "'max_connections')"
            ).fetchone()
        return f"{row[0] if row else '?'} ({settings[0] if settings else ''})"
    except psycopg.Error as exc:
        return f"unreachable: {exc}".splitlines()[0]


def describe(pg_url: str | None) -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _pg_version(pg_url),
        "load_average": [round(x, 2) for x in load] if load else None,
    }
