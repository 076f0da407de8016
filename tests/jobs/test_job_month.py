"""A simulated month: the planners tick every 5 (reminders) and 15 (digests) simulated minutes
from Mon 19 Oct to Mon 16 Nov 2026 (four weeks) over reps in Shanghai, Berlin (DST ends 25 Oct), New York
(DST ends 1 Nov) and UTC, and the sender delivers to FakeSlack. Two outages, a 429 and two
5xx are thrown in. Every expected DM and digest arrives exactly once, at the right local time.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from conftest import FrozenClock
from factories import add_account, add_contact, add_team, add_user
from fakes.slack_api import FakeSlack
from jobs_harness import add, serve, slack_sender
from sqlalchemy import select

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import Locale, PromiseDirection, Role, Tier
from kam_bot.i18n import format_date, t
from kam_bot.jobs import planning
from kam_bot.jobs.scheduler import digest_tick, reminder_tick
from kam_bot.store.tables import OutboxRow

START = datetime(2026, 10, 19, tzinfo=UTC)
END = datetime(2026, 11, 16, tzinfo=UTC)
STEP = timedelta(minutes=5)
OUTAGES = [
    # Shanghai's Thursday 08:30 (00:30 UTC) falls in it: caught up at 11:00 local, same day
    (datetime(2026, 11, 4, 23, 0, tzinfo=UTC), datetime(2026, 11, 5, 3, 0, tzinfo=UTC)),
    # Berlin's, New York's and UTC's Tuesday fall in it: lost (the same local day is over when
    # ticks resume); Shanghai's Wednesday is caught up at 14:00 local
    (datetime(2026, 11, 10, 6, 0, tzinfo=UTC), datetime(2026, 11, 11, 6, 0, tzinfo=UTC)),
]
SECRET = "NOTES-SECRET: wife's birthday 12 May"


class CountingSlack(FakeSlack):
    """FakeSlack that also keeps the calls it answered ``ok`` (its ``calls`` include refused ones)."""

    def __init__(self) -> None:
        super().__init__()
        self.answered: list[tuple[str, dict[str, Any]]] = []

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        answer = super()._answer(method, args)
        if answer.get("ok"):
            self.answered.append((method, args))
        return answer

    def clear(self) -> None:
        super().clear()
        with self._lock:
            self.answered.clear()

    def ok(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [args for m, args in self.answered if m == method]


@pytest.fixture(scope="module")
def slack_server() -> Iterator[CountingSlack]:
    """One server per module (stopping one takes half a second); each test gets it cleared."""
    yield from serve(CountingSlack())


@pytest.fixture
def slack(slack_server: CountingSlack) -> CountingSlack:
    slack_server.clear()
    return slack_server


@dataclass
class World:
    people: dict[str, m.User]
    promises: dict[str, m.Promise]
    teams: dict[str, m.Team]
    events: dict[datetime, Callable[[], None]] = field(default_factory=dict)


def build(app: App) -> World:
    sh = add_team(app, "Shanghai", digest_destinations={"slack": "C-SH"}, timezone="Asia/Shanghai")
    eu = add_team(app, "Europe", digest_destinations={"slack": "C-EU"}, timezone="Europe/Berlin")
    nc = add_team(app, "Quiet", timezone="UTC")

    def person(name: str, team: m.Team, tz: str, slack_id: str | None, **kw: Any) -> m.User:
        ids = {"slack": slack_id} if slack_id else {"console": name.lower()}
        return add_user(app, name, team=team, timezone=tz, identities=ids, **kw)

    mei = person("Mei Manager", sh, "Asia/Shanghai", "UMEI", role=Role.MANAGER, locale=Locale.ZH_HANS)
    sam = person("Sam Shanghai", sh, "Asia/Shanghai", "USAM", manager=mei)
    ada = person("Ada Away", sh, "Asia/Shanghai", "UADA", manager=mei, away_until=date(2026, 10, 30))
    connie = person("Connie Console", sh, "Asia/Shanghai", None, manager=mei)
    max_ = person("Max Berlin", eu, "Europe/Berlin", "UMAX", role=Role.MANAGER)
    bea = person("Bea Berlin", eu, "Europe/Berlin", "UBEA", manager=max_)
    nick = person("Nick NewYork", eu, "America/New_York", "UNICK", manager=max_, reminder_time=time(7, 45))
    una = person("Una UTC", nc, "UTC", "UUNA")
    root = add_user(app, "Root Admin", role=Role.ADMIN, identities={"slack": "UROOT"})

    def account(name: str, owner: m.User, tier: Tier, days_old: int) -> m.Account:
        return add_account(app, name, owner, tier=tier, created_at=START - timedelta(days=days_old))

    dragon = account("Dragon Steel", sam, Tier.A, 100)
    pearl = account("Pearl Chem", sam, Tier.B, 100)
    account("Jade Paper", ada, Tier.C, 200)
    account("Lotus Foods", connie, Tier.C, 200)
    account("Rhein Metall", bea, Tier.A, 60)
    hudson = account("Hudson Tools", nick, Tier.B, 100)
    account("Unity Labs", una, Tier.B, 50)
    add_contact(app, hudson, "Harper Buyer", role="purchaser", personal_notes=SECRET)
    add(
        app,
        m.Visit,
        account_id=pearl.id,
        rep_id=sam.id,
        visited_at=START - timedelta(days=7),
        next_visit_date=date(2026, 10, 28),
        goal="sign the frame contract",
        created_at=START,
    )
    add(
        app,
        m.Visit,
        account_id=hudson.id,
        rep_id=nick.id,
        visited_at=START - timedelta(days=40),
        next_visit_date=date(2026, 11, 2),
        next_step="demo the new line",
        created_at=START,
    )

    def promise(key: str, text: str, due: date, direction: str = "ours", **kw: Any) -> m.Promise:
        return add(
            app,
            m.Promise,
            account_id=dragon.id,
            owner_id=sam.id,
            direction=PromiseDirection(direction),
            text=text,
            due_date=due,
            created_at=START - timedelta(days=3),
            **kw,
        )

    promises = {
        "p1": promise("p1", "send the price sheet", date(2026, 10, 21)),
        "p2": promise("p2", "they send the PO", date(2026, 10, 26), "theirs"),
        "p3": promise("p3", "book the plant tour", date(2026, 11, 2), snoozed_until=date(2026, 11, 5)),
        "p4": promise("p4", "mail the catalogue", date(2026, 10, 23)),
    }
    world = World(
        people={
            "mei": mei,
            "sam": sam,
            "ada": ada,
            "connie": connie,
            "max": max_,
            "bea": bea,
            "nick": nick,
            "una": una,
            "root": root,
        },
        promises=promises,
        teams={"sh": sh, "eu": eu, "nc": nc},
    )
    world.events[datetime(2026, 10, 22, 3, 0, tzinfo=UTC)] = lambda: app.promises.complete(
        sam, promises["p1"].id
    )
    world.events[datetime(2026, 10, 22, 10, 0, tzinfo=UTC)] = lambda: app.promises.complete(
        sam, promises["p4"].id
    )
    return world


def down(at: datetime) -> bool:
    return any(start < at < end for start, end in OUTAGES)


def expected_dms(world: World) -> dict[tuple[str, date], datetime]:
    """(person, local day) -> when the DM should go out, by the documented rules, independently."""
    out: dict[tuple[str, date], datetime] = {}
    for name in ("mei", "sam", "ada", "connie", "max", "bea", "nick", "una"):  # root: nothing to say
        u = world.people[name]
        day = START.date() - timedelta(days=1)
        while day <= END.date():
            at = planning.moment(day, u.reminder_time, u.timezone)
            if START <= at < END and day.weekday() < 5 and not (u.away_until and u.away_until >= day):
                if down(at):
                    resume = next(end for start, end in OUTAGES if start < at < end)
                    if planning.local_date(resume, u.timezone) == day:
                        out[(name, day)] = resume
                else:
                    out[(name, day)] = at
            day += timedelta(days=1)
    return out


def title(u: m.User, day: date) -> str:
    return t("jobs.daily.title", u.locale, name=u.display_name, date=format_date(day, u.locale))


async def simulate(app: App, clock: FrozenClock, slack: CountingSlack, world: World) -> dict[str, int]:
    sender = slack_sender(app, slack, "sim")
    faults = {
        datetime(2026, 10, 27, 0, 30, tzinfo=UTC): lambda: slack.rate_limit_next(
            "chat.postMessage", retry_after=20
        ),
        datetime(2026, 11, 3, 7, 30, tzinfo=UTC): lambda: slack.server_error_next(
            "chat.postMessage", times=2
        ),
    }
    totals: Counter[str] = Counter()
    backlog = False
    now = START
    while now < END:
        if not down(now):
            clock.now = now
            if now in world.events:
                world.events[now]()
            if now in faults:
                faults[now]()
            result = reminder_tick(app.jobs_context, now, "sim")
            totals["ticks"] += 1
            totals["queued"] += result.queued
            if now.hour == 0 and now.minute == 30:  # a second process ticking the same slot
                assert reminder_tick(app.jobs_context, now, "twin").queued == 0
            digests = digest_tick(app.jobs_context, now, "sim").queued if now.minute % 15 == 0 else 0
            totals["digests_queued"] += digests
            if result.queued or digests or backlog:
                stats = await sender.run_once()
                backlog = bool(stats.rate_limited or stats.retried or stats.released)
                totals["sent"] += stats.sent
                totals["dead"] += stats.dead
        now += STEP
    return dict(totals)


async def test_a_month_of_reminders_and_digests(app: App, clock: FrozenClock, slack: CountingSlack) -> None:
    world = build(app)
    totals = await simulate(app, clock, slack, world)
    people = world.people
    by_slack = {u.identities.get("slack"): name for name, u in people.items()}

    # -- every expected DM exactly once, nothing else -----------------------------------
    expected = expected_dms(world)
    posts = slack.ok("chat.postMessage")
    dms = [c for c in posts if str(c["channel"]).startswith("U")]
    digests = [c for c in posts if str(c["channel"]).startswith("C")]
    delivered: Counter[tuple[str, date]] = Counter()
    texts: dict[tuple[str, date], str] = {}
    for call in dms:
        name = by_slack[call["channel"]]
        matches = [
            day
            for (who, day) in expected
            if who == name and call["text"].startswith(title(people[name], day))
        ]
        assert len(matches) == 1, call["text"][:80]
        delivered[(name, matches[0])] += 1
        texts[(name, matches[0])] = call["text"]
    slack_expected = {k for k in expected if k[0] != "connie"}
    assert set(delivered) == slack_expected  # lost: 0
    assert set(delivered.values()) == {1}  # duplicates: 0 (and the 429 / 5xx retries are not re-posts)

    # -- at the right local time ---------------------------------------------------------
    with app.uow() as uow:
        rows = {
            r.key: (r.status, r.created_at, r.sent_at, r.last_error)
            for r in uow.repo.session.scalars(select(OutboxRow))
        }
    for (name, day), at in expected.items():
        status, created, sent, error = rows[f"daily:u{people[name].id}:{day.isoformat()}"]
        assert created == at, (name, day)
        if name == "connie":
            assert (status, error) == ("dead", "no_chat_identity")
        else:
            assert status == "sent" and sent is not None and at <= sent <= at + timedelta(minutes=10)
    assert expected[("bea", date(2026, 10, 23))].hour == 6  # 08:30 CEST
    assert expected[("bea", date(2026, 10, 26))].hour == 7  # 08:30 CET
    assert expected[("nick", date(2026, 10, 30))].time() == time(11, 45)  # 07:45 EDT
    assert expected[("nick", date(2026, 11, 2))].time() == time(12, 45)  # 07:45 EST
    assert ("bea", date(2026, 11, 10)) not in expected and ("sam", date(2026, 11, 11)) in expected
    assert expected[("sam", date(2026, 11, 5))] == OUTAGES[0][1]  # caught up at 11:00 local
    assert not any(day.weekday() >= 5 for _, day in expected)
    assert not any(name == "ada" and day < date(2026, 11, 2) for name, day in delivered)

    # -- the right content ---------------------------------------------------------------
    def sam(day: int, month: int = 10) -> str:
        return texts[("sam", date(2026, month, day))]

    assert "send the price sheet — due today" in sam(21)
    assert "send the price sheet — overdue 1 d" in sam(22)
    assert "send the price sheet" not in sam(23)  # done after the 22nd's DM
    assert not any("mail the catalogue" in text for text in texts.values())  # done before its first DM
    assert "they send the PO" not in sam(26) and "they send the PO — overdue 1 d" in sam(27)
    assert "Visit today: Pearl Chem" in sam(28) and "sign the frame contract" in sam(28)
    assert "Visit today" not in sam(27)
    assert all("book the plant tour" not in sam(d, 11) for d in (2, 3, 4))  # snoozed until the 5th
    assert "book the plant tour — overdue 3 d" in sam(5, 11)
    assert "Dragon Steel" in sam(19) and "Pearl Chem" not in sam(19)
    assert "Pearl Chem" not in sam(11, 11) and "Pearl Chem — 1 d past the 30-day cadence" in sam(12, 11)
    nick_brief = texts[("nick", date(2026, 11, 2))]
    assert "Visit today: Hudson Tools" in nick_brief and "demo the new line" in nick_brief
    mei = {day: text for (who, day), text in texts.items() if who == "mei"}
    assert all("book the plant tour" not in text for day, text in mei.items() if day < date(2026, 11, 5))
    assert "book the plant tour" in mei[date(2026, 11, 5)]  # 3 days overdue: escalated, snoozed or not
    assert all("Dragon Steel" in text for text in mei.values())  # 100+ d > 2 x 14 d cadence
    assert all("Max Berlin" not in text for text in mei.values())
    assert all(SECRET not in c["text"] and SECRET not in str(c.get("blocks")) for c in posts)
    buttons = str([c["blocks"] for c in dms if c["channel"] == "USAM"])
    assert (
        f"promise.done:{world.promises['p1'].id}" in buttons
        and f"promise.snooze_7:{world.promises['p2'].id}" in buttons
    )

    # -- digests: every Monday 09:00 team time, teams with a channel, each with its charts ---
    assert Counter(c["channel"] for c in digests) == {"C-SH": 4, "C-EU": 4}
    completions = slack.ok("files.completeUploadExternal")  # one per digest, sharing all its charts
    shared = [f["id"] for c in completions for f in json.loads(c["files"])]
    assert len(completions) == 8 and all(len(json.loads(c["files"])) >= 2 for c in completions)
    assert sorted(shared) == sorted(slack.uploads)
    weeks = sorted(k for k in rows if k.startswith("digest:"))
    assert len(weeks) == 8 and all(rows[k][0] == "sent" for k in weeks)
    eu_times = sorted(rows[k][1] for k in weeks if k.startswith(f"digest:t{world.teams['eu'].id}:"))
    assert [at.hour for at in eu_times] == [7, 8, 8, 8]  # 09:00 CEST, then CET

    figures = {
        "dms_expected": len(slack_expected),
        "dms_delivered": sum(delivered.values()),
        "digests_delivered": len(digests),
        "charts": len(slack.uploads),
        "dead_no_identity": sum(1 for k in expected if k[0] == "connie"),
        "duplicates": sum(n - 1 for n in delivered.values()),
        "lost": len(slack_expected - set(delivered)),
        "refused_posts": len(slack.calls_to("chat.postMessage")) - len(posts),
        **totals,
    }
    print("\nsimulated month:", figures)
    assert figures["duplicates"] == 0 and figures["lost"] == 0
