"""As a new admin runs it: `kam-bot serve` started with the README's DINGTALK_* variables (the
fake in place of DingTalk's servers) connects over Stream, answers a rep, takes `digest TEAM`
in a group, delivers the digest the CLI queues into that group, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.dingtalk_open import FakeDingTalk

from kam_bot.bootstrap import bootstrap
from kam_bot.config import Settings
from kam_bot.services import demo

WAIT = 90.0
GROUP = "cidEastChina=="


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Any, what: str) -> Any:
    deadline = time.monotonic() + WAIT
    while not (found := check()):
        assert time.monotonic() < deadline, what
        time.sleep(0.1)
    return found


@pytest.fixture
def fake() -> Iterator[FakeDingTalk]:
    members = {
        "ding-alex": {"name": "Alex Chen", "email": "alex.chen@example.com", "unionid": "u-alex"},
        "ding-admin": {"name": "Admin", "org_email": "admin@example.com", "unionid": "u-admin"},
    }
    fake = FakeDingTalk(members=members, groups={GROUP}).start()
    yield fake
    fake.stop()


def message(fake: FakeDingTalk, n: int, text: str, user: str, group: str | None = None) -> dict[str, Any]:
    now = int(time.time() * 1000)
    return {
        "msgId": f"p{n}",
        "msgtype": "text",
        "text": {"content": text},
        "conversationType": "2" if group else "1",
        "conversationId": group or f"cid-{user}",
        "senderStaffId": user,
        "senderNick": user,
        "robotCode": fake.client_id,
        "sessionWebhook": fake.webhook(f"p{n}"),
        "sessionWebhookExpiredTime": now + 90 * 60 * 1000,
    }


def answer(fake: FakeDingTalk, data: dict[str, Any]) -> str:
    frame = fake.push(data)
    wait_until(lambda: fake.ack(frame), f"no ack for {data['msgId']}")
    [call] = [c for c in fake.sent("/robot/sendBySession") if c.body["_session"] == data["msgId"]]
    return call.text


def test_serve_with_the_readme_settings(fake: FakeDingTalk, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kam.db'}",
        "DINGTALK_CLIENT_ID": fake.client_id,
        "DINGTALK_CLIENT_SECRET": fake.client_secret,
        "DINGTALK_ROBOT_CODE": fake.client_id,
        "DINGTALK_MODE": "stream",
        "DINGTALK_API_URL": fake.url,
        "OUTBOX_POLL_SECONDS": "1",
        "PORT": str(free_port()),
    }
    env = {k: v for k, v in env.items() if not k.startswith(("SLACK_", "TEAMS_"))}
    kam = [sys.executable, "-m", "kam_bot"]
    subprocess.run([*kam, "db", "upgrade"], env=env, check=True, capture_output=True)
    app = bootstrap(Settings(database_url=env["DATABASE_URL"]), platform_settings={})
    demo.seed(app.uow, datetime.now(UTC))
    app.engine.dispose()
    log = tmp_path / "serve.log"
    proc = subprocess.Popen([*kam, "serve"], env=env, stdout=subprocess.PIPE, stderr=log.open("w"), text=True)
    try:
        assert proc.stdout is not None
        assert "platforms dingtalk; dingtalk over stream mode, http on" in proc.stdout.readline()
        wait_until(lambda: fake.connections, f"no Stream connection: {log.read_text()[-2000:]}")

        said = answer(fake, message(fake, 1, "promises", "ding-alex"))
        assert said and "⚠" not in said
        here = answer(fake, message(fake, 2, "digest East China", "ding-admin", GROUP))
        assert "East China" in here

        queued = subprocess.run(
            [*kam, "digest", "--team", "East China"], env=env, capture_output=True, text=True
        )
        assert queued.returncode == 0, queued.stderr
        [posted] = wait_until(lambda: fake.sent("/v1.0/robot/groupMessages/send"), "the digest never came")
        assert (
            posted.body["openConversationId"] == GROUP and "East China" in posted.text + posted.param["title"]
        )
        assert fake.sent("/media/upload")  # its charts, as images
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert "Application shutdown complete" in log.read_text()
    assert "Traceback" not in log.read_text()
