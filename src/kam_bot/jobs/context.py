"""What the scheduled jobs use, and nothing else: built once by ``bootstrap`` (``App.jobs_context``).

The jobs never see the application: the planner ticks, the previews and the outbox sender take
this context, so ``jobs/`` imports neither ``bootstrap`` nor an adapter. The deliverers (one per
enabled platform) are built with the platforms and handed to ``runtime.start_jobs`` beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kam_bot.config import Settings
from kam_bot.domain.calendar import CalendarBook
from kam_bot.jobs.daily import CardSource
from kam_bot.services.ports import Clock
from kam_bot.store.daily_batch import BriefReads
from kam_bot.store.jobs import SqlJobsStore

CardFactory = Callable[[datetime, BriefReads | None], CardSource]
"""The account cards of the briefs as of a moment; with ``reads``, answered from what a batch
already read where it can (``daily_batch.BriefReads``)."""


class Follower(Protocol):
    """A system kept in step with kam-bot (the CRM ``CRM`` names): its outbox rows pushed every
    poll, its own changes pulled each night (``jobs.crm.CrmJobs``)."""

    @property
    def name(self) -> str: ...

    def push(self, should_stop: Callable[[], bool]) -> object: ...

    def nightly(self, instance: str) -> object: ...


@dataclass(frozen=True)
class JobsContext:
    settings: Settings
    clock: Clock
    store: SqlJobsStore
    """What the jobs read and write: transactions, the slots, the sender's leases."""
    cards: CardFactory
    recipient_platforms: tuple[str, ...]
    """The platforms DMs and digests are queued for (``platforms.recipients``)."""
    calendars: Callable[[], CalendarBook]
    """Every team's working calendar as of now (one read; ``services.calendar``)."""
    follower: Follower | None = None
    """The CRM kam-bot syncs with, if any."""
