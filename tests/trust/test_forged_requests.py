"""Forged requests of every shape, on every inbound path: 401, one log line, and nothing else.

Each platform's authenticity headers are fuzzed (missing, empty, non-numeric, float, huge,
unicode, duplicated, stale, signed with another secret or key) on a request that would act if
it were believed: a Slack ``/visit`` whose ``response_url`` and user id are the attacker's, a
Teams message from a known person. The fakes record every call the bot makes; the database's
row counts are compared before and after.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from hostile import BOUNDED
from hypothesis import given
from hypothesis import strategies as st
from slack_harness import SECRET, SlackDriver, slack_fixture, start_slack  # noqa: F401
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine, func, select
from starlette.applications import Starlette
from teams_harness import CLIENT_ID, RITA, TeamsDriver, start_teams

from kam_bot.bootstrap import App
from kam_bot.store.tables import Base

LURE = "IT notice: session expired, log in at https://evil.example"


def row_counts(app: App) -> dict[str, int]:
    with app.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def warnings_and_worse(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What the request logged; asyncio's "Unclosed client session" is the garbage collector
    finishing an earlier test's aiohttp session at a random moment, not this request."""
    return [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING
        and not (r.name == "asyncio" and r.getMessage().startswith("Unclosed"))
    ]


def assert_one_line(caplog: pytest.LogCaptureFixture) -> None:
    lines = warnings_and_worse(caplog)
    assert len(lines) == 1, [r.getMessage() for r in lines]
    [line] = lines
    assert line.levelno == logging.WARNING and line.exc_info is None
    assert "Refused an unverified" in line.getMessage() and "evil" not in line.getMessage()


# -- Slack ------------------------------------------------------------------------------------


