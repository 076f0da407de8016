"""What comes in is DingTalk's: HTTP callbacks carry a fresh signature made with the app
secret, Stream frames are acknowledged the way the gateway expects, and a message whose
handling failed is handled again when DingTalk delivers it again."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable

import pytest
from conftest import FrozenClock
from dingtalk_harness import DingTalkDriver, sign, start_dingtalk
from sqlalchemy import Engine

from kam_bot.bootstrap import App


@pytest.fixture
async def http(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock
) -> AsyncIterator[DingTalkDriver]:
    async with start_dingtalk(sqlite_engine, make_app, clock, mode="http") as driver:
        yield driver


@pytest.fixture
async def stream(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock
) -> AsyncIterator[DingTalkDriver]:
    async with start_dingtalk(sqlite_engine, make_app, clock) as driver:
        yield driver


async def test_a_signed_callback_is_answered(http: DingTalkDriver) -> None:
    said = await http.say("today")
    assert said.text


@pytest.mark.parametrize(
    ("shift_ms", "secret", "reason"),
    [
        (0, "not-the-secret", "bad signature"),
        (-(60 * 60 * 1000 + 1), None, "stale timestamp"),
        (60 * 60 * 1000 + 1, None, "stale timestamp"),
    ],
)
async def test_a_forged_or_stale_callback_is_refused_and_does_nothing(
    http: DingTalkDriver, caplog: pytest.LogCaptureFixture, shift_ms: int, secret: str | None, reason: str
) -> None:
    data = http.message("promise Baosteel send samples by Friday")
    ts = str(int(http.clock().timestamp() * 1000) + shift_ms)
    with caplog.at_level(logging.WARNING):
        response = await http.post(data, timestamp=ts, secret=secret)
    assert response.status_code == 401
    assert reason in caplog.text and "promise" not in caplog.text  # a fixed reason, never the body
    assert http.fake.calls == [] and http.app.users.by_identity("dingtalk", "ding-rita") is None


async def test_a_callback_signed_within_the_hour_is_taken(http: DingTalkDriver) -> None:
    data = http.message("help")
    ts = str(int(http.clock().timestamp() * 1000) - 59 * 60 * 1000)
    assert (await http.post(data, timestamp=ts)).status_code == 200
    assert http.answer_to(data).text


async def test_missing_headers_and_malformed_bodies(http: DingTalkDriver) -> None:
    assert http.http is not None
    assert (await http.http.post("/dingtalk/events", json=http.message("help"))).status_code == 401
    ts = str(int(http.clock().timestamp() * 1000))
    headers = {"timestamp": ts, "sign": sign(http.fake.client_secret, ts)}
    assert (
        await http.http.post("/dingtalk/events", content=b"{not json", headers=headers)
    ).status_code == 400
    for body in ([1, 2], {"msgtype": "text", "text": "x"}, {"msgId": "m"}):
        answer = await http.http.post("/dingtalk/events", content=json.dumps(body).encode(), headers=headers)
        assert answer.status_code == 200  # taken in and ignored: DingTalk must not retry it
    assert http.fake.calls == []


async def test_stream_frames_are_acked_with_their_message_id(stream: DingTalkDriver) -> None:
    data = stream.message("help")
    ack = await stream.fake.acked(stream.fake.push(data, message_id="frame-1"))
    assert ack["code"] == 200 and ack["headers"]["messageId"] == "frame-1"
    pong = await stream.fake.acked(stream.fake.ping("opaque-7"))
    assert json.loads(pong["data"]) == {"opaque": "opaque-7"}


async def test_a_message_whose_answer_failed_is_handled_when_redelivered(stream: DingTalkDriver) -> None:
    stream.fake.fail_next("/v1.0/oauth2/accessToken", 503, {"code": "ServiceUnavailable"})
    data = stream.message("help", user="ding-nina")  # first contact needs the contacts API, so a token
    stream.fake.fail_next("/topapi/v2/user/get", 200, {"errcode": -1, "errmsg": "系统繁忙"})
    ack = await stream.fake.acked(stream.fake.push(data, message_id="f1"))
    assert ack["code"] == 200  # answered without the profile: Nina is met by her nick
    assert stream.answer_to(data).text
    data2 = stream.message("today")
    stream.fake.fail_next("/robot/sendBySession", 502, {"errcode": 502})
    ack2 = await stream.fake.acked(stream.fake.push(data2, message_id="f2"))
    assert ack2["code"] == 200
    [dm] = stream.fake.sent("/v1.0/robot/oToMessages/batchSend")  # the answer took the robot API
    assert dm.body["userIds"] == ["ding-rita"] and dm.text


async def test_a_message_that_failed_before_its_answer_is_handled_when_redelivered(
    stream: DingTalkDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = stream.platform.chat
    real = chat.answer
    calls = []

    def flaky(actor, message):  # type: ignore[no-untyped-def]
        calls.append(message.message_id)
        if len(calls) == 1:
            raise ConnectionError("database went away")
        return real(actor, message)

    monkeypatch.setattr(chat, "answer", flaky)
    data = stream.message("help")
    failed = await stream.fake.acked(stream.fake.push(data, message_id="f1"))
    assert failed["code"] == 500
    again = await stream.fake.acked(stream.fake.push(data, message_id="f2"))  # DingTalk pushes it again
    assert again["code"] == 200 and stream.answer_to(data).text and calls == ["msg1", "msg1"]
    sorry, answer = [c.text for c in stream.fake.sent("/robot/sendBySession") if c.body["_session"] == "msg1"]
    assert "什么都没有保存" in sorry and "nothing was saved" in sorry and "帮助" in answer
    assert sorry.endswith("\n\nhelp")  # what was typed comes back


async def test_a_redelivery_while_the_first_is_still_being_answered_is_taken_once(
    stream: DingTalkDriver,
) -> None:
    """DingTalk re-pushes a message whose ack is late: the two frames are handled at once."""
    said = await stream.say("promise Baosteel send samples by Friday")
    stream.fake.latency = 0.3  # every answer from DingTalk now takes a while
    data = stream.message(said.buttons["保存"])
    first = stream.fake.push(data, message_id="slow-1")
    second = stream.fake.push(data, message_id="slow-2")
    assert (await stream.fake.acked(first))["code"] == 200 and (await stream.fake.acked(second))[
        "code"
    ] == 200
    answers = [c for c in stream.fake.sent("/robot/sendBySession") if c.body["_session"] == data["msgId"]]
    assert len(answers) == 1
    assert [p.text for p in stream.app.promises.mine(stream.seed.rep)].count("send samples") == 1
