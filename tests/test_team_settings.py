"""A team's settings (time zone, digest language, digest destinations): an admin sees and changes
them with `kam-bot team show|set` and with `settings team NAME …` in chat; a rep is refused; each
change is audited by field name; on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from console_harness import ConsoleHarness
from factories import Seed, seed_team

from kam_bot.bootstrap import App
from kam_bot.cli import main
from kam_bot.cli import team as cli_team
from kam_bot.domain import models as m
from kam_bot.domain.enums import Locale

STEEL = (
    "Steel East: time zone Asia/Shanghai · digest language en (auto: the language most of its 3 members use)"
)
SOUTH = "South: time zone UTC · digest language en (auto: the language most of its 2 members use)"


@pytest.fixture
def seed(app: App, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Seed:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_team, "open_app", lambda settings: app)
    return seed_team(app)


def _team(app: App, name: str) -> m.Team:
    with app.uow() as uow:
        team = uow.repo.team_by_name(name)
    assert team is not None
    return team


def _audit(app: App) -> list[tuple[int | None, str, str, int, list[str]]]:
    with app.uow() as uow:
        return [(e.actor_id, e.action, e.entity, e.entity_id, e.fields) for e in uow.repo.audit_entries()]


# -- the command line ----------------------------------------------------------------------


def test_team_show_lists_every_team_and_how_its_digest_language_is_chosen(
    seed: Seed, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["team", "show"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{SOUTH} · digest to slack C-SOUTH",
        f"{STEEL} · digest to slack C-STEEL",
    ]
    assert main(["team", "show", "--team", "steel east"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{STEEL} · digest to slack C-STEEL"]


def test_team_set_changes_zone_language_and_destinations_and_is_audited(
    app: App, seed: Seed, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["team", "set", "--team", "Steel East", "--timezone", "Europe/Berlin", "--language", "zh"]
    assert main([*args, "--digest", "teams=19:steel@thread.tacv2", "--digest", "slack="]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Steel East: time zone Europe/Berlin · digest language zh-Hans (set by an admin) "
        "· digest to teams 19:steel@thread.tacv2"
    ]
    team = _team(app, "Steel East")
    assert (team.timezone, team.locale, team.digest_destinations) == (
        "Europe/Berlin",
        Locale.ZH_HANS,
        {"teams": "19:steel@thread.tacv2"},
    )
    fields = ["digest_destination.slack", "digest_destination.teams", "locale", "timezone"]
    assert _audit(app) == [(None, "changed", "team", team.id, fields)]  # the operator: no user id

    assert main(["team", "set", "--team", "Steel East", "--language", "auto"]) == 0
    assert "digest language en (auto: the language most of its 3 members use)" in capsys.readouterr().out
    assert _team(app, "Steel East").locale is None
    assert main(["team", "set", "--team", "Steel East", "--timezone", "Europe/Berlin"]) == 0  # no change
    assert [e[4] for e in _audit(app)] == [fields, ["locale"]]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["--timezone", "Mars/Olympus"],
            "--timezone: “Mars/Olympus” is not a time zone; use a name like Asia/Shanghai or Europe/Berlin.",
        ),
        (["--language", "fr"], "--language: “fr” is not a digest language; use en, zh or auto"),
        (
            ["--digest", "pigeon=loft-3"],
            "--digest: “pigeon” is not a chat platform here; use one of: slack, teams, dingtalk.",
        ),
        (["--digest", "slack"], "--digest: “slack” is not PLATFORM=ADDRESS; write e.g. slack=C0123456789"),
        ([], "Nothing to change: give --timezone, --language or --digest."),
    ],
)
def test_a_bad_option_is_refused_in_one_line_naming_it_and_nothing_changes(
    app: App, seed: Seed, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    before = _team(app, "Steel East"), _audit(app)
    assert main(["team", "set", "--team", "Steel East", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kam-bot team set: ") and says in err and err.count("\n") == 1, err
    assert (_team(app, "Steel East"), _audit(app)) == before


def test_an_unknown_team_is_named_with_the_teams_there_are(
    seed: Seed, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["team", "set", "--team", "Nowhere", "--language", "zh"]) == 2
    assert capsys.readouterr().err == (
        "kam-bot team set: --team: No team is called “Nowhere”; the teams are: South, Steel East.\n"
    )


# -- chat ----------------------------------------------------------------------------------


def test_an_admin_sees_and_changes_a_team_in_chat(app: App, seed: Seed) -> None:
    admin = ConsoleHarness(app, seed.admin)
    shown = admin.send("settings team")
    assert f"{SOUTH} · digest to slack C-SOUTH" in shown and f"{STEEL} · digest to slack C-STEEL" in shown
    assert "settings team NAME tz Asia/Shanghai" in shown

    assert "time zone Europe/Berlin" in admin.send("settings team steel east tz Europe/Berlin")
    assert "digest language zh-Hans (set by an admin)" in admin.send("settings team Steel East lang zh")
    said = admin.send("settings team Steel East digest teams 19:steel@thread.tacv2")
    assert "digest to slack C-STEEL, teams 19:steel@thread.tacv2" in said
    assert "digest to teams 19:steel@thread.tacv2" in admin.send("settings team Steel East digest slack off")

    team = _team(app, "Steel East")
    assert (team.timezone, team.locale, team.digest_destinations) == (
        "Europe/Berlin",
        Locale.ZH_HANS,
        {"teams": "19:steel@thread.tacv2"},
    )
    assert [(actor, fields) for actor, _, _, _, fields in _audit(app)] == [
        (seed.admin.id, ["timezone"]),
        (seed.admin.id, ["locale"]),
        (seed.admin.id, ["digest_destination.teams"]),
        (seed.admin.id, ["digest_destination.slack"]),
    ]


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (
            "settings team Steel East tz Mars/Olympus",
            "Team time zone: “Mars/Olympus” is not a time zone; use a name like Asia/Shanghai",
        ),
        (
            "settings team Steel East lang fr",
            "Digest language: “fr” is not a digest language; use en, zh or auto",
        ),
        (
            "settings team Steel East digest pigeon loft-3",
            "Digest destination: “pigeon” is not a chat platform",
        ),
        (
            "settings team Nowhere lang zh",
            "Team: No team is called “Nowhere”; the teams are: South, Steel East.",
        ),
        ("settings team Steel East tz", "Write: settings team NAME tz ZONE | lang en, zh or auto"),
    ],
)
def test_a_bad_team_setting_in_chat_names_the_field(app: App, seed: Seed, line: str, says: str) -> None:
    assert says in ConsoleHarness(app, seed.admin).send(line)
    assert _audit(app) == []


def test_a_chinese_admin_types_it_in_chinese(app: App, seed: Seed) -> None:
    admin = ConsoleHarness(app, app.users.update_settings(seed.admin, locale="zh-Hans"))
    said = admin.send("设置 团队 Steel East 语言 中文")
    assert said.startswith(
        "Steel East：时区 Asia/Shanghai · 周报语言 zh-Hans（由管理员设定） · 周报发送到 slack C-STEEL"
    )
    assert admin.send("设置 团队 Steel East 时区 Mars/X") == (
        "团队时区：“Mars/X”不是有效时区，请使用如 Asia/Shanghai 或 Europe/Berlin 的名称。"
    )
    assert _team(app, "Steel East").locale is Locale.ZH_HANS


@pytest.mark.parametrize(
    ("locale", "says"),
    [
        (Locale.EN, "Only admins may see or change a team's settings."),
        (Locale.ZH_HANS, "只有管理员可以查看或修改团队设置。"),
    ],
)
def test_a_rep_or_manager_is_told_only_admins_may(app: App, seed: Seed, locale: Locale, says: str) -> None:
    rep = app.users.update_settings(seed.rep, locale=locale)
    for person, line in (
        (rep, "settings team Steel East tz Europe/Berlin"),
        (rep, "settings team"),
        (rep, "settings team Steel East tz"),
        (seed.manager, "设置 team Steel East lang zh"),
    ):
        said = ConsoleHarness(app, person).send(line)
        assert said == (says if person is rep else "Only admins may see or change a team's settings."), said
    assert _team(app, "Steel East").timezone == "Asia/Shanghai"
    assert [e for e in _audit(app) if e[2] == "team"] == []


def test_with_no_teams_yet_the_command_says_how_they_come(
    app: App, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_team, "open_app", lambda settings: app)
    assert main(["team", "show"]) == 0
    assert capsys.readouterr().out == "No teams yet: importing users or accounts creates them.\n"
    assert main(["team", "set", "--team", "East", "--language", "zh"]) == 2
    assert capsys.readouterr().err == (
        "kam-bot team set: --team: No teams yet: importing users or accounts creates them.\n"
    )
