"""Users met through a platform, linked by email to imported users; their settings."""

from __future__ import annotations

from datetime import date, time

import pytest
from factories import add_team, add_user, seed_team

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale, Role
from kam_bot.domain.models import User
from kam_bot.services.errors import ForbiddenError, InvalidInputError, NotFoundError
from kam_bot.services.users import PlatformProfile, UserService


def profile(**fields: str | None) -> PlatformProfile:
    base: dict[str, str | None] = {
        "platform": "slack", "external_id": "U024BE7LH", "display_name": "Li Wei",
        "email": "li.wei@example.com", "timezone": "Asia/Shanghai", "locale": "zh-CN",
    }  # fmt: skip
    return PlatformProfile.model_validate({**base, **fields})


def user_count(app: App) -> int:
    with app.uow() as uow:
        return uow.repo.count(User)


def test_new_user_from_a_profile_then_the_same_user(app: App) -> None:
    user = app.users.ensure(profile())
    assert user.display_name == "Li Wei"
    assert user.email == "li.wei@example.com"
    assert user.timezone == "Asia/Shanghai"
    assert user.locale is Locale.ZH_HANS
    assert user.role is Role.REP
    assert user.identities == {"slack": "U024BE7LH"}
    assert app.users.by_identity("slack", "U024BE7LH") == user
    # met again: the same user; a known user's own settings are not overwritten
    again = app.users.ensure(profile(display_name="Li Wei (new name)", timezone="Europe/Berlin"))
    assert again == user
    assert user_count(app) == 1


def test_locale_mapping(app: App) -> None:
    cases = [
        ("zh-CN", Locale.ZH_HANS), ("zh_TW", Locale.ZH_HANS), ("zh-Hans", Locale.ZH_HANS),
        ("en-US", Locale.EN), ("de-DE", Locale.EN), (None, Locale.EN),
    ]  # fmt: skip
    for n, (locale, expected) in enumerate(cases):
        user = app.users.ensure(profile(external_id=f"U{n}", email=None, locale=locale))
        assert user.locale is expected, locale


def test_email_links_an_imported_user(app: App) -> None:
    team = add_team(app, "Steel East")
    imported = add_user(
        app,
        "Wei Li",
        team=team,
        email="Li.Wei@Example.com",
        identities={},
        timezone="Asia/Shanghai",
        locale=Locale.EN,
        chosen=["timezone", "locale"],
    )  # fmt: skip  (an admin's users import set both: the platform's values do not replace them)
    linked = app.users.ensure(profile(timezone="Europe/Berlin", locale="zh-CN"))
    assert linked.id == imported.id
    assert user_count(app) == 1
    assert linked.identities == {"slack": "U024BE7LH"}
    assert (linked.display_name, linked.team_id, linked.timezone, linked.locale) == (
        "Wei Li", team.id, "Asia/Shanghai", Locale.EN,
    )  # fmt: skip
    assert app.users.by_identity("slack", "U024BE7LH") == linked
    # the same person arriving from Teams is linked too
    teams = app.users.ensure(profile(platform="teams", external_id="29:1abc", email="li.wei@example.com"))
    assert teams.id == imported.id
    assert app.users.get(imported.id).identities == {"slack": "U024BE7LH", "teams": "29:1abc"}
    assert user_count(app) == 1


def test_defaults_for_what_the_platform_does_not_tell(app: App) -> None:
    assert app.users.ensure(profile(timezone="Mars/Olympus_Mons")).timezone == "UTC"  # invalid: default
    nameless = app.users.ensure(profile(external_id="U2", email=None, timezone=None, display_name=""))
    assert (nameless.timezone, nameless.display_name, nameless.email) == ("UTC", "U2", None)
    assert app.users.ensure(profile(external_id="U3", email=None)).id != nameless.id
    assert user_count(app) == 3
    configured = UserService(app.uow, default_timezone="Asia/Shanghai", default_locale="zh-CN")
    user = configured.ensure(profile(external_id="U4", email=None, timezone="nope", locale=None))
    assert (user.timezone, user.locale) == ("Asia/Shanghai", Locale.ZH_HANS)


def test_empty_email_is_no_email(app: App) -> None:
    first = app.users.ensure(profile(platform="teams", external_id="29:a", email=""))
    second = app.users.ensure(profile(platform="teams", external_id="29:b", email=""))
    assert first.id != second.id
    assert first.email is None


def test_update_settings(app: App) -> None:
    user = app.users.ensure(profile(locale="en"))
    updated = app.users.update_settings(
        user,
        timezone="America/New_York",
        locale="zh_CN",
        reminder_time=time(7, 45),
        away_until=date(2026, 12, 24),
    )
    assert (updated.timezone, updated.locale, updated.reminder_time, updated.away_until) == (
        "America/New_York", Locale.ZH_HANS, time(7, 45), date(2026, 12, 24),
    )  # fmt: skip
    assert app.users.get(user.id) == updated
    back = app.users.update_settings(updated, clear_away=True)
    assert back.away_until is None
    assert back.timezone == "America/New_York"
    for bad in ("Mars/Olympus_Mons", "", "../../etc/passwd", "UTC+8"):
        with pytest.raises(InvalidInputError) as err:
            app.users.update_settings(user, timezone=bad)
        assert err.value.field == "timezone"
    assert app.users.get(user.id).timezone == "America/New_York"


def test_find_users_and_set_the_team_channel(app: App) -> None:
    s = seed_team(app)
    with pytest.raises(NotFoundError):
        app.users.get(999_999)
    rita = app.users.get(s.rep.id)
    assert app.users.find("RITA@example.com") == rita
    assert app.users.find("console:rita-rep") == rita
    assert app.users.find("@rita-rep") == rita
    assert app.users.find("rita rep") == rita
    assert app.users.find("nobody") is None
    # the team's digest channel is set by an admin only
    slack, teams = "slack", "teams"
    with pytest.raises(ForbiddenError):
        app.users.set_team_destination(s.manager, s.team.id, slack, "C999")
    assert app.users.set_team_destination(s.admin, s.team.id, slack, " C999 ").digest_destinations == {
        slack: "C999"
    }
    both = app.users.set_team_destination(s.admin, s.team.id, teams, "19:abc@thread.tacv2")
    assert both.digest_destinations == {slack: "C999", teams: "19:abc@thread.tacv2"}
    assert app.users.set_team_destination(s.admin, s.team.id, slack, "  ").digest_destinations == {
        teams: "19:abc@thread.tacv2"
    }
    with pytest.raises(NotFoundError):
        app.users.set_team_destination(s.admin, 999_999, slack, "C1")
    assert [t.name for t in app.users.teams()] == ["Steel East", "South"]
