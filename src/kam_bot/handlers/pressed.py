"""A card's button pressed: the card shown again with what happened, on any card platform.

A card listing several promises changes only the pressed row: the card's neutral reply is kept
when it is sent (``remember``), and the pressed row gains what happened ("✅ Done by Rita"). Each
card platform renders the result its own way.
"""

from __future__ import annotations

from kam_bot.handlers.replies import Action, Line, Reply, Section
from kam_bot.services.conversations import ConversationRefs


def has_buttons(reply: Reply) -> bool:
    return bool(reply.actions) or any(section.actions for section in reply.sections)


def stored(refs: ConversationRefs, platform: str, message_id: str | None) -> Reply | None:
    """The reply a sent card showed, if it was kept."""
    if not message_id:
        return None
    content = refs.card(platform, message_id)
    return Reply.model_validate(content["reply"]) if content and "reply" in content else None


def remember(refs: ConversationRefs, platform: str, message_id: str | None, reply: Reply | None) -> None:
    """Keep a sent card's reply when it has buttons, for in-place updates later."""
    if message_id and reply is not None and has_buttons(reply):
        refs.save_card(platform, message_id, {"reply": reply.model_dump(mode="json")})


def with_outcome(shown: Reply, action_id: str, value: str, said: str) -> Reply:
    """``shown`` with ``said`` under the pressed button's row, that row's buttons gone; a button
    of the whole card (Undo) puts ``said`` below and takes the card's buttons away."""

    def pressed(action: Action) -> bool:
        return action.action_id == action_id and action.value == value

    sections, found = [], False
    for section in shown.sections:
        if any(pressed(a) for a in section.actions):
            section = Section(title=section.title, lines=[*section.lines, Line.of(said)], more=section.more)
            found = True
        sections.append(section)
    if not found:
        sections.append(Section(lines=[Line.of(said)]))
    actions = [] if not found else [a for a in shown.actions if not pressed(a)]
    return shown.model_copy(update={"sections": sections, "actions": actions})
