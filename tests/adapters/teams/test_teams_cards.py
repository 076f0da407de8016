"""Neutral replies as Adaptive Cards: valid 1.5, escaped, within Teams' size limit."""

from __future__ import annotations

import json
from datetime import date

from card_schema import assert_valid_card, buttons, inputs, texts

from kam_bot.adapters.teams.cards import MAX_CARD_BYTES, card_json, reply_card
from kam_bot.adapters.teams.commands import MAX_VISIT_LINE
from kam_bot.adapters.teams.forms import form_card
from kam_bot.adapters.teams.markdown import escape
from kam_bot.domain.enums import Locale
from kam_bot.domain.parsing import parse_visit
from kam_bot.handlers.forms.model import TEXT_MAX
from kam_bot.handlers.forms.visit import VisitForm, visit_form
from kam_bot.handlers.prefill import VisitPrefill
from kam_bot.handlers.replies import Action, Line, Reply, Section, bold, user

TODAY = date(2026, 11, 23)


def test_user_text_shows_as_typed_and_never_mentions() -> None:
    assert escape("<at>Boss</at>") == "\\<at\\>Boss\\</at\\>"
    assert escape("**loud** _quiet_ [link](https://x) `code` ~strike~") == (
        "\\*\\*loud\\*\\* \\_quiet\\_ \\[link\\](https://x) \\`code\\` \\~strike\\~"
    )
    assert (
        escape("- not a list\n1. nor this\n# nor a heading")
        == "\\- not a list\n1\\. nor this\n\\# nor a heading"
    )
    assert escape("4.20 USD/kg (net) - ok") == "4.20 USD/kg (net) - ok"  # readable where nothing is at stake


def test_a_reply_becomes_a_valid_card_with_bold_and_buttons() -> None:
    reply = Reply(
        title="Your day",
        sections=[
            Section(
                title="Due today",
                lines=[Line.of(bold("#7"), " ", user("quote for <at>Wang</at>"))],
                actions=[
                    Action(action_id="promise.done", label="Done", value="7", style="primary"),
                    Action(action_id="account.contacts", label="Decision chain", value="1"),
                ],
            )
        ],
    )
    card = card_json(reply_card(reply, Locale.EN))
    assert_valid_card(card)
    assert "**#7** quote for \\<at\\>Wang\\</at\\>" in texts(card)
    [done] = buttons(card)  # the Slack-only editor is left off
    assert (done["verb"], done["data"], done["style"]) == ("promise.done", {"value": "7"}, "positive")


def test_a_long_reply_is_cut_to_fit_with_and_n_more() -> None:
    lines = [Line.of(user(f"promise {i}: " + "x" * 200)) for i in range(500)]
    card = card_json(reply_card(Reply(sections=[Section(title="All", lines=lines)]), Locale.EN))
    size = len(json.dumps(card, ensure_ascii=False).encode())
    assert size <= MAX_CARD_BYTES
    assert_valid_card(card)
    shown = texts(card)
    assert shown[-1].startswith("… and ") and shown[-1].endswith(" more")
    shown_count = len([t for t in shown if t.startswith("promise ")])
    assert shown_count + int(shown[-1].split()[2]) == 500  # every line is shown or counted


def test_the_visit_form_of_the_longest_accepted_line_stays_within_the_limit() -> None:
    line = "Baosteel met Li Wei; " + "notes " * ((MAX_VISIT_LINE - 30) // 6)
    assert len(line) <= MAX_VISIT_LINE
    form = VisitForm.from_prefill(VisitPrefill(text=line, draft=parse_visit(line, today=TODAY)), TODAY)
    card = card_json(form_card(visit_form(form, [], Locale.EN), Locale.EN, data={"submission": "k"}))
    assert_valid_card(card)
    summary = inputs(card)["summary"]["value"]
    assert "notes notes" in summary and len(summary) <= TEXT_MAX  # nothing typed is lost
