"""What Slack itself demands: signatures, retries, rate limits, errors, first contact; `kam-bot serve`."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
import uvicorn
from slack_harness import (
    OTTO,
    RITA,
    SlackDriver,
    asgi_request,
    signed_headers,
    slack_fixture,  # noqa: F401
)
from sqlalchemy import Engine

from kam_bot.adapters.slack.server import create_asgi
from kam_bot.adapters.slack.settings import SlackSettings, check_settings
from kam_bot.bootstrap import App
from kam_bot.cli import main
from kam_bot.config import SettingsError
from kam_bot.domain.models import User
from kam_bot.jobs import runtime
from kam_bot.jobs.context import JobsContext
from kam_bot.services.transfer import import_csv
from kam_bot.store.engine import make_engine

HOME = {"type": "app_home_opened", "user": RITA, "tab": "home", "channel": "D1"}


async def test_unsigned_forged_and_stale_requests_are_rejected(slack: SlackDriver) -> None:
    body = urlencode(
        {
            "command": "/kam",
            "text": "",
            "user_id": RITA,
            "trigger_id": "1.2.3",
            "team_id": "T1",
            "channel_id": "C1",
            "response_url": slack.fake.response_url(),
        }
    ).encode()
    form = "application/x-www-form-urlencoded"
    unsigned = await slack.post(body, form, signed=False)
    stale = await slack.post(body, form, timestamp=int(time.time()) - 301)
    forged = await asgi_request(
        slack.asgi, "POST", "/slack/events", body, signed_headers(body, form, secret="wrong")
    )
    assert unsigned.status == stale.status == forged.status == 401
    fresh = await slack.post(body, form, timestamp=int(time.time()) - 250)
    assert fresh.status == 200
    await slack.settle()
    assert len(slack.fake.responses) == 1 and slack.fake.calls_to("views.open") == []


async def test_url_verification_echoes_the_challenge(slack: SlackDriver) -> None:
    body = json.dumps({"token": "x", "challenge": "3eZbrw1a", "type": "url_verification"}).encode()
    response = await slack.post(body, "application/json")
    assert response.status == 200 and b"3eZbrw1a" in response.body


async def test_a_retried_event_is_handled_once(slack: SlackDriver) -> None:
    first = await slack.event(HOME, "Ev0RETRY")
    again = await slack.event(HOME, "Ev0RETRY", retry=1)
    assert first.status == again.status == 200
    await slack.calls("views.publish")
    await slack.settle()
    assert len(slack.fake.calls_to("views.publish")) == 1
    await slack.event(HOME, "Ev0OTHER")
    await slack.calls("views.publish", 2)


async def test_rate_limited_call_is_retried_after_retry_after(slack: SlackDriver) -> None:
    slack.fake.rate_limit_next("views.publish", retry_after=0)
    started = time.monotonic()
    await slack.event(HOME, "Ev429")
    calls = await slack.calls("views.publish", 2)
    assert slack.fake.rate_limited == 1
    assert len(calls) == 2  # the limited attempt, then the one that landed
    await slack.settle()
    assert len(slack.fake.calls_to("views.publish")) == 2
    assert time.monotonic() - started < 5


async def test_slack_refusing_the_modal_is_told_in_plain_words(slack: SlackDriver) -> None:
    slack.fake.fail_next("views.open", "trigger_expired")
    response = await slack.command("/visit", "Baosteel met <!here> Li Wei")
    assert response.status == 200
    [reply] = await slack.responses()
    text = reply.args["text"]
    assert "did not let me open the form in time" in text
    assert "/visit Baosteel met &lt;!here&gt; Li Wei" in text  # what was typed, to paste again
    assert reply.args["response_type"] == "ephemeral"


async def test_people_are_met_once_and_linked_by_email(slack: SlackDriver) -> None:
    with slack.app.uow() as uow:
        before = uow.repo.count(User)
    await slack.command("/kam", "help", user=RITA)
    await slack.command("/kam", "", user=RITA)
    await slack.command("/kam", "", user=OTTO)
    await slack.responses(3)
    assert len(slack.fake.calls_to("users.info")) == 2  # once per person per process
    rita = slack.app.users.by_identity("slack", RITA)
    assert rita is not None and rita.id == slack.seed.rep.id  # linked to the imported user by email
    otto = slack.app.users.by_identity("slack", OTTO)
    assert (
        otto is not None
        and otto.timezone == "Europe/Berlin"
        and otto.id not in {u.id for u in (slack.seed.rep, slack.seed.other_rep)}
    )
    with slack.app.uow() as uow:
        assert uow.repo.count(User) == before + 1  # Otto is new; Rita was imported


async def test_healthz_reports_the_database(slack: SlackDriver) -> None:
    response = await asgi_request(slack.asgi, "GET", "/healthz")
    assert response.status == 200 and response.json() == {"ok": True, "database": "ok", "worker": os.getpid()}
    working = slack.app.engine
    slack.app.engine = make_engine(f"sqlite:///{Path('/nonexistent/dir/kam.db')}")
    try:
        down = await asgi_request(slack.asgi, "GET", "/healthz")
    finally:
        slack.app.engine = working
    assert down.status == 503 and down.json()["ok"] is False


@pytest.mark.parametrize(
    ("fields", "variable"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"bot_token": "xoxp-user"}, "SLACK_BOT_TOKEN"),
        ({"bot_token": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"bot_token": "xoxb-1", "app_token": "xoxb-2"}, "SLACK_APP_TOKEN"),
    ],
)
def test_bad_settings_name_the_variable(fields: dict[str, Any], variable: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        check_settings(SlackSettings(_env_file=None, **fields))


def test_serve_refuses_to_start_misconfigured_or_unmigrated(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "not-a-bot-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    assert main(["serve"]) == 2
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-fine")
    assert main(["serve"]) == 2
    assert "kam-bot db upgrade" in capsys.readouterr().err


async def test_served_by_uvicorn_with_the_jobs_started_and_stopped(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    async def start_jobs(jobs: JobsContext, deliverers: dict[str, Any]) -> str:
        seen.append(f"start {sorted(deliverers)}")
        return "scheduler"

    async def stop_jobs(scheduler: str) -> None:
        seen.append(f"stop {scheduler}")

    monkeypatch.setattr(runtime, "start_jobs", start_jobs)
    monkeypatch.setattr(runtime, "stop_jobs", stop_jobs)
    settings = SlackSettings(bot_token="xoxb-x", signing_secret="secret", api_url="http://127.0.0.1:9/api/")
    server = uvicorn.Server(
        uvicorn.Config(
            create_asgi(make_app(sqlite_engine), settings),
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="on",
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    body = json.dumps({"type": "url_verification", "challenge": "abc"}).encode()
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
            assert health.status == 200
        headers = signed_headers(body, "application/json", secret="secret")
        async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as verified:
            assert verified.status == 200 and "abc" in await verified.text()
    server.should_exit = True
    await task
    assert seen == ["start ['slack']", "stop scheduler"]


async def test_a_pending_owner_takes_slack_time_zone_and_language_an_admin_choice_stays(
    slack: SlackDriver, tmp_path: Path
) -> None:
    admin = slack.seed.admin
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("name,owner\nAnshan Steel,wang.fang@example.com\n", encoding="utf-8")
    users = tmp_path / "users.csv"
    users.write_text(
        "email,display_name,role,timezone,locale,slack_id\n"
        "hans@example.com,Hans,rep,Europe/Berlin,en,\n"
        "mei@example.com,Mei,rep,,,U_MEI\n",  # imported with her Slack id; time zone, language left blank
        encoding="utf-8",
    )
    assert import_csv(slack.app, "accounts", accounts, actor=admin).users_created == ["wang.fang@example.com"]
    assert import_csv(slack.app, "users", users, actor=admin).errors == []
    for slack_id, name, email in (
        ("U_WANG", "Wang Fang", "wang.fang@example.com"),
        ("U_HANS", "Hans", "hans@example.com"),
        ("U_MEI", "Mei", "mei@example.com"),
    ):
        slack.fake.add_user(slack_id, name, email=email, tz="Asia/Shanghai", locale="zh-CN")

    await slack.command("/kam", "help", user="U_WANG")
    [reply] = await slack.responses()
    assert "可用命令" in json.dumps(reply.args, ensure_ascii=False)  # answered in her language at once
    wang = slack.app.users.by_identity("slack", "U_WANG")
    assert wang is not None and wang.display_name == "Wang Fang"
    assert (wang.timezone, wang.locale.value) == ("Asia/Shanghai", "zh-Hans")  # not the import's UTC / en

    await slack.command("/kam", "help", user="U_HANS", response="r2")
    [_, english] = await slack.responses(2)
    assert "what you can type" in json.dumps(english.args)
    hans = slack.app.users.by_identity("slack", "U_HANS")
    assert hans is not None and (hans.timezone, hans.locale.value) == ("Europe/Berlin", "en")  # the admin's

    await slack.command("/kam", "help", user="U_MEI", response="r3")
    [*_, chinese] = await slack.responses(3)
    assert "可用命令" in json.dumps(chinese.args, ensure_ascii=False)
    mei = slack.app.users.by_identity("slack", "U_MEI")
    assert mei is not None and (mei.timezone, mei.locale.value) == ("Asia/Shanghai", "zh-Hans")
