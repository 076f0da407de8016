"""``dispatch``: one typed line, on any surface, to its neutral answer."""

from __future__ import annotations

from kam_bot.domain.models import User
from kam_bot.handlers.answers import Answer
from kam_bot.handlers.describe import problem_line
from kam_bot.handlers.prefill import line_problem
from kam_bot.handlers.replies import Reply, Section
from kam_bot.handlers.verbs import Call, ChatServices, Surface
from kam_bot.i18n import t

UNKNOWN_SHOWN = 40
"""How much of an unknown word is quoted back."""


def dispatch(services: ChatServices, text: str, actor: User, surface: Surface) -> Answer:
    """The answer to ``text``; an empty line or a help word gives the help."""
    table = services.verbs
    line = text.strip()
    if (refused := line_problem(line)) is not None:  # not parsed at all (too long): said up front
        return Reply(sections=[Section(lines=[problem_line(refused, actor.locale)])], ok=False)
    word, _, rest = line.lstrip("/").partition(" ")
    verb = table.find(word) if word else table.find("help")
    if verb is None:
        return Reply.text(t("verb.unknown", actor.locale, command=word[:UNKNOWN_SHOWN]), ok=False)
    if verb.name == "help":
        return table.help(actor, surface)
    return verb.run(Call(services, actor, surface, word, rest.strip(), line))
