"""``accounts [TEXT]``: my accounts, or the readable accounts a text matches, with visit figures."""

from __future__ import annotations

import pytest
from factories import at, seed_team

from kam_bot.bootstrap import App
from kam_bot.services.errors import AccountNotFoundError, AmbiguousAccountError
from kam_bot.services.inputs import VisitInput


def test_accounts_lists_mine_most_overdue_first_with_days_since_the_visit(app: App) -> None:
    s = seed_team(app)
    app.visits.log(s.rep, VisitInput(account_id=s.baosteel.id, visited_at=at(app, days=-3)))
    rows = app.accounts.listing(s.rep)
    assert [r.account.id for r in rows] == [s.sinopec.id, s.baosteel.id]  # never visited, overdue first
    by_id = {r.account.id: r for r in rows}
    assert by_id[s.baosteel.id].days_since_visit == 3
    assert by_id[s.baosteel.id].days_overdue is None
    assert by_id[s.sinopec.id].days_since_visit is None
    assert (by_id[s.sinopec.id].days_overdue or 0) > 0


def test_accounts_text_finds_matches_the_reader_may_see(app: App) -> None:
    s = seed_team(app)
    assert [r.account.id for r in app.accounts.listing(s.rep, "bao")] == [s.baosteel.id]
    # a single letter is too short to rank, but the names containing it are found
    short = [r.account.id for r in app.accounts.listing(s.rep, "h")]
    assert s.baosteel.id in short and s.cosco.id in short
    # the other team's account is not listed to a rep
    assert s.haier.id not in short
    assert app.accounts.listing(s.rep, "haier") == []
    assert [r.account.id for r in app.accounts.listing(s.admin, "haier")] == [s.haier.id]


def test_an_unmatched_short_name_offers_the_names_containing_it(app: App) -> None:
    seed_team(app)
    with pytest.raises((AmbiguousAccountError, AccountNotFoundError)) as caught:
        app.accounts.resolve("s")
    assert caught.value.suggestions, "a one-letter query offers candidates"
