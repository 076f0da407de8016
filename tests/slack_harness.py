"""Driving the Slack app the way Slack does: signed HTTP requests into the real ASGI app.

``start_slack(engine, make_app)`` seeds the usual cast (``factories.seed_team``), starts a
``FakeSlack`` Web API, builds ``create_asgi`` against both and returns a ``SlackDriver``:

    slack = await start_slack(sqlite_engine, make_app)
    response = await slack.command("/visit", "Baosteel met Li Wei")
    [opened] = await slack.calls("views.open")
    ...
    await slack.close()

Requests go through Starlette and Bolt unchanged (signature check, ack, listeners running
after the response as in production); ``calls`` and ``responses`` wait for the Web API
calls and ``response_url`` posts the listeners make after acknowledging.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from factories import Seed, seed_team
from fakes.slack_api import Call, FakeSlack
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine
from starlette.applications import Starlette

from kam_bot.adapters.slack.retry import SharedSessionClient, make_client
from kam_bot.adapters.slack.server import create_asgi
from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.bootstrap import App

SECRET = "harness-signing-secret"
TOKEN = "xoxb-harness"
TEAM = "T1"
RITA = "U_RITA"
"""Slack id of ``seed.rep`` (matched by email on first contact)."""
OTTO = "U_OTTO"
ADA = "U_ADA"


class QueryFakeSlack(FakeSlack):
    """FakeSlack shared by every Slack test in a session."""

    def clear(self) -> None:
        """Forget calls, scripted failures and limits: one server serves every test (fast teardown)."""
        with self._lock:
            self.calls.clear()
            self.responses.clear()
            self._scripted.clear()
            self._limits.clear()
            self._last.clear()
            self.messages.clear()
            self.exchanged.clear()
            self.latency = 0.0
            self.rate_limited = 0


_shared: QueryFakeSlack | None = None


def shared_fake() -> QueryFakeSlack:
    """The session's FakeSlack (its HTTP server takes half a second to stop, so it runs once)."""
    global _shared
    if _shared is None:
        _shared = QueryFakeSlack().start()
    _shared.clear()
    return _shared


@dataclass
class AsgiResponse:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


