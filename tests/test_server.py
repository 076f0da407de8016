"""`kam-bot serve`'s server: neutral about platforms, it mounts each one's routes and runs the
scheduled jobs with each one's deliverer, whichever platforms the settings enable."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from slack_harness import asgi_request
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from kam_bot.bootstrap import App
from kam_bot.cli import main
from kam_bot.jobs import runtime
from kam_bot.jobs.context import JobsContext
from kam_bot.jobs.delivery import Checkpoint, Deliverer, Outgoing
from kam_bot.server import create_server


class Recorder:
    async def deliver(self, message: Outgoing, checkpoint: Checkpoint) -> str | None:
        return "ref"

    @property
    def platform(self) -> str:
        return "teams"


class AnotherPlatform:
    """A platform other than Slack, as the protocol asks of one (what a Teams adapter provides)."""

    def __init__(self, seen: list[str]) -> None:
        self.seen = seen
        self._deliverer = Recorder()

    @property
    def name(self) -> str:
        return "teams"

    @property
    def deliverer(self) -> Deliverer:
        return self._deliverer

    def routes(self) -> Sequence[BaseRoute]:
        async def messages(request: Request) -> Response:
            return PlainTextResponse("received")

        return [Route("/api/messages", messages, methods=["POST"])]

    async def startup(self) -> None:
        self.seen.append("platform up")

    async def shutdown(self) -> None:
        self.seen.append("platform down")


async def test_a_server_without_slack_serves_its_platform_and_runs_the_jobs(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    async def start_jobs(jobs: JobsContext, deliverers: dict[str, Deliverer]) -> str:
        seen.append(f"jobs start with {sorted(deliverers)}")
        return "scheduler"

    async def stop_jobs(scheduler: str | None) -> None:
        seen.append(f"jobs stop {scheduler}")

    monkeypatch.setattr(runtime, "start_jobs", start_jobs)
    monkeypatch.setattr(runtime, "stop_jobs", stop_jobs)
    server = create_server(make_app(sqlite_engine), [AnotherPlatform(seen)])
    async with server.router.lifespan_context(server):
        health = await asgi_request(server, "GET", "/healthz")
        posted = await asgi_request(server, "POST", "/api/messages", b"{}")
        slack = await asgi_request(server, "POST", "/slack/events", b"{}")
    assert health.status == 200 and health.json() == {"ok": True, "database": "ok", "worker": os.getpid()}
    assert posted.status == 200 and slack.status == 404
    assert seen == ["platform up", "jobs start with ['teams']", "jobs stop scheduler", "platform down"]


def test_serve_with_no_platform_configured_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kam.db'}")
    for variable in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "TEAMS_CLIENT_ID",
        "TEAMS_ALLOW_UNAUTHENTICATED",
    ):
        monkeypatch.delenv(variable, raising=False)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "no chat platform is configured" in err and "SLACK_BOT_TOKEN" in err and "TEAMS_CLIENT_ID" in err
