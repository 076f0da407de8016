"""The console bot: the same commands as Slack, forms become prompts with the prefill shown.

Works interactively and piped from stdin. Whatever the user typed for a visit that is not
saved (cancelled, end of input, an error) is printed back so it can be pasted again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from kam_bot.adapters.console.render import render_text
from kam_bot.domain.models import User
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.describe import describe, problem_line
from kam_bot.handlers.prefill import (
    Prefill,
    apply_fix,
    prefill_price,
    prefill_promise,
    prefill_stock,
    prefill_visit,
    today_for,
)
from kam_bot.handlers.replies import Reply, Section
from kam_bot.handlers.team import team
from kam_bot.i18n import t
from kam_bot.services.container import Services

Ask = Callable[[str], str | None]
"""Prompt and read one line; None at end of input."""

Extra = Callable[["ConsoleBot", User, str], Reply | None]
P = TypeVar("P", bound=Prefill)


@dataclass
class ConsoleBot:
    app: Services
    actor: User
    ask: Ask
    say: Callable[[str], None]
    extra_commands: dict[str, Extra] = field(default_factory=dict)
    """Commands contributed by other features (remind, digest)."""

    def __post_init__(self) -> None:
        self.commands = Commands(self.app)
        self._line = ""

    @property
    def loc(self) -> str:
        return self.actor.locale

    def show(self, reply: Reply) -> None:
        self.say(render_text(reply, self.actor.locale))

    def run(self) -> None:
        self.say(t("console.welcome", self.loc, name=self.actor.display_name))
        while True:
            line = self.ask("> ")
            if line is None:
                return
            if line.strip().lower() in {"quit", "exit", "q", "退出"}:
                return
            self.handle(line)

    def handle(self, line: str) -> None:
        text = line.strip()
        if not text:
            return
        self._line = text
        word, _, rest = text.lstrip("/").partition(" ")
        command = word.lower()
        rest = rest.strip()
        handlers: dict[str, Callable[[str], None]] = {
            "visit": self.visit,
            "拜访": self.visit,
            "promise": lambda r: self.entry(
                prefill_promise(self.app, self.actor, r), self.commands.save_promise
            ),
            "承诺": lambda r: self.entry(
                prefill_promise(self.app, self.actor, r), self.commands.save_promise
            ),
            "price": lambda r: self.entry(prefill_price(self.app, self.actor, r), self.commands.save_price),
            "价格": lambda r: self.entry(prefill_price(self.app, self.actor, r), self.commands.save_price),
            "stock": lambda r: self.entry(prefill_stock(self.app, self.actor, r), self.commands.save_stock),
            "库存": lambda r: self.entry(prefill_stock(self.app, self.actor, r), self.commands.save_stock),
            "account": self.account,
            "客户": self.account,
            "promises": lambda r: self.show(self.commands.my_promises(self.actor)),
            "today": lambda r: self.show(self.commands.today(self.actor)),
            "今天": lambda r: self.show(self.commands.today(self.actor)),
            "done": lambda r: self.promise_action("done", r),
            "reopen": lambda r: self.promise_action("reopen", r),
            "cancel": lambda r: self.promise_action("cancel", r),
            "snooze": lambda r: self.promise_action("snooze", r),
            "undo": self.undo,
            "settings": lambda r: self.show(self.commands.settings(self.actor, r)),
            "team": lambda r: self.show(team(self.app, self.actor, r)),
            "团队": lambda r: self.show(team(self.app, self.actor, r)),
            "help": lambda r: self.show(self.commands.help(self.actor)),
            "kam": lambda r: self.show(self.commands.help(self.actor)),
            "?": lambda r: self.show(self.commands.help(self.actor)),
        }
        if command in handlers:
            handlers[command](rest)
            self.actor = self.app.users.get(self.actor.id)
        elif command in self.extra_commands:
            reply = self.extra_commands[command](self, self.actor, rest)
            if reply is not None:
                self.show(reply)
        else:
            self.say(t("console.unknown_command", self.loc, command=word))

    # -- commands -----------------------------------------------------------------

    def account(self, rest: str) -> None:
        if rest.startswith("#") and rest[1:].isdigit():
            self.show(self.commands.account_by_id(self.actor, int(rest[1:])))
        else:
            self.show(self.commands.account(self.actor, rest))

    def promise_action(self, action: str, rest: str) -> None:
        args = rest.replace("#", "").split()
        if not args or not args[0].isdigit() or (len(args) > 1 and not args[1].isdigit()):
            self.say(t("console.usage_promise", self.loc, action=action))
            return
        days = int(args[1]) if len(args) > 1 else None
        self.show(self.commands.promise_action(self.actor, action, int(args[0]), days))

    def undo(self, rest: str) -> None:
        args = rest.split()
        if len(args) != 2 or args[0] not in {"price", "stock"} or not args[1].isdigit():
            self.say(t("console.usage_undo", self.loc))
            return
        self.show(self.commands.undo(self.actor, args[0], int(args[1])))

    def visit(self, rest: str) -> None:
        if not rest:
            rest = self.ask(t("console.visit_prompt", self.loc) + " ") or ""
            if not rest.strip():
                return
        prefill = prefill_visit(self.app, self.actor, rest)
        self.entry(prefill, self.commands.save_visit)

    def entry(self, prefill: P, save: Callable[[User, P], Reply]) -> None:
        """Show the prefill, ask for what is missing, confirm, save. Never loses the typed text."""
        prefill.text = self._line or prefill.text
        self.show(describe(prefill, self.actor.locale, today_for(self.app, self.actor)))
        if not self._fix(prefill):
            self._not_saved(prefill)
            return
        answer = self.ask(t("console.confirm", self.loc) + " ")
        if answer is None or answer.strip().lower() not in {"", "y", "yes", "是", "好"}:
            self._not_saved(prefill)
            return
        reply = save(self.actor, prefill)
        self.show(reply)
        if not reply.ok:
            self._not_saved(prefill)

    def _fix(self, prefill: Prefill) -> bool:
        """Prompt for each blocking gap until it is filled; False when the user gives up."""
        while prefill.blocking:
            problem = prefill.blocking[0]
            self.show(Reply(sections=[Section(lines=[problem_line(problem, self.actor.locale)])]))
            answer = self.ask(
                t(f"console.ask.{_ask_key(problem.field)}", self.loc, what=problem.text or "") + " "
            )
            if answer is None or not answer.strip():
                return False
            new = apply_fix(self.app, self.actor, prefill, problem, answer)
            if new is not None:
                prefill.problems = [new if p is problem else p for p in prefill.problems]
        return True

    def _not_saved(self, prefill: Prefill) -> None:
        self.say(t("console.not_saved", self.loc))
        self.say(prefill.text)


def _ask_key(field_path: str) -> str:
    name = field_path.rsplit(".", 1)[-1]
    return name if name in {"account", "due_date", "price", "currency", "quantity", "product"} else "value"
