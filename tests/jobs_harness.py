"""What the job tests share: one FakeSlack Web API per test module, cleared for each test,
Senders that deliver to it, and ``add`` for rows the factories do not make.

Import the fixtures into a test module (they are then that module's own, named ``slack_server``
and ``slack``; the functions' own names keep test parameters from shadowing the import)::

    from jobs_harness import slack_fixture, slack_server_fixture  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

import pytest
from fakes.slack_api import FakeSlack
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack.outbox_delivery import SlackDeliverer
from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.jobs.sender import Sender

E = TypeVar("E", bound=m.Entity)
F = TypeVar("F", bound=FakeSlack)


def add(app: App, model: type[E], **fields: Any) -> E:
    """One entity, committed."""
    with app.uow() as uow:
        entity = uow.repo.add(model, **fields)
        uow.commit()
        return entity


def serve(fake: F) -> Iterator[F]:
    """Start ``fake``, hand it out, stop it: the body of a ``slack_server`` fixture (``yield from``)."""
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module", name="slack_server")
def slack_server_fixture() -> Iterator[FakeSlack]:
    """One server per module (stopping one takes half a second); each test gets it cleared."""
    yield from serve(FakeSlack())


@pytest.fixture(name="slack")
def slack_fixture(slack_server: FakeSlack) -> FakeSlack:
    slack_server.clear()
    return slack_server


def slack_sender(app: App, fake: FakeSlack, instance: str) -> Sender:
    """A Sender whose only platform is Slack, delivering to ``fake``."""
    client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url)
    return Sender(app.jobs_context, {"slack": SlackDeliverer(client)}, instance=instance)
