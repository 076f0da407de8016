"""Promises: complete, reopen, snooze, cancel, reassign; every change kept in the history.

Each test seeds a fresh database (on SQLite and PostgreSQL), so related checks share a test.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from factories import Seed, add_contact, add_user, seed_team

from kam_bot.bootstrap import App
from kam_bot.domain.enums import PromiseDirection, PromiseStatus, Role
from kam_bot.domain.models import Promise, User
from kam_bot.services.errors import ForbiddenError, InvalidInputError, NotFoundError
from kam_bot.services.inputs import PromiseInput

if TYPE_CHECKING:
    from conftest import FrozenClock

TODAY = date(2026, 11, 23)  # the clock fixture's day, a Monday


def promise(app: App, s: Seed, text: str = "Send the revised quote", due_in: int = 2, **kw: Any) -> Promise:
    data = PromiseInput.model_validate({"text": text, "due_date": TODAY + timedelta(days=due_in), **kw})
    return app.promises.add(s.rep, s.baosteel.id, data)


def kinds(app: App, actor: User, promise_id: int) -> list[str]:
    return [e.kind for e in app.promises.history(actor, promise_id)]


def test_add(app: App) -> None:
    s = seed_team(app)
    p = promise(app, s, contact_id=s.contact.id)
    assert (p.owner_id, p.account_id, p.status, p.contact_id, p.created_at) == (
        s.rep.id, s.baosteel.id, PromiseStatus.OPEN, s.contact.id, app.clock(),
    )  # fmt: skip
    [event] = app.promises.history(s.rep, p.id)
    assert (event.kind, event.actor_id, event.at) == ("created", s.rep.id, app.clock())
    # an admin adds one for the account's owner; a teammate may not
    data = PromiseInput(text="Quote", due_date=TODAY)
    assert app.promises.add(s.admin, s.sinopec.id, data).owner_id == s.rep.id
    with pytest.raises(ForbiddenError):
        app.promises.add(s.teammate, s.sinopec.id, data)
    # made to a contact of another account: refused
    elsewhere = add_contact(app, s.cosco, "Chen Jie")
    with pytest.raises(InvalidInputError) as err:
        promise(app, s, contact_id=elsewhere.id)
    assert err.value.field == "contact_id"


def test_complete_sets_done_at_and_twice_is_harmless(app: App, clock: FrozenClock) -> None:
    s = seed_team(app)
    p = promise(app, s)
    app.promises.snooze(s.rep, p.id, days=3)
    clock.advance(hours=3)
    done = app.promises.complete(s.rep, p.id)
    assert done.status is PromiseStatus.DONE
    assert done.done_at == datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    assert done.snoozed_until is None
    clock.advance(minutes=1)
    again = app.promises.complete(s.rep, p.id)  # a double-click
    assert again.status is PromiseStatus.DONE
    assert again.done_at == done.done_at
    assert kinds(app, s.rep, p.id) == ["created", "snoozed", "done"]
    assert app.promises.mine(s.rep) == []
    assert app.accounts.card(s.rep, s.baosteel.id).ours == []


def test_reopen(app: App) -> None:
    s = seed_team(app)
    p = promise(app, s)
    app.promises.complete(s.rep, p.id)
    reopened = app.promises.reopen(s.rep, p.id)
    assert reopened.status is PromiseStatus.OPEN
    assert reopened.done_at is None
    assert app.promises.reopen(s.rep, p.id) == reopened  # already open: nothing changes
    assert kinds(app, s.rep, p.id) == ["created", "done", "reopened"]
    assert [x.id for x in app.promises.mine(s.rep)] == [p.id]


def test_snooze(app: App) -> None:
    s = seed_team(app)
    for days, until in [(1, date(2026, 11, 24)), (3, date(2026, 11, 26)), (7, date(2026, 11, 30))]:
        p = promise(app, s)
        snoozed = app.promises.snooze(s.rep, p.id, days=days)
        assert snoozed.snoozed_until == until
        assert snoozed.status is PromiseStatus.OPEN
        [_, event] = app.promises.history(s.rep, p.id)
        assert (event.kind, event.detail) == ("snoozed", until.isoformat())
    # until a date, up to a year ahead
    assert app.promises.snooze(s.rep, p.id, until=date(2026, 12, 1)).snoozed_until == date(2026, 12, 1)
    limit = TODAY + timedelta(days=365)
    assert app.promises.snooze(s.rep, p.id, until=limit).snoozed_until == limit


def test_snooze_counts_days_in_the_actors_time_zone(app: App, clock: FrozenClock) -> None:
    s = seed_team(app)
    p = promise(app, s)
    shanghai = app.users.update_settings(s.rep, timezone="Asia/Shanghai")
    clock.now = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # already 24 Nov, 04:00, in Shanghai
    assert app.promises.snooze(shanghai, p.id, days=1).snoozed_until == date(2026, 11, 25)


def test_bad_snooze_is_refused(app: App) -> None:
    s = seed_team(app)
    p = promise(app, s)
    bad: list[dict[str, Any]] = [
        {"until": date(2026, 11, 22)},  # the past
        {"until": TODAY},  # today is no snooze
        {"until": TODAY + timedelta(days=366)},  # more than a year
        {"days": 366},
        {"days": -2},
    ]
    for target in bad:
        with pytest.raises(InvalidInputError) as err:
            app.promises.snooze(s.rep, p.id, **target)
        assert err.value.field == "snoozed_until", target
    assert kinds(app, s.rep, p.id) == ["created"]
    # a promise no longer open cannot be snoozed nor rescheduled
    app.promises.complete(s.rep, p.id)
    cancelled = promise(app, s)
    app.promises.cancel(s.rep, cancelled.id)
    for closed in (p, cancelled):
        with pytest.raises(InvalidInputError) as err:
            app.promises.snooze(s.rep, closed.id, days=1)
        assert err.value.message == "promise.not_open"
        with pytest.raises(InvalidInputError):
            app.promises.reschedule(s.rep, closed.id, TODAY + timedelta(days=5))


def test_cancel_and_reschedule(app: App) -> None:
    s = seed_team(app)
    p = promise(app, s)
    moved = app.promises.reschedule(s.rep, p.id, date(2026, 12, 4))
    assert moved.due_date == date(2026, 12, 4)
    app.promises.snooze(s.rep, p.id, days=3)
    cancelled = app.promises.cancel(s.rep, p.id)
    assert cancelled.status is PromiseStatus.CANCELLED
    assert cancelled.snoozed_until is None
    assert cancelled.done_at is None
    assert app.promises.mine(s.rep) == []
    history = app.promises.history(s.rep, p.id)
    assert [(e.kind, e.detail) for e in history] == [
        ("created", None), ("rescheduled", "2026-12-04"), ("snoozed", "2026-11-26"), ("cancelled", None),
    ]  # fmt: skip


def test_who_may_read_and_change_a_promise(app: App) -> None:
    s = seed_team(app)
    p = promise(app, s)
    for outsider in (s.teammate, s.other_rep, s.other_manager):
        with pytest.raises(ForbiddenError):
            app.promises.complete(outsider, p.id)
    assert kinds(app, s.rep, p.id) == ["created"]
    # a teammate reads it; another team does not
    assert app.promises.get(s.teammate, p.id) == p
    with pytest.raises(ForbiddenError):
        app.promises.get(s.other_rep, p.id)
    with pytest.raises(ForbiddenError):
        app.promises.history(s.other_rep, p.id)
    # the team's manager and an admin may change it
    assert app.promises.snooze(s.manager, p.id, days=1).snoozed_until == date(2026, 11, 24)
    assert app.promises.complete(s.admin, p.id).status is PromiseStatus.DONE
    assert [(e.kind, e.actor_id) for e in app.promises.history(s.rep, p.id)] == [
        ("created", s.rep.id), ("snoozed", s.manager.id), ("done", s.admin.id),
    ]  # fmt: skip
    with pytest.raises(NotFoundError):
        app.promises.complete(s.rep, 999_999)
    with pytest.raises(NotFoundError):
        app.promises.get(s.rep, 999_999)


def test_reassign_within_the_team(app: App) -> None:
    s = seed_team(app)
    p = promise(app, s)
    with pytest.raises(ForbiddenError):  # a rep may not
        app.promises.reassign(s.rep, p.id, s.teammate.id)
    assert app.promises.get(s.rep, p.id).owner_id == s.rep.id

    moved = app.promises.reassign(s.manager, p.id, s.teammate.id)
    assert moved.owner_id == s.teammate.id
    assert [x.id for x in app.promises.mine(s.teammate)] == [p.id]
    assert app.promises.mine(s.rep) == []
    last = app.promises.history(s.rep, p.id)[-1]
    assert (last.kind, last.actor_id, last.detail) == (
        "reassigned",
        s.manager.id,
        f"{s.rep.id}->{s.teammate.id}",
    )
    # the director above the manager may too, and an admin anywhere
    assert app.promises.reassign(s.director, p.id, s.rep.id).owner_id == s.rep.id
    assert app.promises.reassign(s.admin, p.id, s.other_rep.id).owner_id == s.other_rep.id
    with pytest.raises(NotFoundError):
        app.promises.reassign(s.admin, p.id, 999_999)


def test_reassign_outside_the_team_is_refused(app: App) -> None:
    s = seed_team(app)
    p = promise(app, s)
    with pytest.raises(InvalidInputError) as err:
        app.promises.reassign(s.manager, p.id, s.other_rep.id)
    assert err.value.message == "promise.reassign_outside_team"
    with pytest.raises(ForbiddenError):  # nor may another team's manager touch it
        app.promises.reassign(s.other_manager, p.id, s.other_rep.id)
    loner = add_user(app, "Lone Rep", role=Role.REP, team=s.team)
    with pytest.raises(ForbiddenError):
        app.promises.reassign(loner, p.id, loner.id)
    assert app.promises.get(s.rep, p.id).owner_id == s.rep.id
    assert kinds(app, s.rep, p.id) == ["created"]


def test_history_in_order(app: App, clock: FrozenClock) -> None:
    s = seed_team(app)
    p = promise(app, s)
    steps: list[Callable[[], Promise]] = [
        lambda: app.promises.snooze(s.rep, p.id, days=1),
        lambda: app.promises.complete(s.rep, p.id),
        lambda: app.promises.reopen(s.rep, p.id),
        lambda: app.promises.reassign(s.manager, p.id, s.teammate.id),
        lambda: app.promises.cancel(s.teammate, p.id),
    ]
    for step in steps:
        clock.advance(minutes=5)
        step()
    history = app.promises.history(s.rep, p.id)
    assert [e.kind for e in history] == ["created", "snoozed", "done", "reopened", "reassigned", "cancelled"]
    assert [e.at for e in history] == [
        datetime(2026, 11, 23, 10, m, tzinfo=UTC) for m in (0, 5, 10, 15, 20, 25)
    ]
    assert [e.actor_id for e in history] == [s.rep.id] * 4 + [s.manager.id, s.teammate.id]


def test_mine_lists_open_promises_soonest_first(app: App) -> None:
    s = seed_team(app)
    later = promise(app, s, "later", due_in=9)
    soon = promise(app, s, "soon", due_in=1, direction=PromiseDirection.THEIRS)
    done = promise(app, s, "done", due_in=0)
    app.promises.complete(s.rep, done.id)
    assert [p.id for p in app.promises.mine(s.rep)] == [soon.id, later.id]
    assert [p.id for p in app.promises.mine(s.rep, PromiseDirection.OURS)] == [later.id]
    assert app.promises.mine(s.teammate) == []
