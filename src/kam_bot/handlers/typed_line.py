"""A typed line on a surface that shows forms as cards (Teams, Feishu): a reply, or a form to show.

``visit …`` answers with the visit form prefilled by the parser; ``promise …``, ``price …`` and
``stock …`` save at once when the line is complete and unambiguous (the reply has Undo) and
otherwise answer with their short form, prefilled, what to fix marked; the rest are replies. A
visit line longer than the card can take is shown back (the platform's ``too_long`` message): what
the parser cannot place goes to the summary, a text field the card caps.
"""

from __future__ import annotations

from dataclasses import dataclass

from kam_bot.domain.models import User
from kam_bot.handlers.answers import Capture
from kam_bot.handlers.capture import save_capture
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.dispatch import dispatch
from kam_bot.handlers.forms import entries
from kam_bot.handlers.forms.model import Form
from kam_bot.handlers.forms.visit import typed_visit_form
from kam_bot.handlers.prefill import PricePrefill, PromisePrefill, StockPrefill, VisitPrefill, today_for
from kam_bot.handlers.replies import Reply
from kam_bot.handlers.verbs import ChatServices, Surface
from kam_bot.i18n import t

EntryPrefill = PromisePrefill | PricePrefill | StockPrefill


@dataclass(frozen=True)
class CardSurface:
    """What differs between the surfaces: their verbs' surface, the longest visit line their
    card takes and the catalog key that says a line is longer (``count``: its length)."""

    surface: Surface
    max_visit_line: int
    too_long: str


@dataclass(frozen=True)
class FormToShow:
    form: Form
    shown_for: str | None = None
    """A visit form: the id of the account it was prefilled for ("" none); None: a quick entry's form."""


def answer_line(services: ChatServices, actor: User, line: str, on: CardSurface) -> Reply | FormToShow:
    """The answer to one typed line, mentions already stripped (it reads and writes the database)."""
    word, _, rest = line.lstrip("/").partition(" ")
    verb = services.verbs.find(word) if word else None
    if verb is not None and verb.name == "visit" and len(rest) > on.max_visit_line:
        return Reply.text(t(on.too_long, actor.locale, count=len(rest)), line, ok=False)
    said = dispatch(services, line, actor, on.surface)
    if not isinstance(said, Capture):
        return said
    if isinstance(said.prefill, VisitPrefill):
        return visit_to_show(services, actor, said.prefill)
    return _entry(services, actor, said.prefill)


def visit_to_show(services: ChatServices, actor: User, prefill: VisitPrefill) -> FormToShow:
    """The visit form a typed ``visit …`` line opens, prefilled and what to fix marked."""
    form, definition = typed_visit_form(prefill, today_for(services, actor), actor.locale)
    return FormToShow(definition, str(form.account[0]) if form.account else "")


def _entry(services: ChatServices, actor: User, prefill: EntryPrefill) -> Reply | FormToShow:
    """Save a complete quick entry at once (its reply carries Undo); otherwise its form, prefilled."""
    if prefill.ready:
        reply = save_capture(Commands(services), actor, prefill)
        if reply.ok:
            return reply
    return FormToShow(entries.prefilled_form(prefill, actor.locale))
