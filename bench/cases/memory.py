"""``kam-bot serve`` memory: resident set idle, and after the c=50 ``/visit`` run, per worker.

The real command (console script, configured through the environment like production,
scheduler and all; ``--workers 2`` on PostgreSQL) on the PostgreSQL dataset, pointed at the
Slack fake; with workers, the largest worker's resident set (each one's in the details). Idle: after
``/healthz`` answered and 5 s of nothing. Then the same c=50 ``/visit`` load as the
latency bench, and the resident set once every modal was opened. VmHWM is the peak.
"""

from __future__ import annotations

import time
import urllib.request
from typing import Any

from bench.apps import BOT_TOKEN, SIGNING_SECRET, clear_outbox
from bench.cases.slack_visit import LEVELS, visit_load
from bench.core import Context, Result, status
from bench.payloads import owned_accounts, visit_texts
from bench.slackfake import FakeSlackProcess
from bench.slackload import Server, kam_serve

BENCH = "kam-bot serve memory"
IDLE_SECONDS = 5.0


def _available() -> str | None:
    try:
        import kam_bot.cli.serve  # noqa: F401
    except ImportError as exc:
        return f"kam_bot.cli.serve ({exc})"
    return None


def _healthy(server: Server, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def run(ctx: Context) -> list[Result]:
    why = _available()
    if why:
        return [Result.not_available(BENCH, "RSS < 150 MB idle, < 250 MB after c=50", why)]
    url = ctx.pg_url or ctx.sqlite_url
    c, full, quick = LEVELS[-1]
    texts = visit_texts(owned_accounts(url, 500, ctx.cfg.seed), ctx.n(full, quick), ctx.cfg.seed + 1)
    facts: dict[str, Any] = {}
    clear_outbox(url)
    with FakeSlackProcess() as fake:
        server = kam_serve(
            database_url=url,
            api_url=fake.api_url,
            token=BOT_TOKEN,
            secret=SIGNING_SECRET,
            workdir=ctx.workdir,
            workers=2 if ctx.pg_url else 1,  # SQLite serves with one
        )
        with server:
            if not _healthy(server):
                raise RuntimeError(f"kam-bot serve did not answer /healthz; see {server.log}")
            time.sleep(IDLE_SECONDS)
            facts["idle"] = server.memory()
            _, load = visit_load(server, fake, texts, c, "mem")
            facts["after"] = server.memory()
            facts["load"] = load
    idle, after = facts["idle"].get("rss_mb"), facts["after"].get("rss_mb")
    if idle is None or after is None:
        raise RuntimeError("could not read the server's memory from /proc")
    load = facts["load"]
    note_load = (
        f"{load['ok']}/{load['sent']} requests, {load['modals']} modals ({load['modals_in_time']} within 3 s)"
    )
    return [
        Result(
            BENCH,
            "RSS idle",
            idle,
            "MB",
            "< 150 MB",
            status(idle < 150),
            details=facts,
            note=f"after /healthz and 5 s idle; scheduler running{_forms(facts['idle'])}",
        ),
        Result(
            BENCH,
            f"RSS after c={c}",
            after,
            "MB",
            "< 250 MB",
            status(after < 250),
            details=facts,
            note=f"peak {facts['after'].get('peak_mb')} MB; {note_load}{_forms(facts['after'])}",
        ),
    ]


def _forms(memory: dict[str, Any]) -> str:
    """The form processes beside the workers (a tree from before them has none)."""
    each = [mb for mb in memory.get("form_processes_rss_mb") or [] if mb is not None]
    return f"; form processes {', '.join(f'{mb} MB' for mb in each)}" if each else ""
