"""CSV import: users, accounts, contacts and the price list, as an admin runs it.

Every test runs on SQLite and PostgreSQL (the ``engine`` fixture behind ``app``).
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from string import Formatter
from textwrap import dedent
from typing import TypeVar

import pytest

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import FunnelStage, Locale, ProcurementStage, Role, Tier
from kam_bot.domain.matching import fold
from kam_bot.i18n.messages.transfer import MESSAGES
from kam_bot.services import transfer
from kam_bot.services.errors import ForbiddenError, InvalidInputError
from kam_bot.services.ports import UnitOfWork
from kam_bot.services.transfer import ImportReport, RowError, entity_for, import_csv, import_file

E = TypeVar("E", bound=m.Entity)
USERS_HEADER = (
    "email,display_name,role,team,manager,timezone,locale,slack_id,teams_id,reminder_time,away_until\n"
)


def write(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(dedent(text).lstrip("\n").encode(encoding))
    return path


def where(report: ImportReport) -> list[tuple[int, str | None, str]]:
    """(line, column, message key) of each error, after checking each renders in both languages."""
    for error in report.errors:
        assert rendered(error)
    return [(e.line, e.column, e.message) for e in report.errors]


def rendered(error: RowError) -> str:
    texts = MESSAGES[error.message]
    return " / ".join(texts[locale].format(**error.params) for locale in ("en", "zh-Hans"))


def count(app: App, model: type[m.Entity]) -> int:
    with app.uow() as uow:
        return uow.repo.count(model)


def add(app: App, model: type[E], **fields: object) -> E:
    with app.uow() as uow:
        entity = uow.repo.add(model, **fields)
        uow.commit()
    return entity


def now(app: App) -> dict[str, object]:
    return {"created_at": app.clock(), "updated_at": app.clock()}


def untouched() -> UnitOfWork:
    """A database that fails the test when opened: for problems found before any is needed."""
    pytest.fail("the database was opened")


ADMIN = m.User(id=0, display_name="kam-bot CLI", role=Role.ADMIN)
"""An admin that is not in the database, as the command line acts (``cli.OPERATOR``)."""


@pytest.fixture
def admin(app: App) -> m.User:
    return add(app, m.User, email="admin@example.com", display_name="Admin", role=Role.ADMIN)


@pytest.fixture
def rep(app: App) -> m.User:
    team = add(app, m.Team, name="East")
    identities = {"slack": "U0WANG", "teams": "29:wang"}
    return add(
        app, m.User, email="wang.wei@example.com", display_name="王伟", team_id=team.id, identities=identities
    )


# -- users ------------------------------------------------------------------------------


def test_users_import_creates_teams_managers_and_platform_ids(
    app: App, admin: m.User, tmp_path: Path
) -> None:
    rows = (
        USERS_HEADER
        + "wang.wei@example.com,王伟,rep,华东,li.na@example.com,Asia/Shanghai,zh-CN,U0WANG,,7:45,2026-12-24\n"
        + "li.na@example.com,李娜,Manager,华东,,Asia/Shanghai,,U0LINA,29:lina,,\n"
        + "sam@example.com,,,,,,,,,,\n"
    )
    path = write(tmp_path, rows.replace("\n", "\r\n"), encoding="utf-8-sig")  # as Excel saves "CSV UTF-8"

    report = import_csv(app, "users", path, actor=admin)

    assert where(report) == []
    assert (report.rows_total, report.rows_written, report.rows_updated) == (3, 3, 0)
    with app.uow() as uow:
        wang = uow.repo.user_by_email("wang.wei@example.com")
        li = uow.repo.user_by_identity("teams", "29:lina")
        sam = uow.repo.user_by_email("SAM@example.com")
        team = uow.repo.team_by_name("华东")
    assert wang is not None and li is not None and sam is not None and team is not None
    assert wang.manager_id == li.id  # the manager's row came later in the file
    assert wang.team_id == li.team_id == team.id
    assert (wang.timezone, wang.locale, wang.reminder_time) == ("Asia/Shanghai", Locale.ZH_HANS, time(7, 45))
    assert wang.away_until == date(2026, 12, 24)
    assert wang.identities == {"slack": "U0WANG"}
    assert li.role is Role.MANAGER and li.identities == {"slack": "U0LINA", "teams": "29:lina"}
    assert (sam.display_name, sam.role, sam.timezone, sam.team_id) == ("sam", Role.REP, "UTC", None)


def test_reimporting_users_updates_them_and_blank_cells_keep_values(
    app: App, admin: m.User, tmp_path: Path
) -> None:
    first = USERS_HEADER + "wang.wei@example.com,王伟,rep,East,,Asia/Shanghai,zh-Hans,U0WANG,,,\n"
    import_csv(app, "users", write(tmp_path, first), actor=admin)
    again = "email,display_name,role\nWANG.WEI@example.com,Wang Wei,manager\n"

    report = import_csv(app, "users", write(tmp_path, again, "again.csv"), actor=admin)

    assert (report.rows_written, report.rows_updated) == (1, 1)
    assert count(app, m.User) == 2  # the admin and Wang, not a second Wang
    with app.uow() as uow:
        wang = uow.repo.user_by_identity("slack", "U0WANG")
    assert wang is not None
    assert (wang.display_name, wang.role, wang.timezone) == ("Wang Wei", Role.MANAGER, "Asia/Shanghai")


def test_users_import_completes_a_user_known_only_by_platform_id(
    app: App, admin: m.User, tmp_path: Path
) -> None:
    met = add(app, m.User, display_name="wei", identities={"slack": "U0WANG"})
    path = write(tmp_path, "email,display_name,slack_id\nwang.wei@example.com,王伟,U0WANG\n")

    report = import_csv(app, "users", path, actor=admin)

    assert report.rows_updated == 1
    with app.uow() as uow:
        found = uow.repo.user_by_email("wang.wei@example.com")
    assert found is not None and found.id == met.id
    assert found.display_name == "王伟"


def test_a_bad_row_is_reported_by_line_and_column_and_nothing_is_written(
    app: App, admin: m.User, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        """
        email,display_name,role,timezone,reminder_time
        ok@example.com,"Two-line
        name",rep,UTC,08:30
        bad-tz@example.com,B,rep,Mars/Olympus,08:30
        bad-role@example.com,C,boss,UTC,25:00

        not-an-email,D,rep,UTC,
        ok@example.com,Again,rep,UTC,
        """,
    )

    report = import_csv(app, "users", path, actor=admin)

    assert where(report) == [
        (4, "timezone", "transfer.bad_timezone"),
        (5, "reminder_time", "transfer.invalid_time"),
        (5, "role", "transfer.invalid_choice"),
        (7, "email", "transfer.invalid_email"),
        (8, "email", "transfer.duplicate_in_file"),
    ]
    assert report.errors[2].params["choices"] == "rep, manager, admin"
    assert report.errors[-1].params["first_line"] == 2
    assert (report.rows_total, report.rows_written) == (5, 0)
    assert count(app, m.User) == 1  # only the admin: the good first row was not written either


def test_skip_bad_writes_the_good_rows_and_drops_rows_that_depend_on_bad_ones(
    app: App, admin: m.User, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        """
        email,display_name,manager,timezone
        good@example.com,Good,,UTC
        boss@example.com,Boss,,Nowhere/Atlantis
        report@example.com,Report,boss@example.com,UTC
        """,
    )

    report = import_csv(app, "users", path, actor=admin, skip_bad=True)

    assert where(report) == [
        (3, "timezone", "transfer.bad_timezone"),
        (4, "manager", "transfer.unknown_manager"),
    ]
    assert (report.rows_total, report.rows_written) == (3, 1)
    with app.uow() as uow:
        assert uow.repo.user_by_email("good@example.com") is not None
        assert uow.repo.user_by_email("report@example.com") is None
    assert count(app, m.User) == 2


def test_platform_id_of_another_user_and_self_management_are_refused(
    app: App, admin: m.User, rep: m.User, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        """
        email,manager,slack_id
        new@example.com,,U0WANG
        me@example.com,ME@example.com,
        """,
    )

    report = import_csv(app, "users", path, actor=admin)

    assert where(report) == [
        (2, "slack_id", "transfer.identity_taken"),
        (3, "manager", "transfer.self_manager"),
    ]
    assert report.errors[0].params["email"] == "wang.wei@example.com"


# -- the file as a whole ------------------------------------------------------------------


def test_unknown_and_missing_columns_list_the_expected_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "Display Name,mail\nWang,wang@example.com\n")

    report = import_csv(untouched, "users", path, actor=ADMIN)

    assert where(report) == [(1, "mail", "transfer.unknown_column"), (1, "email", "transfer.missing_column")]
    assert report.errors[0].params["expected"].startswith("email, display_name, role, team, manager")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", (1, None, "transfer.empty_file")),
        (b"\xef\xbb\xbf\r\n", (1, None, "transfer.empty_file")),
        (b"email,display_name\r\n\r\n", (1, None, "transfer.no_rows")),
        ("email,display_name\na@example.com,王伟\n".encode("gbk"), (2, None, "transfer.not_utf8")),
    ],
    ids=["empty", "bom-only", "header-only", "gbk"],
)
def test_files_without_usable_rows_get_a_clear_error(
    tmp_path: Path, content: bytes, expected: tuple[int, None, str]
) -> None:
    path = tmp_path / "users.csv"
    path.write_bytes(content)

    report = import_csv(untouched, "users", path, actor=ADMIN)

    assert where(report) == [expected]
    assert report.rows_written == 0


def test_a_row_with_more_cells_than_the_header_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "email,display_name\na@example.com,A,surplus\n\n")

    report = import_csv(untouched, "users", path, actor=ADMIN, skip_bad=True)

    assert where(report) == [(2, None, "transfer.too_many_cells")]
    assert (report.rows_total, report.rows_written) == (1, 0)


def test_only_admins_may_import(tmp_path: Path) -> None:
    path = write(tmp_path, "email\nx@example.com\n")
    manager = ADMIN.model_copy(update={"role": Role.MANAGER})

    with pytest.raises(ForbiddenError):
        import_csv(untouched, "users", path, actor=manager)


# -- accounts -----------------------------------------------------------------------------


ACCOUNTS = """
    name,aliases,owner,team,tier,industry,funnel_stage,intention,power,procurement_stage,visit_cadence_days
    宝山钢铁股份有限公司,宝钢 | Baosteel,wang.wei@example.com,,a,钢铁,customer,clear,strong,evaluation,10
    Acme Trading Ltd.,,U0WANG,West,C,,,,,,
    Cathay Foods,,teams:29:wang,,,food,Target customer,,,,
    """


def test_accounts_import_resolves_owners_and_teams(
    app: App, admin: m.User, rep: m.User, tmp_path: Path
) -> None:
    report = import_csv(app, "accounts", write(tmp_path, ACCOUNTS), actor=admin)

    assert where(report) == []
    assert report.rows_written == 3
    with app.uow() as uow:
        (bao,) = uow.repo.accounts_by_key(fold("Baosteel"))
        (acme,) = uow.repo.accounts_by_key(fold("ACME TRADING"))
        (cathay,) = uow.repo.accounts_by_key(fold("Cathay Foods"))
        west = uow.repo.team_by_name("west")
    assert west is not None
    assert (bao.name, bao.aliases, bao.owner_id, bao.team_id) == (
        "宝山钢铁股份有限公司",
        ["宝钢", "Baosteel"],
        rep.id,
        rep.team_id,
    )
    assert (bao.tier, bao.funnel_stage, bao.procurement_stage, bao.visit_cadence_days) == (
        Tier.A, FunnelStage.CUSTOMER, ProcurementStage.EVALUATION, 10,
    )  # fmt: skip
    assert bao.created_at == app.clock()
    assert (acme.owner_id, acme.team_id, acme.tier, acme.funnel_stage) == (
        rep.id,
        west.id,
        Tier.C,
        FunnelStage.POTENTIAL,
    )
    assert (cathay.owner_id, cathay.funnel_stage, cathay.tier) == (
        rep.id,
        FunnelStage.TARGET_CUSTOMER,
        Tier.B,
    )


def test_an_existing_account_of_the_same_folded_name_is_updated_not_duplicated(
    app: App, admin: m.User, rep: m.User, tmp_path: Path
) -> None:
    stored = add(
        app,
        m.Account,
        name="Baoshan Iron & Steel Co., Ltd.",
        aliases=["Baogang"],
        tier=Tier.B,
        industry="steel",
        **now(app),
    )
    path = write(tmp_path, "name,aliases,tier\nBAOSHAN IRON & STEEL,宝钢|Baosteel,A\n")

    report = import_csv(app, "accounts", path, actor=admin)

    assert (report.rows_written, report.rows_updated) == (1, 1)
    assert count(app, m.Account) == 1
    with app.uow() as uow:
        (found,) = uow.repo.accounts_by_key(fold("宝钢"))
        assert uow.repo.accounts_by_key(fold("Baogang")) == []  # the alias list was replaced
    assert found.id == stored.id
    assert (found.name, found.tier, found.industry) == ("BAOSHAN IRON & STEEL", Tier.A, "steel")


def test_account_rows_that_clash_with_others_or_name_unknown_owners_are_errors(
    app: App, admin: m.User, rep: m.User, tmp_path: Path
) -> None:
    add(app, m.Account, name="Cathay Foods", **now(app))
    path = write(
        tmp_path,
        """
        name,aliases,owner,tier
        Acme Trading,,nobody@example.com,A
        ACME trading co.,,,B
        Bright Star,Cathay,slack:U0NOBODY,B
        !!!,,,
        Sunrise,,,D
        Moonlight,Cathay Foods Co.,,
        Starlight,Bright Star,,
        """,
    )

    report = import_csv(app, "accounts", path, actor=admin)

    assert where(report) == [  # line 2's owner is an email: a pending user, no error
        (3, "name", "transfer.duplicate_in_file"),
        (4, "owner", "transfer.unknown_owner"),
        (5, "name", "transfer.invalid_name"),
        (6, "tier", "transfer.invalid_choice"),
        (7, "aliases", "transfer.alias_is_other_name"),
        (8, "aliases", "transfer.alias_is_other_name"),
    ]
    assert [e.params["name"] for e in report.errors[-2:]] == ["Cathay Foods", "Bright Star"]
    assert count(app, m.Account) == 1


def test_large_account_files_are_written_in_batches_with_progress(
    app: App, admin: m.User, rep: m.User, tmp_path: Path
) -> None:
    rows = "".join(f"Account {i:05d},A{i}|Alias {i},U0WANG,,B,\n" for i in range(1200))
    path = write(tmp_path, "name,aliases,owner,team,tier,industry\n" + rows)
    calls: list[tuple[int, int]] = []

    report = import_csv(
        app, "accounts", path, actor=admin, progress=lambda done, total: calls.append((done, total))
    )

    assert report.rows_written == 1200
    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]
    with app.uow() as uow:
        assert uow.repo.count(m.Account) == 1200
        (found,) = uow.repo.accounts_by_key(fold("alias 1199"))
    assert (found.name, found.owner_id) == ("Account 01199", rep.id)


# -- contacts and the price list -------------------------------------------------------------


def test_contacts_are_attached_by_account_name_or_alias_and_updated_on_reimport(
    app: App, admin: m.User, tmp_path: Path
) -> None:
    bao = add(app, m.Account, name="宝山钢铁股份有限公司", aliases=["宝钢"], **now(app))
    path = write(
        tmp_path,
        """
        account,name,title,department,role,attitude,relationship_strength,personal_notes
        宝钢,张总,采购总监,采购部,Decision maker,supporter,4,"女儿在复旦读书
        喜欢钓鱼"
        Nobody Inc,Li,,,,,,
        宝山钢铁,Zhao,,,,,6,
        """,
    )

    report = import_csv(app, "contacts", path, actor=admin, skip_bad=True)

    assert where(report) == [
        (4, "account", "transfer.unknown_account"),
        (5, "relationship_strength", "transfer.out_of_range"),
    ]
    again = "account,name,title,attitude\n宝山钢铁股份有限公司,张总,副总经理,\n"
    second = import_csv(app, "contacts", write(tmp_path, again, "again.csv"), actor=admin)
    assert (second.rows_written, second.rows_updated) == (1, 1)
    with app.uow() as uow:
        (zhang,) = uow.repo.contacts_for(bao.id)
    assert (zhang.name, zhang.title, zhang.attitude, zhang.relationship_strength) == (
        "张总",
        "副总经理",
        "supporter",
        4,
    )
    assert zhang.personal_notes == "女儿在复旦读书\n喜欢钓鱼"


def test_an_alias_shared_by_two_accounts_is_ambiguous_for_contacts(
    app: App, admin: m.User, tmp_path: Path
) -> None:
    add(app, m.Account, name="Acme Trading", aliases=["Acme"], **now(app))
    add(app, m.Account, name="Acme Foods", aliases=["Acme"], **now(app))

    report = import_csv(app, "contacts", write(tmp_path, "account,name\nacme,Li\n"), actor=admin)

    assert where(report) == [(2, "account", "transfer.ambiguous_account")]
    assert report.errors[0].params["names"] == "Acme Trading, Acme Foods"


def test_price_list_import_keeps_decimals_and_updates_the_same_product_and_day(
    app: App, admin: m.User, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        """
        product,price,currency,unit,valid_from
        冷轧板 SPCC,4.20,cny,kg,2026-01-01
        冷轧板 SPCC,4.35,CNY,kg,2026-07-01
        Hot-rolled coil,"1,234.50",USD,t,
        Galvanised sheet,0,USD,t,
        """,
    )

    first = import_csv(app, "prices", path, actor=admin, skip_bad=True)
    again = "product,price,currency,valid_from\n冷轧板 spcc,4.25,CNY,2026-01-01\n"
    second = import_csv(app, "prices", write(tmp_path, again, "again.csv"), actor=admin)

    assert where(first) == [(4, "price", "transfer.invalid_number"), (5, "price", "transfer.out_of_range")]
    assert (second.rows_written, second.rows_updated) == (1, 1)
    with app.uow() as uow:
        entries = uow.repo.all(m.PriceListEntry)
        current = uow.repo.price_list_for("冷轧板 SPCC", on=date(2026, 3, 1))
    assert [(e.price, e.currency, e.valid_from) for e in entries] == [
        (Decimal("4.25"), "CNY", date(2026, 1, 1)),
        (Decimal("4.35"), "CNY", date(2026, 7, 1)),
    ]
    assert current is not None and current.price == Decimal("4.25") and current.unit == "kg"


# -- choosing the importer ------------------------------------------------------------------


def test_import_file_reads_the_kind_from_the_file_name(tmp_path: Path) -> None:
    names = ["users.csv", "Accounts-2026.csv", "contact_list.CSV", "Price_List.csv"]

    assert [entity_for(Path(name)) for name in names] == ["users", "accounts", "contacts", "prices"]
    with pytest.raises(InvalidInputError) as unknown:
        import_file(untouched, write(tmp_path, "x\n1\n", name="stuff.csv"), actor=ADMIN)
    assert unknown.value.message == "transfer.entity_from_name"
    with pytest.raises(InvalidInputError) as unknown_kind:
        import_file(untouched, write(tmp_path, "x", name="stuff.xlsx"), actor=ADMIN)
    assert unknown_kind.value.message == "transfer.unknown_file_kind"


def test_every_message_the_transfer_code_reports_is_in_the_catalog_in_both_languages() -> None:
    source = Path(transfer.__file__).parent
    used = {
        key
        for path in source.glob("*.py")
        for key in re.findall(r'"(transfer\.[a-z_0-9]+)"', path.read_text())
    }

    assert used, "no message keys found"
    assert sorted(used - set(MESSAGES)) == []
    for key, texts in MESSAGES.items():
        assert set(texts) == {"en", "zh-Hans"}, key
        en, zh = ({name for _, name, _, _ in Formatter().parse(text) if name} for text in texts.values())
        assert en == zh, key


def test_the_sample_files_import_in_order_into_a_fresh_install(app: App) -> None:
    """tests/data holds one sample per kind: the formats as documented, imported as a first set-up does."""
    data = Path(__file__).parent.parent / "data"

    reports = [
        import_file(app, data / f"{kind}.csv", actor=ADMIN)
        for kind in ("users", "accounts", "contacts", "prices")
    ]

    assert [(r.entity, r.rows_written, where(r)) for r in reports] == [
        ("users", 4, []), ("accounts", 3, []), ("contacts", 3, []), ("prices", 3, []),
    ]  # fmt: skip
    with app.uow() as uow:
        (acme,) = uow.repo.accounts_by_key(fold("acme"))
        wang = uow.repo.user_by_identity("teams", "29:wang-wei")
        (jane,) = uow.repo.contacts_for(acme.id)
    assert wang is not None and acme.owner_id == wang.id and acme.team_id == wang.team_id
    assert jane.personal_notes == "Runs marathons"
