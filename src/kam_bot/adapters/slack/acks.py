"""Every request Slack sends is acknowledged inside its 3 seconds, whatever the database does.

Two ways Bolt (1.30, ``process_before_response=False``) let a request go unanswered during a
database outage, each ending in HTTP 404 after 3 s ("unhandled request"), which Slack shows
as a failed command:

- A listener that acknowledges and then fails: Bolt's runner starts the listener as a task
  and polls ``ack.response`` every 10 ms; when the listener raises, Bolt sets
  ``ack.response = None`` again (the acknowledgement "was already sent"). If the listener
  failed within one poll (a database refusing connections fails in a millisecond), the
  runner never saw the acknowledgement, waits out its 3 s and answers 404.
- A listener that must read the database before it can acknowledge (a submitted modal is
  validated first): a database that does not answer holds it past the 3 s, then 404; a
  database that refuses makes it raise, and Bolt answers HTTP 500.

A global middleware gives each request a ``KeptAck``: once given, an acknowledgement stays
given; a listener that failed before acknowledging, or has not acknowledged within
``ACK_DEADLINE``, is answered with a stand-in: for a submitted modal an error on its first
field saying nothing was saved, or, when late, not yet (the modal stays open with everything
typed; a late listener still finishes and tells the person if it saved), for type-ahead
no options, else an empty 200. The listener's error still reaches the error handler
(``errors.py``), which tells the person, with what they typed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from kam_bot.adapters.slack.errors import user_id_of, what_of
from kam_bot.adapters.slack.users import SlackUsers
from kam_bot.domain.enums import Locale
from kam_bot.i18n import t
from kam_bot.logs import OncePer

ACK_DEADLINE = 2.5
"""Seconds a listener has to acknowledge before the stand-in answer goes out: after a modal's
own ``SAVE_BUDGET`` (2 s, ``listeners/views.py``), before Slack gives up (3 s)."""

log = logging.getLogger(__name__)


def stand_in(body: dict[str, Any], loc: Locale, failed: bool) -> BoltResponse:
    """The answer for a request whose listener ``failed`` before acknowledging, or is late."""
    kind = body.get("type")
    blocks = (body.get("view") or {}).get("blocks") or []
    inputs = [b["block_id"] for b in blocks if b.get("type") == "input"]
    if kind == "view_submission" and inputs:
        # late: it may still be saved when the database answers, and the listener then says so
        message = t("slack.error.unexpected" if failed else "slack.error.not_answering", loc)
        return BoltResponse(status=200, body={"response_action": "errors", "errors": {inputs[0]: message}})
    if kind == "block_suggestion":
        return BoltResponse(status=200, body={"options": []})
    return BoltResponse(status=200, body="")


ANSWERED = "kam_bot_answered"
"""Context key of the request's ``Answered``: the HTTP route sets it when Bolt's answer went out."""
_SAID = OncePer(60.0)


class Answered:
    """Whether the request was answered without its ``ack`` (a repeat answered by ``dedup``, no
    listener): the deadline then has nothing to stand in for, and nothing to warn about."""

    def __init__(self) -> None:
        self.done = False


def mark_answered(context: dict[str, Any]) -> None:
    answered = context.get(ANSWERED)
    if isinstance(answered, Answered):
        answered.done = True


class KeptAck(AsyncAck):
    """``ack`` whose response, once given, is not taken back; a failure before it is answered."""

    def __init__(
        self, fallback: Callable[[bool], BoltResponse], what: str, answered: Answered | None = None
    ) -> None:
        self._given: BoltResponse | None = None
        self._fallback = fallback
        self._what = what
        self._answered = answered or Answered()
        super().__init__()  # type: ignore[no-untyped-call]

    @property
    def response(self) -> BoltResponse | None:
        return self._given

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if self._given is not None or value is None:
            return  # Bolt's reset after a failing listener: the acknowledgement stays
        if value.status >= 500:  # the listener raised before acknowledging
            message = "Slack %s failed before acknowledging; answered with the stand-in"
            _SAID.log(log, logging.WARNING, f"stand-in {self._what}", message, self._what)
            value = self._fallback(True)
        self._given = value

    def give_up(self) -> None:
        """The deadline passed without an acknowledgement: the stand-in goes out now."""
        if self._given is None and not self._answered.done:
            log.warning("Slack %s not acknowledged within %.0f s; answered for it", self._what, ACK_DEADLINE)
            self._given = self._fallback(False)


def register(bolt: AsyncApp, users: SlackUsers) -> None:
    async def acknowledge_in_time(
        req: AsyncBoltRequest, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> None:
        loc = users.locale_hint(user_id_of(body))
        answered = req.context.get(ANSWERED)
        if not isinstance(answered, Answered):  # Socket Mode: no route in front
            answered = req.context[ANSWERED] = Answered()
        ack = KeptAck(lambda failed: stand_in(body, loc, failed), what_of(body), answered)
        req.context["ack"] = ack
        asyncio.get_running_loop().call_later(ACK_DEADLINE, ack.give_up)
        await next()

    bolt.middleware(acknowledge_in_time)
