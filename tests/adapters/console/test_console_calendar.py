"""The calendar in chat (the console): an admin sets a team's country, a rep sees the days, and due
dates typed in working days or landing on a holiday are understood and said."""

from __future__ import annotations

from console_harness import ConsoleHarness
from factories import add_account, add_team, add_user

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale, Role
from kam_bot.domain.models import AuditEntry


def _boston(app: App) -> tuple[ConsoleHarness, ConsoleHarness]:
    add_team(app, "Boston", timezone="America/New_York")
    admin = add_user(app, "Ada Admin", role=Role.ADMIN)
    team = app.users.teams()[0]
    rep = add_user(app, "Amy Rep", team=team, timezone="America/New_York")
    add_account(app, "Ford Motor", rep)
    return ConsoleHarness(app, admin), ConsoleHarness(app, rep)


def test_an_admin_sets_the_country_in_chat_and_the_rep_sees_thanksgiving(app: App) -> None:
    admin, rep = _boston(app)
    said = admin.send("calendar set --team Boston --country US")
    assert "Boston now follows: country US · weekend Sat, Sun." in said
    with app.uow() as uow:
        assert [e.fields for e in uow.repo.all(AuditEntry)] == [["calendar_country"]]
    shown = rep.send("calendar show --from 2026-11-01 --to 2026-12-31")
    assert "• Thu 26 Nov 2026 · Thanksgiving Day" in shown and "• Fri 25 Dec 2026 · Christmas Day" in shown


def test_a_rep_may_not_set_a_calendar_and_bad_options_say_what_to_write(app: App) -> None:
    admin, rep = _boston(app)
    assert "Only admins change a team's calendar" in rep.send("calendar set --team Boston --country US")
    assert "“--colour” is not an option of calendar set" in admin.send(
        "calendar set --team Boston --colour red"
    )
    assert "write weekdays such as sat,sun" in admin.send("calendar set --team Boston --weekend weekends")
    assert "Usage: calendar show" in admin.send("calendar")


def test_a_due_date_on_thanksgiving_stays_and_the_confirmation_says_it_is_a_day_off(app: App) -> None:
    admin, rep = _boston(app)
    admin.send("calendar set --team Boston --country US")
    out = rep.send("promise Ford quote by Thursday", "y")
    assert "Thu 26 Nov 2026 (a day off: Thanksgiving Day)" in out
    out = rep.send("promise Ford samples within 3 working days", "y")
    assert "Fri 27 Nov 2026" in out and "day off" not in out  # Tue, Wed, (Thanksgiving), Fri


def test_working_days_in_chinese_follow_the_china_calendar(app: App) -> None:
    team = add_team(app, "上海", calendar_country="CN", timezone="Asia/Shanghai")
    rep = add_user(app, "李娜", team=team, timezone="Asia/Shanghai", locale=Locale.ZH_HANS)
    add_account(app, "宝钢", rep)
    console = ConsoleHarness(app, rep)
    out = console.send("承诺 宝钢 下个工作日前回复报价", "y")
    assert "2026年11月24日 周二" in out
    shown = console.send("日历 show --from 2026-02-14 --to 2026-02-17")
    assert "2026年2月14日 周六 · 调休上班" in shown and "2026年2月17日 周二 · 春节" in shown


def test_an_admin_marks_a_company_day_from_chat_and_it_is_audited(app: App) -> None:
    admin, rep = _boston(app)
    said = admin.send("calendar off 2026-12-24 --name Christmas Eve")
    assert "Thu 24 Dec 2026 is now a day off for every team · Christmas Eve" in said
    said = admin.send("calendar work 2026-11-28 --team Boston --name Inventory count")
    assert "Sat 28 Nov 2026 is now a working day for Boston · Inventory count" in said
    shown = rep.send("calendar show --from 2026-11-01 --to 2026-12-31")
    assert "• Thu 24 Dec 2026 · Christmas Eve" in shown and "• Sat 28 Nov 2026 · Inventory count" in shown
    assert "DATE: “24/12” is not a date; write it as 2026-02-14." in admin.send("calendar off 24/12")
    assert "Only admins" in rep.send("calendar off 2026-12-31")
    with app.uow() as uow:
        assert [(e.action, e.entity) for e in uow.repo.all(AuditEntry)] == [
            ("created", "calendar_day"),
            ("created", "calendar_day"),
        ]


def test_typographic_quotes_clear_the_country_as_plain_ones_do(app: App) -> None:
    admin, _ = _boston(app)
    admin.send("calendar set --team Boston --country US")
    said = admin.send("calendar set --team Boston --country ‘’")
    assert "Boston now follows: country none (no public holidays)" in said
