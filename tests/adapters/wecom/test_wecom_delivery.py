"""The outbox in WeCom: the morning reminder as text and cards, Done from the card (which then
says so), the weekly digest in the team's group with its charts, and WeCom's limits and token
answers: nothing lost, nothing sent twice."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest
from conftest import FrozenClock
from sqlalchemy import Engine
from wecom_harness import ADA, RITA, WecomDriver, start_wecom

from kam_bot.adapters.wecom.delivery import WecomDeliverer
from kam_bot.bootstrap import App
from kam_bot.domain.enums import PromiseStatus
from kam_bot.jobs.planning import week_start
from kam_bot.jobs.scheduler import decide_digest, reminder_tick
from kam_bot.jobs.sender import Sender

TUESDAY_0830_SHANGHAI = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)


@pytest.fixture
async def wecom(sqlite_engine: Engine, make_app: Callable[[Engine], App]) -> AsyncIterator[WecomDriver]:
    driver = await start_wecom(sqlite_engine, make_app)
    yield driver
    await driver.close()


async def promise_due(wecom: WecomDriver, what: str = "call Wang Lei") -> None:
    await wecom.say("settings lang en")
    sent = await wecom.say(f"promise Baosteel {what} by today")
    await wecom.press(sent[-1], "draft.save|yes")


def sender(wecom: WecomDriver) -> Sender:
    deliverer = WecomDeliverer(wecom.bot)  # the digest's charts drawn for real
    return Sender(wecom.app.jobs_context, {"wecom": deliverer}, instance="test")


async def test_the_reminder_arrives_and_done_updates_its_card(wecom: WecomDriver, clock: FrozenClock) -> None:
    await promise_due(wecom)
    clock.now = TUESDAY_0830_SHANGHAI
    assert reminder_tick(wecom.app.jobs_context, clock.now, "t").queued == 1
    before = len(wecom.fake.to(RITA))
    stats = await sender(wecom).run_once()
    assert stats.sent == 1
    reminder = wecom.fake.to(RITA)[before:]
    assert "call Wang Lei" in reminder[0].text
    card = next(s for s in reminder if s.msgtype == "template_card")
    done = next(b["key"] for b in card.buttons if b["key"].startswith("promise.done|"))
    follow_up = await wecom.press(card, done)
    assert card.updated == "✅ Done" and follow_up == []
    promise = wecom.app.promises.get(wecom.seed.rep, int(done.partition("|")[2]))
    assert promise.status is PromiseStatus.DONE


async def test_a_45009_answer_is_reported_and_sent_later_never_lost(
    wecom: WecomDriver, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    await promise_due(wecom)
    clock.now = TUESDAY_0830_SHANGHAI
    reminder_tick(wecom.app.jobs_context, clock.now, "t")
    before = len(wecom.fake.to(RITA))
    wecom.fake.fail_next(45009)
    first = await sender(wecom).run_once()
    assert first.rate_limited == 1 and first.sent == 0 and len(wecom.fake.to(RITA)) == before
    assert any("WeCom answered 45009" in r.getMessage() for r in caplog.records)
    [row] = [r for r in wecom.app.jobs.outbox_entries() if r.platform == "wecom"]
    assert row.last_error == "wecom_45009" and row.attempts == 0
    clock.advance(seconds=61)
    again = await sender(wecom).run_once()
    assert again.sent == 1 and "call Wang Lei" in wecom.fake.to(RITA)[before].text


async def test_the_per_member_limit_is_kept_on_our_side(wecom: WecomDriver) -> None:
    """WeCom drops the 31st message of a minute to one member without an error: the bot never sends it."""
    for _ in range(30):
        wecom.bot.quota.reserve(RITA, 1)
    deliverer = WecomDeliverer(wecom.bot)
    from kam_bot.handlers.replies import Reply
    from kam_bot.jobs.delivery import Outgoing, RateLimitedError

    message = Outgoing(kind="daily", recipient=RITA, reply=Reply.text("hello"), locale=wecom.seed.rep.locale)
    with pytest.raises(RateLimitedError) as limited:
        await deliverer.deliver(message, lambda ref: _noop())
    assert limited.value.reason == "wecom_send_limit" and 0 < limited.value.retry_after <= 60
    assert limited.value.nothing_posted and not any(s.dropped for s in wecom.fake.sent)


async def _noop() -> None:
    return None


async def test_an_expired_or_revoked_token_is_fetched_again_once(wecom: WecomDriver) -> None:
    await wecom.say("help")
    issued = wecom.fake.tokens_issued
    wecom.fake.expire_tokens()  # 42001
    await wecom.say("help")
    wecom.fake.revoke_tokens()  # 40014
    [answer] = await wecom.say("promises")
    assert wecom.fake.tokens_issued == issued + 2 and answer.text


async def test_the_digest_goes_to_the_teams_group_with_its_charts(
    wecom: WecomDriver, clock: FrozenClock
) -> None:
    await wecom.say("digest Steel East group", userid=ADA)
    [chatid] = wecom.fake.chats
    team = next(t for t in wecom.app.users.teams() if t.name == "Steel East")
    clock.now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
    assert decide_digest(wecom.app.jobs_context, team, week_start(clock.now.date()), clock.now)
    stats = await sender(wecom).run_once()
    assert stats.sent == 1
    posted = wecom.fake.to(chatid)[1:]  # after the group's hello
    texts = [p.text for p in posted if p.msgtype == "text"]
    images = [p for p in posted if p.msgtype == "image"]
    assert "Steel East" in texts[0] and images
    assert all(wecom.fake.media[i.content["media_id"]].startswith(b"\x89PNG") for i in images)
    assert all(len(t.encode()) <= 2048 for t in texts) and not any(p.truncated for p in posted)


async def test_a_member_outside_the_visible_range_is_dead_with_the_reason(
    wecom: WecomDriver, clock: FrozenClock
) -> None:
    await promise_due(wecom)
    del wecom.fake.members[RITA]  # the admin narrowed the app's visible range
    clock.now = TUESDAY_0830_SHANGHAI
    reminder_tick(wecom.app.jobs_context, clock.now, "t")
    stats = await sender(wecom).run_once()
    assert stats.dead == 1
    [row] = [r for r in wecom.app.jobs.outbox_entries() if r.platform == "wecom"]
    assert row.status == "dead" and row.last_error == "wecom_81013"


async def test_snooze_and_open_from_the_reminder_card(wecom: WecomDriver, clock: FrozenClock) -> None:
    await promise_due(wecom)
    clock.now = TUESDAY_0830_SHANGHAI
    reminder_tick(wecom.app.jobs_context, clock.now, "t")
    before = len(wecom.fake.to(RITA))
    await sender(wecom).run_once()
    card = next(s for s in wecom.fake.to(RITA)[before:] if s.msgtype == "template_card")
    open_key = next(b["key"] for b in card.buttons if b["key"].startswith("account.open|"))
    opened = await wecom.press(card, open_key)
    assert card.updated == "Opened below" and "Baoshan Iron & Steel" in opened[0].text
    snooze = next(b["key"] for b in card.buttons if b["key"].startswith("promise.snooze_3|"))
    assert await wecom.press(card, snooze) == []
    assert card.updated == "⏰ Until Fri 27 Nov 2026"
    promise = wecom.app.promises.get(wecom.seed.rep, int(snooze.partition("|")[2]))
    assert promise.status is PromiseStatus.OPEN and str(promise.snoozed_until) == "2026-11-27"


async def test_the_digest_through_a_group_robots_webhook(wecom: WecomDriver, clock: FrozenClock) -> None:
    wecom.fake.webhooks.add("robot-key-1234")
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=robot-key-1234"
    [bad] = await wecom.say("digest Steel East https://example.com/not-a-robot", userid=ADA)
    assert bad.text.startswith("⚠️") and "webhook/send?key=KEY" in bad.text
    [set_] = await wecom.say(f"digest Steel East {url}", userid=ADA)
    assert "Steel East" in set_.text
    team = next(t for t in wecom.app.users.teams() if t.name == "Steel East")
    assert team.digest_destinations["wecom"] == "webhook:robot-key-1234"  # the key, never the URL's host
    clock.now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    decide_digest(wecom.app.jobs_context, team, week_start(clock.now.date()), clock.now)
    assert (await sender(wecom).run_once()).sent == 1
    posted = wecom.fake.to("webhook:robot-key-1234")
    assert "Steel East" in posted[0].text
    images = [p for p in posted if p.msgtype == "image"]
    assert images and all(len(i.content["md5"]) == 32 and i.content["base64"] for i in images)
