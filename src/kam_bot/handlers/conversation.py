"""The confirm-and-save conversation, for every surface without forms (the console, and the
platforms where a bot has only text and buttons).

    a captured line ──▶ "Here is what I understood" (what to fix listed under it)
        ├─ a required field missing or refused ──▶ ask for it alone ("Which account?",
        │      "Due date for “quote”?"); an answer that does not fit says why and asks again;
        │      a prompt that cannot take it (a summary too long) ends with the line shown back
        └─ nothing missing ──▶ "Save?"  (buttons Save / Edit / Cancel, or yes / edit / no)
               ├─ yes ──▶ saved, the reply carries Undo
               ├─ edit ─▶ the line shown back to change and send again
               └─ no ───▶ the line shown back, nothing saved

Between two turns the draft lives in the database (``services.drafts``): the kind, the line
as typed, the answers given so far. Each turn parses the line again and replays the
answers (each to the field it filled; one whose field no longer needs it is passed over), so
another worker, or the same one after a restart, continues it. A draft expires
``DRAFT_TTL`` after it was started: an answer to it then says so and shows the line back
instead of saving. At every end that saves nothing, the line comes back whole: nothing
typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from kam_bot.domain.models import User
from kam_bot.handlers.answers import Capture, Prefills
from kam_bot.handlers.capture import save_capture
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.describe import describe, problem_line
from kam_bot.handlers.prefill import (
    Problem,
    apply_fix,
    check,
    prefill_price,
    prefill_promise,
    prefill_stock,
    prefill_visit,
    resolved_date,
    subject,
    today_for,
)
from kam_bot.handlers.replies import Action, Line, Reply, Section, user
from kam_bot.handlers.verbs import new_account_name
from kam_bot.i18n import format_date, t
from kam_bot.services.container import Services
from kam_bot.services.drafts import PendingDraft, PendingDrafts

DRAFT_TTL = timedelta(minutes=30)

YES = frozenset({"", "y", "yes", "save", "ok", "是", "好", "保存", "确认"})
NO = frozenset({"n", "no", "cancel", "quit", "exit", "q", "否", "不", "取消", "退出"})
EDIT = frozenset({"edit", "e", "change", "修改", "编辑"})
GIVE_UP = frozenset({"cancel", "quit", "exit", "q", "取消", "退出"})
"""At a field's question these give the draft up (its line is shown back)."""

LIST_WORDS = frozenset({"accounts", "客户列表", "list", "列表"})
"""At "Which account?": list the person's accounts instead of looking for one by that name."""
CONFIRM = "confirm"
LINE = "line"
ASKED_FIELDS = {
    "account",
    "due_date",
    "price",
    "currency",
    "quantity",
    "product",
    "contact",
    "text",
    "competitor",
    "our_share_pct",
}

READERS: dict[str, Callable[[Services, User, str], Prefills]] = {
    "visit": prefill_visit,
    "promise": prefill_promise,
    "price": prefill_price,
    "stock": prefill_stock,
}


@dataclass
class Turn:
    """What to show after one step, and the question now open (None: the conversation ended)."""

    reply: Reply
    question: str | None = None
    confirm: bool = False
    """The open question is Save / Edit / Cancel (``reply.actions`` carries the buttons)."""
    saved: bool = False
    line: str = ""


@dataclass
class _State:
    answers: list[list[str]] = field(default_factory=list)
    """``[field, text]`` per answer, in order."""
    shown: list[str] = field(default_factory=list)
    """Problems already shown to the person (by ``_key``): one is shown again only when new."""


