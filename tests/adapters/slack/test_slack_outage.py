"""A database outage seen from Slack: every request is still acknowledged at once, a slash
command's user hears that nothing was saved (with what they typed), /healthz says 503, and
the process recovers by itself when the database is back."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest
from fakes.db_outage import Relay
from slack_harness import SlackDriver, asgi_request, start_slack
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from kam_bot.bootstrap import App
from kam_bot.domain.models import Promise
from kam_bot.store.engine import make_engine

pytestmark = pytest.mark.postgres

ACK_SECONDS = 2.5
"""Slack gives 3 s; the repeat check gives up after 1 s when the database does not answer."""


@pytest.fixture
def relay(engine: Engine) -> Iterator[Relay]:
    if engine.dialect.name != "postgresql":
        pytest.skip("an outage of the PostgreSQL server")
    url = make_url(engine.url)
    relay = Relay(url.host or "127.0.0.1", url.port or 5432).up()
    yield relay
    relay.resume()
    relay.down()


@pytest.fixture
async def slack(engine: Engine, relay: Relay, make_app: Callable[[Engine], App]) -> SlackDriver:
    url = make_url(engine.url).set(port=relay.port).render_as_string(hide_password=False)
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    relayed = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    driver = await start_slack(relayed, make_app)
    yield driver
    await driver.close()
    relayed.dispose()


def promises(app: App) -> list[Promise]:
    with app.uow() as uow:
        return uow.repo.all(Promise)


async def healthz(slack: SlackDriver) -> int:
    return (await asgi_request(slack.asgi, "GET", "/healthz")).status


async def timed_command(slack: SlackDriver, text: str) -> tuple[int, float]:
    started = time.monotonic()
    response = await slack.command("/promise", text)
    return response.status, time.monotonic() - started


async def test_database_down_acknowledges_says_nothing_was_saved_and_recovers(
    slack: SlackDriver, relay: Relay
) -> None:
    assert await healthz(slack) == 200
    relay.down()  # the server refuses connections and drops the open ones
    status, took = await timed_command(slack, "Baosteel send samples by Friday")
    assert status == 200 and took < ACK_SECONDS
    [reply] = await slack.responses(timeout=15)
    text = reply.args["text"]
    assert "nothing was saved" in text
    assert "/promise Baosteel send samples by Friday" in text  # what they typed, to paste again
    assert await healthz(slack) == 503
    relay.up()  # back, on the same address: no restart
    assert await healthz(slack) == 200
    status, _ = await timed_command(slack, "Baosteel send samples by Friday")
    assert status == 200
    await slack.responses(2, timeout=15)
    await slack.settle()
    assert [p.text for p in promises(slack.app)] == ["send samples"]


async def test_a_database_that_stops_answering_still_gets_commands_acknowledged_and_503(
    slack: SlackDriver, relay: Relay
) -> None:
    assert await healthz(slack) == 200
    relay.hang()  # connections open, nothing answers
    status, took = await timed_command(slack, "Baosteel call back by Friday")
    assert status == 200 and took < ACK_SECONDS
    started = time.monotonic()
    assert await healthz(slack) == 503
    assert time.monotonic() - started < 5
    relay.resume()
    await slack.responses(timeout=15)  # the command held during the hang completes once it answers
    await slack.settle(15)
    assert [p.text for p in promises(slack.app)] == ["call back"]
    assert await healthz(slack) == 200


async def test_database_down_a_visit_is_acknowledged_and_the_rep_told_with_the_line(
    slack: SlackDriver, relay: Relay, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/visit's claim is awaited after its ack: an outage delays nothing before the 200; the
    light modal opened with the trigger then says it failed, and the reply gives the line back."""
    monkeypatch.setattr("kam_bot.adapters.slack.opening.FORM_WAIT", 0.0)  # as in production
    relay.down()
    started = time.monotonic()
    response = await slack.command("/visit", "Baosteel met Li Wei")
    assert response.status == 200 and time.monotonic() - started < ACK_SECONDS
    [reply] = await slack.responses(timeout=15)
    assert "nothing was saved" in reply.args["text"]
    assert "/visit Baosteel met Li Wei" in reply.args["text"]
    [opened] = await slack.calls("views.open")
    assert "/visit Baosteel met Li Wei" in json.dumps(opened.args["view"], ensure_ascii=False)
    [updated] = await slack.calls("views.update")
    assert "Something went wrong" in json.dumps(updated.args["view"], ensure_ascii=False)
