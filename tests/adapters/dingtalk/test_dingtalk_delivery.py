"""Proactive messages through the outbox: reminders as robot 1:1 messages whose Done works,
the digest in a group with its charts, and DingTalk's answers (throttling inside a 200,
unknown users, a refused token, 429 and 5xx) turned into the outbox's retries and deaths."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from conftest import FrozenClock
from dingtalk_harness import GROUP, DingTalkDriver, Said, start_dingtalk
from sqlalchemy import Engine, select

from kam_bot.adapters.dingtalk import INVALID_USER
from kam_bot.adapters.dingtalk.api import OpenApi
from kam_bot.adapters.dingtalk.delivery import DingTalkDeliverer
from kam_bot.adapters.dingtalk.platform import REGISTRATION
from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import Locale, PromiseDirection, PromiseStatus
from kam_bot.handlers.replies import Reply
from kam_bot.jobs.delivery import Outgoing, PermanentError, RateLimitedError, TransientError
from kam_bot.jobs.notifications import ChartSpec
from kam_bot.jobs.planning import week_start
from kam_bot.jobs.scheduler import decide_digest, reminder_tick
from kam_bot.jobs.sender import Sender
from kam_bot.store.tables import OutboxRow

BATCH = "/v1.0/robot/oToMessages/batchSend"
GROUP_SEND = "/v1.0/robot/groupMessages/send"


@pytest.fixture
async def ding(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock
) -> AsyncIterator[DingTalkDriver]:
    async with start_dingtalk(sqlite_engine, make_app, clock) as driver:
        yield driver


async def no_checkpoint(ref: str) -> None:
    pass


def outgoing(recipient: str, kind: str = "daily", *charts: ChartSpec) -> Outgoing:
    reply = Reply.text("Promise due today: send the quote", title="Your day")
    return Outgoing(kind=kind, recipient=recipient, reply=reply, locale=Locale.EN, charts=charts)


def deliverer(ding: DingTalkDriver) -> DingTalkDeliverer:
    return ding.platform.deliverer


async def test_the_reminder_arrives_and_done_marks_the_promise(ding: DingTalkDriver) -> None:
    said = await ding.say("承诺 宝钢 给王磊打电话 今天")
    await ding.press(said.buttons["保存"])
    assert reminder_tick(ding.app.jobs_context, ding.clock.now, "t").queued >= 1
    await Sender(ding.app.jobs_context, {"dingtalk": deliverer(ding)}, instance="t").run_once()
    [dm] = ding.fake.sent(BATCH)
    assert dm.body["userIds"] == ["ding-rita"] and dm.body["msgKey"] == "sampleMarkdown"
    assert dm.token and "给王磊打电话" in dm.text
    [done] = [line for line in Said(dm).buttons.values() if line.startswith("done ")]
    answer = await ding.press(done)
    assert answer.text.startswith("已完成") or "完成" in answer.text, answer.text
    promise = ding.app.promises.get(ding.seed.rep, int(done.split()[1]))
    assert promise.status is PromiseStatus.DONE


async def test_the_digest_goes_to_the_group_with_its_charts(ding: DingTalkDriver) -> None:
    said = await ding.say("digest Steel East", user="ding-ada", group=GROUP)
    assert "Steel East" in said.text
    [team] = [t for t in ding.app.users.teams() if t.id == ding.seed.team.id]
    assert team.digest_destinations["dingtalk"] == GROUP
    assert decide_digest(ding.app.jobs_context, team, week_start(ding.clock.now.date()), ding.clock.now)
    sender = Sender(ding.app.jobs_context, {"dingtalk": deliverer(ding)})
    await sender.run_once()
    [posted] = ding.fake.sent(GROUP_SEND)
    uploads = ding.fake.sent("/media/upload")
    assert posted.body["openConversationId"] == GROUP and uploads
    assert all(f"]({u.body['media_id']})" in posted.text for u in uploads)  # shown as ![](mediaId)
    assert "Steel East" in posted.param["title"] + posted.text


async def test_a_group_message_other_than_digest_says_what_the_group_takes(ding: DingTalkDriver) -> None:
    said = await ding.say("visit Baosteel", user="ding-ada", group=GROUP)
    assert "digest" in said.text
    assert ding.app.users.teams()[0].digest_destinations.get("dingtalk") != GROUP


async def test_throttling_inside_a_200_is_a_rate_limit_not_a_success(ding: DingTalkDriver) -> None:
    ding.fake.per_minute = 1
    await deliverer(ding).deliver(outgoing("ding-rita"), no_checkpoint)
    with pytest.raises(RateLimitedError) as err:
        await deliverer(ding).deliver(outgoing("ding-rita"), no_checkpoint)
    assert err.value.nothing_posted and err.value.retry_after > 0


async def test_an_unknown_user_is_dead_and_then_listed_as_unreachable(ding: DingTalkDriver) -> None:
    with pytest.raises(PermanentError) as err:
        await deliverer(ding).deliver(outgoing("ding-left-the-company"), no_checkpoint)
    assert err.value.reason == INVALID_USER
    assert not REGISTRATION.reachable(ding.app.conversation_refs, "ding-left-the-company")
    assert REGISTRATION.reachable(ding.app.conversation_refs, "ding-rita")


async def test_a_union_id_from_users_csv_reaches_the_user_id_after_first_contact(
    ding: DingTalkDriver,
) -> None:
    from kam_bot.services.users import PlatformProfile

    nina = ding.app.users.ensure(
        PlatformProfile(platform="dingtalk", external_id="union-nina", display_name="Nina")
    )
    await ding.say("帮助", user="ding-nina")  # her profile's unionid is the imported id
    assert ding.app.users.by_identity("dingtalk", "union-nina") == ding.app.users.get(nina.id)
    await deliverer(ding).deliver(outgoing("union-nina"), no_checkpoint)
    assert ding.fake.sent(BATCH)[-1].body["userIds"] == ["ding-nina"]
    await ding.say("今天", user="ding-nina")  # known now: no second contacts look-up
    assert len(ding.fake.sent("/topapi/v2/user/get")) == 1


async def test_a_refused_token_is_replaced_once(ding: DingTalkDriver) -> None:
    await deliverer(ding).deliver(outgoing("ding-rita"), no_checkpoint)
    ding.fake.revoke_tokens()  # DingTalk answers 400 InvalidAuthentication
    await deliverer(ding).deliver(outgoing("ding-rita"), no_checkpoint)
    assert len(ding.fake.sent(BATCH)) == 2 and ding.fake.tokens_issued == 2


async def test_the_token_is_renewed_five_minutes_before_it_expires(ding: DingTalkDriver) -> None:
    now = [1000.0]
    api = OpenApi(ding.platform.settings, now=lambda: now[0])
    first = await api.token()
    now[0] += 7200 - 301
    assert await api.token() == first
    now[0] += 2
    assert await api.token() != first and ding.fake.tokens_issued == 2
    await api.close()


@pytest.mark.parametrize(
    ("status", "body", "headers", "error"),
    [
        (429, {"code": "Throttling.Api", "message": "too many"}, {"Retry-After": "7"}, RateLimitedError),
        (502, {"code": "ServiceUnavailable"}, {}, TransientError),
        (400, {"code": "invalidParameter", "message": "robotCode"}, {}, PermanentError),
    ],
)
async def test_error_answers_map_to_the_outbox(
    ding: DingTalkDriver, status: int, body: dict[str, str], headers: dict[str, str], error: type[Exception]
) -> None:
    ding.fake.fail_next(BATCH, status, body, headers)
    with pytest.raises(error) as err:
        await deliverer(ding).deliver(outgoing("ding-rita"), no_checkpoint)
    if isinstance(err.value, RateLimitedError):
        assert err.value.retry_after == 7


async def test_a_digest_to_a_group_the_robot_left_dies_and_the_sender_marks_it(ding: DingTalkDriver) -> None:
    with pytest.raises(PermanentError) as err:
        await deliverer(ding).deliver(outgoing("cidGone==", "digest"), no_checkpoint)
    assert "resource.not.found" in err.value.reason


async def test_the_outbox_row_of_an_unknown_user_is_dead_with_the_reason(ding: DingTalkDriver) -> None:
    app, seed = ding.app, ding.seed
    with app.uow() as uow:
        uow.repo.link_identity(seed.teammate.id, "dingtalk", "ding-left")
        uow.repo.add(
            m.Promise,
            account_id=seed.cosco.id,
            owner_id=seed.teammate.id,
            direction=PromiseDirection.OURS,
            text="send the contract",
            due_date=ding.clock.now.date(),
            created_at=ding.clock.now - timedelta(days=3),
        )
        uow.commit()
    ding.clock.now = ding.clock.now.replace(hour=8)  # 08:30 where Tom lives (UTC)
    reminder_tick(app.jobs_context, ding.clock.now, "t")
    await Sender(app.jobs_context, {"dingtalk": deliverer(ding)}, instance="t").run_once()
    with app.uow() as uow:
        rows = uow.repo.session.scalars(select(OutboxRow).where(OutboxRow.platform == "dingtalk")).all()
        outcome = [(r.recipient, r.status, r.last_error) for r in rows]
    assert ("ding-left", "dead", INVALID_USER) in outcome


async def test_only_an_admin_points_a_teams_digest_at_a_group(ding: DingTalkDriver) -> None:
    said = await ding.say("digest Steel East", group=GROUP)  # Rita is a rep
    [team] = [t for t in ding.app.users.teams() if t.id == ding.seed.team.id]
    assert "dingtalk" not in team.digest_destinations
    assert "管理员" in said.text, said.text  # refused in her language, saying who may
    unknown = await ding.say("digest Nowhere", user="ding-ada", group=GROUP)
    assert "Nowhere" in unknown.text and "Steel East" in unknown.text
