"""An admin's first accounts import: owners given by email become pending users, new teams are
listed (or refused with ``strict_teams``), and a partial import with ``skip_bad`` says what it left.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import Role
from kam_bot.services.transfer import import_csv
from kam_bot.services.users import PlatformProfile

ADMIN = m.User(id=0, display_name="kam-bot CLI", role=Role.ADMIN)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accounts.csv"
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def _team(app: App, name: str) -> m.Team:
    with app.uow() as uow:
        team = uow.repo.add(m.Team, name=name)
        uow.commit()
    return team


def test_an_owner_given_by_email_becomes_a_pending_user_linked_on_first_contact(
    app: App, tmp_path: Path
) -> None:
    _team(app, "East")
    path = write(
        tmp_path,
        """
        name,owner,team
        Acme Trading,Li.Na@example.com,East
        Bright Star,li.na@example.com,East
        Cathay Foods,wang@example.com,
        """,
    )
    report = import_csv(app, "accounts", path, actor=ADMIN)
    assert report.errors == []
    assert report.users_created == ["li.na@example.com", "wang@example.com"]  # each email once
    li = app.users.find("li.na@example.com")
    assert li is not None and li.identities == {} and li.team_id is not None
    with app.uow() as uow:
        owned = uow.repo.accounts_where(owner_id=li.id)
    assert sorted(a.name for a in owned) == ["Acme Trading", "Bright Star"]
    # the first time Li Na talks to the bot, on any platform, her email links her to the accounts
    met = app.users.ensure(
        PlatformProfile(
            platform="teams", external_id="29:abc", display_name="Li Na", email="LI.NA@example.com"
        )
    )
    assert met.id == li.id and met.display_name == "Li Na"
    assert app.users.by_identity("teams", "29:abc") is not None


def test_new_teams_are_listed_and_strict_teams_refuses_them(app: App, tmp_path: Path) -> None:
    _team(app, "East China")
    path = write(
        tmp_path,
        """
        name,team
        Acme Trading,East China
        Bright Star,East Chnia
        """,
    )
    strict = import_csv(app, "accounts", path, actor=ADMIN, strict_teams=True)
    assert [(e.line, e.column, e.message, e.params["value"]) for e in strict.errors] == [
        (3, "team", "transfer.unknown_team", "East Chnia")
    ]
    assert strict.rows_written == 0 and app.users.teams()[0].name == "East China"
    lenient = import_csv(app, "accounts", path, actor=ADMIN)
    assert lenient.errors == [] and lenient.teams_created == ["East Chnia"]


def test_skip_bad_writes_the_rest_and_lists_the_skipped_lines(app: App, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        name,owner,tier
        Acme Trading,,A
        Bright Star,slack:U0NOBODY,B
        Cathay Foods,,Z
        """,
    )
    report = import_csv(app, "accounts", path, actor=ADMIN, skip_bad=True)
    assert report.rows_written == 1
    assert report.skipped_lines == [3, 4]


def _zones(app: App) -> dict[str, str]:
    with app.uow() as uow:
        return {team.name: team.timezone for team in uow.repo.all(m.Team)}


def test_a_team_a_users_import_creates_lives_in_its_members_common_time_zone(
    app: App, tmp_path: Path
) -> None:
    _team(app, "Head Office")  # an existing team keeps its zone
    path = write(
        tmp_path,
        """
        email,team,timezone
        anna@example.com,Berlin Sales,Europe/Berlin
        ben@example.com,berlin sales,Europe/Berlin
        chen@example.com,Berlin Sales,Asia/Shanghai
        dora@example.com,Berlin Sales,
        li@example.com,华东,Asia/Shanghai
        max@example.com,Nomads,
        olga@example.com,Head Office,Asia/Tokyo
        """,
    )
    report = import_csv(app, "users", path, actor=ADMIN)
    assert report.errors == [] and report.teams_created == ["Berlin Sales", "Nomads", "华东"]
    assert _zones(app) == {
        "Head Office": "UTC",
        "Berlin Sales": "Europe/Berlin",  # two of the three zones given
        "华东": "Asia/Shanghai",
        "Nomads": "UTC",  # no zone given: the default new users get too
    }


def test_a_team_an_accounts_import_creates_lives_where_its_owners_do(app: App, tmp_path: Path) -> None:
    users = write(tmp_path, "email,timezone\nli@example.com,Asia/Shanghai\nwu@example.com,Asia/Shanghai\n")
    assert import_csv(app, "users", users, actor=ADMIN).errors == []
    path = write(
        tmp_path,
        """
        name,owner,team
        Acme Trading,li@example.com,East China
        Bright Star,wu@example.com,East China
        Cathay Foods,new.rep@example.com,East China
        """,
    )
    report = import_csv(app, "accounts", path, actor=ADMIN)
    assert report.errors == [] and report.teams_created == ["East China"]
    assert _zones(app) == {"East China": "Asia/Shanghai"}
