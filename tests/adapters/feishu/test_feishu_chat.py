"""The bot in a 1:1 chat, over HTTP event subscription and over the long connection: every
request verified, each event answered once, typed lines answered in the person's language."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest
from conftest import FrozenClock
from feishu_harness import NEWBIE, RITA, FeishuDriver, start_feishu
from sqlalchemy import Engine

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def texts(card: dict[str, object]) -> str:
    return json.dumps(card, ensure_ascii=False)


@pytest.fixture(params=["http", "websocket"])
async def feishu(
    request: pytest.FixtureRequest,
    sqlite_engine: Engine,
    make_app: Callable[[Engine], App],
    clock: FrozenClock,
) -> AsyncIterator[FeishuDriver]:
    clock.now = MONDAY
    driver = await start_feishu(sqlite_engine, make_app, clock, mode=request.param)
    yield driver
    await driver.close()


async def test_help_is_answered_in_chinese_by_default(feishu: FeishuDriver) -> None:
    posted = await feishu.say("help")
    assert posted.chat_id == feishu.fake.chat_of(RITA["open_id"]) and posted.msg_type == "interactive"
    assert "可用命令" in texts(posted.card) and "拜访" in texts(posted.card)
    rita = feishu.app.users.by_identity("feishu", RITA["open_id"])
    assert rita is not None and rita.id == feishu.seed.rep.id  # linked by the contact API's email
    assert rita.locale is Locale.ZH_HANS and rita.timezone == "Asia/Shanghai"


async def test_a_stranger_is_met_without_an_email(feishu: FeishuDriver) -> None:
    await feishu.say("help", person=NEWBIE)
    nina = feishu.app.users.by_identity("feishu", NEWBIE["open_id"])
    assert nina is not None and nina.email is None and nina.id != feishu.seed.rep.id


async def test_the_same_event_twice_is_answered_once(feishu: FeishuDriver) -> None:
    event = feishu.message_event("help")
    await feishu.deliver(event)
    await feishu.deliver(event)
    assert len(feishu.fake.sent()) == 1


async def test_a_card_button_brings_the_persons_time_zone(feishu: FeishuDriver) -> None:
    posted = await feishu.say("help")
    event = feishu.card_event(posted, {"action": "nothing.here"})
    event["event"]["action"]["timezone"] = "Europe/Berlin"
    await feishu.deliver(event)
    rita = feishu.app.users.get(feishu.seed.rep.id)
    assert rita.timezone == "Europe/Berlin"
    feishu.app.users.update_settings(rita, timezone="Asia/Tokyo")  # her own choice stays
    await feishu.deliver(feishu.card_event(posted, {"action": "nothing.here"}))
    assert feishu.app.users.get(rita.id).timezone == "Asia/Tokyo"


async def test_a_picture_is_answered_with_what_the_bot_reads(feishu: FeishuDriver) -> None:
    posted = await feishu.say("help")  # met first
    await feishu.deliver(feishu.message_event("", kind="image"))
    [_, answer] = feishu.fake.sent(posted.chat_id)
    assert "只能读取文字" in texts(answer.card)


async def test_added_to_a_group_the_bot_says_how_to_get_the_digest_there(feishu: FeishuDriver) -> None:
    event = {
        "schema": "2.0",
        "header": feishu.header("im.chat.member.bot.added_v1"),
        "event": {"chat_id": "oc_new_group", "operator_id": {"open_id": RITA["open_id"]}, "name": "Sales"},
    }
    await feishu.deliver(event)
    [said] = feishu.fake.sent("oc_new_group")
    assert "digest" in texts(said.card) and "团队名" in texts(said.card)


async def test_a_reply_waits_out_feishus_rate_limit(feishu: FeishuDriver) -> None:
    feishu.fake.limit_next("/open-apis/im/v1/messages", times=1, reset=3)
    posted = await feishu.say("help")
    assert "可用命令" in texts(posted.card) and feishu.waits == [3.0]
