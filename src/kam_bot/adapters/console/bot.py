"""The console bot: the same commands as Slack, forms become prompts with the prefill shown.

Works interactively and piped from stdin. Whatever the user typed for a visit that is not
saved (cancelled, end of input, an error) is printed back so it can be pasted again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from kam_bot.adapters.console.render import render_text
from kam_bot.domain.models import User
from kam_bot.handlers.calendar import calendar
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.describe import describe, problem_line
from kam_bot.handlers.prefill import (
    Prefill,
    apply_fix,
    check,
    line_problem,
    prefill_price,
    prefill_promise,
    prefill_stock,
    prefill_visit,
    resolved_date,
    subject,
    today_for,
)
from kam_bot.handlers.render import error_reply
from kam_bot.handlers.replies import Reply, Section
from kam_bot.handlers.team import team
from kam_bot.i18n import format_date, t
from kam_bot.services.container import Services
from kam_bot.services.errors import ServiceError

log = logging.getLogger(__name__)

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
            try:
                line = self.ask("> ")
            except KeyboardInterrupt:  # Ctrl+C at the prompt leaves, like quit
                self.say("")
                return
            if line is None or _is_quit(line):
                return
            try:
                self.handle(line)
            except KeyboardInterrupt:  # Ctrl+C in a command's question: back to the prompt
                self.say("")

    def handle(self, line: str) -> None:
        text = line.strip()
        if not text:
            return
        self._line = text
        if (refused := line_problem(text)) is not None:  # not parsed at all: said up front
            self.show(Reply(sections=[Section(lines=[problem_line(refused, self.actor.locale)])], ok=False))
            return
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
            "accounts": lambda r: self.show(self.commands.accounts(self.actor, r)),
            "客户列表": lambda r: self.show(self.commands.accounts(self.actor, r)),
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
            **dict.fromkeys(("calendar", "日历"), lambda r: self.show(calendar(self.app, self.actor, r))),
            "help": lambda r: self.show(self.commands.help(self.actor)),
            "kam": lambda r: self.show(self.commands.help(self.actor)),
            "?": lambda r: self.show(self.commands.help(self.actor)),
        }
        try:
            if command in handlers:
                handlers[command](rest)
                self.actor = self.app.users.get(self.actor.id)
            elif command in self.extra_commands:
                reply = self.extra_commands[command](self, self.actor, rest)
                if reply is not None:
                    self.show(reply)
            else:
                self.say(t("console.unknown_command", self.loc, command=word))
        except ServiceError as exc:  # refused (not allowed, gone): said plainly, the line printed back
            self.show(error_reply(exc, self.actor.locale))
            self.say(t("console.not_saved", self.loc))
            self.say(text)
        except Exception:  # never a traceback and a lost line; the log keeps the details
            log.exception("console command failed: %s", command)
            self.say(t("console.unexpected", self.loc))
            self.say(text)

    # -- commands -----------------------------------------------------------------

    def account(self, rest: str) -> None:
        if rest.startswith("#") and rest[1:].isdigit():
            self.show(self.commands.account_by_id(self.actor, int(rest[1:])))
        else:
            self.show(self.commands.account(self.actor, rest))

    def promise_action(self, action: str, rest: str) -> None:
        args = rest.replace("#", "").split()
        extra_ok = action == "snooze" and len(args) == 2 and args[1].isdigit()
        if not args or not args[0].isdigit() or (len(args) > 1 and not extra_ok):
            self.say(t(f"console.usage.{action}", self.loc))
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
            if not rest.strip() or _is_quit(rest, GIVE_UP_WORDS):
                return
            self._line = f"{self._line} {rest.strip()}"
        prefill = prefill_visit(self.app, self.actor, rest)
        self.entry(prefill, self.commands.save_visit)

    def entry(self, prefill: P, save: Callable[[User, P], Reply]) -> None:
        """Show the prefill, ask for what is missing, confirm, save. Never loses the typed text:
        giving up, end of input and Ctrl+C at a question all print the line back."""
        prefill.text = self._line or prefill.text
        self.show(describe(prefill, self.actor.locale, today_for(self.app, self.actor)))
        try:
            confirmed = self._fixed(prefill) and self._confirm()
        except KeyboardInterrupt:
            self.say("")
            confirmed = False
        if not confirmed:
            self._not_saved(prefill)
            return
        reply = save(self.actor, prefill)
        self.show(reply)
        if not reply.ok:
            self._not_saved(prefill)

    def _fixed(self, prefill: Prefill) -> bool:
        """Fill the gaps; what the user fixed is checked again (a fixed price may still have 28 digits)."""
        listed = True  # the first gaps were shown with the prefill; those a re-check finds were not
        while True:
            if not self._fix(prefill, listed):
                return False
            if not check(self.app, self.actor, prefill):
                return True
            listed = False

    def _confirm(self) -> bool:
        answer = self.ask(t("console.confirm", self.loc) + " ")
        return answer is not None and answer.strip().lower() in {"", "y", "yes", "是", "好"}

    def _fix(self, prefill: Prefill, listed: bool = True) -> bool:
        """Prompt for each blocking gap until it is filled; False when the user gives up.

        The gaps were listed with the prefill: a problem is shown again only when an answer
        did not fit. A due date that was read is shown as the date it became.
        """
        shown = {id(p) for p in prefill.problems} if listed else set()
        while prefill.blocking:
            problem = prefill.blocking[0]
            if id(problem) not in shown:
                self.show(Reply(sections=[Section(lines=[problem_line(problem, self.actor.locale)])]))
                shown.add(id(problem))
            what = subject(prefill, problem) or ""
            answer = self.ask(t(f"console.ask.{_ask_key(problem.field)}", self.loc, what=what) + " ")
            if answer is None or not answer.strip() or _is_quit(answer, GIVE_UP_WORDS):
                return False
            new = apply_fix(self.app, self.actor, prefill, problem, answer)
            if new is problem:  # not something a prompt can fill (a summary too long): type the line again
                return False
            if new is not None:
                prefill.problems = [new if p is problem else p for p in prefill.problems]
            elif (day := resolved_date(prefill, problem)) is not None and problem.field.endswith("due_date"):
                self.say(t("console.due_resolved", self.loc, date=format_date(day, self.loc)))
        return True

    def _not_saved(self, prefill: Prefill) -> None:
        self.say(t("console.not_saved", self.loc))
        self.say(prefill.text)


QUIT_WORDS = frozenset({"quit", "exit", "q", "退出"})
"""Leave the console at the prompt; at a follow-up question, give up the entry (its line is shown
back), as do ``cancel`` and ``取消`` there."""
GIVE_UP_WORDS = QUIT_WORDS | {"cancel", "取消"}


def _is_quit(answer: str, words: frozenset[str] = QUIT_WORDS) -> bool:
    return answer.strip().casefold() in words


def _ask_key(field_path: str) -> str:
    name = field_path.rsplit(".", 1)[-1]
    return (
        name
        if name in {"account", "due_date", "price", "currency", "quantity", "product", "contact"}
        else "value"
    )
