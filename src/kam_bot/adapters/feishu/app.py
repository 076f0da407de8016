"""The Feishu bot: the SDK's event dispatcher, its two ways in, and posting back.

Both modes feed one ``EventDispatcherHandler`` (``lark-oapi``): the long connection
(``ws.LongConnection``: no public URL) or ``POST /feishu/events`` (each request decrypted and
checked by ``events.verify`` first). A message event is acknowledged at once and answered on a
worker thread (Feishu re-sends an event not acknowledged within 3 seconds; the long
connection's loop must stay free for its pings); the same ``event_id`` is handled once in any
process (``services.claims``). A card callback is answered in its acknowledgement, with the
card to show in place of the pressed one (over the long connection it runs on the connection's
loop: a quick database step, well within Feishu's 3 seconds).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import lark_oapi as lark  # type: ignore[import-untyped]
from lark_oapi.core.json import JSON  # type: ignore[import-untyped]
from lark_oapi.event.callback.model.p2_card_action_trigger import (  # type: ignore[import-untyped]
    P2CardActionTriggerResponse,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kam_bot.adapters.inbound import refuse
from kam_bot.domain.models import User
from kam_bot.handlers.replies import Reply
from kam_bot.i18n import t
from kam_bot.i18n.catalog import resolve_locale
from kam_bot.logs import OncePer, outage_kind
from kam_bot.services.users import valid_timezone

from . import NAME, actions, commands, identity
from .api import Api, FeishuError, Sent
from .cards import reply_card
from .deps import FeishuServices
from .events import RefusedError, verify
from .settings import FeishuSettings, Mode, check_settings
from .ws import LongConnection, Runner

if TYPE_CHECKING:
    from .delivery import FeishuDeliverer

log = logging.getLogger(__name__)
_SAID = OncePer(60.0)
EVENTS_PATH = "/feishu/events"
WORKERS = 4
REPLY_TRIES = 3
MAX_WAIT = 5.0


@dataclass
class FeishuBot:
    app: FeishuServices
    settings: FeishuSettings
    api: Api
    sleep: Callable[[float], None] = time.sleep
    dispatcher: Any = None
    runner: Runner | None = None
    pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(WORKERS, "feishu"))
    pending: set[Future[None]] = field(default_factory=set)

    @classmethod
    def build(cls, app: FeishuServices, settings: FeishuSettings, **extra: Any) -> FeishuBot:
        check_settings(settings)
        assert settings.app_id and settings.app_secret
        api = Api(settings.app_id, settings.app_secret, settings.api_url)
        bot = cls(app=app, settings=settings, api=api, **extra)
        bot.dispatcher = (
            lark.EventDispatcherHandler.builder(settings.encrypt_key or "", settings.verification_token or "")
            .register_p2_im_message_receive_v1(bot.on_message)
            .register_p2_im_chat_member_bot_added_v1(bot.on_added)
            .register_p2_card_action_trigger(bot.on_card)
            .build()
        )
        return bot

    # -- the platform, as kam-bot serve sees it ---------------------------------------------

    @property
    def name(self) -> str:
        return NAME

    @property
    def deliverer(self) -> FeishuDeliverer:
        from .delivery import FeishuDeliverer

        return FeishuDeliverer(self)

    def routes(self) -> Sequence[Route]:
        if self.settings.mode is Mode.HTTP:
            return [Route(EVENTS_PATH, self.events, methods=["POST"])]
        return []

    async def startup(self) -> None:
        if self.settings.mode is Mode.WEBSOCKET and self.runner is None:
            client = LongConnection(
                self.settings.app_id,
                self.settings.app_secret,
                log_level=lark.LogLevel.WARNING,
                event_handler=self.dispatcher,
                domain=self.settings.api_url.rstrip("/"),
            )
            self.runner = Runner(client)
            self.runner.start()

    async def shutdown(self) -> None:
        if self.runner is not None:
            await asyncio.to_thread(self.runner.stop)
            self.runner = None
        await asyncio.to_thread(self.drain)
        self.pool.shutdown(wait=False)

    def drain(self, timeout: float = 30.0) -> None:
        """Wait for the messages being answered (tests; shutdown)."""
        deadline = time.monotonic() + timeout
        while self.pending and time.monotonic() < deadline:
            for future in list(self.pending):
                future.result(timeout=max(deadline - time.monotonic(), 0.01))

    def later(self, fn: Callable[..., object], *args: Any) -> None:
        future = self.pool.submit(self._guarded, fn, *args)
        self.pending.add(future)
        future.add_done_callback(self.pending.discard)

    def _guarded(self, fn: Callable[..., object], *args: Any) -> None:
        try:
            fn(*args)
        except Exception as exc:
            if (outage := outage_kind(exc)) is not None:
                _SAID.log(log, logging.ERROR, outage, "Feishu events failing: %s", outage)
            else:
                log.exception("Feishu event failed")

    # -- HTTP mode ----------------------------------------------------------------------------

    async def events(self, request: Request) -> Response:
        raw = await request.body()
        settings = self.settings
        try:
            verified = verify(
                raw,
                dict(request.headers),
                encrypt_key=settings.encrypt_key or "",
                token=settings.verification_token or "",
                now=self.app.clock(),
            )
        except RefusedError as exc:
            return refuse(NAME, str(exc), request)
        if verified.challenge is not None:
            return JSONResponse({"challenge": verified.challenge})
        if not await asyncio.to_thread(self.app.claims.claim, NAME, f"signed:{verified.signature}"):
            return refuse(NAME, "replayed request", request)
        try:
            result = await asyncio.to_thread(self.dispatcher.do_without_validation, verified.plaintext)
        except Exception as exc:  # an event type nobody subscribed to, a handler's failure
            log.info("Feishu event not handled: %s", type(exc).__name__)
            return JSONResponse({"msg": "success"})
        if result is None:
            return JSONResponse({"msg": "success"})
        return Response(JSON.marshal(result), media_type="application/json")

    # -- inbound -------------------------------------------------------------------------------

    def on_message(self, data: Any) -> None:
        """``im.message.receive_v1``: acknowledged at once, answered on a worker thread."""
        self.later(self.answer_message, data)

    def answer_message(self, data: Any) -> None:
        event_id = str(getattr(data.header, "event_id", "") or "")
        if event_id and not self.app.claims.claim(NAME, f"event:{event_id}"):
            return  # delivered again: answered already
        message, ids = data.event.message, data.event.sender.sender_id
        sender = identity.Sender(str(ids.open_id or ""), str(ids.union_id or ""), str(ids.user_id or ""))
        if not sender.open_id:
            return
        actor = identity.meet(self.app, self.api, sender)
        chat_id = str(message.chat_id or "")
        text = _text(message)
        if message.chat_type != "p2p":
            if text is not None:
                self.post(chat_id, commands.in_group(self.app, actor, text, chat_id), actor, event_id)
            return
        identity.remember_chat(self.app, actor, chat_id)
        if text is None:
            self.post(chat_id, Reply.text(t("feishu.not_text", actor.locale)), actor, event_id)
            return
        answered = commands.answer(self.app, actor, text)
        self.post_answer(chat_id, answered, actor, event_id)

    def on_added(self, data: Any) -> None:
        """The bot added to a group: say how the group gets a team's digest."""
        chat_id = str(getattr(data.event, "chat_id", "") or "")
        if chat_id:
            loc = resolve_locale(identity.DEFAULT_LOCALE)
            reply = Reply.text(t("feishu.digest_here_how", loc))
            self.later(self.send, chat_id, reply_card(reply, loc), None, f"added:{chat_id}")

    def on_card(self, data: Any) -> Any:
        """``card.action.trigger``: the card to show in place, in the acknowledgement."""
        event = data.event
        operator = event.operator
        sender = identity.Sender(
            str(operator.open_id or ""), str(operator.union_id or ""), str(operator.user_id or "")
        )
        actor = identity.meet(self.app, self.api, sender)
        actor = self._timezone(actor, getattr(event.action, "timezone", None))
        context = event.context
        message_id = str(getattr(context, "open_message_id", "") or "") or None
        value = event.action.value if isinstance(event.action.value, dict) else {}
        form_value = event.action.form_value if isinstance(event.action.form_value, dict) else None
        outcome = actions.handle(self.app, actor, value, form_value, message_id)
        chat_id = str(getattr(context, "open_chat_id", "") or "")
        if outcome.follow_up is not None and chat_id:
            self.later(self.post_answer, chat_id, outcome.follow_up, actor, None)
        return P2CardActionTriggerResponse({"card": {"type": "raw", "data": outcome.card}})

    def _timezone(self, actor: User, timezone: str | None) -> User:
        """A card callback carries the person's time zone: followed unless someone chose one."""
        if not timezone or timezone == actor.timezone or "timezone" in actor.chosen:
            return actor
        if not valid_timezone(timezone):
            return actor
        external = actor.identities.get(NAME) or ""
        profile = identity.profile(identity.Sender(external), actor.display_name, None)
        return self.app.users.refresh(
            actor, profile.model_copy(update={"timezone": timezone, "locale": None})
        )

    # -- posting -------------------------------------------------------------------------------

    def post_answer(self, chat_id: str, answered: commands.Answer, actor: User, key: str | None) -> None:
        if answered.card is not None:
            self.send(chat_id, answered.card, None, key)
        elif answered.reply is not None:
            self.post(chat_id, answered.reply, actor, key)

    def post(self, chat_id: str, reply: Reply, actor: User, key: str | None) -> None:
        sent = self.send(chat_id, reply_card(reply, actor.locale), reply, key)
        if sent is not None:
            actions.remember_card(self.app, sent.message_id, reply)

    def send(self, chat_id: str, card: dict[str, Any], reply: Reply | None, key: str | None) -> Sent | None:
        """Post into a chat; a rate limit is waited out (briefly) and tried again. ``key`` makes
        a second handling of one event post nothing new (Feishu's ``uuid``)."""
        for attempt in range(1, REPLY_TRIES + 1):
            try:
                return self.api.send_card(chat_id, "chat_id", card, uuid=key)
            except FeishuError as exc:
                if not (exc.rate_limited or exc.transient) or attempt == REPLY_TRIES:
                    log.warning("Feishu reply not posted: %s", exc)
                    return None
                self.sleep(min(exc.retry_after or float(attempt), MAX_WAIT))
        return None


def _text(message: Any) -> str | None:
    """The text of a ``text`` message (``content`` is a JSON string); None for other kinds."""
    if message.message_type != "text":
        return None
    try:
        content = json.loads(message.content or "{}")
    except ValueError:
        return None
    text = content.get("text") if isinstance(content, dict) else None
    return text if isinstance(text, str) else None
