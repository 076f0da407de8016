"""The long connection with the real SDK client: it fetches its endpoint from the fake open
platform, connects to the fake gateway and speaks ``pbbp2`` frames. The SDK's own client
(lark-oapi 1.5.5) never answers a frame of type ``card`` (larksuite/oapi-sdk-python#126): a
card button pressed over it would fail. kam-bot's ``LongConnection`` answers card callbacks in
both frame types, and a callback split over several frames."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import lark_oapi as lark
import lark_oapi.ws.client as ws_client
import pytest
from conftest import FrozenClock
from fakes.feishu_open import FakeFeishu, answer_data
from feishu_cards import assert_valid, button, texts
from feishu_harness import APP_ID, APP_SECRET, FeishuDriver, start_feishu
from sqlalchemy import Engine

from kam_bot.adapters.feishu.ws import Runner
from kam_bot.bootstrap import App

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
async def feishu(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock
) -> AsyncIterator[FeishuDriver]:
    clock.now = MONDAY
    driver = await start_feishu(sqlite_engine, make_app, clock, mode="websocket")
    yield driver
    await driver.close()


async def test_the_client_fetches_its_endpoint_and_pings(feishu: FeishuDriver) -> None:
    assert [c.path for c in feishu.fake.calls][:1] == ["/callback/ws/endpoint"]
    await feishu.say("help")  # a frame answered after the client's first ping on the same socket
    assert feishu.fake.pings >= 1
    assert feishu.bot.routes() == []  # no public URL in this mode


@pytest.mark.parametrize("kind", ["card", "event"])
async def test_a_card_button_is_answered_over_the_long_connection(feishu: FeishuDriver, kind: str) -> None:
    posted = await feishu.say("promise Baosteel send samples by 2026-11-27")
    event = feishu.card_event(posted, button(posted.card, "promise.cancel"))
    answered = await feishu.fake.push(event, kind)
    assert answered["answer"]["code"] == 200 and "biz_rt" in answered["headers"]
    card = answer_data(answered)["card"]["data"]
    assert_valid(card)
    assert "撤销" in texts(card) or "取消" in texts(card)


async def test_a_callback_split_over_frames_is_put_together(feishu: FeishuDriver) -> None:
    posted = await feishu.say("help")
    answered = await feishu.fake.push(feishu.card_event(posted, {"action": "nothing.here"}), "card", parts=3)
    assert "过期" in texts(answer_data(answered)["card"]["data"])  # answered: this card is out of date


async def test_the_sdk_client_alone_drops_card_frames(feishu: FeishuDriver) -> None:
    """Why ``LongConnection`` exists: the same dispatcher behind the SDK's own client."""
    posted = await feishu.say("promise Baosteel send samples by 2026-11-27")
    other = FakeFeishu(APP_ID, APP_SECRET).start()
    plain = lark.ws.Client(APP_ID, APP_SECRET, event_handler=feishu.bot.dispatcher, domain=other.url)
    ours = ws_client.loop  # the SDK keeps one loop per process (a module global): one client at a time
    runner = Runner(plain)
    runner.start()
    try:
        assert await asyncio.to_thread(other.wait_connected)
        card = other.push_nowait(feishu.card_event(posted, button(posted.card, "promise.cancel")), "card")
        event = await other.push(feishu.message_event("help"), "event")  # frames are read in order
        assert event["answer"]["code"] == 200
        assert not card.done()  # the card frame was read first and never answered
    finally:
        await asyncio.to_thread(runner.stop)
        other.stop()
        ws_client.loop = ours