class Conversation:
    def __init__(self, services: Services, drafts: PendingDrafts, ttl: timedelta = DRAFT_TTL) -> None:
        self.services = services
        self.drafts = drafts
        self.ttl = ttl

    # -- the three ways in ------------------------------------------------------------------

    def start(self, actor: User, surface: str, capture: Capture) -> Turn:
        """Show what was understood and open the first question; a draft left open on this
        surface is replaced (the caller showed it back, see :meth:`drop`)."""
        now = self.services.clock()
        rest = capture.line.partition(" ")[2].strip()
        draft = PendingDraft(actor.id, surface, capture.kind, rest, capture.line, now, now + self.ttl)
        if not rest and capture.kind == "visit":  # "visit" alone: the line is asked for first
            self._store(draft, _State(), asking=LINE)
            question = t("conversation.ask.line", actor.locale)
            return Turn(reply=Reply(), question=question, line=capture.line)
        prefill = capture.prefill
        prefill.text = capture.line
        today = today_for(self.services, actor)
        summary = describe(prefill, actor.locale, today)
        state = _State(shown=[_key(p) for p in prefill.problems])
        return self._next(actor, draft, prefill, state, summary.sections)

    def answer(self, actor: User, surface: str, text: str) -> Turn | None:
        """The person's answer to the open question; None when no draft is open on this surface."""
        draft = self.drafts.get(actor.id, surface)
        if draft is None:
            return None
        if draft.expires_at <= self.services.clock():
            self.drafts.drop(actor.id, surface)
            minutes = int(self.ttl.total_seconds() // 60)
            return self._ended(actor, draft, t("conversation.expired", actor.locale, minutes=minutes))
        if draft.state.get("asking") == LINE:
            return self._line_given(actor, draft, text.strip())
        state = _State(answers=list(draft.state.get("answers", [])), shown=list(draft.state.get("shown", [])))
        prefill = self._replay(actor, draft, state)
        if draft.state.get("asking") == CONFIRM or not prefill.blocking:
            return self._confirmed(actor, draft, prefill, text.strip())
        return self._filled(actor, draft, prefill, state, text.strip())

    def drop(self, actor: User, surface: str, why: str = "conversation.not_saved") -> Turn | None:
        """Give up the open draft, if any (end of input; ``conversation.dropped`` for a new
        command typed instead of an answer)."""
        draft = self.drafts.get(actor.id, surface)
        if draft is None:
            return None
        self.drafts.drop(actor.id, surface)
        return self._ended(actor, draft, t(why, actor.locale))

    def is_open(self, actor: User, surface: str) -> bool:
        return self.drafts.get(actor.id, surface) is not None

    # -- steps ---------------------------------------------------------------------------------

    def _line_given(self, actor: User, draft: PendingDraft, text: str) -> Turn:
        if not text or text.casefold() in GIVE_UP:
            self.drafts.drop(actor.id, draft.surface)
            return self._ended(actor, draft, t("conversation.not_saved", actor.locale))
        prefill = READERS[draft.kind](self.services, actor, text)
        return self.start(actor, draft.surface, Capture(draft.kind, prefill, f"{draft.line} {text}"))

    def _filled(self, actor: User, draft: PendingDraft, prefill: Prefills, state: _State, text: str) -> Turn:
        if not text or text.casefold() in GIVE_UP:
            self.drafts.drop(actor.id, draft.surface)
            return self._ended(actor, draft, t("conversation.not_saved", actor.locale))
        problem = prefill.blocking[0]
        if problem.field == "account" and text.casefold() in LIST_WORDS:  # a list, then the same question
            listing = Commands(self.services).accounts(actor)
            question = t("conversation.ask.account", actor.locale, what="")
            self._store(draft, state, asking=problem.field)
            return Turn(reply=listing, question=question, line=draft.line)
        sections: list[Section] = []
        if problem.field == "account" and (name := new_account_name(text)) is not None:
            created = Commands(self.services).new_account(actor, name)
            if not created.ok:
                question = t("conversation.ask.account", actor.locale, what="")
                self._store(draft, state, asking=problem.field)
                return Turn(reply=created, question=question, line=draft.line)
            sections += created.sections
            text = name
        new = apply_fix(self.services, actor, prefill, problem, text)
        if new is problem:  # not something a question can fill: type the line again
            self.drafts.drop(actor.id, draft.surface)
            return self._ended(actor, draft, t("conversation.not_saved", actor.locale))
        state.answers.append([problem.field, text])
        if new is not None:
            prefill.problems = [new if p is problem else p for p in prefill.problems]
        elif (day := resolved_date(prefill, problem)) is not None and problem.field.endswith("due_date"):
            line = Line.of(t("conversation.due_resolved", actor.locale, date=format_date(day, actor.locale)))
            sections.append(Section(lines=[line]))
        if not prefill.blocking:
            check(self.services, actor, prefill)
        return self._next(actor, draft, prefill, state, sections)

    def _confirmed(self, actor: User, draft: PendingDraft, prefill: Prefills, text: str) -> Turn:
        loc = actor.locale
        word = text.casefold()
        if word in YES:
            self.drafts.drop(actor.id, draft.surface)
            reply = save_capture(Commands(self.services), actor, prefill)
            if reply.ok:
                return Turn(reply=reply, saved=True, line=draft.line)
            return self._ended(actor, draft, t("conversation.not_saved", loc), reply.sections)
        if word in NO:
            self.drafts.drop(actor.id, draft.surface)
            return self._ended(actor, draft, t("conversation.not_saved", loc))
        if word in EDIT:
            self.drafts.drop(actor.id, draft.surface)
            return self._ended(actor, draft, t("conversation.edit", loc))
        again = Reply(sections=[Section(lines=[Line.of(t("conversation.confirm_again", loc))])])
        return Turn(reply=again, question=t("conversation.confirm", loc), confirm=True, line=draft.line)

    def _next(
        self, actor: User, draft: PendingDraft, prefill: Prefills, state: _State, shown: list[Section]
    ) -> Turn:
        """Ask for the first gap, or whether to save; the draft is stored with the question."""
        loc = actor.locale
        sections = list(shown)
        if prefill.blocking:
            problem = prefill.blocking[0]
            if _key(problem) not in state.shown:
                sections.append(Section(lines=[problem_line(problem, loc)]))
                state.shown.append(_key(problem))
            question = t(
                f"conversation.ask.{_ask_key(problem.field)}", loc, what=subject(prefill, problem) or ""
            )
            self._store(draft, state, asking=problem.field)
            return Turn(reply=Reply(sections=sections), question=question, line=draft.line)
        self._store(draft, state, asking=CONFIRM)
        buttons = [
            Action(
                action_id="draft.save", label=t("conversation.button.save", loc), value="yes", style="primary"
            ),
            Action(action_id="draft.edit", label=t("conversation.button.edit", loc), value="edit"),
            Action(action_id="draft.cancel", label=t("conversation.button.cancel", loc), value="no"),
        ]
        reply = Reply(sections=sections, actions=buttons)
        return Turn(reply=reply, question=t("conversation.confirm", loc), confirm=True, line=draft.line)

    # -- state -----------------------------------------------------------------------------------

    def _store(self, draft: PendingDraft, state: _State, asking: str) -> None:
        draft.state = {"answers": state.answers, "shown": state.shown, "asking": asking}
        self.drafts.put(draft)

    def _replay(self, actor: User, draft: PendingDraft, state: _State) -> Prefills:
        """The prefill as the last turn left it: the line parsed again, each answer applied in turn."""
        prefill = READERS[draft.kind](self.services, actor, draft.rest)
        prefill.text = draft.line
        for answered, answer in state.answers:
            if not prefill.blocking or prefill.blocking[0].field != answered:
                continue  # the data changed since (an account added meanwhile): nothing to fill
            problem = prefill.blocking[0]
            new = apply_fix(self.services, actor, prefill, problem, answer)
            if new is not None and new is not problem:
                prefill.problems = [new if p is problem else p for p in prefill.problems]
            if not prefill.blocking:
                check(self.services, actor, prefill)
        return prefill

    def _ended(self, actor: User, draft: PendingDraft, why: str, before: list[Section] | None = None) -> Turn:
        lines = [Line.of(why), Line.of(user(draft.line))]
        return Turn(reply=Reply(sections=[*(before or []), Section(lines=lines)], ok=False), line=draft.line)


def _key(problem: Problem) -> str:
    return f"{problem.field}|{problem.message}|{problem.text}"


def _ask_key(field_path: str) -> str:
    name = field_path.rsplit(".", 1)[-1]
    return name if name in ASKED_FIELDS else "value"
