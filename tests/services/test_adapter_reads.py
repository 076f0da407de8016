"""What handlers and adapters ask the services for instead of querying the store themselves:
account labels and look-ups, the price list's currency, planned visits, request claims, and a
double submission that reaches the database at the same moment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import add_price_list, at, row_counts, seed_team

from kam_bot.bootstrap import App
from kam_bot.domain.models import Account, Visit
from kam_bot.services.errors import NotFoundError
from kam_bot.services.inputs import VisitInput

TODAY = date(2026, 11, 23)  # the clock fixture's day


def test_account_suggestions_label_the_alias_that_matched(app: App) -> None:
    s = seed_team(app)
    found = app.accounts.suggestions(s.rep, "Baostel", 5)  # a typo still finds it
    assert found[0] == (s.baosteel.id, f"{s.baosteel.name} (Baosteel)")
    assert app.accounts.suggestions(s.rep, "   ", 5) == []


def test_live_account_and_accounts_by_id(app: App) -> None:
    s = seed_team(app)
    assert app.accounts.live(s.sinopec.id).name == s.sinopec.name
    with app.uow() as uow:
        uow.repo.update(Account, s.sinopec.id, archived=True)
        uow.commit()
    with pytest.raises(NotFoundError) as err:
        app.accounts.live(s.sinopec.id)
    assert (err.value.message, err.value.field) == ("account.gone", "account")
    named = app.accounts.by_ids([s.baosteel.id, s.cosco.id, s.baosteel.id, 99999])
    assert {i: a.name for i, a in named.items()} == {s.baosteel.id: s.baosteel.name, s.cosco.id: s.cosco.name}


def test_listed_currency_comes_from_the_price_list(app: App) -> None:
    add_price_list(app, "Coated coil", "4.2", currency="USD")
    assert app.observations.listed_currency("coated COIL") == "USD"
    assert app.observations.listed_currency("Unlisted") is None


def _visit(app: App, account: Account, rep_id: int, days_ago: int, next_in: int | None, step: str) -> None:
    with app.uow() as uow:
        uow.repo.add(
            Visit,
            account_id=account.id,
            rep_id=rep_id,
            visited_at=at(app, days=-days_ago),
            next_visit_date=TODAY + timedelta(days=next_in) if next_in is not None else None,
            next_step=step,
            created_at=at(app),
        )
        uow.commit()


def test_planned_visits_come_from_each_accounts_latest_visit(app: App) -> None:
    s = seed_team(app)
    _visit(app, s.baosteel, s.rep.id, 20, 30, "old plan")  # superseded by the later visit
    _visit(app, s.baosteel, s.rep.id, 2, 9, "bring the samples")
    _visit(app, s.sinopec, s.rep.id, 3, 4, "price talk")
    _visit(app, s.cosco, s.teammate.id, 1, 2, "not Rita's account")
    planned = app.visits.planned(s.rep, TODAY)
    assert [(p.account.id, p.day, p.next_step) for p in planned] == [
        (s.sinopec.id, TODAY + timedelta(days=4), "price talk"),
        (s.baosteel.id, TODAY + timedelta(days=9), "bring the samples"),
    ]
    assert [p.account.id for p in app.visits.planned(s.rep, TODAY, limit=1)] == [s.sinopec.id]
    # a plan whose day has passed is not planned any more
    _visit(app, s.sinopec, s.rep.id, 0, -1, "missed")
    assert [p.account.id for p in app.visits.planned(s.rep, TODAY)] == [s.baosteel.id]


def test_a_claim_is_won_once_until_released(app: App) -> None:
    assert app.claims.claim("slack_view", "V1") is True
    assert app.claims.claim("slack_view", "V1") is False
    assert app.claims.claim("other", "V1") is True  # keys are per platform
    app.claims.release("slack_view", "V1")
    assert app.claims.claim("slack_view", "V1") is True


def test_a_double_submission_racing_the_first_saves_once(app: App) -> None:
    """A save does not look for an earlier one first (the race in which it could not see it yet
    is the general case): the unique key refuses the second write, and the save then answers
    with what the first wrote."""
    s = seed_team(app)
    data = VisitInput(
        account_id=s.baosteel.id, visited_at=at(app, hours=-1), summary="met", submission_key="view-7"
    )
    first = app.visits.log(s.rep, data)
    before = row_counts(app)
    second = app.visits.log(s.rep, data)
    assert second.already_saved is True
    assert second.visit.id == first.visit.id
    assert row_counts(app) == before
