"""Proactive cards through the outbox: the reminder DM whose Done / Snooze update it in place,
the weekly digest in the group an admin chose (its chart uploaded as an image), Feishu's rate
limit and a revoked token, and a send repeated after a lost answer posting nothing new."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest
from conftest import FrozenClock
from feishu_cards import assert_valid, buttons, texts, walk
from feishu_harness import ADA, GROUP, RITA, FeishuDriver, start_feishu
from sqlalchemy import Engine

from kam_bot.adapters.feishu.delivery import FeishuDeliverer
from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale, PromiseStatus
from kam_bot.handlers.replies import Reply
from kam_bot.jobs.delivery import Outgoing, PermanentError, RateLimitedError
from kam_bot.jobs.planning import week_start
from kam_bot.jobs.scheduler import decide_digest, reminder_tick
from kam_bot.jobs.sender import Sender
from kam_bot.services.transfer import import_csv

MONDAY_MORNING = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai


@pytest.fixture(params=["http", "websocket"])
async def feishu(
    request: pytest.FixtureRequest,
    sqlite_engine: Engine,
    make_app: Callable[[Engine], App],
    clock: FrozenClock,
) -> AsyncIterator[FeishuDriver]:
    clock.now = MONDAY_MORNING
    driver = await start_feishu(sqlite_engine, make_app, clock, mode=request.param)
    yield driver
    await driver.close()


async def send_outbox(feishu: FeishuDriver) -> None:
    sender = Sender(feishu.app.jobs_context, {"feishu": feishu.bot.deliverer}, instance="feishu-test")
    await sender.run_once()


async def test_the_reminder_card_arrives_and_done_updates_it_in_place(feishu: FeishuDriver) -> None:
    await feishu.say("promise Baosteel call Wang Lei by today")
    await feishu.say("promise Baosteel send samples by today")
    assert reminder_tick(feishu.app.jobs_context, feishu.clock.now, "t").queued >= 1
    await send_outbox(feishu)
    [dm] = [m for m in feishu.fake.sent() if m.receive_id == RITA["open_id"]]
    assert_valid(dm.card) and "call Wang Lei" in texts(dm.card)
    done = next(b for b in buttons(dm.card) if b["action"] == "promise.done")
    shown = await feishu.press(dm, {"action": "promise.done", "value": done["value"]})
    assert_valid(shown)
    assert "✅ Rita Rep 已完成" in texts(shown) and "send samples" in texts(shown)  # only its row changed
    promise = feishu.app.promises.get(feishu.seed.rep, int(done["value"]))
    assert promise.status is PromiseStatus.DONE
    snooze = next(b for b in buttons(shown) if b["action"] == "promise.snooze_3")
    again = await feishu.press(dm, {"action": "promise.snooze_3", "value": snooze["value"]})
    assert "已推迟到" in texts(again) and "✅ Rita Rep 已完成" in texts(again)


async def test_the_digest_goes_to_the_group_with_its_chart(feishu: FeishuDriver) -> None:
    await feishu.say("help", person=ADA)
    said = await feishu.say("digest Steel East", person=ADA, chat_type="group")
    assert said.chat_id == GROUP and "Steel East" in texts(said.card)
    [team] = [t for t in feishu.app.users.teams() if t.id == feishu.seed.team.id]
    assert team.digest_destinations["feishu"] == GROUP
    assert decide_digest(feishu.app.jobs_context, team, week_start(feishu.clock.now.date()), feishu.clock.now)
    await send_outbox(feishu)
    [_, digest] = feishu.fake.sent(GROUP)
    assert "Steel East" in texts(digest.card)
    assert_valid(digest.card)
    images = [e["img_key"] for e in walk(digest.card["body"]) if e["tag"] == "img"]
    assert images and all(feishu.fake.images[key].startswith(b"\x89PNG") for key in images)


async def test_in_a_group_only_the_digest_command_is_taken(feishu: FeishuDriver) -> None:
    said = await feishu.say("visit Baosteel met Wang Lei", chat_type="group")
    assert "单聊" in texts(said.card) and "digest" in texts(said.card)


def reminder(recipient: str, key: str = "k1") -> Outgoing:
    return Outgoing(
        kind="reminder", recipient=recipient, reply=Reply.text("call Wang Lei"), locale=Locale.EN, key=key
    )


async def _checkpoint(ref: str) -> None:
    return None


async def test_rate_limit_and_a_revoked_token(feishu: FeishuDriver) -> None:
    deliverer = FeishuDeliverer(feishu.bot)
    feishu.fake.limit_next("/open-apis/im/v1/messages", reset=7)
    with pytest.raises(RateLimitedError) as limited:
        await deliverer.deliver(reminder(RITA["open_id"]), _checkpoint)
    assert limited.value.retry_after == 7 and limited.value.nothing_posted
    feishu.fake.revoke_tokens()
    tokens = feishu.fake.token_requests
    assert await deliverer.deliver(reminder(RITA["open_id"]), _checkpoint)
    assert feishu.fake.token_requests == tokens + 1  # one new token, then the send went through
    with pytest.raises(PermanentError):
        await deliverer.deliver(reminder(""), _checkpoint)


async def test_a_send_repeated_after_a_lost_answer_posts_once(feishu: FeishuDriver) -> None:
    deliverer = FeishuDeliverer(feishu.bot)
    first = await deliverer.deliver(reminder(RITA["open_id"], key="outbox-42"), _checkpoint)
    second = await deliverer.deliver(reminder(RITA["open_id"], key="outbox-42"), _checkpoint)
    assert first == second and len(feishu.fake.sent(RITA["open_id"])) == 1


async def test_an_imported_user_id_is_recognised_and_written_to_by_it(feishu: FeishuDriver) -> None:
    """users.csv's feishu_id may hold a user_id (per tenant): the sender carries it too."""
    nina = {"open_id": "ou_nina", "union_id": "on_nina", "user_id": "nina01", "name": "Nina"}
    users = "email,display_name,role,team,feishu_id\nnina@example.com,Nina Rep,rep,Steel East,nina01\n"
    assert import_csv(feishu.app, "users", io.StringIO(users), actor=feishu.seed.admin).errors == []
    imported = feishu.app.users.by_identity("feishu", "nina01")
    assert imported is not None
    await feishu.say("help", person=nina)  # the contact API does not know her: the id links her
    assert feishu.app.users.by_identity("feishu", "nina01") == feishu.app.users.get(imported.id)
    assert feishu.app.users.by_identity("feishu", "ou_nina") is None  # no second person made
    await FeishuDeliverer(feishu.bot).deliver(reminder("nina01", key="nina-1"), _checkpoint)
    sent = [c for c in feishu.fake.calls if c.path == "/open-apis/im/v1/messages" and c.method == "POST"]
    assert sent[-1].query["receive_id_type"] == "user_id"
