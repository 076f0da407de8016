"""The outbox's Teams deliverer: reminders, briefs, escalations and digests as Adaptive Cards.

Teams lets a bot write first only into a conversation it knows, so each message goes to the
conversation reference stored when the person installed the app or wrote to it (a digest: the
channel's reference, stored when the bot was added to the team). No reference: the row is dead
with ``no_teams_conversation``, so ``kam-bot outbox`` lists who must open the bot once.

The digest's charts travel as inline PNG attachments of the same message (``image/png`` with a
base64 data URI, which Teams renders in personal chats, group chats and channels alike). Teams
refuses a message over about 100 KB with 413 ``MessageSizeTooBig``, counting the activity as
UTF-16 but not its base64 images; still, each chart is re-encoded with a 64-colour palette
(about 12-20 KB for the demo's charts) so a four-chart digest stays near 100 KB on the wire. Buttons on the
card are ``Action.Execute`` and update the card in place (see ``actions``).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable

import httpx
from microsoft_teams.api.activities.message.message import MessageActivityInput
from microsoft_teams.api.models.attachment.attachment import Attachment

from kam_bot.jobs.delivery import Checkpoint, Outgoing, PermanentError, RateLimitedError, TransientError
from kam_bot.jobs.notifications import ChartSpec

from . import NO_CONVERSATION
from .actions import remember_card
from .app import TeamsBot
from .cards import reply_card
from .identity import PLATFORM
from .retry import retry_after

DEFAULT_RETRY_AFTER = 30.0
MAX_CHART_BYTES = 40_000
"""A chart over this is drawn again at ``SMALLER`` inches (base64 adds a third on the wire)."""
SMALLER = (4.8, 2.6)

Draw = Callable[[ChartSpec], bytes]
NO_ID = "DO_NOT_USE_PLACEHOLDER_ID"
"""The id the SDK gives a sent activity when the answer had none (it reads an unreadable body as ``{}``)."""


def classify(exc: Exception) -> Exception:
    """The outbox's error for a failed Bot Connector call (after the client's own retries)."""
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        if status == 429:
            return RateLimitedError(retry_after(exc.response) or DEFAULT_RETRY_AFTER, "http_429")
        if status in {412, 408} or status >= 500:
            return TransientError(f"http_{status}")
        if status in {401, 403}:
            return PermanentError(f"teams_forbidden_{status}")  # app uninstalled or bot blocked
        return PermanentError(f"http_{status}")
    if isinstance(exc, httpx.TransportError | TimeoutError | OSError):
        return TransientError(type(exc).__name__)
    if isinstance(exc, ValueError):  # an answer the SDK could not read (JSON, model)
        return TransientError("unreadable_answer")
    return exc


class TeamsDeliverer:
    def __init__(self, bot: TeamsBot, draw: Draw | None = None) -> None:
        self._bot = bot
        self._draw = draw

    @property
    def platform(self) -> str:
        return PLATFORM

    def _png(self, chart: ChartSpec) -> bytes:
        """The chart at the size Slack gets, re-encoded with a small palette (a third of the bytes);
        drawn again smaller if it is still over ``MAX_CHART_BYTES``."""
        from kam_bot.jobs.chart import compact_png, render_png  # matplotlib loads on the first chart

        draw = self._draw or render_png
        png = compact_png(draw(chart))
        if len(png) > MAX_CHART_BYTES and self._draw is None:
            png = compact_png(render_png(chart, *SMALLER))
        return png

    async def deliver(self, message: Outgoing, checkpoint: Checkpoint) -> str | None:
        if message.message_ref is not None:
            return message.message_ref  # posted earlier, charts included: nothing left to do
        if not message.recipient:
            raise PermanentError("no_teams_identity")
        app = self._bot.app
        ref = await asyncio.to_thread(app.conversation_refs.get, PLATFORM, message.recipient)
        if ref is None or not ref.service_url:
            raise PermanentError(NO_CONVERSATION)
        activity = MessageActivityInput().add_card(reply_card(message.reply, message.locale))
        pngs = await asyncio.to_thread(lambda: [self._png(c) for c in message.charts])
        for chart, png in zip(message.charts, pngs, strict=True):
            activity.add_attachments(
                Attachment(
                    content_type="image/png",
                    content_url="data:image/png;base64," + base64.b64encode(png).decode(),
                    name=chart.filename,
                )
            )
        api = self._bot.sdk.api.clone(service_url=ref.service_url)
        try:
            sent = await api.conversations.activities(ref.conversation_id).create(activity)
        except Exception as exc:
            raise classify(exc) from exc
        if not sent.id or sent.id == NO_ID:
            # a 2xx whose body is not the connector's JSON (a proxy's page): posted or not is
            # unknown, so it is retried, and the re-send is recorded as a possible repeat
            raise TransientError("unreadable_answer")
        await asyncio.to_thread(remember_card, app, sent.id, message.reply)
        return sent.id
