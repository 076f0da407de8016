"""Delivery, one ``Deliverer`` per platform: the outbox row's ``platform`` chooses it.

A deliverer sends one message and returns where it landed, or raises one of:

- ``RateLimitedError``  the platform said 429: come back after ``retry_after`` seconds;
- ``TransientError``    worth retrying (5xx, connection errors, timeouts, Slack's ``internal_error``);
- ``PermanentError``    retrying cannot help (``channel_not_found``, ``invalid_auth``, no identity ...).

Each platform's deliverer lives in its adapter (Slack: ``adapters.slack.outbox_delivery``);
adding a platform means writing one there and passing it to the ``Sender``; nothing here changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from kam_bot.domain.enums import Locale
from kam_bot.handlers.replies import Reply
from kam_bot.jobs.notifications import ChartSpec


class DeliveryError(Exception):
    def __init__(self, reason: str, *, nothing_posted: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.nothing_posted = nothing_posted
        """The platform answered that the message was not posted (an error answer, a 429);
        False when unknown (a timeout, a dropped connection, a 5xx)."""


class RateLimitedError(DeliveryError):
    def __init__(
        self, retry_after: float, reason: str = "ratelimited", *, nothing_posted: bool = False
    ) -> None:
        super().__init__(reason, nothing_posted=nothing_posted)
        self.retry_after = retry_after


class TransientError(DeliveryError):
    pass


class PermanentError(DeliveryError):
    pass


@dataclass(frozen=True)
class Outgoing:
    """One message as a deliverer sees it."""

    kind: str
    recipient: str
    """A user id to DM or a channel id, on the deliverer's platform."""
    reply: Reply
    locale: Locale
    charts: tuple[ChartSpec, ...] = ()
    """The digest's charts, drawn by the deliverer when it sends (none for reminders)."""
    message_ref: str | None = None
    """Set when an earlier attempt already posted the message (only the charts are left to do)."""
    key: str = ""
    """The outbox key: posted with the message (Slack: its metadata) so a later sender can find it."""


Checkpoint = Callable[[str], Awaitable[None]]
"""Persist a message reference as soon as the message is posted, before any further step."""


class Deliverer(Protocol):
    @property
    def platform(self) -> str: ...

    async def deliver(self, message: Outgoing, checkpoint: Checkpoint) -> str | None:
        """Send; return the message reference (Slack: ``channel:ts``)."""
        ...


@runtime_checkable
class HistoryLookup(Protocol):
    """A deliverer that can tell whether an interrupted earlier send landed after all."""

    async def find(self, message: Outgoing) -> str | None:
        """The reference of the message already posted under ``message.key``, or None."""
        ...
