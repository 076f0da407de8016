"""A surface with text and buttons only: each message is a new line for ``dispatch`` or the
answer to the conversation's open question.

While a draft waits for a field (``Due date for “quote”?``) every message is its answer
(``today`` there is a date, not the ``today`` command); ``cancel`` gives it up. While it
waits for Save / Edit / Cancel, a yes, edit or no answers it, and a line starting with a verb
drops the draft (its line is shown back) and runs. An expired draft says so, then the message
is read as a new line when it starts with a verb.
"""

from __future__ import annotations

from dataclasses import dataclass

from kam_bot.domain.models import User
from kam_bot.handlers.answers import Capture
from kam_bot.handlers.conversation import CONFIRM, EDIT, NO, YES, Conversation, Turn
from kam_bot.handlers.dispatch import dispatch
from kam_bot.handlers.replies import Reply
from kam_bot.handlers.verbs import ChatServices, Surface


@dataclass
class TextChat:
    services: ChatServices
    surface: Surface

    @property
    def conversation(self) -> Conversation:
        return Conversation(self.services, self.services.drafts)

    def handle(self, actor: User, text: str) -> Turn:
        draft = self.services.drafts.get(actor.id, self.surface.name)
        if draft is None:
            return self._new(actor, text)
        is_verb = self._is_verb(text)
        if draft.expires_at <= self.services.clock():
            expired = self.conversation.answer(actor, self.surface.name, text)
            assert expired is not None
            return _joined(expired, self._new(actor, text)) if is_verb else expired
        answer_word = text.strip().casefold() in YES | NO | EDIT
        if draft.state.get("asking") != CONFIRM or answer_word or not is_verb:
            turn = self.conversation.answer(actor, self.surface.name, text)
            assert turn is not None
            return turn
        dropped = self.conversation.drop(actor, self.surface.name, "conversation.dropped")
        assert dropped is not None
        return _joined(dropped, self._new(actor, text))

    def give_up(self, actor: User) -> Turn | None:
        """End of input: the open draft's line shown back."""
        return self.conversation.drop(actor, self.surface.name)

    def _new(self, actor: User, text: str) -> Turn:
        answer = dispatch(self.services, text, actor, self.surface)
        if isinstance(answer, Capture):
            return self.conversation.start(actor, self.surface.name, answer)
        return Turn(reply=answer, line=text)

    def _is_verb(self, text: str) -> bool:
        word = text.strip().partition(" ")[0]
        return bool(word) and self.services.verbs.find(word) is not None


def _joined(first: Turn, then: Turn) -> Turn:
    reply = Reply(
        title=then.reply.title,
        sections=[*first.reply.sections, *then.reply.sections],
        actions=then.reply.actions,
        ok=then.reply.ok,
    )
    return Turn(reply=reply, question=then.question, confirm=then.confirm, saved=then.saved, line=then.line)
