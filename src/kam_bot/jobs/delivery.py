"""Delivery, one ``Deliverer`` per platform: the outbox row's ``platform`` chooses it.

A deliverer sends one message and returns where it landed, or raises one of:

- ``RateLimitedError``  the platform said 429: come back after ``retry_after`` seconds;
- ``TransientError``    worth retrying (5xx, connection errors, timeouts, Slack's ``internal_error``);
- ``PermanentError``    retrying cannot help (``channel_not_found``, ``invalid_auth``, no identity ...).

Adding Teams means writing a ``TeamsDeliverer`` and passing it to the ``Sender``; nothing here
changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack.blocks import fallback_text, reply_blocks
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
    chart: ChartSpec | None = None
    message_ref: str | None = None
    """Set when an earlier attempt already posted the message (only the chart is left to do)."""
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


# -- Slack ---------------------------------------------------------------------------

SLACK_TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout", "timeout"}
)
"""``ok: false`` errors worth retrying; every other ``ok: false`` error is permanent."""
DEFAULT_RETRY_AFTER = 30.0


def classify_slack(exc: SlackApiError) -> DeliveryError:
    """An error answer (``ok: false``, 429) means nothing was posted; a 5xx tells nothing."""
    response = exc.response
    status = int(getattr(response, "status_code", 200) or 200)
    error = str(response.get("error") or "") if isinstance(response.data, dict) else ""
    if status == 429:
        return RateLimitedError(_retry_after(response.headers), error or "ratelimited", nothing_posted=True)
    if status >= 500:
        return TransientError(f"http_{status}")
    if error in SLACK_TRANSIENT:
        return TransientError(error, nothing_posted=True)
    return PermanentError(error or f"http_{status}", nothing_posted=True)


def _retry_after(headers: Any) -> float:
    for name, value in dict(headers or {}).items():
        if str(name).lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER


async def _slack_call(call: Awaitable[Any]) -> Any:
    try:
        return await call
    except SlackApiError as exc:
        raise classify_slack(exc) from exc
    except (aiohttp.ClientError, TimeoutError, OSError, SlackRequestError) as exc:
        raise TransientError(type(exc).__name__) from exc


EVENT_TYPE = "kam_outbox"
"""Slack message metadata ``event_type`` of every outbox message; ``event_payload.key`` is its key."""
HISTORY_PAGE = 100
HISTORY_PAGES = 3
"""How far back ``find`` looks: a re-send follows the lost one within minutes, and a bot's DM
or a digest channel does not get 300 messages in that time."""


class SlackDeliverer:
    """DMs: ``chat.postMessage`` with the user id as channel. Digests: the message, then the chart
    through the files upload v2 API (``files.getUploadURLExternal``, upload, and
    ``files.completeUploadExternal`` with the channel id the message landed in).

    Every message carries ``metadata`` ``{"event_type": "kam_outbox", "event_payload": {"key":
    <outbox key>}}``; ``find`` reads the conversation's recent history (``conversations.history``
    with ``include_all_metadata``; a DM's channel id from ``conversations.open``) for that key."""

    def __init__(self, client: AsyncWebClient, draw: Callable[[ChartSpec], bytes] | None = None) -> None:
        self._client = client
        self._draw = draw

    def _png(self, chart: ChartSpec) -> bytes:
        if self._draw is None:
            from kam_bot.jobs.chart import render_png  # matplotlib loads on the first chart, not at startup

            self._draw = render_png
        return self._draw(chart)

    @property
    def platform(self) -> str:
        return "slack"

    async def _conversation(self, recipient: str) -> str:
        """The conversation id: a user id (``U…``/``W…``) opens (or finds) the bot's DM with them."""
        if recipient[:1] not in {"U", "W"}:
            return recipient
        response = await _slack_call(self._client.conversations_open(users=recipient))
        return str((response.get("channel") or {}).get("id") or recipient)

    async def find(self, message: Outgoing) -> str | None:
        if not message.recipient or not message.key:
            return None
        channel = await self._conversation(message.recipient)
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            response = await _slack_call(
                self._client.conversations_history(
                    channel=channel, limit=HISTORY_PAGE, include_all_metadata=True, cursor=cursor
                )
            )
            for posted in response.get("messages") or []:
                metadata = posted.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == EVENT_TYPE and payload.get("key") == message.key:
                    return f"{channel}:{posted.get('ts')}"
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None

    async def deliver(self, message: Outgoing, checkpoint: Checkpoint) -> str | None:
        if not message.recipient:
            raise PermanentError("no_slack_identity", nothing_posted=True)
        ref = message.message_ref
        if ref is None:
            response = await _slack_call(
                self._client.chat_postMessage(
                    channel=message.recipient,
                    text=fallback_text(message.reply),
                    blocks=reply_blocks(message.reply, message.locale),
                    unfurl_links=False,
                    unfurl_media=False,
                    metadata={"event_type": EVENT_TYPE, "event_payload": {"key": message.key}},
                )
            )
            ref = f"{response.get('channel') or message.recipient}:{response.get('ts')}"
            if message.chart is not None:
                await checkpoint(ref)
        if message.chart is not None:
            chart = message.chart
            png = await asyncio.to_thread(self._png, chart)
            try:
                await _slack_call(
                    self._client.files_upload_v2(
                        channel=ref.split(":", 1)[0],
                        file=png,
                        filename=chart.filename,
                        title=chart.title,
                        alt_txt=chart.title,
                    )
                )
            except DeliveryError as exc:
                exc.nothing_posted = False  # the message itself is posted (its ref is kept)
                raise
        return ref
