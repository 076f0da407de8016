"""`kam-bot shell`: the console adapter, interactive or piped."""

from __future__ import annotations

import argparse
import sys

from kam_bot.adapters.console import line_editing
from kam_bot.adapters.console import platform as console
from kam_bot.adapters.console.bot import ConsoleBot
from kam_bot.cli import command, open_app
from kam_bot.config import Settings
from kam_bot.domain.models import User
from kam_bot.services import demo
from kam_bot.services.container import Services


def _reader(interactive: bool) -> object:
    history = line_editing.history_path()

    def ask(prompt: str) -> str | None:
        if interactive:
            try:
                line = input(prompt)
            except EOFError:
                print()
                return None
            line_editing.remember(history, prompt, line)
            return line
        line = sys.stdin.readline()
        if not line:
            return None
        line = line.rstrip("\n")
        print(f"{prompt}{line}")
        return line

    return ask


def pick_user(app: Services, who: str | None) -> User | None:
    if who:
        return app.users.find(who)
    return app.users.by_identity(console.NAME, demo.DEMO_IDENTITY)


@command("shell")
def shell(args: argparse.Namespace, settings: Settings) -> int:
    app = open_app(settings)
    if not args.no_demo and app.demo.load_if_empty():
        print("Loaded the demo data (team East China, 5 accounts). Try:  account Baosteel")
    actor = pick_user(app, args.as_user)
    if actor is None:
        target = args.as_user or "the default console user"
        print(f"kam-bot: no user {target!r}. Use --as with an email, platform id or name.", file=sys.stderr)
        return 2
    interactive = sys.stdin.isatty()
    if interactive:
        line_editing.enable(line_editing.history_path())
    bot = ConsoleBot(app, actor, ask=_reader(interactive), say=print)  # type: ignore[arg-type]
    bot.run()
    return 0
