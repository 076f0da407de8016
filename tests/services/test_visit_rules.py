"""The rules a visit's dates follow, in the service: every platform's form and the service
itself refuse the same things, each naming its field, in the user's language."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import at, row_counts, seed_team

from kam_bot.bootstrap import App
from kam_bot.domain.enums import PromiseDirection
from kam_bot.i18n import t
from kam_bot.services.errors import InvalidInputError
from kam_bot.services.inputs import PromiseInput, VisitInput

TODAY = date(2026, 11, 23)  # the clock fixture's day (Rita lives in UTC)


def _visit(app: App, account_id: int, days_ago: int = 0, **fields: object) -> VisitInput:
    return VisitInput.model_validate(
        {"account_id": account_id, "visited_at": at(app, days=-days_ago, minutes=-5), **fields}
    )


@pytest.mark.parametrize(
    ("days_ago", "next_visit", "message"),
    [
        (0, TODAY, "visit.next_before"),  # the same day as the visit
        (0, TODAY - timedelta(days=1), "visit.next_before"),
        (5, TODAY - timedelta(days=5), "visit.next_before"),
        (5, TODAY - timedelta(days=2), "visit.next_in_past"),  # after the visit, but gone by
    ],
)
def test_a_next_visit_that_cannot_be_is_refused_on_its_field(
    app: App, days_ago: int, next_visit: date, message: str
) -> None:
    s = seed_team(app)
    before = row_counts(app)
    with pytest.raises(InvalidInputError) as err:
        app.visits.log(s.rep, _visit(app, s.baosteel.id, days_ago, next_visit_date=next_visit))
    assert (err.value.field, err.value.message) == ("next_visit_date", message)
    assert row_counts(app) == before
    assert t(message, "en").startswith("Next visit:") and t(message, "zh-Hans").startswith("下次拜访")


def test_next_visit_later_than_the_visit_and_today_is_saved(app: App) -> None:
    s = seed_team(app)
    logged = app.visits.log(s.rep, _visit(app, s.baosteel.id, 5, next_visit_date=TODAY))
    assert logged.visit.next_visit_date == TODAY


def test_a_promise_due_before_the_visit_is_refused(app: App) -> None:
    s = seed_team(app)
    promises = [
        PromiseInput(text="quote", due_date=TODAY),
        PromiseInput(text="PO", direction=PromiseDirection.THEIRS, due_date=TODAY - timedelta(days=4)),
    ]
    with pytest.raises(InvalidInputError) as err:
        app.visits.log(s.rep, _visit(app, s.baosteel.id, 3, promises=promises))
    assert (err.value.field, err.value.message) == ("promises.1.due_date", "promise.due_before_visit")
    assert t("promise.due_before_visit", "en").startswith("Due date:")


def test_editing_the_next_visit_follows_the_same_rule(app: App, clock: object) -> None:
    s = seed_team(app)
    logged = app.visits.log(s.rep, _visit(app, s.baosteel.id, 3, next_visit_date=TODAY + timedelta(days=2)))
    with pytest.raises(InvalidInputError) as err:
        app.visits.edit(
            s.rep,
            logged.visit.id,
            goal_reached=None,
            summary="x",
            next_step=None,
            next_visit_date=TODAY - timedelta(days=3),
        )
    assert (err.value.field, err.value.message) == ("next_visit_date", "visit.next_before")
    # a plan that has passed since may stay as it was while the summary is corrected
    clock.advance(days=10)  # type: ignore[attr-defined]
    edited = app.visits.edit(
        s.rep,
        logged.visit.id,
        goal_reached=None,
        summary="corrected",
        next_step=None,
        next_visit_date=TODAY + timedelta(days=2),
    )
    assert edited.summary == "corrected"
