"""The weekly digest: its figures, what it leaves out, its chart, and how it is posted."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from conftest import FrozenClock
from factories import Seed, add_price_list, add_team, seed_team
from fakes.slack_api import FakeSlack
from jobs_harness import add, slack_fixture, slack_sender, slack_server_fixture  # noqa: F401
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from kam_bot.adapters.slack.outbox_delivery import SlackDeliverer
from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import (
    CompetitorActivity,
    GoalReached,
    Locale,
    Movement,
    PriceKind,
    PromiseDirection,
    PromiseStatus,
    StageKind,
)
from kam_bot.jobs import digest
from kam_bot.jobs.chart import render_png
from kam_bot.jobs.delivery import Outgoing
from kam_bot.jobs.digest_render import build_digest
from kam_bot.jobs.scheduler import decide_digest, digest_tick
from kam_bot.store.tables import OutboxRow

W47 = date(2026, 11, 16)  # Monday; the team lives in Asia/Shanghai (UTC+8)
PNG = b"\x89PNG\r\n\x1a\n"


def sh(day: date, hour: int = 12) -> datetime:
    """Noon (by default) in Shanghai on ``day``, as UTC."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=8)


def w47(weekday: int, hour: int = 12) -> datetime:
    return sh(W47 + timedelta(days=weekday), hour)


@pytest.fixture
def seed(app: App) -> Seed:
    s = seed_team(app)
    bao, sino, cosco = s.baosteel, s.sinopec, s.cosco

    def visit(account: m.Account, rep: m.User, at: datetime, reached: GoalReached | None = None) -> None:
        add(
            app,
            m.Visit,
            account_id=account.id,
            rep_id=rep.id,
            visited_at=at,
            goal_reached=reached,
            created_at=at,
            summary="confidential margin talk",
        )

    for day, reached in ((0, GoalReached.YES), (2, GoalReached.PARTLY), (4, GoalReached.NO)):
        visit(bao, s.rep, w47(day), reached)
    visit(bao, s.rep, w47(-5))  # W46
    visit(cosco, s.teammate, w47(3), GoalReached.YES)
    visit(cosco, s.teammate, w47(-10))  # W45
    visit(s.haier, s.other_rep, w47(1), GoalReached.YES)  # another team
    visit(bao, s.rep, w47(6, 23) + timedelta(hours=2))  # Monday 01:00 Shanghai: next week

    def promise(
        owner: m.User,
        account: m.Account,
        due: date,
        created: datetime,
        direction: str = "ours",
        status: PromiseStatus = PromiseStatus.OPEN,
        done: datetime | None = None,
    ) -> None:
        add(
            app,
            m.Promise,
            account_id=account.id,
            owner_id=owner.id,
            direction=PromiseDirection(direction),
            text="x",
            due_date=due,
            created_at=created,
            status=status,
            done_at=done,
        )

    done = PromiseStatus.DONE
    promise(s.rep, bao, W47 + timedelta(days=1), w47(0), status=done, done=w47(0))  # kept
    promise(s.rep, bao, W47 + timedelta(days=2), w47(0), status=done, done=w47(4))  # late
    promise(s.rep, bao, W47 + timedelta(days=3), w47(-20))  # overdue
    promise(s.rep, bao, W47 + timedelta(days=4), w47(-20), status=PromiseStatus.CANCELLED)
    promise(s.rep, bao, W47 - timedelta(days=6), w47(-20))  # overdue since W46
    promise(s.teammate, cosco, W47 + timedelta(days=5), w47(2), status=done, done=w47(5))  # kept
    promise(s.rep, bao, W47 - timedelta(days=4), w47(-20), direction="theirs")  # customer late
    promise(s.rep, bao, W47 + timedelta(days=9), w47(8))  # made next week

    add(
        app,
        m.StageChange,
        account_id=bao.id,
        kind=StageKind.FUNNEL,
        from_stage="potential",
        to_stage="customer",
        changed_at=w47(2),
    )
    add(
        app,
        m.StageChange,
        account_id=sino.id,
        kind=StageKind.FUNNEL,
        from_stage="target_market",
        to_stage="potential",
        changed_at=w47(-3),
    )
    add_price_list(app, "widget-42", "4.00", "USD", "kg")
    for kind, price, rival in (
        (PriceKind.OUR_INVOICE, "3.60", None),
        (PriceKind.CUSTOMER_PURCHASE, "4.10", None),
        (PriceKind.COMPETITOR, "3.20", "RivalCo"),
    ):
        add(
            app,
            m.PriceObservation,
            account_id=bao.id,
            product="widget-42",
            price=Decimal(price),
            currency="USD",
            unit="kg",
            kind=kind,
            competitor=rival,
            observed_at=w47(1),
        )
    for account, product, movement, before, after in (
        (bao, "widget-42", Movement.FAST, "300", "100"),
        (sino, "resin", Movement.SLOW, "100", "200"),
    ):
        add(
            app,
            m.InventoryObservation,
            account_id=account.id,
            product=product,
            quantity=Decimal(before),
            movement=movement,
            observed_at=w47(-9),
        )
        add(
            app,
            m.InventoryObservation,
            account_id=account.id,
            product=product,
            quantity=Decimal(after),
            movement=movement,
            observed_at=w47(3),
        )
    add(
        app,
        m.CompetitorNote,
        account_id=cosco.id,
        competitor="RivalCo",
        activity=CompetitorActivity.PROMOTION,
        text="2-for-1 on resin",
        observed_at=w47(2),
    )
    return s


