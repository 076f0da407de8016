"""The form process: ``/visit`` forms built by a lower-priority child of the serving process.

As ``kam-bot serve`` runs it (``SLACK_FORM_PROCESS`` on by default): the serving process
acknowledges and opens the light modal, the child builds the form from the same database, the
serving process puts it on screen. A child that died is replaced, and the form it owed is
built in a thread meanwhile. The app here has the real clock: the child has no other.
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from factories import seed_team
from slack_harness import (
    ADA,
    OTTO,
    RITA,
    SECRET,
    TEAM,
    TOKEN,
    SlackDriver,
    asgi_request,
    input_block,
    shared_fake,
    signed_headers,
    texts,
    view_of,
)
from sqlalchemy import Engine, text
from starlette.applications import Starlette

from kam_bot.adapters.slack import app as slack_app
from kam_bot.adapters.slack import dedup, home, opening
from kam_bot.adapters.slack.forms import builder
from kam_bot.adapters.slack.forms.builder import BuildError, FormBuilder, shareable
from kam_bot.adapters.slack.listeners.commands import visit_form
from kam_bot.adapters.slack.retry import make_client
from kam_bot.adapters.slack.server import SlackPlatform
from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.bootstrap import App, bootstrap
from kam_bot.config import Settings
from kam_bot.logs import OncePer
from kam_bot.server import create_server
from kam_bot.services.errors import ServiceError

LINE = "Baosteel met Li Wei; we promise quote by Friday"
FORM = "application/x-www-form-urlencoded"


def _url_of(engine: Engine) -> str:
    """The URL a second process opens the same tables with (PostgreSQL: the test's schema)."""
    if engine.dialect.name == "sqlite":
        return str(engine.url)
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    return f"{engine.url.render_as_string(hide_password=False)}?options=-csearch_path%3D{schema}"


def _form_process_of(platform: SlackPlatform) -> FormBuilder:
    return slack_app._deps[platform.bolt].forms


@pytest.fixture
async def served(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[SlackDriver, SlackPlatform]]:
    monkeypatch.setattr(opening, "FORM_WAIT", 0.0)  # as in production: the light modal first
    app = bootstrap(Settings(database_url=_url_of(engine)), engine=engine)
    seed = seed_team(app)
    fake = shared_fake()
    fake.add_user(RITA, "Rita Rep", email="rita@example.com", tz="Asia/Shanghai")
    fake.add_user(OTTO, "Otto Other", email=None, tz="Europe/Berlin")
    fake.add_user(ADA, "Ada Admin", email="ada@example.com", tz="UTC")
    settings = SlackSettings(bot_token=TOKEN, signing_secret=SECRET, api_url=fake.api_url, app_token=None)
    assert settings.form_process  # the default
    client = make_client(settings)
    platform = SlackPlatform(app, settings, client=client)
    asgi = create_server(app, [platform])
    driver = SlackDriver(app=app, seed=seed, fake=fake, asgi=asgi, settings=settings, client=client)
    yield driver, platform
    await driver.close()
    await platform.shutdown()


def _child(forms: FormBuilder, timeout: float = 30.0) -> int:
    """The pid of the form process once it has started."""
    deadline = time.monotonic() + timeout
    while (pid := forms.pid) is None:
        assert time.monotonic() < deadline, "no form process started"
        time.sleep(0.05)
    return pid


def _walked_and_frozen(app: App) -> tuple[int, int]:
    """In the form process: how many objects a full collection walks there, and how many it skips."""
    return len(gc.get_objects()), gc.get_freeze_count()


def _nice(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[16])  # field 19 of stat; the fields after ")" start at field 3


def _gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state == "Z":
                return True
        except (ProcessLookupError, FileNotFoundError):
            return True
        time.sleep(0.05)
    return False


async def test_the_form_is_built_by_a_lower_priority_process_and_shown(
    served: tuple[SlackDriver, SlackPlatform],
) -> None:
    slack, platform = served
    forms = _form_process_of(platform)
    pid = _child(forms)
    assert pid != os.getpid() and _nice(pid) == _nice(os.getpid()) + builder.NICE
    if hasattr(os, "SCHED_IDLE"):  # Linux: a woken acknowledgement always preempts a build
        assert os.sched_getscheduler(pid) == os.SCHED_IDLE

    response = await slack.command("/visit", LINE)
    assert response.status == 200 and response.body == b""
    [opened] = await slack.calls("views.open")
    assert "Reading what you typed" in texts(view_of(opened))
    [updated] = await slack.calls("views.update", timeout=30.0)
    form = view_of(updated)
    assert updated.args["view_id"].startswith("V")
    assert input_block(form, "account")["element"]["initial_option"]["value"] == str(slack.seed.baosteel.id)
    assert input_block(form, "new_contact_name:0")["element"]["initial_value"] == "Li Wei"

    rita = slack.app.users.by_identity("slack", RITA)
    assert rita is not None
    here = visit_form(slack.app, rita, f"visit {LINE}", "C_SALES")
    assert form == here  # the same form this process would have built
    assert forms.pid == pid  # built there, not by a replacement
    walked, frozen = await forms.build(_walked_and_frozen)
    assert frozen > 2 * walked  # most of what it holds (all it was built from) is left out of collections
    for _ in range(builder.REFREEZE_AFTER - 2):  # the form and the count above were builds
        await forms.build(_walked_and_frozen)
    walked, frozen = await forms.build(_walked_and_frozen)
    assert frozen > 20 * walked, (walked, frozen)  # and what its first forms left behind, once frozen again


async def test_a_killed_form_process_costs_no_form_and_is_replaced(
    served: tuple[SlackDriver, SlackPlatform],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    slack, platform = served
    forms = _form_process_of(platform)
    monkeypatch.setattr(builder, "RESTART_SECONDS", 0.0)  # a new child on the form after next
    monkeypatch.setattr(builder, "_SAID", OncePer(60.0))  # said once a minute: not yet in this test
    first = _child(forms)
    os.kill(first, signal.SIGKILL)
    assert _gone(first)
    await asyncio.sleep(0.2)  # the pool notices its child died

    await slack.command("/visit", "Baosteel met Li Wei")
    [updated] = await slack.calls("views.update", timeout=30.0)
    assert input_block(view_of(updated), "new_contact_name:0")["element"]["initial_value"] == "Li Wei"
    assert "Form process stopped" in caplog.text

    await slack.command("/visit", "Sinopec met Zhang")
    [_, second] = await slack.calls("views.update", count=2, timeout=30.0)
    assert "Zhang" in texts(view_of(second))
    replaced = _child(forms)
    assert replaced != first and _nice(replaced) == _nice(os.getpid()) + builder.NICE


async def test_the_form_process_stops_with_the_server_not_on_ctrl_c(
    served: tuple[SlackDriver, SlackPlatform],
) -> None:
    """Ctrl+C reaches every process of the terminal's group: the server stops its form process
    itself (no traceback from the child, no form cut off)."""
    _, platform = served
    pid = _child(_form_process_of(platform))
    os.kill(pid, signal.SIGINT)
    assert not _gone(pid, timeout=0.5)
    await platform.shutdown()
    assert _gone(pid)


async def test_the_home_tab_is_built_by_the_form_process(
    served: tuple[SlackDriver, SlackPlatform], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Home tab reads a rep's whole day (a save refreshes it, as opening it does): it is built
    by the form process, off the processes that acknowledge, and shows what this one would."""
    slack, platform = served
    forms = _form_process_of(platform)
    pid = _child(forms)
    sent_there: list[str] = []
    submit = forms._current().submit  # type: ignore[union-attr]

    def recording(fn: Any, *args: Any) -> Any:
        sent_there.append(args[0].__name__)
        return submit(fn, *args)

    monkeypatch.setattr(forms._current(), "submit", recording)
    response = await slack.event({"type": "app_home_opened", "user": RITA, "tab": "home", "channel": "D1"})
    assert response.status == 200
    [published] = await slack.calls("views.publish", timeout=30.0)
    assert published.args["user_id"] == RITA
    assert sent_there == ["home_for"] and forms.pid == pid
    rita = slack.app.users.by_identity("slack", RITA)
    assert rita is not None
    assert view_of(published) == home.home_for(slack.app, rita)  # what this process would show


def _visit_body(slack: SlackDriver, text: str) -> bytes:
    """One ``/visit`` invocation as Slack sends it, to deliver more than once."""
    form = {
        "team_id": TEAM,
        "channel_id": "C_SALES",
        "user_id": RITA,
        "command": "/visit",
        "text": text,
        "api_app_id": "A1",
        "response_url": slack.fake.response_url("r1"),
        "trigger_id": slack.trigger(),
    }
    return urlencode(form).encode()


async def _second_process(slack: SlackDriver) -> tuple[Starlette, SlackPlatform]:
    """Another serving process on the same database, with a form process of its own."""
    app = bootstrap(Settings(database_url=_url_of(slack.app.engine)), engine=slack.app.engine)
    platform = SlackPlatform(app, slack.settings, client=make_client(slack.settings))
    _child(_form_process_of(platform))
    return create_server(app, [platform]), platform


@pytest.mark.parametrize(("command", "text"), [("/visit", LINE), ("/kam", f"visit {LINE}")])
async def test_the_light_modal_opens_while_the_database_still_checks_for_repeats(
    served: tuple[SlackDriver, SlackPlatform], monkeypatch: pytest.MonkeyPatch, command: str, text: str
) -> None:
    """A slow database (here: a repeat check that would not answer) does not hold back the
    modal the rep waits for; the form follows once it is built. The trigger is the visit's
    claim: no repeat check is made at all, whichever command asked for the form."""
    slack, _ = served
    monkeypatch.setattr(dedup, "CHECK_BUDGET", 60.0)  # the check would be waited for a minute
    answer = threading.Event()
    claim = slack.app.claims.claim
    checked: list[str] = []

    def slow_claim(*args: Any) -> bool:
        checked.append(args[1])
        answer.wait(30)
        return claim(*args)

    monkeypatch.setattr(slack.app.claims, "claim", slow_claim)
    try:
        await slack.command(command, text)
        [opened] = await slack.calls("views.open", timeout=10.0)
        assert not answer.is_set() and "Reading what you typed" in texts(view_of(opened))
        [updated] = await slack.calls("views.update", timeout=30.0)
        assert "Li Wei" in texts(view_of(updated))
        assert checked == []
    finally:
        answer.set()


async def test_a_visit_delivered_to_two_processes_shows_one_modal_and_no_error(
    served: tuple[SlackDriver, SlackPlatform],
) -> None:
    """Both copies try the trigger; Slack opens one modal, the other copy stops without a word."""
    slack, _ = served
    other, platform = await _second_process(slack)
    try:
        body = _visit_body(slack, LINE)
        headers = signed_headers(body, FORM)
        answered = await asyncio.gather(
            *(asgi_request(server, "POST", "/slack/events", body, headers) for server in (slack.asgi, other))
        )
        assert [r.status for r in answered] == [200, 200]
        [updated] = await slack.calls("views.update", timeout=30.0)
        await asyncio.sleep(1.0)  # time for a second form or an error, which must not come
        await slack.settle()
        assert len(slack.fake.calls_to("views.update")) == 1 and "Li Wei" in texts(view_of(updated))
        assert list(slack.fake.responses) == []  # no "something went wrong" for the refused copy
    finally:
        await platform.shutdown()


async def test_a_visit_replayed_after_its_trigger_expired_is_dropped_quietly(
    served: tuple[SlackDriver, SlackPlatform],
) -> None:
    """Slack refuses an expired trigger: a replay that another process took in says nothing
    (the rep who typed it has their form)."""
    slack, _ = served
    other, platform = await _second_process(slack)
    try:
        body = _visit_body(slack, LINE)
        headers = signed_headers(body, FORM)
        assert (await asgi_request(slack.asgi, "POST", "/slack/events", body, headers)).status == 200
        await slack.calls("views.update", timeout=30.0)
        await slack.settle()  # the first delivery is done (its claim written), as 3 s later
        slack.fake.fail_next("views.open", "expired_trigger_id")
        assert (await asgi_request(other, "POST", "/slack/events", body, headers)).status == 200
        await slack.settle()
        assert len(slack.fake.calls_to("views.update")) == 1 and list(slack.fake.responses) == []
    finally:
        await platform.shutdown()


def _refused(app: Any) -> None:
    raise ServiceError("not yours")


class _UnpicklableError(Exception):
    def __init__(self, a: str, b: str) -> None:
        super().__init__(a)


def _broken(app: Any) -> None:
    raise _UnpicklableError("the database said no", "x")


async def test_failures_come_back_from_the_form_process(sqlite_engine: Engine) -> None:
    app: App = bootstrap(Settings(database_url=str(sqlite_engine.url)), engine=sqlite_engine)
    forms = FormBuilder.for_app(app, in_process=False)
    try:
        with pytest.raises(ServiceError, match="not yours"):
            await forms.build(_refused)
        with pytest.raises(BuildError, match="_UnpicklableError: the database said no"):
            await forms.build(_broken)
        assert forms.pid is not None  # a failed form does not cost the process
    finally:
        forms.close()


@pytest.mark.parametrize(
    ("url", "shared"),
    [
        ("sqlite://", False),
        ("sqlite:///:memory:", False),
        ("sqlite:///file:db?mode=memory&cache=shared&uri=true", False),
        ("sqlite:////var/lib/kam/kam_bot.db", True),
        ("postgresql+psycopg://kam@db/kam", True),
    ],
)
def test_an_in_memory_database_keeps_forms_in_threads(url: str, shared: bool) -> None:
    assert shareable(url) is shared
