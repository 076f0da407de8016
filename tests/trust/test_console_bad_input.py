"""Hostile and careless input at the console: a clear answer naming the field, in the user's
language, before anything is saved; never a traceback, never a lost line."""

from __future__ import annotations

from decimal import Decimal

import pytest
from console_harness import ConsoleHarness
from factories import Seed, seed_team

from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale
from kam_bot.domain.models import InventoryObservation, PriceObservation, Visit
from kam_bot.handlers.commands import Commands

HUGE = "9" * 28


@pytest.fixture
def seed(app: App) -> Seed:
    return seed_team(app)


@pytest.fixture
def rep(app: App, seed: Seed) -> ConsoleHarness:
    return ConsoleHarness(app, seed.rep)


@pytest.fixture
def zh_rep(app: App, seed: Seed) -> ConsoleHarness:
    return ConsoleHarness(app, app.users.update_settings(seed.rep, locale=Locale.ZH_HANS))


def _count(app: App, model: type[Visit] | type[PriceObservation]) -> int:
    with app.uow() as uow:
        return uow.repo.count(model)


def test_a_visit_to_an_account_i_may_not_see_asks_for_another_and_keeps_the_line(
    app: App, rep: ConsoleHarness
) -> None:
    line = "visit Haier met Bob; summary talked about the Q3 order"
    out = rep.send(line)  # no answer: the prompt for another account ends the input

    assert "not allowed" in out
    assert "Traceback" not in out
    assert out.rstrip().endswith(line)  # printed back, to paste again
    assert any("account" in p.lower() for p in rep.prompts)
    assert _count(app, Visit) == 0

    out = rep.send(line, "Baosteel", "y")  # the same line, then my own account
    assert "saved" in out
    assert _count(app, Visit) == 1


@pytest.mark.parametrize("command", ["price Baosteel widget {n} USD/kg", "stock Baosteel widget {n} t"])
def test_a_28_digit_number_is_refused_before_save_naming_the_field(
    app: App, rep: ConsoleHarness, command: str
) -> None:
    line = command.format(n=HUGE)
    out = rep.send(line)

    field = "Price" if line.startswith("price") else "Quantity"
    assert f"{field}: too many digits; write at most 18 digits in all." in out
    assert not any("Save?" in p for p in rep.prompts)  # refused before the user confirms
    assert "should" not in out and "Decimal" not in out  # no library's text
    assert out.rstrip().endswith(line)
    assert _count(app, PriceObservation) == 0


def test_a_fixed_price_is_checked_again_then_saved(app: App, rep: ConsoleHarness) -> None:
    out = rep.send(f"price Baosteel widget {HUGE} USD/kg", "1" * 20, "4.20", "y")

    assert out.count("too many digits") >= 2  # the typed price, then the first answer
    assert "Price saved" in out or "saved" in out
    assert _count(app, PriceObservation) == 1


def test_too_long_a_summary_is_refused_before_save_in_chinese(app: App, zh_rep: ConsoleHarness) -> None:
    line = "拜访 宝钢 见了李伟; 纪要: " + "长" * 3500
    out = zh_rep.send(line)

    assert "纪要：最多 3,000 个字符。" in out
    assert not any("保存" in p for p in zh_rep.prompts)
    assert out.rstrip().endswith(line)
    assert _count(app, Visit) == 0


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"done {HUGE}", f"no promise #{HUGE}"),
        (f"snooze 1 {HUGE}", "within a year"),
        (f"account #{HUGE}", "no longer exists"),
        (f"settings hour {HUGE}:00", "is not a time"),
        ("settings away 2026-02-30", "is not a date"),
    ],
)
def test_numbers_no_column_holds_get_a_plain_answer(rep: ConsoleHarness, line: str, expected: str) -> None:
    out = rep.send(line)
    assert expected in out
    assert "wrong on my side" not in out


def test_an_unexpected_failure_prints_the_line_back_without_a_traceback(
    rep: ConsoleHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Commands, "my_promises", broken)
    out = rep.send("promises")

    assert "Something went wrong on my side" in out and out.rstrip().endswith("promises")
    assert "disk on fire" not in out and "Traceback" not in out
    assert "disk on fire" in caplog.text  # the details go to the log


def test_every_bad_part_of_a_visit_is_listed_in_one_answer(app: App, rep: ConsoleHarness) -> None:
    """A bad price, a bad stock share and a promise due before the visit, listed together before
    any question (the due date used to be asked only once the price and stock were fixed)."""
    line = f"visit Baosteel; price widget-42 {HUGE} USD; stock coil 5 share 150%; we promise PO by 2026-11-20"
    out = rep.send(line)
    to_fix = out.split("Please fix before saving:", 1)[1].split("Not saved", 1)[0]
    assert [row for row in to_fix.splitlines() if row.startswith("⚠")] == [
        "⚠ “share 150%” is not a share between 0 and 100 %.",
        f"⚠ Price: too many digits; write at most 18 digits in all. you typed: {HUGE}",
        "⚠ Due date: Fri 20 Nov 2026 is before the visit (Mon 23 Nov 2026); give a later one. "
        "you typed: 2026-11-20",
    ]
    assert out.rstrip().endswith(line)  # printed back to paste again
    assert _count(app, Visit) == 0


def test_the_parts_listed_together_are_asked_in_turn_and_saved_once_fixed(
    app: App, rep: ConsoleHarness
) -> None:
    line = f"visit Baosteel; price widget-42 {HUGE} USD; stock coil 5 share 150%; we promise PO by 2026-11-20"
    out = rep.send(line, "30", "4.20", "2026-11-30", "y")
    assert rep.prompts[1:] == ["Price of widget-42? ", "Due date for “PO”? ", "Save? [Y/n] "]
    assert "✅ Visit of Mon 23 Nov 2026 saved" in out and "PO — due Mon 30 Nov 2026" in out
    with app.uow() as uow:
        [price] = uow.repo.all(PriceObservation)
        [stock] = uow.repo.all(InventoryObservation)
    assert (price.price, stock.our_share_pct) == (Decimal("4.20"), Decimal("30"))
