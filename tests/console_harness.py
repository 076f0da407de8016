"""errbot-style harness: push a line (and answers to the prompts it raises), pop what the bot said."""

from __future__ import annotations

from collections import deque

from kam_bot.adapters.console.bot import ConsoleBot
from kam_bot.bootstrap import App
from kam_bot.domain.models import User


class ConsoleHarness:
    def __init__(self, app: App, actor: User) -> None:
        self.answers: deque[str] = deque()
        self.output: list[str] = []
        self.prompts: list[str] = []
        self.bot = ConsoleBot(app, actor, ask=self._ask, say=self.output.append)

    def _ask(self, prompt: str) -> str | None:
        self.prompts.append(prompt)
        return self.answers.popleft() if self.answers else None

    def send(self, line: str, *answers: str) -> str:
        """Handle ``line``; prompts are answered with ``answers`` in order, then end of input."""
        self.output.clear()
        self.prompts.clear()
        self.answers.extend(answers)
        self.bot.handle(line)
        leftover = list(self.answers)
        self.answers.clear()
        assert not leftover, f"prompts not reached for answers {leftover}; prompts were {self.prompts}"
        return "\n".join(self.output)
