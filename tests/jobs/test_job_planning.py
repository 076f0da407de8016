"""The time rules: local moments across DST, windows, working days, away, same-day catch-up."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kam_bot.domain.models import Team, User
from kam_bot.jobs import planning
from kam_bot.store import slots


def person(uid: int, tz: str, at: time = time(8, 30), away: date | None = None) -> User:
    return User(id=uid, display_name=f"u{uid}", timezone=tz, reminder_time=at, away_until=away)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "day", "expected"),
    [
        ("Asia/Shanghai", date(2026, 10, 23), utc(2026, 10, 23, 0, 30)),
        ("Europe/Berlin", date(2026, 10, 23), utc(2026, 10, 23, 6, 30)),  # CEST, before 25 Oct
        ("Europe/Berlin", date(2026, 10, 26), utc(2026, 10, 26, 7, 30)),  # CET after
        ("America/New_York", date(2026, 10, 30), utc(2026, 10, 30, 12, 30)),  # EDT, before 1 Nov
        ("America/New_York", date(2026, 11, 2), utc(2026, 11, 2, 13, 30)),  # EST after
    ],
)
def test_moment_follows_dst(tz: str, day: date, expected: datetime) -> None:
    assert planning.moment(day, time(8, 30), tz) == expected


def test_gap_and_overlap_wall_times_resolve_once() -> None:
    # 02:30 does not exist in Berlin on 29 Mar 2026 and exists twice on 25 Oct 2026
    assert planning.moment(date(2026, 3, 29), time(2, 30), "Europe/Berlin") == utc(2026, 3, 29, 1, 30)
    assert planning.moment(date(2026, 10, 25), time(2, 30), "Europe/Berlin") == utc(2026, 10, 25, 0, 30)


def test_window_is_half_open_and_same_local_day() -> None:
    u = person(1, "Asia/Shanghai")
    at = utc(2026, 11, 24, 0, 30)  # Tue 08:30 Shanghai
    assert [d.day for d in planning.due_reminders([u], at - timedelta(minutes=5), at)] == [date(2026, 11, 24)]
    assert planning.due_reminders([u], at, at + timedelta(minutes=5)) == []
    # a late tick the same local day catches up; the next local day it does not
    assert len(planning.due_reminders([u], at - timedelta(hours=1), utc(2026, 11, 24, 9, 0))) == 1
    assert planning.due_reminders([u], at - timedelta(hours=1), utc(2026, 11, 24, 16, 5)) == []


def test_weekends_and_away_are_skipped() -> None:
    sat = utc(2026, 11, 28, 0, 30)
    assert planning.due_reminders([person(1, "Asia/Shanghai")], sat - timedelta(minutes=5), sat) == []
    tue = utc(2026, 11, 24, 0, 30)
    window = (tue - timedelta(minutes=5), tue)
    assert planning.due_reminders([person(1, "Asia/Shanghai", away=date(2026, 11, 24))], *window) == []
    assert planning.due_reminders([person(1, "Asia/Shanghai", away=date(2026, 11, 23))], *window) != []


ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]


def _run(u: User, t0: datetime, cuts: list[int]) -> tuple[list[date], datetime]:
    edges = [t0]
    for cut in cuts:
        edges.append(edges[-1] + timedelta(minutes=cut))
    found = [d.day for a, b in pairwise(edges) for d in planning.due_reminders([u], a, b)]
    return found, edges[-1]


def _working_days_between(u: User, t0: datetime, t1: datetime) -> set[date]:
    out, day = set(), planning.local_date(t0, u.timezone) - timedelta(days=1)
    while (at := planning.moment(day, u.reminder_time, u.timezone)) <= t1:
        if t0 < at and planning.is_working_day(day):
            out.add(day)
        day += timedelta(days=1)
    return out


@settings(max_examples=40, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    minute=st.integers(0, 24 * 60 - 1),
    start_day=st.integers(0, 200),
    cuts=st.lists(st.integers(1, 5), min_size=1, max_size=800),
)
def test_ticks_of_at_most_five_minutes_give_every_working_day_exactly_once(
    zone: str, minute: int, start_day: int, cuts: list[int]
) -> None:
    u = person(7, zone, time(minute // 60, minute % 60))
    t0 = utc(2026, 3, 1) + timedelta(days=start_day)
    found, t1 = _run(u, t0, cuts)
    assert len(found) == len(set(found))
    assert set(found) == _working_days_between(u, t0, t1)


@settings(max_examples=40, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    minute=st.integers(0, 24 * 60 - 1),
    cuts=st.lists(st.integers(1, 30 * 60), min_size=1, max_size=60),
)
def test_irregular_ticks_never_give_a_day_twice_nor_a_day_late(
    zone: str, minute: int, cuts: list[int]
) -> None:
    """Long gaps (a process down for hours) may lose a day, never repeat one, never send it the next day."""
    u = person(7, zone, time(minute // 60, minute % 60))
    t0 = utc(2026, 10, 20)
    edges = [t0]
    for cut in cuts:
        edges.append(edges[-1] + timedelta(minutes=cut))
    seen: list[date] = []
    for a, b in pairwise(edges):
        for d in planning.due_reminders([u], a, b):
            assert d.day == planning.local_date(b, zone)  # decided on its own local day
            seen.append(d.day)
    assert len(seen) == len(set(seen))
    assert set(seen) <= _working_days_between(u, t0, edges[-1])


def test_digest_is_due_monday_nine_team_time_about_the_week_before() -> None:
    team = Team(id=1, name="EU", digest_destinations={"slack": "C1"}, timezone="Europe/Berlin")
    at = utc(2026, 10, 26, 8, 0)  # Mon 09:00 CET
    due = planning.due_digests([team], at - timedelta(minutes=15), at)
    assert [(d.team.id, d.week) for d in due] == [(1, date(2026, 10, 19))]
    silent = Team(id=2, name="X", timezone="Europe/Berlin")
    assert planning.due_digests([silent], at - timedelta(minutes=15), at) == []


def test_weeks() -> None:
    assert planning.iso_week(date(2026, 11, 23)) == "2026-W48"
    assert planning.parse_week("2026-W48") == date(2026, 11, 23)
    assert planning.parse_week("2026w48") == date(2026, 11, 23)
    with pytest.raises(ValueError, match="ISO week"):
        planning.parse_week("next week")
    start, end = planning.week_bounds(date(2026, 10, 19), "Europe/Berlin")
    assert (start, end) == (utc(2026, 10, 18, 22), utc(2026, 10, 25, 23))  # 169 h: the DST week


def test_slots_floor_to_their_width() -> None:
    now = utc(2026, 11, 23, 8, 34, 59)
    assert slots.slot_end(now, timedelta(minutes=5)) == utc(2026, 11, 23, 8, 30)
    assert slots.slot_name(slots.slot_end(now, timedelta(minutes=15))) == "2026-11-23T08:30Z"
    assert slots.parse_slot("2026-11-23T08:30Z") == utc(2026, 11, 23, 8, 30)


def test_every_jobs_message_exists_in_both_languages() -> None:
    import re
    from pathlib import Path

    import kam_bot.jobs
    from kam_bot.i18n import CATALOG

    sources = [
        *Path(kam_bot.jobs.__file__).parent.glob("*.py"),
        Path(kam_bot.jobs.__file__).parents[1] / "cli" / "jobs.py",
    ]
    used = {key for path in sources for key in re.findall(r'"(jobs\.[a-z_.]+)"', path.read_text())}
    assert used, "no message keys found"
    for key in used:
        assert set(CATALOG[key]) == {"en", "zh-Hans"}, key
    defined = {key for key in CATALOG if key.startswith("jobs.")}
    assert defined == used  # nothing defined that nothing says
