"""The outbox's DingTalk deliverer: reminders, briefs and escalations as robot 1:1 messages
(``oToMessages/batchSend``), the weekly digest as a group message (``groupMessages/send``).

Both are ``sampleMarkdown``: buttons are links that send their line to the bot (see
``markdown``), so no card template is needed. The digest's charts are uploaded first
(``media/upload``, type image) and shown in the same message as ``![](mediaId)``, so the digest
is one post: once DingTalk accepted it, nothing is left to do.

DingTalk hides throttling inside a 200: ``batchSend`` lists the user under
``flowControlledStaffIdList`` (retried later, through the sender's pace) or under
``invalidStaffIdList`` (the person is not a member: dead, and remembered as unreachable). An
invalid token is HTTP 400 ``InvalidAuthentication``: the client fetches a new one and tries once
more. DingTalk keeps no searchable history by our key, so a send interrupted after DingTalk took
it cannot be looked up (README "Exactly once").
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx

from kam_bot.adapters.platform import PlatformServices
from kam_bot.jobs.delivery import Checkpoint, Outgoing, PermanentError, RateLimitedError, TransientError
from kam_bot.jobs.notifications import ChartSpec

from . import INVALID_USER, NAME, identity
from .api import ApiError, OpenApi, Sent
from .markdown import render

THROTTLED_RETRY = 60.0
"""Seconds to wait after DingTalk throttled a send without saying for how long."""
DEFAULT_RETRY_AFTER = 30.0
DIGEST = "digest"
MSG_KEY = "sampleMarkdown"

Draw = Callable[[ChartSpec], bytes]


def classify(exc: Exception) -> Exception:
    """The outbox's error for a failed open-platform call."""
    if isinstance(exc, ApiError):
        if exc.status == 429 or exc.code in {"Throttling", "Throttling.Api", "Throttling.User"}:
            return RateLimitedError(
                exc.retry_after or DEFAULT_RETRY_AFTER, f"dingtalk_{exc.code}", nothing_posted=True
            )
        if exc.status >= 500:
            return TransientError(f"http_{exc.status}")
        return PermanentError(f"dingtalk_{exc.code}", nothing_posted=True)
    if isinstance(exc, httpx.TransportError | TimeoutError | OSError):
        return TransientError(type(exc).__name__)
    return exc


class DingTalkDeliverer:
    def __init__(self, app: PlatformServices, api: OpenApi, draw: Draw | None = None) -> None:
        self._app = app
        self._api = api
        self._draw = draw

    @property
    def platform(self) -> str:
        return NAME

    def _png(self, chart: ChartSpec) -> bytes:
        from kam_bot.jobs.chart import compact_png, render_png  # matplotlib loads on the first chart

        return compact_png((self._draw or render_png)(chart))

    async def deliver(self, message: Outgoing, checkpoint: Checkpoint) -> str | None:
        if message.message_ref is not None:
            return message.message_ref  # posted earlier, charts included
        if not message.recipient:
            raise PermanentError("no_dingtalk_identity")
        try:
            images = await self._upload(message.charts)
            text = render(message.reply, message.locale, images=images).param()
            if message.kind == DIGEST:
                sent = await self._api.send_to_group(message.recipient, MSG_KEY, text)
            else:
                user_id = await asyncio.to_thread(identity.staff_id_for, self._app, message.recipient)
                sent = await self._api.send_to_people([user_id], MSG_KEY, text)
                await self._refused(message.recipient, user_id, sent)
        except (ApiError, httpx.HTTPError, OSError) as exc:
            raise classify(exc) from exc
        return sent.key or None

    async def _upload(self, charts: tuple[ChartSpec, ...]) -> list[str]:
        pngs = await asyncio.to_thread(lambda: [self._png(c) for c in charts])
        return [await self._api.upload_image(png, c.filename) for c, png in zip(charts, pngs, strict=True)]

    async def _refused(self, recipient: str, user_id: str, sent: Sent) -> None:
        if user_id in sent.invalid:
            await asyncio.to_thread(identity.refused, self._app, recipient)
            raise PermanentError(INVALID_USER, nothing_posted=True)
        if user_id in sent.throttled:
            raise RateLimitedError(THROTTLED_RETRY, "dingtalk_flow_controlled", nothing_posted=True)
