"""The Slack deliverer of the outbox: ``chat.postMessage`` and the files upload v2 API, Slack's
errors mapped onto the neutral ``RateLimitedError`` / ``TransientError`` / ``PermanentError``;
and ``find``, the look-back in a conversation's history for a message an interrupted send
may have posted (its outbox key is in the message's metadata).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack import answers
from kam_bot.adapters.slack.blocks import fallback_text, reply_blocks
from kam_bot.adapters.slack.retry import SharedSessionClient
from kam_bot.jobs.delivery import (
    Checkpoint,
    DeliveryError,
    Outgoing,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from kam_bot.jobs.notifications import ChartSpec

SLACK_TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout", "timeout"}
)
"""``ok: false`` errors worth retrying; every other ``ok: false`` error is permanent."""
DEFAULT_RETRY_AFTER = 30.0


def classify_slack(exc: SlackApiError) -> DeliveryError:
    """An error answer (``ok: false``, 429) means nothing was posted; a 5xx, or an answer that is
    not Slack's JSON (a proxy's page), tells nothing: retried, the history checked first."""
    status = answers.status_of(exc)
    error = answers.error_code(exc)
    if status == 429:
        return RateLimitedError(
            _retry_after(answers.headers_of(exc)), error or "ratelimited", nothing_posted=True
        )
    if status is None or status >= 500:
        return TransientError(f"http_{status}")
    if answers.data_of(exc) is None:
        return TransientError(f"unreadable_answer_http_{status}")
    if error in SLACK_TRANSIENT:
        return TransientError(error, nothing_posted=True)
    return PermanentError(error or f"http_{status}", nothing_posted=True)


def _retry_after(headers: dict[str, str]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
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
    """DMs: ``chat.postMessage`` with the user id as channel. Digests: the message, then its charts
    through the files upload v2 API (``files.getUploadURLExternal`` and an upload per chart, then
    one ``files.completeUploadExternal`` with the channel id the message landed in). A send again
    after the message was posted (``message_ref``) first looks whether the charts were shared.

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

    async def _upload(self, channel: str, charts: tuple[ChartSpec, ...]) -> None:
        """Every chart in one ``files_upload_v2`` call: one ``completeUploadExternal`` shares them
        all in the channel at once, so a crash leaves all or none of them posted."""
        pngs = await asyncio.to_thread(lambda: [self._png(c) for c in charts])
        uploads = [
            {"file": png, "filename": c.filename, "title": c.title, "alt_txt": c.title}
            for c, png in zip(charts, pngs, strict=True)
        ]
        try:
            await _slack_call(self._client.files_upload_v2(channel=channel, file_uploads=uploads))
        except DeliveryError as exc:
            exc.nothing_posted = False  # the message itself is posted (its ref is kept)
            raise

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
            if message.charts:
                await checkpoint(ref)
        if message.charts and not (message.message_ref and await self._shared(ref, message.charts)):
            await self._upload(ref.split(":", 1)[0], message.charts)
        return ref

    async def _shared(self, ref: str, charts: tuple[ChartSpec, ...]) -> bool:
        """Whether an earlier attempt shared every chart after the message ``ref`` (its answer lost
        to a crash or a timeout): the channel's history after the message has files of those names
        and titles. Unknown (no history scope): False, and the charts go again."""
        channel, _, ts = ref.partition(":")
        try:
            response = await _slack_call(
                self._client.conversations_history(channel=channel, oldest=ts, limit=HISTORY_PAGE)
            )
        except PermanentError:
            return False
        seen = {
            (f.get("name"), f.get("title"))
            for posted in response.get("messages") or []
            for f in posted.get("files") or []
        }
        return all((c.filename, c.title) in seen for c in charts)


def outbox_client(client: AsyncWebClient) -> AsyncWebClient:
    """The same client without its 429 retry handler: the outbox owns rate limits (it reschedules
    the row and pauses the batch) instead of a send holding the sender while the client waits."""
    handlers = [h for h in client.retry_handlers if not isinstance(h, AsyncRateLimitErrorRetryHandler)]
    return SharedSessionClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=client.headers,
        retry_handlers=handlers,
    )
