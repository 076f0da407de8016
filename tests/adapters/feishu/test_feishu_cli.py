"""`kam-bot feishu-ids` fills users.csv's feishu_id from the contact API (by email, or by a mobile
column), and `kam-bot serve` checks the app's credentials with Feishu before it starts."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.feishu_open import FakeFeishu
from feishu_harness import ADA, APP_ID, APP_SECRET, RITA
from lark_oapi.core.token.manager import TokenManager

from kam_bot import cli
from kam_bot.adapters.feishu.platform import REGISTRATION
from kam_bot.adapters.feishu.settings import FeishuSettings
from kam_bot.config import SettingsError


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeFeishu]:
    server = FakeFeishu(APP_ID, APP_SECRET).start()
    server.users[RITA["open_id"]] = dict(RITA)
    server.users[ADA["open_id"]] = dict(ADA)
    TokenManager.cache.set(f"self_tenant_token:{APP_ID}", "", 0)
    for name, value in {"APP_ID": APP_ID, "APP_SECRET": APP_SECRET, "API_URL": server.url}.items():
        monkeypatch.setenv(f"FEISHU_{name}", value)
    yield server
    server.stop()


def test_feishu_ids_fills_the_column_by_email_and_mobile(
    fake: FakeFeishu, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.users["ou_ming"] = {"open_id": "ou_ming", "name": "Ming", "mobile": "+8613900000009"}
    users = tmp_path / "users.csv"
    users.write_text(
        "email,display_name,mobile\n"
        "Rita@Example.com,Rita Rep,\n"
        ",Ming by phone,+8613900000009\n"
        "nobody@example.com,No Body,\n"
        f"ada@elsewhere.example,Ada,{RITA['mobile']}\n",
        encoding="utf-8",
    )
    assert cli.main(["feishu-ids", str(users)]) == 0
    rows = list(csv.DictReader(users.open(encoding="utf-8")))
    assert [r["feishu_id"] for r in rows] == [RITA["open_id"], "ou_ming", "", ""]  # a row's email comes first
    out = capsys.readouterr().out
    assert "2 Feishu id(s) found" in out and "nobody@example.com" in out


def test_serve_refuses_credentials_feishu_refuses(fake: FakeFeishu) -> None:
    REGISTRATION.check_token(FeishuSettings(app_id=APP_ID, app_secret=APP_SECRET, api_url=fake.url))
    with pytest.raises(SettingsError, match="FEISHU_APP_SECRET"):
        REGISTRATION.check_token(FeishuSettings(app_id=APP_ID, app_secret="wrong", api_url=fake.url))


def test_the_long_connection_keeps_one_worker_and_http_needs_its_secrets() -> None:
    from kam_bot import platforms
    from kam_bot.cli.serve import worker_count
    from kam_bot.config import Settings

    postgres = Settings(database_url="postgresql://kam@127.0.0.1/kam")
    ws = platforms.Configured(REGISTRATION, FeishuSettings(app_id=APP_ID, app_secret=APP_SECRET))
    with pytest.raises(SettingsError, match="FEISHU_MODE=http"):
        worker_count(postgres, 2, [ws])
    http = platforms.Configured(
        REGISTRATION, FeishuSettings(app_id=APP_ID, app_secret=APP_SECRET, mode="http")
    )
    with pytest.raises(SettingsError, match="FEISHU_VERIFICATION_TOKEN"):
        http.check()
    ready = FeishuSettings(
        app_id=APP_ID, app_secret="s", mode="http", verification_token="t", encrypt_key="k"
    )
    assert worker_count(postgres, 2, [platforms.Configured(REGISTRATION, ready)]) == (2, "")