async def asgi_request(
    asgi: Starlette, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> AsgiResponse:
    """One HTTP request through the ASGI app, as uvicorn would pass it."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent = False
    out: dict[str, Any] = {"body": b"", "headers": {}}

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
            out["headers"] = {k.decode(): v.decode() for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    await asgi(scope, receive, send)
    return AsgiResponse(out["status"], out["body"], out["headers"])


def signed_headers(
    body: bytes, content_type: str, timestamp: int | None = None, secret: str = SECRET
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def submitted_state(view: dict[str, Any], changes: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """``view.state.values`` as Slack sends it when the user submits ``view`` as shown.

    Every input holds its initial value; ``changes`` replaces the value of the inputs it
    names by block id without the revision suffix (``{"summary": {"value": "..."}}``).
    """
    changes = changes or {}
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind = element["type"]
        state: dict[str, Any] = {"type": kind}
        if kind == "plain_text_input":
            state["value"] = element.get("initial_value")
        elif kind == "datepicker":
            state["selected_date"] = element.get("initial_date")
        elif kind == "timepicker":
            state["selected_time"] = element.get("initial_time")
        elif kind in {"radio_buttons", "static_select", "external_select"}:
            state["selected_option"] = element.get("initial_option")
        elif kind in {"checkboxes", "multi_static_select"}:
            state["selected_options"] = element.get("initial_options") or []
        elif kind == "conversations_select":
            state["selected_conversation"] = element.get("initial_conversation")
        block_id = block["block_id"]
        state.update(changes.get(block_id.split("~", 1)[0], {}))
        values[block_id] = {element["action_id"]: state}
    return values


@dataclass
class SlackDriver:
    app: App
    seed: Seed
    fake: FakeSlack
    asgi: Starlette
    settings: SlackSettings
    client: SharedSessionClient
    triggers: int = field(default=0)

    # -- sending ----------------------------------------------------------------------

    async def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signed: bool = True,
        extra: dict[str, str] | None = None,
    ) -> AsgiResponse:
        headers = signed_headers(body, content_type, timestamp) if signed else {"Content-Type": content_type}
        return await asgi_request(self.asgi, "POST", "/slack/events", body, {**headers, **(extra or {})})

    def trigger(self) -> str:
        self.triggers += 1
        return f"{self.triggers}.42.trigger"

    async def command(
        self,
        command: str,
        text: str = "",
        *,
        user: str = RITA,
        channel: str = "C_SALES",
        response: str = "r1",
        **overrides: Any,
    ) -> AsgiResponse:
        form = {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "acme",
            "channel_id": channel,
            "channel_name": "sales",
            "user_id": user,
            "user_name": "someone",
            "command": command,
            "text": text,
            "api_app_id": "A1",
            "is_enterprise_install": "false",
            "response_url": self.fake.response_url(response),
            "trigger_id": self.trigger(),
            **overrides,
        }
        return await self.post(urlencode(form).encode(), "application/x-www-form-urlencoded")

    async def interact(self, payload: dict[str, Any], **post: Any) -> AsgiResponse:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.post(body, "application/x-www-form-urlencoded", **post)

    async def event(
        self, event: dict[str, Any], event_id: str = "Ev1", *, retry: int | None = None
    ) -> AsgiResponse:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM,
                "api_app_id": "A1",
                "event": event,
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "authorizations": [
                    {"team_id": TEAM, "user_id": "UBOT", "is_bot": True, "is_enterprise_install": False}
                ],
            }
        ).encode()
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return await self.post(body, "application/json", extra=extra)

    # -- payloads ---------------------------------------------------------------------

    def user(self, user: str) -> dict[str, Any]:
        return {"id": user, "username": "someone", "name": "someone", "team_id": TEAM}

    async def submit(
        self,
        view: dict[str, Any],
        *,
        user: str = RITA,
        view_id: str = "V_SUBMIT",
        changes: dict[str, dict[str, Any]] | None = None,
    ) -> AsgiResponse:
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "acme"},
            "user": self.user(user),
            "api_app_id": "A1",
            "token": "legacy",
            "trigger_id": self.trigger(),
            "view": {
                **view,
                "id": view_id,
                "team_id": TEAM,
                "hash": "1.abc",
                "state": {"values": submitted_state(view, changes)},
            },
        }
        return await self.interact(payload)

    async def press(
        self,
        action_id: str,
        value: str,
        *,
        user: str = RITA,
        block_id: str = "b1",
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        channel: str = "D_RITA",
        ephemeral: bool = False,
        response: str = "r2",
    ) -> AsgiResponse:
        """A button press in a message (``message``), a view (``view``) or the Home tab (neither)."""
        if message is not None or ephemeral:
            container = {
                "type": "message",
                "message_ts": (message or {}).get("ts", "1700000000.000100"),
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            }
        else:
            container = {"type": "view", "view_id": (view or {}).get("id", "V_HOME")}
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "acme"},
            "user": self.user(user),
            "api_app_id": "A1",
            "token": "legacy",
            "container": container,
            "trigger_id": self.trigger(),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": block_id,
                    "value": value,
                    "action_ts": "1700000001.000200",
                }
            ],
        }
        if message is not None:
            payload["message"] = message
            payload["channel"] = {"id": channel, "name": "directmessage"}
            payload["response_url"] = self.fake.response_url(response)
        if ephemeral:
            payload["channel"] = {"id": channel, "name": "sales"}
            payload["response_url"] = self.fake.response_url(response)
        if message is None and not ephemeral:
            payload["view"] = view if view is not None else {"id": "V_HOME", "type": "home", "blocks": []}
        return await self.interact(payload)

    async def suggest(
        self, action_id: str, value: str, *, block_id: str = "account", user: str = RITA
    ) -> AsgiResponse:
        payload = {
            "type": "block_suggestion",
            "user": self.user(user),
            "team": {"id": TEAM},
            "api_app_id": "A1",
            "token": "legacy",
            "action_id": action_id,
            "block_id": block_id,
            "value": value,
            "container": {"type": "view", "view_id": "V1"},
            "view": {
                "id": "V1",
                "type": "modal",
                "callback_id": "visit",
                "blocks": [],
                "state": {"values": {}},
            },
        }
        return await self.interact(payload)

    # -- waiting for what the listeners did ------------------------------------------

    async def calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """The calls made to ``method`` once there are ``count`` of them (fails after ``timeout``)."""
        return await self._wait(lambda: self.fake.calls_to(method), count, timeout, method)

    async def responses(self, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """What the app posted to ``response_url`` (ephemeral replies), once there are ``count``."""
        return await self._wait(lambda: list(self.fake.responses), count, timeout, "response_url")

    async def _wait(self, get: Callable[[], list[Call]], count: int, timeout: float, what: str) -> list[Call]:
        deadline = time.monotonic() + timeout
        while True:
            found = get()
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                made = sorted({c.method for c in self.fake.calls})
                raise AssertionError(f"expected {count} × {what}, got {len(found)}; calls made: {made}")
            await asyncio.sleep(0.01)

    async def settle(self, timeout: float = 5.0) -> None:
        """Wait until the listeners still running after their ack have finished."""
        deadline = time.monotonic() + timeout
        current = asyncio.current_task()
        while any(not t.done() for t in asyncio.all_tasks() if t is not current):
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.01)

    async def close(self) -> None:
        """Let the listeners finish, then close the client's session (as serve's shutdown does)."""
        await self.settle()
        await self.client.close()


def view_of(call: Call) -> dict[str, Any]:
    view = call.args["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


def blocks_of(call: Call) -> list[dict[str, Any]]:
    blocks = call.args.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def texts(blocks: Any) -> str:
    """All the text of some blocks (or a view), to search in."""
    return json.dumps(blocks, ensure_ascii=False)


def input_block(view: dict[str, Any], base_id: str) -> dict[str, Any]:
    """The block of ``view`` whose id (without revision suffix) is ``base_id``."""
    for block in view.get("blocks", []):
        if str(block.get("block_id", "")).split("~", 1)[0] == base_id:
            return dict(block)
    raise AssertionError(f"no block {base_id!r} in view {view.get('callback_id')}")


async def start_slack(engine: Engine, make_app: Callable[[Engine], App]) -> SlackDriver:
    app = make_app(engine)
    seed = seed_team(app)
    fake = shared_fake()
    fake.add_user(RITA, "Rita Rep", email="rita@example.com", tz="Asia/Shanghai")
    fake.add_user(OTTO, "Otto Other", email=None, tz="Europe/Berlin")
    fake.add_user(ADA, "Ada Admin", email="ada@example.com", tz="UTC")
    # forms in threads: the app's fixed clock and the test's database set-up live in this process
    # (tests/adapters/slack/test_slack_form_process.py runs the form process itself)
    settings = SlackSettings(
        bot_token=TOKEN, signing_secret=SECRET, api_url=fake.api_url, app_token=None, form_process=False
    )
    client = make_client(settings)
    asgi = create_asgi(app, settings, client=client)
    return SlackDriver(app=app, seed=seed, fake=fake, asgi=asgi, settings=settings, client=client)


@pytest.fixture(name="slack")
async def slack_fixture(
    sqlite_engine: Engine, make_app: Callable[[Engine], App]
) -> AsyncIterator[SlackDriver]:
    """``start_slack`` over SQLite for one test, closed after it; a test module takes it in as
    ``from slack_harness import slack_fixture  # noqa: F401`` and its tests ask for ``slack``."""
    driver = await start_slack(sqlite_engine, make_app)
    yield driver
    await driver.close()
