"""Slack re-sends an event up to 3 times (and at 3 s when the first is slow): handle each once.

The first delivery inserts a ``processed_events`` row; the unique (platform, event_id)
constraint makes every later delivery, from any process, fail the insert and be ignored.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from kam_bot.bootstrap import App
from kam_bot.store.tables import ProcessedEventRow

KEEP = timedelta(days=1)
"""Slack's last retry comes about 5 minutes after the first delivery; a day is ample."""
PRUNE_EVERY = 500

_inserts = itertools.count(1)


def first_delivery(app: App, event_id: str, platform: str = "slack") -> bool:
    """True the first time ``event_id`` is seen; False for a retry of a handled event."""
    now = app.clock()
    with app.uow() as uow:
        session = uow.repo.session
        session.add(ProcessedEventRow(platform=platform, event_id=event_id, received_at=now))
        try:
            session.flush()
        except IntegrityError:
            return False
        if next(_inserts) % PRUNE_EVERY == 0:
            session.execute(delete(ProcessedEventRow).where(ProcessedEventRow.received_at < now - KEEP))
        uow.commit()
    return True


def register(bolt: AsyncApp, app: App) -> None:
    async def dedupe_events(
        body: dict[str, Any], next: Callable[[], Awaitable[None]], logger: logging.Logger
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not await asyncio.to_thread(first_delivery, app, str(event_id)):
            logger.info("Slack event %s delivered again; already handled", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

    bolt.middleware(dedupe_events)
