"""The Edit button of a visit confirmation: goal reached, summary, next step, next visit date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kam_bot.adapters.slack.blocks import context
from kam_bot.adapters.slack.forms.elements import date_input, enum_options, modal, radio_input, text_input
from kam_bot.adapters.slack.forms.state import FormState
from kam_bot.domain.enums import GoalReached, Locale
from kam_bot.domain.models import Visit
from kam_bot.i18n import format_date, t
from kam_bot.services.inputs import MAX_TEXT

CALLBACK = "visit_edit"


@dataclass
class VisitEditForm:
    goal_reached: GoalReached | None
    summary: str
    next_step: str
    next_visit_date: date | None

    @classmethod
    def from_state(cls, state: FormState) -> VisitEditForm:
        reached = state.option("goal_reached")
        return cls(
            GoalReached(reached) if reached else None,
            state.text("summary"),
            state.text("next_step"),
            state.date("next_visit_date"),
        )

    def fields(self) -> dict[str, Any]:
        return {
            "goal_reached": self.goal_reached,
            "summary": self.summary or None,
            "next_step": self.next_step or None,
            "next_visit_date": self.next_visit_date,
        }


def edit_view(visit: Visit, account_name: str, loc: Locale, meta: dict[str, Any]) -> dict[str, Any]:
    blocks = [
        context(
            t("slack.edit.about", loc, date=format_date(visit.visited_at.date(), loc), account=account_name)
        ),
        radio_input(
            "goal_reached",
            t("form.visit.goal_reached", loc),
            enum_options("goal_reached", [g.value for g in GoalReached], loc),
            visit.goal_reached.value if visit.goal_reached else None,
        ),
        text_input(
            "summary", t("form.visit.summary", loc), visit.summary, multiline=True, max_length=MAX_TEXT
        ),
        text_input("next_step", t("form.visit.next_step", loc), visit.next_step, max_length=MAX_TEXT),
        date_input("next_visit_date", t("form.visit.next_visit", loc), visit.next_visit_date),
    ]
    return modal(CALLBACK, t("slack.edit.title", loc), blocks, loc, meta=meta, submit=t("form.save", loc))
