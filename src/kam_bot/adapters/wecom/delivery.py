"""The outbox's WeCom deliverer: reminders, briefs and escalations to a member, digests to a group.

A DM goes with ``message/send`` to the member's userid (WeCom lets an app write first to anyone
in its visible range): text, and template cards for the buttons (``render``). A digest goes to
the team's group: an app group chat (``appchat/send``; charts uploaded with ``media/upload``
and sent as images) or a group robot's webhook (``webhook:KEY``; charts as base64 images).
Groups get text only: neither takes button cards.

Limits: before a message goes out its sends are booked in the member's (or chat's) quota
(``limits``); over it, or on WeCom's own 45009, the row is ``RateLimitedError``: back later,
not counted as an attempt, never lost. A member outside the app's visible range is
``invaliduser`` in an errcode-0 answer: dead, with that reason, for ``kam-bot outbox``.
A digest's text is checkpointed before its charts, so an interrupted one sends only its charts
again. WeCom has no way to read back what an app sent, so an interrupted DM is sent again.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
from collections.abc import Callable
from typing import Any

import aiohttp

from kam_bot.jobs.delivery import (
    Checkpoint,
    DeliveryError,
    Outgoing,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from kam_bot.jobs.digest import KIND as DIGEST
from kam_bot.jobs.notifications import ChartSpec
from kam_bot.logs import OncePer

from . import NAME
from .api import BUSY, RATE_LIMITED, TOKEN_ERRORS, UnreadableError, WecomError
from .app import WecomBot
from .groups import WEBHOOK_PREFIX
from .limits import CHAT, MEMBER
from .render import Message, body_lines, messages, text_chunks

log = logging.getLogger(__name__)
_SAID = OncePer(60.0)
LIMITED_LINE = "WeCom answered %s (over its send limits): the message waits %.0f s and is sent then"
Draw = Callable[[ChartSpec], bytes]
LIMITED_FOR = 60.0
"""Seconds before a row WeCom answered 45009 comes back (its windows are a minute and an hour)."""
WEBHOOK_IMAGE_BYTES = 2 * 1024 * 1024


def classify(exc: Exception) -> Exception:
    """The outbox's error for a failed WeCom call."""
    if isinstance(exc, WecomError):
        code = exc.errcode
        if code in (RATE_LIMITED, 45033):
            _SAID.log(log, logging.WARNING, str(code), LIMITED_LINE, code, LIMITED_FOR)
            return RateLimitedError(LIMITED_FOR, f"wecom_{code}", nothing_posted=True)
        if code == BUSY or code in TOKEN_ERRORS or code == 60020:
            return TransientError(f"wecom_{code}", nothing_posted=True)
        return PermanentError(f"wecom_{code}", nothing_posted=True)
    if isinstance(exc, UnreadableError):
        return TransientError(str(exc))
    if isinstance(exc, aiohttp.ClientError | TimeoutError | OSError):
        return TransientError(type(exc).__name__)
    return exc


class WecomDeliverer:
    def __init__(self, bot: WecomBot, draw: Draw | None = None) -> None:
        self._bot = bot
        self._draw = draw

    @property
    def platform(self) -> str:
        return NAME

    async def deliver(self, message: Outgoing, checkpoint: Checkpoint) -> str | None:
        if not message.recipient:
            raise PermanentError("no_wecom_identity")
        try:
            if message.kind == DIGEST:
                return await self._to_group(message, checkpoint)
            return await self._to_member(message)
        except DeliveryError:
            raise
        except Exception as exc:
            raise classify(exc) from exc

    def _book(self, recipient: str, count: int, windows: tuple[tuple[float, int], ...]) -> None:
        wait = self._bot.quota.reserve(recipient, count, windows)
        if wait > 0:  # the whole platform pauses on it (``jobs.sender``): at most a minute at a time
            raise RateLimitedError(min(wait, LIMITED_FOR), "wecom_send_limit", nothing_posted=True)

    async def _to_member(self, message: Outgoing) -> str | None:
        if message.message_ref is not None:
            return message.message_ref
        out = messages(message.reply, message.locale)
        self._book(message.recipient, len(out), MEMBER)
        first: str | None = None
        for each in out:
            answer = await self._bot.api.send(message.recipient, each.msgtype, each.content)
            if answer.get("invaliduser"):
                raise PermanentError("wecom_invaliduser", nothing_posted=first is None)
            first = first or str(answer.get("msgid") or "")
        return first

    async def _to_group(self, message: Outgoing, checkpoint: Checkpoint) -> str | None:
        recipient = message.recipient
        texts = [] if message.message_ref else text_chunks(body_lines(message.reply, message.locale))
        pngs = await asyncio.to_thread(lambda: [self._png(c) for c in message.charts])
        self._book(recipient, len(texts) + len(pngs), CHAT)
        ref = message.message_ref
        for text in texts:
            answer = await self._post(recipient, Message("text", {"content": text}))
            ref = ref or str(answer.get("msgid") or recipient)
        if ref and not message.message_ref and pngs:
            await checkpoint(ref)
        for chart, png in zip(message.charts, pngs, strict=True):
            await self._post(recipient, await self._image(recipient, png, chart.filename))
        return ref or recipient

    async def _image(self, recipient: str, png: bytes, filename: str) -> Message:
        if recipient.startswith(WEBHOOK_PREFIX):
            if len(png) > WEBHOOK_IMAGE_BYTES:
                raise PermanentError("wecom_image_too_large")
            image = {"base64": base64.b64encode(png).decode(), "md5": hashlib.md5(png).hexdigest()}
            return Message("image", image)
        return Message("image", {"media_id": await self._bot.api.upload_image(png, filename)})

    async def _post(self, recipient: str, message: Message) -> dict[str, Any]:
        api = self._bot.api
        if recipient.startswith(WEBHOOK_PREFIX):
            await api.webhook(recipient.removeprefix(WEBHOOK_PREFIX), message.msgtype, message.content)
            return {}
        return await api.chat_send(recipient, message.msgtype, message.content)

    def _png(self, chart: ChartSpec) -> bytes:
        from kam_bot.jobs.chart import compact_png, render_png  # matplotlib loads on the first chart

        return compact_png((self._draw or render_png)(chart))
