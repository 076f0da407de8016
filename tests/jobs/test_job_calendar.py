"""Reminders, escalations, digests and briefs follow each team's working calendar.

Shanghai follows China's 2026 schedule (make-up Saturday 14 Feb, Spring Festival 15-23 Feb);
Riyadh works Sunday to Thursday; Boston rests on Thanksgiving (Thu 26 Nov 2026).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from conftest import FrozenClock
from factories import add_account, add_team, add_user
from jobs_harness import add

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import Locale, PromiseDirection, Role
from kam_bot.jobs import planning, previews
from kam_bot.jobs.notifications import Notification
from kam_bot.jobs.scheduler import daily_notification, digest_notification, reminder_tick


def _people(app: App) -> tuple[m.Team, m.User, m.User, m.Account]:
    team = add_team(
        app, "Shanghai", calendar_country="CN", timezone="Asia/Shanghai", digest_destinations={"slack": "C1"}
    )
    boss = add_user(
        app, "Wang Boss", role=Role.MANAGER, team=team, timezone="Asia/Shanghai", identities={"slack": "UB"}
    )
    rep = add_user(
        app, "Li Na", team=team, manager=boss, timezone="Asia/Shanghai", identities={"slack": "UL"}
    )
    account = add_account(app, "Baosteel", rep)
    return team, boss, rep, account


def _promise(app: App, account: m.Account, owner: m.User, text: str, due: date) -> m.Promise:
    return add(
        app, m.Promise, account_id=account.id, owner_id=owner.id, direction=PromiseDirection.OURS, text=text,
        due_date=due, created_at=datetime(2026, 1, 5, tzinfo=UTC),
    )  # fmt: skip


def _at_0830_shanghai(day: date) -> datetime:
    return datetime.combine(day, time(0, 30), tzinfo=UTC)


def _note(app: App, person: m.User, day: date) -> Notification | None:
    with app.uow() as uow:
        fresh = uow.repo.get(m.User, person.id)
    assert fresh is not None
    return daily_notification(app.jobs_context, fresh, day, _at_0830_shanghai(day))


def test_a_shanghai_rep_gets_the_dm_on_the_make_up_saturday_and_none_during_spring_festival(
    app: App, clock: FrozenClock
) -> None:
    _, _, rep, account = _people(app)
    _promise(app, account, rep, "quote", date(2026, 2, 13))
    for day, dms in (
        (date(2026, 2, 14), 1),
        (date(2026, 2, 17), 0),
        (date(2026, 2, 21), 0),
        (date(2026, 2, 24), 1),
    ):
        clock.now = _at_0830_shanghai(day)
        result = reminder_tick(app.jobs_context, clock.now)
        assert result.queued == dms, day


def test_away_until_still_wins_on_a_make_up_working_day(app: App, clock: FrozenClock) -> None:
    _, _, rep, account = _people(app)
    with app.uow() as uow:
        uow.repo.update(m.User, rep.id, away_until=date(2026, 2, 14))
        uow.commit()
    _promise(app, account, rep, "quote", date(2026, 2, 13))
    clock.now = _at_0830_shanghai(date(2026, 2, 14))
    assert reminder_tick(app.jobs_context, clock.now).queued == 0


def test_the_first_working_day_after_spring_festival_carries_what_fell_due_during_it(app: App) -> None:
    _, _, rep, account = _people(app)
    due = [date(2026, 2, 13), date(2026, 2, 14), date(2026, 2, 17), date(2026, 2, 20), date(2026, 2, 23)]
    made = [_promise(app, account, rep, f"promise due {d}", d) for d in due]
    _promise(app, account, rep, "not yet", date(2026, 2, 25))
    note = _note(app, rep, date(2026, 2, 24))
    assert note is not None
    ours = next(p for p in note.parts if p.title == "We owe — due today or overdue")
    assert [i.promise.id for i in ours.promises] == [p.id for p in made]


def test_escalation_counts_working_days_across_spring_festival(app: App) -> None:
    _, boss, rep, account = _people(app)
    three = _promise(app, account, rep, "due Thu 12 Feb", date(2026, 2, 12))  # 13, 14, 24 Feb: 3 working days
    _promise(app, account, rep, "due Fri 13 Feb", date(2026, 2, 13))  # 14, 24 Feb: 2
    note = _note(app, boss, date(2026, 2, 24))
    assert note is not None
    part = next(p for p in note.parts if (p.title or "").startswith("⚠ Li Na"))
    assert [i.promise.id for i in part.promises] == [three.id]


def test_a_riyadh_team_gets_its_dm_on_sunday_and_none_on_friday(app: App, clock: FrozenClock) -> None:
    team = add_team(app, "Riyadh", calendar_country="SA", calendar_weekend="fri,sat", timezone="Asia/Riyadh")
    rep = add_user(app, "Omar", team=team, timezone="Asia/Riyadh", identities={"slack": "UO"})
    account = add_account(app, "Aramco", rep)
    _promise(app, account, rep, "proposal", date(2026, 11, 20))
    for day, dms in (
        (date(2026, 11, 22), 1),
        (date(2026, 11, 27), 0),
        (date(2026, 11, 28), 0),
        (date(2026, 11, 29), 1),
    ):
        clock.now = datetime.combine(day, time(5, 30), tzinfo=UTC)  # 08:30 in Riyadh
        assert reminder_tick(app.jobs_context, clock.now).queued == dms, day


def test_the_digest_waits_for_the_first_working_day_and_says_so(app: App) -> None:
    team, _, _, _ = _people(app)
    calendars = app.calendar.book().for_team
    teams = [app.users.teams()[0]]

    def due_at(day: date) -> list[date]:
        at = datetime.combine(day, time(1, 0), tzinfo=UTC)  # 09:00 in Shanghai
        return [d.week for d in planning.due_digests(teams, at - timedelta(minutes=15), at, calendars)]

    assert due_at(date(2026, 2, 16)) == []  # Monday, Chinese New Year's Eve: off
    assert due_at(date(2026, 2, 23)) == []  # Monday, still off
    assert due_at(date(2026, 2, 24)) == [date(2026, 2, 9), date(2026, 2, 16)]  # both weeks' digests
    assert due_at(date(2026, 3, 2)) == [date(2026, 2, 23)]  # an ordinary Monday
    note = digest_notification(
        app.jobs_context, team, date(2026, 2, 16), datetime(2026, 2, 24, 1, tzinfo=UTC)
    )
    said = note.parts[0].lines[0].plain
    assert said.startswith(
        "This digest goes out on Tue 24 Feb 2026, the team's first working day of the week"
    )


def test_a_visit_planned_on_thanksgiving_is_briefed_the_day_before(app: App) -> None:
    team = add_team(app, "Boston", calendar_country="US", timezone="America/New_York")
    rep = add_user(app, "Amy", team=team, timezone="America/New_York", identities={"slack": "UA"})
    account = add_account(app, "Ford", rep)
    add(
        app, m.Visit, account_id=account.id, rep_id=rep.id, visited_at=datetime(2026, 11, 2, 15, tzinfo=UTC),
        next_visit_date=date(2026, 11, 26), created_at=datetime(2026, 11, 2, 15, tzinfo=UTC),
    )  # fmt: skip
    with app.uow() as uow:
        fresh = uow.repo.get(m.User, rep.id)
    assert fresh is not None
    wednesday = daily_notification(
        app.jobs_context, fresh, date(2026, 11, 25), datetime(2026, 11, 25, 13, 30, tzinfo=UTC)
    )
    assert wednesday is not None
    assert wednesday.parts[0].title == "Visit on Thu 26 Nov 2026 (a day off comes first): Ford"
    preview = previews.preview_reminder(app.jobs_context, fresh, date(2026, 11, 26))
    assert preview.note is None and preview.day_off == "Thanksgiving Day: no reminders today."


def test_the_dry_run_names_the_holiday_in_the_readers_language(app: App) -> None:
    _, _, rep, _ = _people(app)
    with app.uow() as uow:
        zh = uow.repo.update(m.User, rep.id, locale=Locale.ZH_HANS)
        uow.commit()
    preview = previews.preview_reminder(app.jobs_context, zh, date(2026, 2, 17))
    assert preview.skipped == "day_off" and preview.day_off == "春节：今天不发提醒。"
