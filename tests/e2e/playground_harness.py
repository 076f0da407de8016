"""Runs the Microsoft 365 Agents Playground (npm ``@microsoft/m365agentsplayground``, installed
by ``npm ci`` in ``tests/e2e/playground``) against ``kam-bot serve``'s app, for the end-to-end tests.

The Playground is the local Teams emulator: its web UI posts the user's messages and card
actions to the bot's ``/api/messages`` and receives the bot's replies on a Bot Connector API of
its own. It tries the network at start-up, so a test runs inside a loopback-only network
namespace: ``in_loopback_namespace`` re-runs the test file under ``unshare -n`` (root needed).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

HERE = Path(__file__).resolve().parent
CLI = HERE / "playground" / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
IN_NETNS = "KAM_E2E_IN_NETNS"
IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable() -> str | None:
    """Why the Playground cannot run here, or None."""
    if not CLI.exists():
        return "the Agents Playground is not installed (cd tests/e2e/playground && npm ci)"
    if shutil.which("node") is None:
        return "node is not installed"
    if os.environ.get(IN_NETNS) != "1" and (shutil.which("unshare") is None or os.geteuid() != 0):
        return "needs root and unshare for a loopback-only network namespace"
    return None


def skip_unless(reason: str | None) -> None:
    """Skip for ``reason``, except in CI (``CI=true``), where the end-to-end tests must run."""
    if reason:
        if IN_CI:
            pytest.fail(f"CI must run the Teams end-to-end tests: {reason}")
        pytest.skip(reason)


def in_loopback_namespace(test_file: str) -> bool:
    """True inside the namespace; outside, re-runs ``test_file`` there, asserts it passed and
    returns False."""
    if os.environ.get(IN_NETNS) == "1":
        return True
    script = 'ip link set lo up && exec "$0" -m pytest -q -p no:cacheprovider -x "$1"'
    result = subprocess.run(
        ["unshare", "-n", "sh", "-c", script, sys.executable, test_file],
        env={**os.environ, IN_NETNS: "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    return False


# -- the bot ----------------------------------------------------------------------------------


@dataclass
class Bot:
    app: Any  # kam_bot.bootstrap.App
    teams: Any  # kam_bot.adapters.teams.app.TeamsBot
    alex: Any  # the Playground's user (alexw@example.com), imported before first contact


def seeded_bot(tmp_path: Path, now: datetime) -> Bot:
    """The app on a fresh SQLite file: Alex W. (the Playground user's email) owns Baosteel."""
    from conftest import FrozenClock
    from factories import add_account, add_team, add_user

    from kam_bot.adapters.teams.app import TeamsBot
    from kam_bot.adapters.teams.settings import TeamsSettings
    from kam_bot.bootstrap import bootstrap
    from kam_bot.config import Settings
    from kam_bot.domain.enums import Role
    from kam_bot.store.engine import make_engine, upgrade

    url = f"sqlite:///{tmp_path / 'kam.db'}"
    engine = make_engine(url)
    upgrade(engine)
    settings = TeamsSettings(allow_unauthenticated=True)
    clock = FrozenClock(now)
    app = bootstrap(
        Settings(database_url=url), engine=engine, clock=clock, platform_settings={"teams": settings}
    )
    team = add_team(app, "Steel East")
    boss = add_user(app, "Max Manager", role=Role.MANAGER, team=team)
    alex = add_user(app, "Alex W.", team=team, manager=boss, email="alexw@example.com")
    add_account(app, "Baoshan Iron & Steel Co., Ltd.", alex, aliases=["Baosteel"])
    return Bot(app, TeamsBot.build(app, settings), alex)


# -- the Playground, driven like its web UI ---------------------------------------------------


class Playground:
    def __init__(self, base: str, config: dict[str, Any]) -> None:
        self.base = base
        self.config = config
        self.http = httpx.AsyncClient(base_url=base, timeout=90)
        self.frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def say(self, chat: str, me: str, text: str) -> None:
        body = {"from": {"id": me}, "text": text, "textFormat": "plain"}
        response = await self.http.post(f"/_conversation/v1/conversations/{chat}/messages", json=body)
        assert response.status_code == 200, response.text

    async def press(
        self, chat: str, me: str, message_id: str, verb: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """An Action.Execute button, as the web UI sends it; returns the card shown in its place."""
        body = {
            "name": "adaptiveCard/action",
            "value": {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"},
            "from": {"id": me},
            "conversation": {"id": chat},
            "replyToId": message_id,
        }
        response = await self.http.post("/_conversation/v1/invoke", json=body)
        assert response.status_code == 200, response.text
        answer = response.json()
        card = find_card(answer)
        assert card is not None, answer
        return card

    async def next_card(self, timeout: float = 90) -> tuple[str, dict[str, Any]]:
        """The next message from the bot that carries an Adaptive Card: (message id, card)."""
        bot_id = self.config["bot"]["id"]
        while True:
            frame = await asyncio.wait_for(self.frames.get(), timeout)
            message = frame.get("message") or {}
            if (message.get("from") or {}).get("id") != bot_id:
                continue
            card = find_card(message)
            if card is not None:
                return str(message["messageId"]), card


@contextlib.asynccontextmanager
async def playground(bot_port: int, ui_port: int) -> AsyncIterator[Playground]:
    import websockets

    env = {**os.environ, "TEAMSAPPTESTER_BROWSER": "none"}
    args = ["node", str(CLI), "-e", f"http://127.0.0.1:{bot_port}/api/messages", "-c", "msteams"]
    args += ["-p", str(ui_port), "--disable-telemetry"]
    proc = await asyncio.create_subprocess_exec(
        *args,
        env=env,
        cwd=HERE / "playground",  # its log goes to devTools/ there (git-ignored)
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{ui_port}"
    try:
        config = await wait_for_config(base, proc)
        ui = Playground(base, config)
        async with websockets.connect(
            f"ws://127.0.0.1:{ui_port}/_ws_conversation/v1/conversations/stream"
        ) as ws:

            async def read() -> None:
                async for raw in ws:
                    with contextlib.suppress(ValueError):
                        await ui.frames.put(json.loads(raw))

            reader = asyncio.create_task(read())
            try:
                yield ui
            finally:
                reader.cancel()
                await ui.http.aclose()
    finally:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def wait_for_config(base: str, proc: asyncio.subprocess.Process) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, timeout=5) as http:
        for _ in range(300):
            if proc.returncode is not None:
                output = await proc.stdout.read() if proc.stdout else b""
                raise AssertionError(f"the Playground exited: {output.decode()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                response = await http.get("/_internal/v1/config")
                if response.status_code == 200:
                    return dict(response.json()["config"])
            await asyncio.sleep(0.1)
    raise AssertionError("the Playground did not start within 30 s")


@contextlib.asynccontextmanager
async def serve(asgi: Any, port: int) -> AsyncIterator[None]:
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(asgi, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    for _ in range(300):
        if server.started:
            break
        await asyncio.sleep(0.05)
    assert server.started, "kam-bot did not start"
    try:
        yield
    finally:
        server.should_exit = True
        await task


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- reading cards ------------------------------------------------------------------------------


def find_card(node: Any) -> dict[str, Any] | None:
    """The first Adaptive Card anywhere in a message or an invoke response."""
    if isinstance(node, dict):
        if node.get("type") == "AdaptiveCard":
            return node
        if node.get("contentType") == "application/vnd.microsoft.card.adaptive":
            content = node.get("content")
            return json.loads(content) if isinstance(content, str) else content
        for value in node.values():
            found = find_card(value)
            if found is not None:
                return found
    elif isinstance(node, list):
        for item in node:
            found = find_card(item)
            if found is not None:
                return found
    return None
