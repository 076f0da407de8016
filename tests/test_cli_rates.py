"""`kam-bot rates`: an admin sets the rate through which a price in another currency meets the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from console_harness import ConsoleHarness

from kam_bot.bootstrap import bootstrap
from kam_bot.cli import main
from kam_bot.config import load_settings
from kam_bot.services import demo


@pytest.fixture
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.chdir(tmp_path)
    assert main(["db", "upgrade"]) == 0
    return db


def _price_reply(line: str) -> str:
    app = bootstrap(load_settings())
    if demo.is_empty(app.uow):
        demo.seed(app.uow, app.clock())
    me = app.users.by_identity("console", demo.DEMO_IDENTITY)
    assert me is not None
    return ConsoleHarness(app, me).send(line, "y")


def test_a_yuan_per_kilo_price_is_not_comparable_until_a_rate_is_set(
    db_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _price_reply("price Baosteel widget-42 30 元/公斤")
    assert "30.00 CNY/公斤" in before
    assert "not comparable with list 4.00 USD/kg" in before

    assert main(["rates", "set", "CNY", "USD", "0.15"]) == 0
    assert main(["rates"]) == 0
    assert "1 CNY = 0.15 USD" in capsys.readouterr().out

    after = _price_reply("price Baosteel widget-42 30 元/公斤")
    assert "⚠ +12.5% vs list 4.00 USD/kg" in after  # 30 CNY × 0.15 = 4.50 USD against 4.00


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["CNY", "USD", "zero"], "not a rate"),
        (["CNY", "USD", "-1"], "not a rate"),
        (["RMB1", "USD", "0.14"], "not a currency code"),
        (["USD", "usd", "1"], "the same"),
        (["CNY", "USD"], "Usage: kam-bot rates set FROM TO RATE"),
    ],
)
def test_a_bad_rate_is_refused_naming_what_to_write(
    db_env: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    assert main(["rates", "set", *args]) == 2
    assert says in capsys.readouterr().err
