"""Echo's adapter: receive a message or a button press, answer through the shared text chat,
render a neutral reply as text plus buttons, and deliver the outbox's DMs and digests."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from kam_bot.adapters.platform import PlatformServices
from kam_bot.handlers.chat import TextChat
from kam_bot.handlers.replies import Reply
from kam_bot.handlers.verbs import Surface
from kam_bot.jobs.delivery import Checkpoint, Outgoing

from . import NAME

SURFACE = Surface(name=NAME, forms=False)
PRESSES = {"promise.done": "done {v}", "promise.cancel": "cancel {v}", "undo.visit": "undo visit {v}"}
"""A button is the line it stands for; the conversation's own buttons carry their answer."""


def render(reply: Reply) -> dict[str, Any]:
    lines = [reply.title or ""] + [s.title or "" for s in reply.sections]
    lines += [line.plain for s in reply.sections for line in s.lines]
    actions = [*reply.actions, *(a for s in reply.sections for a in s.actions)]
    buttons = [{"id": a.action_id, "label": a.label, "value": a.value} for a in actions]
    return {"text": "\n".join(x for x in lines if x), "buttons": buttons}


class EchoDeliverer:
    platform = NAME

    def __init__(self) -> None:
        self.posted: list[dict[str, Any]] = []

    async def deliver(self, message: Outgoing, checkpoint: Checkpoint) -> str | None:
        self.posted.append({"to": message.recipient, "kind": message.kind, **render(message.reply)})
        return f"{message.recipient}:{len(self.posted)}"


class EchoPlatform:
    name = NAME

    def __init__(self, app: PlatformServices) -> None:
        self.app = app
        self.chat = TextChat(app, SURFACE)
        self.deliverer = EchoDeliverer()

    def routes(self) -> Sequence[BaseRoute]:
        return [Route("/echo/messages", self.receive, methods=["POST"])]

    async def receive(self, request: Request) -> JSONResponse:
        body = await request.json()
        actor = await asyncio.to_thread(self.app.users.by_identity, NAME, str(body["user"]))
        if actor is None:
            return JSONResponse({"error": "unknown user"}, status_code=404)
        text = body.get("text") or PRESSES.get(body.get("press", ""), "{v}").format(v=body.get("value", ""))
        turn = await asyncio.to_thread(self.chat.handle, actor, text)
        answer = render(turn.reply)
        if turn.question:
            answer["text"] = f"{answer['text']}\n{turn.question}".strip()
        return JSONResponse(answer)

    async def startup(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