def figures(app: App, seed: Seed, now: datetime | None = None) -> digest.DigestData:
    with app.jobs.transaction() as tx:
        return digest.compute(tx, seed.team, W47, now or app.clock(), app.settings.price_deviation_threshold)


def test_visits_and_goal_rate_per_rep(app: App, seed: Seed) -> None:
    rows = digest.per_rep(figures(app, seed))
    assert set(rows) == {"Rita Rep", "Tom Teammate"}  # reps of the team; the manager has no row
    assert {k: rows["Rita Rep"][k] for k in ("visits", "rated", "reached", "partly")} == {
        "visits": 3,
        "rated": 3,
        "reached": 1,
        "partly": 1,
    }
    assert rows["Tom Teammate"]["visits"] == 1 and rows["Tom Teammate"]["reached"] == 1


def test_promises_made_kept_overdue_and_kept_rate(app: App, seed: Seed) -> None:
    data = figures(app, seed)
    rows = digest.per_rep(data)
    assert {k: rows["Rita Rep"][k] for k in ("made", "due", "kept", "overdue")} == {
        "made": 2,
        "due": 3,
        "kept": 1,
        "overdue": 2,
    }
    assert {k: rows["Tom Teammate"][k] for k in ("made", "due", "kept", "overdue")} == {
        "made": 1,
        "due": 1,
        "kept": 1,
        "overdue": 0,
    }
    assert data.theirs_overdue == 1
    text = build_digest(data, Locale.EN).to_reply().plain_text()
    assert "Rita Rep: made 2 · due 3 · kept 1 (33%) · overdue 2" in text
    assert "Team: made 3 · due 4 · kept 2 (50%) · overdue 2" in text
    assert "Rita Rep: visits 3 · goal reached 1/3 (33%) · partly 1" in text
    assert "Customers' promises overdue: 1" in text


