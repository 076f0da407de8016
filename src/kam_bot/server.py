"""`kam-bot serve`'s ASGI app: liveness and readiness, the routes of every enabled platform on
one port, and a lifespan that starts the platforms, then the scheduled jobs with every
platform's deliverer, and stops them in the reverse order.

- ``GET /livez``: 200 while the process answers (restart it when this fails);
- ``GET /readyz`` (and ``/healthz``, the same): 200 only when the database answers and takes a
  write (``store.health``) and every platform connection the deployment needs (``Connected``:
  Slack's Socket Mode; a Stream or long connection) is up; else 503 and a body saying which.

The jobs run whatever platforms are enabled: rows for a platform this process cannot deliver
to wait in the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Protocol, runtime_checkable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from kam_bot.adapters.platform import ChatPlatform
from kam_bot.jobs import runtime
from kam_bot.jobs.context import JobsContext
from kam_bot.logs import OncePer

HEALTH_SECONDS = 3.0
"""A database that does not answer within this is unavailable (503), not a hung probe."""
HEALTH_LOG_SECONDS = 60.0

log = logging.getLogger(__name__)


@runtime_checkable
class Connected(Protocol):
    """A platform that may hold a connection to hear its users (Slack over Socket Mode)."""

    @property
    def needs_connection(self) -> bool:
        """Whether this deployment hears the platform through a connection (not webhooks)."""
        ...

    async def connection_problem(self) -> str | None:
        """None while connected; else what is down."""
        ...


class Served(Protocol):
    """What the server uses of the application (``bootstrap.App``)."""

    @property
    def jobs_context(self) -> JobsContext: ...

    def database_state(self) -> str | None:
        """None when the database can be written now; else what is wrong (``store.health``)."""
        ...


async def _database(app: Served) -> str:
    try:
        problem = await asyncio.wait_for(asyncio.to_thread(app.database_state), HEALTH_SECONDS)
    except TimeoutError:
        problem = f"unavailable (no answer within {HEALTH_SECONDS:.0f} s)"
    return problem or "ok"


def create_server(app: Served, platforms: Sequence[ChatPlatform], *, jobs: bool = True) -> Starlette:
    said = OncePer(HEALTH_LOG_SECONDS)

    async def livez(request: Request) -> Response:
        return JSONResponse({"ok": True, "worker": os.getpid()})

    async def readyz(request: Request) -> Response:
        database = await _database(app)
        connections = {
            p.name: (await p.connection_problem()) or "ok"
            for p in platforms
            if isinstance(p, Connected) and p.needs_connection
        }
        problems = {k: v for k, v in {"database": database, **connections}.items() if v != "ok"}
        body: dict[str, object] = {"ok": not problems, "database": database}
        if connections:
            body["connections"] = connections
        body["worker"] = os.getpid()
        for what, problem in problems.items():
            said.log(
                log, logging.WARNING, f"{what}:{problem.split(' (')[0]}", "Not ready: %s %s", what, problem
            )
        return JSONResponse(body, status_code=503 if problems else 200)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        started: list[ChatPlatform] = []
        running: runtime.RunningJobs | None = None
        try:
            for platform in platforms:
                await platform.startup()
                started.append(platform)
            if jobs:
                deliverers = {platform.name: platform.deliverer for platform in platforms}
                running = await runtime.start_jobs(app.jobs_context, deliverers)
            yield
        finally:
            await runtime.stop_jobs(running)
            for platform in reversed(started):
                await platform.shutdown()

    routes: list[BaseRoute] = [
        Route("/livez", livez, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/healthz", readyz, methods=["GET"]),
    ]
    for platform in platforms:
        routes.extend(platform.routes())
    return Starlette(routes=routes, lifespan=lifespan)


ORPHAN_CHECK_SECONDS = 1.0


def stop_when_orphaned(supervisor: int, what: str = "the serve supervisor", who: str = "this worker") -> None:
    """A worker whose supervisor was killed (``kill -9``) stops itself, as on SIGTERM.

    uvicorn's workers are not told when their supervisor dies: they would keep the port and
    keep sending from the outbox, and a restarted ``serve`` could not bind the port.
    """

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(ORPHAN_CHECK_SECONDS)
        log.warning("%s (pid %d) is gone: %s stops", what[:1].upper() + what[1:], supervisor, who)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()
