"""Slack retries, replays and double submits, as signed requests through Bolt: one record each."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_harness import (  # noqa: F401
    RITA,
    TEAM,
    SlackDriver,
    asgi_request,
    signed_headers,
    slack_fixture,
    submitted_state,
    view_of,
)
from sqlalchemy import Engine
from starlette.applications import Starlette

from kam_bot.adapters.slack.retry import make_client
from kam_bot.adapters.slack.server import create_asgi
from kam_bot.bootstrap import App
from kam_bot.domain.models import Promise, Visit

FORM = "application/x-www-form-urlencoded"


def promises(app: App) -> list[Promise]:
    with app.uow() as uow:
        return uow.repo.all(Promise)


def command_body(slack: SlackDriver, command: str, text: str) -> bytes:
    """One slash command invocation as Slack sends it (its own trigger_id)."""
    form = {
        "token": "legacy",
        "team_id": "T1",
        "channel_id": "C_SALES",
        "user_id": RITA,
        "command": command,
        "text": text,
        "api_app_id": "A1",
        "response_url": slack.fake.response_url("r1"),
        "trigger_id": slack.trigger(),
    }
    return urlencode(form).encode()


@pytest.fixture(name="other")
async def other_process(slack: SlackDriver, make_app: Callable[[Engine], App]) -> AsyncIterator[Starlette]:
    """A second serving process on the same database: its own application, Bolt app and client."""
    client = make_client(slack.settings)
    yield create_asgi(make_app(slack.app.engine), slack.settings, client=client)
    await client.close()


async def test_slack_retries_of_a_slash_command_are_answered_200_and_saved_once(slack: SlackDriver) -> None:
    body = command_body(slack, "/promise", "Baosteel send the quote by Friday")
    first = await slack.post(body, FORM)
    retry = {"X-Slack-Retry-Reason": "http_timeout"}
    retries = [await slack.post(body, FORM, extra={**retry, "X-Slack-Retry-Num": str(n)}) for n in (1, 2, 3)]
    assert [r.status for r in (first, *retries)] == [200] * 4
    await slack.responses()
    await slack.settle()
    assert len(promises(slack.app)) == 1
    assert len(slack.fake.responses) == 1  # one "saved" reply, not four


async def test_an_identical_signed_request_replayed_in_the_window_saves_once(slack: SlackDriver) -> None:
    body = command_body(slack, "/promise", "Baosteel send samples by Friday")
    stamp = int(time.time()) - 120  # still inside Slack's 5 minutes
    answers = [await slack.post(body, FORM, timestamp=stamp) for _ in range(3)]
    assert [a.status for a in answers] == [200] * 3
    await slack.responses()
    await slack.settle()
    assert [p.text for p in promises(slack.app)] == ["send samples"]


async def test_two_invocations_of_the_same_text_are_two_promises(slack: SlackDriver) -> None:
    """Only a repeat of one request is dropped: typing the command twice is two commands."""
    for _ in range(2):
        await slack.post(command_body(slack, "/promise", "Baosteel call back by Friday"), FORM)
    await slack.responses(2)
    await slack.settle()
    assert len(promises(slack.app)) == 2


async def test_a_replay_to_another_process_on_the_same_database_is_dropped_too(
    slack: SlackDriver, other: Starlette
) -> None:
    body = command_body(slack, "/promise", "Baosteel send the price list by Friday")
    headers = signed_headers(body, FORM)
    assert (await asgi_request(slack.asgi, "POST", "/slack/events", body, headers)).status == 200
    assert (await asgi_request(other, "POST", "/slack/events", body, headers)).status == 200
    await slack.responses()
    await slack.settle()
    assert len(promises(slack.app)) == 1


async def test_a_replayed_visit_submission_saves_once_and_says_so_once(
    slack: SlackDriver, other: Starlette
) -> None:
    """The visit modal's submission is claimed by its save's own transaction, not before it:
    replayed to this process and to another, it still saves once and sends one confirmation."""
    await slack.command("/visit", "Baosteel; we promise samples by Friday")
    view = view_of((await slack.calls("views.open"))[0])
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": slack.user(RITA),
        "api_app_id": "A1",
        "trigger_id": slack.trigger(),
        "view": {**view, "id": "V_REPLAY", "hash": "1.abc", "state": {"values": submitted_state(view)}},
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    headers = signed_headers(body, FORM)
    for asgi in (slack.asgi, slack.asgi, other):
        answer = await asgi_request(asgi, "POST", "/slack/events", body, headers)
        assert (answer.status, answer.body) == (200, b"")  # the modal closes every time
    await slack.calls("chat.postMessage")
    await slack.settle()
    with slack.app.uow() as uow:
        assert len(uow.repo.all(Visit)) == 1
        assert len(uow.repo.all(Promise)) == 1
    assert len(slack.fake.calls_to("chat.postMessage")) == 1  # "saved", once


async def test_a_replayed_button_press_is_processed_once(slack: SlackDriver) -> None:
    await slack.post(command_body(slack, "/promise", "Baosteel send the quote by Friday"), FORM)
    await slack.responses()
    await slack.settle()
    [promise] = promises(slack.app)
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": slack.user(RITA),
        "api_app_id": "A1",
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "C_SALES", "is_ephemeral": True},
        "channel": {"id": "C_SALES", "name": "sales"},
        "response_url": slack.fake.response_url("r2"),
        "trigger_id": slack.trigger(),
        "actions": [
            {
                "type": "button",
                "action_id": f"promise.cancel:{promise.id}",
                "block_id": "b1",
                "value": str(promise.id),
                "action_ts": "1.3",
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    stamp = int(time.time())
    for _ in range(3):
        assert (await slack.post(body, FORM, timestamp=stamp)).status == 200
    await slack.responses(2)
    await slack.settle()
    assert len(slack.fake.responses) == 2  # the "saved" reply, then one "cancelled"


async def test_type_ahead_is_answered_every_time(slack: SlackDriver) -> None:
    """Options requests change nothing and must always get their options."""
    answers = [await slack.suggest("visit.account", "Bao") for _ in range(2)]
    assert answers[0].body and answers[0].body == answers[1].body
    assert "Baosteel" in answers[1].body.decode()


async def test_a_visit_replayed_to_another_process_opens_no_second_modal(
    slack: SlackDriver, other: Starlette
) -> None:
    """The slash command is acknowledged before its claim is known; the process that lost the
    claim does nothing after its ack: one modal, no reply, no error."""
    body = command_body(slack, "/visit", "Baosteel met Li Wei")
    headers = signed_headers(body, FORM)
    assert (await asgi_request(slack.asgi, "POST", "/slack/events", body, headers)).status == 200
    await slack.calls("views.open")
    assert (await asgi_request(other, "POST", "/slack/events", body, headers)).status == 200
    await slack.settle()
    assert len(slack.fake.calls_to("views.open")) == 1
    assert slack.fake.calls_to("views.update") == [] and list(slack.fake.responses) == []


async def test_a_repeat_in_the_same_process_is_answered_from_memory(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A retry reaching the process that took the request in is answered without the database."""
    claims: list[str] = []
    claim = slack.app.claims.claim

    def counted(platform: str, key: str, *args: Any) -> bool:
        claims.append(key)
        return claim(platform, key, *args)

    monkeypatch.setattr(slack.app.claims, "claim", counted)
    visit = command_body(slack, "/visit", "Baosteel met Li Wei")
    for body, ctype in ((visit, FORM), (event_body("EvMemory"), JSON)):
        first = await slack.post(body, ctype)
        retries = [
            await slack.post(
                body, ctype, extra={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"}
            )
            for n in (1, 2)
        ]
        assert [r.status for r in (first, *retries)] == [200] * 3
    await slack.settle()
    assert len(claims) == 2  # one database claim per request, none for its retries
    assert len(slack.fake.calls_to("views.open")) == 1
    assert len(slack.fake.calls_to("views.publish")) == 1  # the event handled once


JSON = "application/json"


def event_body(event_id: str) -> bytes:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": {"type": "app_home_opened", "user": RITA, "tab": "home", "channel": "D1"},
        }
    ).encode()
