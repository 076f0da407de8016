"""The console bot: the shared command language and confirm-and-save conversation
(``handlers.chat``), with the conversation's questions as prompts.

Works interactively and piped from stdin. Whatever the user typed for a capture that is not
saved (given up, end of input, Ctrl+C, an error) is printed back so it can be pasted again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from kam_bot.adapters.console.render import render_text
from kam_bot.domain.models import User
from kam_bot.handlers.chat import TextChat
from kam_bot.handlers.conversation import Turn
from kam_bot.handlers.replies import Reply
from kam_bot.handlers.verbs import ChatServices, Surface
from kam_bot.i18n import t

log = logging.getLogger(__name__)

Ask = Callable[[str], str | None]
"""Prompt and read one line; None at end of input."""

SURFACE = Surface(name="console", forms=False, local=True)

QUIT_WORDS = frozenset({"quit", "exit", "q", "退出"})
"""Leave the console at the prompt; at a question they give up the entry (its line is shown back)."""


@dataclass
class ConsoleBot:
    app: ChatServices
    actor: User
    ask: Ask
    say: Callable[[str], None]

    def __post_init__(self) -> None:
        self.chat = TextChat(self.app, SURFACE)

    @property
    def loc(self) -> str:
        return self.actor.locale

    def show(self, reply: Reply) -> None:
        self.say(render_text(reply, self.actor.locale))

    def run(self) -> None:
        self.say(t("console.welcome", self.loc, name=self.actor.display_name))
        while True:
            try:
                line = self.ask("> ")
            except KeyboardInterrupt:  # Ctrl+C at the prompt leaves, like quit
                self.say("")
                return
            if line is None or line.strip().casefold() in QUIT_WORDS:
                return
            try:
                self.handle(line)
            except KeyboardInterrupt:  # Ctrl+C in a command's question: back to the prompt
                self.say("")
                self._give_up()

    def handle(self, line: str) -> None:
        if not line.strip():
            return
        try:
            turn = self.chat.handle(self.actor, line)
            self._show(turn)
            while turn.question is not None:
                prompt = t("console.confirm", self.loc) if turn.confirm else turn.question
                answer = self.ask(prompt + " ")
                if answer is None:
                    self._give_up()
                    return
                turn = self.chat.handle(self.actor, answer)
                self._show(turn)
        except Exception:  # never a traceback and a lost line; the log keeps the details
            log.exception("console command failed: %s", line[:40])
            self.say(t("console.unexpected", self.loc))
            self.say(line.strip())
            self.chat.give_up(self.actor)
        self.actor = self.app.users.get(self.actor.id)  # settings may have changed

    def _show(self, turn: Turn) -> None:
        if turn.reply.sections or turn.reply.title:
            self.show(turn.reply.model_copy(update={"actions": []} if turn.confirm else {}))

    def _give_up(self) -> None:
        dropped = self.chat.give_up(self.actor)
        if dropped is not None:
            self.show(dropped.reply)
