"""Logs an operator can read: every real problem once, no false one.

Counted here, in ordinary tests driving many requests (the chaos run is not run by the suite):
a repeat answered at once draws no "not acknowledged" warning; a refused permission is one
INFO line; fifty requests failing on an unwritable database are one ERROR line, no traceback.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_harness import RITA, SlackDriver, slack_fixture  # noqa: F401
from sqlalchemy import event, text

from kam_bot.adapters.slack import acks
from kam_bot.logs import OncePer


def lines(
    caplog: pytest.LogCaptureFixture, words: str, level: int = logging.DEBUG
) -> list[logging.LogRecord]:
    return [r for r in caplog.records if words in r.getMessage() and r.levelno >= level]


async def test_a_repeat_answered_at_once_draws_no_late_ack_warning(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(acks, "ACK_DEADLINE", 0.05)
    form = {"command": "/kam", "text": "", "user_id": RITA, "team_id": "T1", "channel_id": "C1",
            "trigger_id": "1.2.3", "response_url": slack.fake.response_url()}  # fmt: skip
    body = urlencode(form).encode()
    with caplog.at_level(logging.INFO):
        for _ in range(10):  # the first, then Slack's retries / replays of it
            assert (await slack.post(body, "application/x-www-form-urlencoded")).status == 200
        unknown = await slack.command("/unknown", "")  # no listener: answered 404 at once
        await slack.settle()
    assert unknown.status == 404
    assert len(lines(caplog, "already taken in")) == 9
    assert lines(caplog, "not acknowledged") == []


async def test_a_refused_permission_is_one_info_line(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        await slack.press(f"visit.start:{slack.seed.haier.id}", str(slack.seed.haier.id))
        await slack.calls("chat.postMessage")  # the person is told
        await slack.settle()
    refused = lines(caplog, "refused for")
    assert len(refused) == 1 and refused[0].levelno == logging.INFO and refused[0].exc_info is None
    assert [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("kam_bot")] == []


async def test_an_outage_is_one_line_per_kind_not_a_traceback_per_request(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kam_bot.adapters.slack import errors

    monkeypatch.setattr(errors, "OUTAGE_LOG", OncePer(60.0))
    engine = slack.app.engine
    with engine.connect() as conn:
        pages = conn.execute(text("PRAGMA page_count")).scalar_one()

    def full(dbapi: Any, _record: Any) -> None:  # as a full disk: the file may not grow
        dbapi.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", full)
    engine.dispose()
    with caplog.at_level(logging.INFO):
        for i in range(50):
            await slack.command("/promise", f"Baosteel quote {i} {'x' * 2000} by Friday", response=f"r{i}")
        told = await slack.responses(50)
        await slack.settle()
    assert (
        sum("nothing" in c.args.get("text", "").lower() or "wrong" in c.args.get("text", "") for c in told)
        >= 49
    )
    ours = [
        r for r in caplog.records if r.name.startswith(("kam_bot", "slack_bolt"))
    ]  # not asyncio's GC notes
    errors_logged = [r for r in ours if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors_logged] == [
        "Slack requests failing: database writes failing (disk full) (/promise, OperationalError)"
    ]
    assert not [r for r in ours if r.exc_info]
