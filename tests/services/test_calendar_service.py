"""Team calendars in the store: set, show and company days from a CSV, audited (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from factories import add_team, add_user

from kam_bot.bootstrap import App
from kam_bot.cli import OPERATOR
from kam_bot.domain.enums import Role
from kam_bot.domain.models import AuditEntry
from kam_bot.services.errors import ForbiddenError, InvalidInputError, NotFoundError
from kam_bot.services.transfer import export_all, import_csv, restore_jsonl


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def test_an_admin_sets_a_teams_country_and_weekend_and_it_is_audited(app: App) -> None:
    add_team(app, "Riyadh")
    admin = add_user(app, "Ada", role=Role.ADMIN)
    team = app.calendar.set(admin, "riyadh", country="sa", weekend="fri,sat")
    assert (team.calendar_country, team.calendar_weekend) == ("SA", "fri,sat")
    riyadh = app.calendar.for_team(team.id)
    assert riyadh.is_working_day(date(2026, 11, 22)) and not riyadh.is_working_day(date(2026, 11, 27))
    with app.uow() as uow:
        entries = uow.repo.all(AuditEntry)
    assert [(e.action, e.entity, e.entity_id, e.fields) for e in entries] == [
        ("changed", "team", team.id, ["calendar_country", "calendar_weekend"])
    ]
    cleared = app.calendar.set(admin, "Riyadh", country="")
    assert cleared.calendar_country is None and cleared.calendar_weekend == "fri,sat"


def test_a_rep_may_not_change_a_calendar(app: App) -> None:
    add_team(app, "Shanghai")
    rep = add_user(app, "Li Na")
    with pytest.raises(ForbiddenError):
        app.calendar.set(rep, "Shanghai", country="CN")


@pytest.mark.parametrize(
    ("options", "key", "field"),
    [
        ({"country": "XX"}, "calendar.bad_country", "country"),
        ({"country": "US", "region": "ZZ"}, "calendar.bad_region", "region"),
        ({"region": "CA"}, "calendar.region_without_country", "region"),
        ({"weekend": "fri,funday"}, "calendar.bad_weekend", "weekend"),
    ],
)
def test_a_bad_option_is_refused_naming_the_field(
    app: App, options: dict[str, str], key: str, field: str
) -> None:
    add_team(app, "Shanghai")
    admin = add_user(app, "Ada", role=Role.ADMIN)
    with pytest.raises(InvalidInputError) as caught:
        app.calendar.set(admin, "Shanghai", **options)  # type: ignore[arg-type]
    assert (caught.value.message, caught.value.field) == (key, field)


def test_an_unknown_team_is_named_with_the_teams_there_are(app: App) -> None:
    add_team(app, "Shanghai")
    with pytest.raises(NotFoundError) as caught:
        app.calendar.show("Shangai", date(2026, 1, 1), date(2026, 12, 31))
    assert caught.value.params["known"] == "Shanghai"


def test_company_days_from_a_csv_show_in_the_teams_calendar_and_a_second_import_corrects_them(
    app: App,
) -> None:
    shanghai = add_team(app, "Shanghai", calendar_country="CN")
    add_team(app, "Boston", calendar_country="US")
    admin = add_user(app, "Ada", role=Role.ADMIN)
    report = import_csv(
        app,
        "calendar",
        _csv("date,kind,team,name\n2026-12-24,off,,Christmas Eve\n2026-02-24,off,Shanghai,Plant shutdown\n"),
        actor=admin,
    )
    assert report.ok and report.rows_written == 2
    view = app.calendar.show("Shanghai", date(2026, 2, 1), date(2026, 12, 31))
    named = {d.day: d.name for d in view.days}
    assert named[date(2026, 2, 24)] == "Plant shutdown" and named[date(2026, 12, 24)] == "Christmas Eve"
    assert not app.calendar.for_team(shanghai.id).is_working_day(date(2026, 2, 24))
    boston = app.calendar.show("Boston", date(2026, 2, 1), date(2026, 12, 31))
    assert date(2026, 2, 24) not in {d.day for d in boston.days}
    again = import_csv(
        app, "calendar", _csv("date,kind,team,name\n2026-02-24,work,shanghai,Back early\n"), actor=admin
    )
    assert (again.rows_written, again.rows_updated) == (1, 1)
    assert app.calendar.for_team(shanghai.id).is_working_day(date(2026, 2, 24))


def test_a_calendar_import_with_a_bad_row_writes_nothing_and_names_each_line(app: App) -> None:
    add_team(app, "Shanghai")
    admin = add_user(app, "Ada", role=Role.ADMIN)
    report = import_csv(
        app,
        "calendar",
        _csv(
            "date,kind,team,name\n2026-12-24,off,,Christmas Eve\n2026-13-01,off,,x\n"
            "2026-02-25,maybe,Shanghai,\n2026-02-26,off,Shangai,\n2026-12-24,work,,again\n"
        ),
        actor=admin,
    )
    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (3, "date", "transfer.invalid_date"),
        (4, "kind", "transfer.invalid_choice"),
        (5, "team", "calendar.import_unknown_team"),
        (6, "date", "transfer.duplicate_in_file"),
    ]
    assert report.rows_written == 0
    assert app.calendar.book().for_team(None).is_working_day(date(2026, 12, 24))


def test_an_export_restores_the_teams_calendars_and_company_days(app: App, empty_app: App) -> None:
    add_team(app, "Riyadh", calendar_country="SA", calendar_weekend="fri,sat")
    admin = add_user(app, "Ada", role=Role.ADMIN)
    import_csv(
        app, "calendar", _csv("date,kind,team,name\n2026-12-03,off,Riyadh,Founding day\n"), actor=admin
    )
    out = io.StringIO()
    export_all(app, out, actor=OPERATOR)
    report = restore_jsonl(empty_app, io.BytesIO(out.getvalue().encode()), actor=OPERATOR)
    assert report.errors == []
    view = empty_app.calendar.show("Riyadh", date(2026, 12, 1), date(2026, 12, 31))
    assert view.calendar.weekend == frozenset({4, 5}) and view.spec.country == "SA"
    assert [(d.day, d.name) for d in view.days if d.name == "Founding day"] == [
        (date(2026, 12, 3), "Founding day")
    ]
