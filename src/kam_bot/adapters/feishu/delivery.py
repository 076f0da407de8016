"""The outbox's Feishu deliverer: reminders, briefs, escalations and digests as cards.

A bot may write first to anyone in its app's availability scope (FD im-v1/message/create), so
a DM goes to the person's Feishu id (``open_id``, or the ``union_id`` / ``user_id`` an import
gave) and a digest to its group's ``chat_id``. Charts are uploaded first (``im/v1/images``) and
shown in the card. Each send carries a ``uuid`` made from the outbox key: Feishu posts at most
one message per uuid within an hour (FD im-v1/message/create), so a send retried after a lost
answer posts nothing new. The chat is not read back: Feishu's message list does not return the
uuid, and what it returns of a card is not the card that was sent. Buttons update the card in
place (``actions``).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable

from kam_bot.jobs.delivery import (
    Checkpoint,
    DeliveryError,
    Outgoing,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from kam_bot.jobs.notifications import ChartSpec

from . import NAME
from .actions import remember_card
from .api import FeishuError, Sent
from .app import FeishuBot
from .cards import reply_card
from .identity import id_type

DEFAULT_RETRY_AFTER = 30.0
Draw = Callable[[ChartSpec], bytes]


def uuid_for(key: str) -> str:
    """Feishu's ``uuid`` (at most 50 characters) for an outbox key."""
    return "kam-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def classify(exc: FeishuError) -> DeliveryError:
    """An error answer means nothing was posted; a 5xx or a dropped connection tells nothing."""
    if exc.rate_limited:
        return RateLimitedError(
            exc.retry_after or DEFAULT_RETRY_AFTER, "feishu_99991400", nothing_posted=True
        )
    if exc.transient:
        return TransientError(f"feishu_{exc.code}", nothing_posted=exc.status == 0 and exc.code != -1)
    return PermanentError(f"feishu_{exc.code}", nothing_posted=True)


class FeishuDeliverer:
    def __init__(self, bot: FeishuBot, draw: Draw | None = None) -> None:
        self._bot = bot
        self._draw = draw

    @property
    def platform(self) -> str:
        return NAME

    def _png(self, chart: ChartSpec) -> bytes:
        from kam_bot.jobs.chart import compact_png, render_png  # matplotlib loads on the first chart

        return compact_png((self._draw or render_png)(chart))

    def _send(self, message: Outgoing) -> Sent:
        api = self._bot.api
        images = [api.upload_image(self._png(chart)) for chart in message.charts]
        card = reply_card(message.reply, message.locale, images=images)
        recipient = message.recipient
        return api.send_card(recipient, id_type(recipient), card, uuid=uuid_for(message.key or recipient))

    async def deliver(self, message: Outgoing, checkpoint: Checkpoint) -> str | None:
        if message.message_ref is not None:
            return message.message_ref  # posted earlier, charts included: nothing left to do
        if not message.recipient:
            raise PermanentError("no_feishu_identity")
        try:
            sent = await asyncio.to_thread(self._send, message)
        except FeishuError as exc:
            raise classify(exc) from exc
        await checkpoint(sent.message_id)
        await asyncio.to_thread(remember_card, self._bot.app, sent.message_id, message.reply)
        return sent.message_id
