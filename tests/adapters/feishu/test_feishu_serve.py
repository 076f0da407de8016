"""`kam-bot serve` with Feishu, as the README sets it up: `db upgrade`, `feishu-ids`, the imports,
then `serve` with only FEISHU_APP_ID / FEISHU_APP_SECRET / FEISHU_API_URL (the fake open
platform). It checks the credentials, prints its start line, opens the long connection, and a
rep's visit line typed in Feishu comes back as the form card; Save (a ``card`` frame) answers
with the confirmation. SIGTERM stops it. Nothing here asserts a duration: the waits are
generous limits for a loaded machine."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.feishu_open import FakeFeishu, Message, answer_data
from feishu_cards import assert_valid, button, form_value, texts
from feishu_harness import ADA, APP_ID, APP_SECRET, RITA

START_SECONDS = 90
LINE = "visit Baosteel met Li Wei (purchasing); goal: trial order - partly; we promise quote by Friday"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def kam(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "kam_bot", *args], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def fake() -> Iterator[FakeFeishu]:
    server = FakeFeishu(APP_ID, APP_SECRET).start()
    server.users.update({p["open_id"]: dict(p) for p in (RITA, ADA)})
    yield server
    server.stop()


def message_event(text: str, n: int) -> dict[str, object]:
    return {
        "schema": "2.0",
        "header": {"event_id": f"serve-ev-{n}", "token": "", "create_time": "0",
                   "event_type": "im.message.receive_v1", "tenant_key": "t", "app_id": APP_ID},
        "event": {
            "sender": {"sender_id": {k: RITA[k] for k in ("open_id", "union_id", "user_id")},
                       "sender_type": "user", "tenant_key": "t"},
            "message": {"message_id": f"om_serve{n}", "create_time": "0", "chat_id": "oc_p2p_ou_rita",
                        "chat_type": "p2p", "message_type": "text", "content": f'{{"text": "{text}"}}'},
        },
    }  # fmt: skip


def card_event(message: Message, value: dict[str, object], form: dict[str, object]) -> dict[str, object]:
    return {
        "schema": "2.0",
        "header": {"event_id": "serve-card-1", "token": "", "create_time": "0",
                   "event_type": "card.action.trigger", "tenant_key": "t", "app_id": APP_ID},
        "event": {
            "operator": {k: RITA[k] for k in ("open_id", "union_id", "user_id")},
            "token": "c-1", "action": {"value": value, "tag": "button", "form_value": form, "name": "save"},
            "context": {"open_message_id": message.message_id, "open_chat_id": message.chat_id},
        },
    }  # fmt: skip


def wait_for(check: object, what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen")


async def test_serve_with_feishu_as_the_readme_says(fake: FakeFeishu, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_", "FEISHU_"))}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'kam.db'}", "FEISHU_APP_ID": APP_ID,
            "FEISHU_APP_SECRET": APP_SECRET, "FEISHU_API_URL": fake.url}  # fmt: skip
    users, accounts = tmp_path / "users.csv", tmp_path / "accounts.csv"
    users.write_text(
        "email,display_name,role,team\nrita@example.com,Rita Rep,rep,Steel East\n", encoding="utf-8"
    )
    baosteel = "Baoshan Iron & Steel Co.,Baosteel|宝钢,rita@example.com,A\n"
    accounts.write_text("name,aliases,owner,tier\n" + baosteel, encoding="utf-8")
    kam(env, "db", "upgrade")
    assert "1 Feishu id(s) found" in kam(env, "feishu-ids", str(users))
    kam(env, "import", "users", str(users))
    kam(env, "import", "accounts", str(accounts))
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "kam_bot", "serve", "--port", str(free_port())], env=env,
                            stdout=subprocess.PIPE, stderr=log, text=True)  # fmt: skip
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "platforms feishu; feishu over the long connection" in first, first
        assert await asyncio.to_thread(fake.wait_connected, START_SECONDS), "no long connection"
        assert fake.token_requests >= 1  # the credentials were checked at start
        await fake.push(message_event(LINE, 1))
        await asyncio.to_thread(wait_for, lambda: fake.sent(fake.chat_of(RITA["open_id"])), "the form card")
        [form] = fake.sent(fake.chat_of(RITA["open_id"]))
        assert_valid(form.card)
        pushed = await fake.push(
            card_event(form, button(form.card, "form.submit"), form_value(form.card)), "card"
        )
        confirmation = answer_data(pushed)["card"]["data"]
        assert_valid(confirmation)
        assert "宝钢" in texts(confirmation) or "Baoshan" in texts(confirmation)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        log.close()
    assert proc.returncode in {0, -signal.SIGTERM}, (
        tmp_path / "serve.log"
    ).read_text()  # uvicorn re-raises it
    assert "Traceback" not in (tmp_path / "serve.log").read_text()