def test_stale_stage_moves_prices_stock_and_competitors(app: App, seed: Seed) -> None:
    data = figures(app, seed)
    assert [a.name for a, _, _ in data.stale] == ["China Petroleum & Chemical Corporation"]
    assert [(a.name, s.to_stage) for a, s in data.stage_moves] == [(seed.baosteel.name, "customer")]
    assert [(o.kind, o.price) for _, o, _ in data.off_policy] == [(PriceKind.OUR_INVOICE, Decimal("3.60"))]
    assert sorted((o.product, c.flag.value if c.flag else None) for _, o, c in data.stock_alerts) == [
        ("resin", "overstock"),
        ("widget-42", "stock_out"),
    ]
    text = build_digest(data, Locale.EN).to_reply().plain_text()
    for expected in (
        "China Petroleum & Chemical Corporation (Rita Rep): ⚠ visit overdue by",
        "potential → customer",
        "widget-42 3.60 USD/kg (our invoice) ⚠ -10.0% vs list 4.00",
        "likely stock-out",
        "likely overstock",
        "RivalCo (promotion) 2-for-1 on resin",
        "RivalCo · widget-42 3.20 USD/kg",
    ):
        assert expected in text, expected


def test_a_stock_alert_reads_the_week_s_latest_count(app: App, seed: Seed) -> None:
    def count(product: str, quantity: str, at: datetime, unit: str = "cases") -> None:
        add(
            app,
            m.InventoryObservation,
            account_id=seed.sinopec.id,
            product=product,
            quantity=Decimal(quantity),
            unit=unit,
            movement=Movement.SLOW,
            observed_at=at,
        )

    count("cable", "100", w47(-9))
    count("cable", "300", w47(0))  # overstock on Monday ...
    count("cable", "480", w47(4))  # ... and more on Friday: the alert shows Friday's 480, once
    count("pipe", "100", w47(-9))
    count("pipe", "400", w47(1))  # overstock on Tuesday, sold down by Thursday: no alert left
    count("pipe", "90", w47(3))
    count("film", "10", w47(-9))
    count("film", "3", w47(2), unit="t")  # cases then tonnes: no change to flag
    alerts = {o.product: (o.quantity, c.delta) for _, o, c in figures(app, seed).stock_alerts}
    assert alerts["cable"] == (Decimal("480"), Decimal("180"))
    assert "pipe" not in alerts and "film" not in alerts
    text = build_digest(figures(app, seed), Locale.EN).to_reply().plain_text()
    assert "cable 480 cases (+180 since" in text and "cable 300" not in text


def test_no_personal_notes_nor_visit_summaries_in_a_channel(app: App, seed: Seed) -> None:
    note = build_digest(figures(app, seed), Locale.EN)
    dumped = str(note.model_dump()) + note.to_reply().plain_text()
    assert Seed.NOTES not in dumped and "confidential margin talk" not in dumped


def test_a_week_in_progress_counts_up_to_now(app: App, seed: Seed) -> None:
    data = figures(app, seed, now=w47(2, 13))  # Wednesday 13:00
    rows = digest.per_rep(data)
    assert rows["Rita Rep"]["visits"] == 2  # Monday and Wednesday noon
    # due Tuesday (kept); Wednesday's is due today, not late yet; overdue: the one from W46
    assert {k: rows["Rita Rep"][k] for k in ("due", "kept", "overdue")} == {"due": 1, "kept": 1, "overdue": 1}
    assert "Week in progress" in build_digest(data, Locale.EN).to_reply().plain_text()


def test_chart_has_eight_weeks_of_visits_per_rep(app: App, seed: Seed) -> None:
    spec = build_digest(figures(app, seed), Locale.EN).chart
    assert spec is not None
    assert spec.labels == ["28 Sep\n2026", "5 Oct", "12 Oct", "19 Oct", "26 Oct", "2 Nov", "9 Nov", "16 Nov"]
    assert spec.series == {"Rita Rep": [0, 0, 0, 0, 0, 0, 1, 3], "Tom Teammate": [0, 0, 0, 0, 0, 1, 0, 1]}
    assert render_png(spec).startswith(PNG)