async def raw_post(asgi: Starlette, body: bytes, headers: list[tuple[str, str]]) -> int:
    """POST /slack/events with headers exactly as given (repeats included), as uvicorn passes them."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/slack/events", "raw_path": b"/slack/events", "query_string": b"",
        "root_path": "", "client": ("203.0.113.9", 40000), "server": ("testserver", 80),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
    }  # fmt: skip
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await asgi(scope, receive, send)
    return status[0]


def lure_command(slack: SlackDriver) -> bytes:
    form = {
        "command": "/visit", "text": LURE, "user_id": "U0MGR1", "team_id": "T1", "channel_id": "C1",
        "trigger_id": "1.2.3", "response_url": slack.fake.response_url("attacker"),
    }  # fmt: skip
    return urlencode(form).encode()


def lure_event() -> bytes:
    event = {"type": "app_home_opened", "user": "U0MGR1", "tab": "home", "channel": "D1"}
    return json.dumps({"type": "event_callback", "team_id": "T1", "event": event, "event_id": "EvX"}).encode()


def sign(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    return str(SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body))


def slack_shapes(body: bytes) -> dict[str, list[tuple[str, str]]]:
    """Header sets that must all be refused; ``now``-signed ones are valid but for the flaw named."""
    now = str(int(time.time()))
    good = sign(body, now)
    ts, sg = "X-Slack-Request-Timestamp", "X-Slack-Signature"
    shapes: dict[str, list[tuple[str, str]]] = {
        "no headers": [],
        "no timestamp": [(sg, good)],
        "no signature": [(ts, now)],
        "empty both": [(ts, ""), (sg, "")],
        "empty signature": [(ts, now), (sg, "")],
        "wrong secret": [(ts, now), (sg, sign(body, now, "guessed"))],
        "stale": [(ts, str(int(now) - 301)), (sg, sign(body, str(int(now) - 301)))],
        "future": [(ts, str(int(now) + 301)), (sg, sign(body, str(int(now) + 301)))],
        "signature prefix only": [(ts, now), (sg, "v0=")],
        "signature not hex": [(ts, now), (sg, "v0=" + "zz" * 32)],
        "signature upper case": [(ts, now), (sg, good.upper())],
        "signature other version": [(ts, now), (sg, "v1=" + good[3:])],
        "signature unicode": [(ts, now), (sg, "v0=ü" + good[4:])],
        "signature repeated": [(ts, now), (sg, good), (sg, good)],
        "bad signature then good": [(ts, now), (sg, "v0=" + "0" * 64), (sg, good)],
        "timestamp repeated": [(ts, now), (ts, now), (sg, good)],
        "timestamp abc then good": [(ts, "abc"), (ts, now), (sg, good)],
    }
    for label, stamp in {
        "non-numeric": "abc",
        "float": "1.5",
        "float now": f"{now}.0",
        "exponent": "1e9",
        "negative": "-1",
        "plus sign": f"+{now}",
        "spaces": f" {now} ",
        "huge": "9" * 40,
        "longer than int() takes": "9" * 5000,
        "arabic-indic digits": "".join(chr(0x0660 + int(d)) for d in now),
        "fullwidth digits": "".join(chr(0xFF10 + int(d)) for d in now),
        "unicode text": "时间",
    }.items():
        shapes[f"timestamp {label}"] = [(ts, stamp), (sg, sign(body, stamp))]
    return shapes


SLACK_SHAPES = sorted(slack_shapes(b""))


@pytest.mark.parametrize("shape", SLACK_SHAPES)
@pytest.mark.parametrize("kind", ["command", "event"])
async def test_slack_refuses_every_unverifiable_request_and_does_nothing(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture, shape: str, kind: str
) -> None:
    body = lure_command(slack) if kind == "command" else lure_event()
    content = "application/x-www-form-urlencoded" if kind == "command" else "application/json"
    before = row_counts(slack.app)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        status = await raw_post(slack.asgi, body, [("Content-Type", content), *slack_shapes(body)[shape]])
        await slack.settle()
    assert status == 401
    assert slack.fake.calls == [] and slack.fake.responses == []
    assert row_counts(slack.app) == before
    assert_one_line(caplog)


def test_slack_refuses_any_header_values_it_cannot_verify(
    sqlite_engine: Engine, make_app: Callable[[Engine], App]
) -> None:
    loop = asyncio.new_event_loop()
    slack = loop.run_until_complete(start_slack(sqlite_engine, make_app))
    body = lure_command(slack)
    values = st.one_of(st.text(max_size=30), st.floats().map(str), st.integers().map(str))
    hexes = st.text("0123456789abcdef", min_size=64, max_size=64).map("v0={}".format)

    @BOUNDED
    @given(
        stamps=st.lists(values, max_size=3),
        signatures=st.lists(st.one_of(st.text(max_size=70), hexes), max_size=3),
    )
    def check(stamps: list[str], signatures: list[str]) -> None:
        headers = [("X-Slack-Request-Timestamp", s) for s in stamps] + [
            ("X-Slack-Signature", s) for s in signatures
        ]
        status = loop.run_until_complete(
            raw_post(slack.asgi, body, [("Content-Type", "application/x-www-form-urlencoded"), *headers])
        )
        loop.run_until_complete(slack.settle())
        assert status == 401
        assert slack.fake.calls == [] and slack.fake.responses == []

    try:
        check()
    finally:
        loop.run_until_complete(slack.close())
        loop.close()


async def test_the_same_request_signed_right_is_served(slack: SlackDriver) -> None:
    """The control: the fuzzed request itself, correctly signed, is answered and acted on."""
    body = lure_command(slack)
    now = str(int(time.time()))
    headers = [("Content-Type", "application/x-www-form-urlencoded"), ("X-Slack-Request-Timestamp", now),
               ("X-Slack-Signature", sign(body, now))]  # fmt: skip
    assert await raw_post(slack.asgi, body, headers) == 200
    await slack.settle()
    assert slack.fake.calls != []


# -- Teams ------------------------------------------------------------------------------------


@pytest.fixture
async def teams(sqlite_engine: Engine, make_app: Callable[[Engine], App]) -> AsyncIterator[TeamsDriver]:
    driver = await start_teams(sqlite_engine, make_app)
    yield driver
    await driver.close()


def teams_shapes(teams: TeamsDriver) -> dict[str, list[tuple[str, str]]]:
    good = teams.fake.sign(CLIENT_ID, teams.fake.url)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    auth = "Authorization"
    return {
        "no header": [],
        "empty": [(auth, "")],
        "scheme only": [(auth, "Bearer")],
        "scheme and space": [(auth, "Bearer ")],
        "not a jwt": [(auth, "Bearer abc")],
        "basic": [(auth, "Basic dXNlcjpwYXNz")],
        "lower-case scheme": [(auth, f"bearer {good}")],
        "unicode": [(auth, "Bearer ü.ü.ü")],
        "huge": [(auth, "Bearer " + "a" * 200_000 + ".b.c")],
        "numeric": [(auth, "1700000000.5")],
        "repeated": [(auth, f"Bearer {good}"), (auth, f"Bearer {good}")],
        "forged then good": [(auth, "Bearer x.y.z"), (auth, f"Bearer {good}")],
        "another key": [(auth, f"Bearer {teams.fake.sign(CLIENT_ID, teams.fake.url, key=stranger)}")],
        "another bot": [(auth, f"Bearer {teams.fake.sign('another-bot-id', teams.fake.url)}")],
        "another service": [(auth, f"Bearer {teams.fake.sign(CLIENT_ID, 'https://evil.example/')}")],
        "expired": [(auth, f"Bearer {teams.fake.sign(CLIENT_ID, teams.fake.url, expires_in=-1000)}")],
        "unsigned alg none": [(auth, "Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.")],
    }


TEAMS_SHAPES = [
    "no header", "empty", "scheme only", "scheme and space", "not a jwt", "basic", "lower-case scheme",
    "unicode", "huge", "numeric", "repeated", "forged then good", "another key", "another bot",
    "another service", "expired", "unsigned alg none",
]  # fmt: skip


@pytest.mark.parametrize("shape", TEAMS_SHAPES)
@pytest.mark.parametrize("body", ["activity", "not json"])
async def test_teams_refuses_every_unverifiable_request_and_does_nothing(
    teams: TeamsDriver, caplog: pytest.LogCaptureFixture, shape: str, body: str
) -> None:
    activity = teams.activity("message", RITA, text=f"promise Baosteel {LURE} by Friday")
    content = json.dumps(activity).encode() if body == "activity" else b"\xff{not json"
    headers = [
        (k, v.encode()) for k, v in [("Content-Type", "application/json"), *teams_shapes(teams)[shape]]
    ]
    before = row_counts(teams.app)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = await teams.http.post("/api/messages", content=content, headers=httpx.Headers(headers))
    assert response.status_code == 401
    assert teams.fake.calls == []
    assert row_counts(teams.app) == before
    assert_one_line(caplog)


async def test_the_same_activity_signed_right_is_served(teams: TeamsDriver) -> None:
    activity = teams.activity("message", RITA, text="help")
    assert (await teams.post(activity)).status_code == 200
    assert teams.fake.sent("POST") != []


async def test_bolts_error_handler_ignores_a_request_no_route_verified(slack: SlackDriver) -> None:
    """Defence in depth: Bolt's own check raising on ``abc`` reaches our error handler, which then
    acts on nothing (no DM, no ``response_url`` post), even without the route in front."""
    from slack_bolt.request.async_request import AsyncBoltRequest

    from kam_bot.adapters.slack.app import create_slack_app

    bolt = create_slack_app(slack.app, slack.settings, client=slack.client)  # closed with the driver
    body = lure_command(slack).decode()
    headers = {"content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": "abc",
               "x-slack-signature": "v0=" + "0" * 64}  # fmt: skip
    response = await bolt.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
    await slack.settle()
    assert response.status >= 400
    assert slack.fake.calls == [] and slack.fake.responses == []
