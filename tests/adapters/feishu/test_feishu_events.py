"""``POST /feishu/events``: the URL-verification challenge, and only encrypted events signed with
the Encrypt Key, carrying the verification token, fresh and never seen before, are read. The
events are encrypted and signed by the harness's own code, written from Feishu's description."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest
from conftest import FrozenClock
from feishu_harness import ENCRYPT_KEY, TOKEN, FeishuDriver, encrypt, start_feishu
from sqlalchemy import Engine

from kam_bot.bootstrap import App

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
async def feishu(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock
) -> AsyncIterator[FeishuDriver]:
    clock.now = MONDAY
    driver = await start_feishu(sqlite_engine, make_app, clock, mode="http")
    yield driver
    await driver.close()


def challenge(token: str = TOKEN) -> bytes:
    plain = {"challenge": "ch-7f3a", "token": token, "type": "url_verification"}
    return json.dumps({"encrypt": encrypt(ENCRYPT_KEY, json.dumps(plain).encode())}).encode()


async def test_the_url_verification_challenge_is_answered_after_the_token_check(feishu: FeishuDriver) -> None:
    answered = await feishu.post(challenge(), {})
    assert answered.status_code == 200 and answered.json() == {"challenge": "ch-7f3a"}
    assert (await feishu.post(challenge("not-the-token"), {})).status_code == 401


async def test_forged_stale_and_replayed_events_are_refused(
    feishu: FeishuDriver, caplog: pytest.LogCaptureFixture
) -> None:
    event = feishu.message_event("help")
    body, headers = feishu.signed(event)
    tampered = body.replace(b'"}', b'=="}')
    assert (await feishu.post(tampered, headers)).status_code == 401  # the body was changed
    assert (await feishu.post(body, {**headers, "X-Lark-Signature": "0" * 64})).status_code == 401
    assert (await feishu.post(*feishu.signed(event, key="another-key"))).status_code == 401
    assert (await feishu.post(*feishu.signed(event, age=3600))).status_code == 401  # an hour old
    plain = json.dumps(event).encode()
    assert (await feishu.post(plain, headers)).status_code == 401  # not encrypted
    wrong_token = {**event, "header": {**event["header"], "token": "other"}}
    assert (await feishu.post(*feishu.signed(wrong_token))).status_code == 401
    assert feishu.fake.sent() == []  # nothing was answered
    assert (await feishu.post(body, headers)).status_code == 200
    assert (await feishu.post(body, headers)).status_code == 401  # the same request again
    await feishu.deliver(event)  # Feishu's own retry: signed anew, the same event id
    assert len(feishu.fake.sent()) == 1
    refusals = [r.getMessage() for r in caplog.records if "Refused" in r.getMessage()]
    assert len(refusals) == 7 and all("help" not in line for line in refusals)


async def test_an_unsubscribed_event_type_is_acknowledged(feishu: FeishuDriver) -> None:
    event = {"schema": "2.0", "header": feishu.header("im.message.reaction.created_v1"), "event": {}}
    response = await feishu.post(*feishu.signed(event))
    assert response.status_code == 200 and feishu.fake.sent() == []