def test_the_digest_speaks_the_teams_language(app: App, seed: Seed) -> None:
    with app.uow() as uow:
        for person in (seed.rep, seed.teammate):
            uow.repo.update(m.User, person.id, locale=Locale.ZH_HANS)
        uow.commit()
    note = decide_note(app, seed)
    assert note.locale is Locale.ZH_HANS and note.title.startswith("周报")


def decide_note(app: App, seed: Seed) -> Any:
    from kam_bot.jobs.scheduler import digest_notification

    return digest_notification(app.jobs_context, seed.team, W47, app.clock())


# -- posting -------------------------------------------------------------------------


async def test_monday_morning_posts_last_week_with_every_chart(
    app: App, seed: Seed, clock: FrozenClock, slack: FakeSlack
) -> None:
    clock.now = sh(date(2026, 11, 23), 9)  # Monday 09:00 Shanghai
    result = digest_tick(app.jobs_context, clock.now, "test")
    assert (result.claimed, result.queued) == (True, 1)
    assert digest_tick(app.jobs_context, clock.now, "other").claimed is False
    stats = await slack_sender(app, slack, "d").run_once()
    assert stats.sent == 1
    (post,) = slack.calls_to("chat.postMessage")
    assert post.args["channel"] == "C-STEEL" and "2026-W47" in post.args["text"]
    (complete,) = slack.calls_to("files.completeUploadExternal")  # all the charts in one share
    assert complete.args["channel_id"] == "C-STEEL"
    expected = [c.title for c in decide_note(app, seed).charts]
    assert len(expected) > 1
    shared = slack.shared["C-STEEL"]
    assert [f["title"] for f in shared] == expected
    assert all(f["bytes"].startswith(PNG) for f in shared)
    assert "visits-2026-W47.png" in str(slack.calls_to("files.getUploadURLExternal")[0].args)
    with app.uow() as uow:
        keys = uow.repo.session.scalars(select(OutboxRow.key)).all()
    assert keys == [f"digest:t{seed.team.id}:2026-W47:slack"]


async def test_a_failed_chart_upload_does_not_post_the_message_twice(
    app: App, seed: Seed, clock: FrozenClock, slack: FakeSlack
) -> None:
    assert decide_digest(app.jobs_context, seed.team, W47, clock.now)
    slack.rate_limit_next("files.getUploadURLExternal", retry_after=30)
    first = await slack_sender(app, slack, "d").run_once()
    assert (first.sent, first.rate_limited) == (0, 1)
    clock.advance(seconds=31)
    second = await slack_sender(app, slack, "d").run_once()
    assert second.sent == 1
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert len(slack.calls_to("files.completeUploadExternal")) == 1


def test_teams_without_a_digest_channel_are_skipped(app: App, clock: FrozenClock) -> None:
    quiet = add_team(app, "Quiet", timezone="UTC")
    assert decide_digest(app.jobs_context, quiet, W47, clock.now) is False
    clock.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert digest_tick(app.jobs_context, clock.now).queued == 0


async def no_checkpoint(ref: str) -> None:
    pass


async def test_charts_already_shared_before_a_lost_answer_are_not_shared_again(
    app: App, seed: Seed, clock: FrozenClock, slack: FakeSlack
) -> None:
    """The answer of ``files.completeUploadExternal`` was lost (a crash, a timeout): the outbox
    sends again from the message's checkpoint, and the charts are found in the channel after it."""
    note = decide_note(app, seed)
    deliverer = SlackDeliverer(AsyncWebClient(token="xoxb-test", base_url=slack.api_url))
    message = Outgoing(
        kind="digest",
        recipient="C-STEEL",
        reply=note.to_reply(),
        locale=note.locale,
        charts=tuple(note.charts),
        key="digest:test",
    )
    ref = await deliverer.deliver(message, no_checkpoint)
    assert ref is not None
    assert await deliverer.deliver(replace(message, message_ref=ref), no_checkpoint) == ref
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert len(slack.calls_to("files.completeUploadExternal")) == 1
    assert len(slack.shared["C-STEEL"]) == len(note.charts)
