"""Proactive cards through the outbox: reminders, digests with their charts, retries, buttons in place."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from card_schema import assert_valid_card, buttons, texts
from conftest import FrozenClock
from fakes.teams_api import MAX_MESSAGE_BYTES, b64, message_bytes
from sqlalchemy import Engine, select
from teams_harness import NEWBIE, RITA, TeamsDriver, start_teams

from kam_bot.adapters.teams.delivery import MAX_CHART_BYTES, TeamsDeliverer
from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import Locale, PromiseDirection, PromiseStatus
from kam_bot.handlers.render import promise_actions, promise_line
from kam_bot.handlers.replies import Reply, Section
from kam_bot.jobs.delivery import Outgoing, PermanentError, RateLimitedError, TransientError
from kam_bot.jobs.notifications import ChartSpec
from kam_bot.jobs.scheduler import reminder_tick
from kam_bot.jobs.sender import Sender
from kam_bot.store.tables import OutboxRow


@pytest.fixture
async def teams(sqlite_engine: Engine, make_app: Callable[[Engine], App]) -> AsyncIterator[TeamsDriver]:
    driver = await start_teams(sqlite_engine, make_app)
    yield driver
    await driver.close()


async def no_checkpoint(ref: str) -> None:
    pass


def outgoing(recipient: str, reply: Reply | None = None, *charts: ChartSpec) -> Outgoing:
    reply = reply or Reply.text("Promise due today: send the quote", title="Your day")
    return Outgoing(kind="daily", recipient=recipient, reply=reply, locale=Locale.EN, charts=charts)


async def test_no_stored_conversation_is_a_permanent_error_named_for_the_outbox(teams: TeamsDriver) -> None:
    deliverer = TeamsDeliverer(teams.bot)
    with pytest.raises(PermanentError) as err:
        await deliverer.deliver(outgoing("aad-never-wrote"), no_checkpoint)
    assert err.value.reason == "no_teams_conversation"
    assert teams.fake.calls == []


async def test_a_card_goes_to_the_stored_personal_chat(teams: TeamsDriver) -> None:
    await teams.say("help")
    teams.fake.clear()
    ref = await TeamsDeliverer(teams.bot).deliver(outgoing(RITA["aadObjectId"]), no_checkpoint)
    [call] = teams.fake.sent("POST")
    assert call.conversation == "a:chat-aad-rita" and ref == call.activity_id
    assert call.headers.get("Authorization", "").startswith("Bearer ")
    assert_valid_card(call.card)
    assert "send the quote" in "\n".join(texts(call.card))


async def test_429_is_retried_after_retry_after_then_sent_once(teams: TeamsDriver) -> None:
    await teams.say("help")
    teams.fake.clear()
    teams.fake.fail_next(429, retry_after=2)
    await TeamsDeliverer(teams.bot).deliver(outgoing(RITA["aadObjectId"]), no_checkpoint)
    assert [c.status for c in teams.fake.calls] == [429, 200]
    assert teams.waits == [2.0]


async def test_transient_errors_back_off_with_jitter_then_give_up_to_the_outbox(teams: TeamsDriver) -> None:
    await teams.say("help")
    teams.fake.clear()
    teams.fake.fail_next(502, times=2)
    teams.fake.fail_next(504, times=1)
    await TeamsDeliverer(teams.bot).deliver(outgoing(RITA["aadObjectId"]), no_checkpoint)
    assert [c.status for c in teams.fake.calls] == [502, 502, 504, 200]
    assert len(teams.waits) == 3
    assert all(0 <= w <= cap for w, cap in zip(teams.waits, [0.5, 1.0, 2.0], strict=True))
    teams.fake.clear()
    teams.waits.clear()
    teams.fake.fail_next(502, times=10)
    with pytest.raises(TransientError):
        await TeamsDeliverer(teams.bot).deliver(outgoing(RITA["aadObjectId"]), no_checkpoint)
    assert len(teams.fake.calls) == teams.bot.retry.attempts


async def test_a_long_retry_after_is_left_to_the_outbox(teams: TeamsDriver) -> None:
    await teams.say("help")
    teams.fake.clear()
    teams.fake.fail_next(429, retry_after=120)
    with pytest.raises(RateLimitedError) as err:
        await TeamsDeliverer(teams.bot).deliver(outgoing(RITA["aadObjectId"]), no_checkpoint)
    assert err.value.retry_after == 120
    assert len(teams.fake.calls) == 1


async def test_forbidden_means_the_app_was_removed_a_permanent_error(teams: TeamsDriver) -> None:
    await teams.say("help")
    teams.fake.clear()
    teams.fake.fail_next(403)
    with pytest.raises(PermanentError) as err:
        await TeamsDeliverer(teams.bot).deliver(outgoing(RITA["aadObjectId"]), no_checkpoint)
    assert err.value.reason == "teams_forbidden_403"


async def test_an_answer_that_is_not_json_is_transient_not_a_crash(teams: TeamsDriver) -> None:
    """A proxy's page where the Bot Connector's JSON should be: the post may have landed, so
    it is retried as transient (the outbox records it), never an unexpected error."""
    await teams.say("help")
    teams.fake.clear()
    teams.fake.odd_answer_next(200)
    with pytest.raises(TransientError) as err:
        await TeamsDeliverer(teams.bot).deliver(outgoing(RITA["aadObjectId"]), no_checkpoint)
    assert err.value.reason == "unreadable_answer"
    assert not err.value.nothing_posted


def week_chart(title: str, reps: int = 8) -> ChartSpec:
    return ChartSpec(
        title=title,
        filename=f"{title}.png",
        labels=[f"W{n}" for n in range(40, 48)],
        series={f"Rep {i}": [(i * w) % 7 for w in range(8)] for i in range(reps)},
    )


async def test_every_digest_chart_rides_along_as_an_inline_png_of_the_one_message(
    teams: TeamsDriver,
) -> None:
    await teams.say("help")
    teams.fake.clear()
    charts = [week_chart(f"chart {n}") for n in range(4)]
    digest = Reply.text(*[f"Rep {i}: {i} visits" for i in range(30)], title="Weekly digest")
    await TeamsDeliverer(teams.bot).deliver(outgoing(RITA["aadObjectId"], digest, *charts), no_checkpoint)
    [call] = teams.fake.sent("POST")
    assert_valid_card(call.card)
    images = [a for a in call.attachments if a["contentType"] == "image/png"]
    assert [a["name"] for a in images] == [c.filename for c in charts]
    for image in images:
        png = base64.b64decode(image["contentUrl"].split(",", 1)[1])
        assert png.startswith(b"\x89PNG") and len(png) <= MAX_CHART_BYTES
    assert message_bytes(call.body) < MAX_MESSAGE_BYTES


@pytest.mark.parametrize(
    ("text_chars", "image_bytes", "status"),
    [
        (40_000, 0, 201),  # 80 KB as UTF-16
        (52_000, 0, 413),  # 104 KB as UTF-16: MessageSizeTooBig
        (40_000, 300_000, 201),  # a base64 image does not count toward the limit
    ],
)
async def test_the_fake_connector_refuses_a_message_over_teams_size_limit(
    teams: TeamsDriver, text_chars: int, image_bytes: int, status: int
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * image_bytes
    body = {
        "type": "message",
        "text": "x" * text_chars,
        "attachments": [{"contentType": "image/png", "contentUrl": "data:image/png;base64," + b64(png)}],
    }
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"{teams.fake.url}v3/conversations/c1/activities",
            json=body,
            headers={"Authorization": "Bearer t"},
        )
    assert answer.status_code == status
    if status == 413:
        assert answer.json()["error"]["code"] == "MessageSizeTooBig"


async def test_reminder_planning_and_the_sender_deliver_a_card_whose_done_updates_in_place(
    teams: TeamsDriver, clock: FrozenClock
) -> None:
    await teams.say("help")  # first contact: Rita's Teams identity and chat are known
    app, seed = teams.app, teams.seed
    rita = app.users.get(seed.rep.id)
    assert rita.timezone == "Asia/Shanghai"  # nobody chose her UTC: the Teams client's zone replaced it
    promises = []
    for text in ("send the quote", "call Wang Lei"):
        with app.uow() as uow:
            promises.append(
                uow.repo.add(
                    m.Promise,
                    account_id=seed.baosteel.id,
                    owner_id=rita.id,
                    direction=PromiseDirection.OURS,
                    text=text,
                    due_date=datetime(2026, 11, 24).date(),
                    created_at=clock() - timedelta(days=3),
                )
            )
            uow.commit()
    teams.fake.clear()
    morning = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)  # Tuesday 08:30 in Shanghai, Rita's reminder time
    clock.advance(seconds=(morning - clock()).total_seconds())
    reminder_tick(app.jobs_context, morning, "test")
    stats = await Sender(app.jobs_context, {"teams": TeamsDeliverer(teams.bot)}, instance="test").run_once()
    assert stats.sent == 1
    [call] = teams.fake.sent("POST")
    assert call.conversation == "a:chat-aad-rita"
    card = call.card
    assert_valid_card(card)
    done = [b for b in buttons(card) if b["verb"] == "promise.done"]
    assert len(done) == 2
    assert call.activity_id is not None
    response = await teams.press("promise.done", done[0]["data"], call.activity_id)
    updated = response["value"]
    assert_valid_card(updated)
    assert any("Done by Rita Rep" in t for t in texts(updated))
    still = [b for b in buttons(updated) if b["verb"] == "promise.done"]
    assert [b["data"] for b in still] == [done[1]["data"]]  # the other promise keeps its buttons
    first = app.promises.get(rita, int(done[0]["data"]["value"]))
    assert first.status is PromiseStatus.DONE


async def test_someone_who_never_opened_the_bot_is_reported_not_dropped(
    teams: TeamsDriver, clock: FrozenClock
) -> None:
    """A Teams identity without a conversation: the outbox row dies as ``no_teams_conversation``."""
    app, seed = teams.app, teams.seed
    with app.uow() as uow:
        uow.repo.link_identity(seed.teammate.id, "teams", NEWBIE["aadObjectId"])
        uow.repo.add(
            m.Promise,
            account_id=seed.cosco.id,
            owner_id=seed.teammate.id,
            direction=PromiseDirection.OURS,
            text="send the contract",
            due_date=datetime(2026, 11, 24).date(),
            created_at=clock() - timedelta(days=3),
        )
        uow.commit()
    morning = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    clock.advance(seconds=(morning - clock()).total_seconds())
    reminder_tick(app.jobs_context, morning, "test")
    await Sender(app.jobs_context, {"teams": TeamsDeliverer(teams.bot)}, instance="test").run_once()
    with app.uow() as uow:
        rows = uow.repo.session.scalars(select(OutboxRow).where(OutboxRow.platform == "teams")).all()
        outcome = [(r.recipient, r.status, r.last_error) for r in rows]
    assert (NEWBIE["aadObjectId"], "dead", "no_teams_conversation") in outcome
    assert teams.fake.sent("POST") == []


async def test_snooze_updates_in_place_and_open_posts_the_account_card_below(
    teams: TeamsDriver, clock: FrozenClock
) -> None:
    await teams.say("help")
    app, seed = teams.app, teams.seed
    rita = app.users.get(seed.rep.id)
    with app.uow() as uow:
        promise = uow.repo.add(
            m.Promise,
            account_id=seed.baosteel.id,
            owner_id=rita.id,
            direction=PromiseDirection.OURS,
            text="send the quote",
            due_date=datetime(2026, 11, 23).date(),
            created_at=clock() - timedelta(days=3),
        )
        uow.commit()
    reply = Reply(
        title="Your day",
        sections=[
            Section(
                lines=[promise_line(promise, clock().date(), Locale.EN, seed.baosteel)],
                actions=promise_actions(promise, Locale.EN),
            )
        ],
    )
    message_id = await TeamsDeliverer(teams.bot).deliver(outgoing(RITA["aadObjectId"], reply), no_checkpoint)
    assert message_id is not None
    teams.fake.clear()
    opened = await teams.press("account.open", {"value": str(seed.baosteel.id)}, message_id)
    assert [b["verb"] for b in buttons(opened["value"])][:1] == ["promise.done"]  # the card stays as it was
    [posted] = teams.fake.sent("POST")
    assert any("Baoshan Iron & Steel" in t for t in texts(posted.card))
    snoozed = await teams.press("promise.snooze_3", {"value": str(promise.id)}, message_id)
    assert any("Snoozed until Thu 26 Nov 2026 by Rita Rep" in t for t in texts(snoozed["value"]))
    assert buttons(snoozed["value"]) == []
    assert app.promises.get(rita, promise.id).snoozed_until == datetime(2026, 11, 26).date()


async def test_a_weekly_digest_reaches_teams_with_every_chart_in_one_message(teams: TeamsDriver) -> None:
    from kam_bot.jobs.scheduler import digest_notification

    await teams.say("help")
    teams.fake.clear()
    team = teams.app.users.teams()[0]
    now = teams.app.clock()
    note = digest_notification(
        teams.app.jobs_context, team, (now - timedelta(days=now.weekday() + 7)).date(), now
    )
    assert len(note.charts) >= 2
    message = Outgoing(
        kind="digest",
        recipient=RITA["aadObjectId"],
        reply=note.to_reply(),
        locale=note.locale,
        charts=tuple(note.charts),
    )
    await TeamsDeliverer(teams.bot).deliver(message, no_checkpoint)
    [call] = teams.fake.sent("POST")
    images = [a for a in call.attachments if a["contentType"] == "image/png"]
    assert [a["name"] for a in images] == [c.filename for c in note.charts]
    assert all(len(base64.b64decode(a["contentUrl"].split(",", 1)[1])) <= MAX_CHART_BYTES for a in images)
