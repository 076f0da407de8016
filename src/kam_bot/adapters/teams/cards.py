"""Neutral replies as Adaptive Cards 1.5, built with the Teams SDK's card models.

Each line is one TextBlock; user text is escaped (``markdown.escape``) so it shows as typed
and never becomes a mention. A section's buttons are ``Action.Execute`` (the Universal Action
Model): Teams sends an ``adaptiveCard/action`` invoke and shows the card we answer with in
place of the pressed one. Cards stay under Teams' ~28 KB: lines are cut from the longest
section, with an "and N more" line, until the card fits.
"""

from __future__ import annotations

import json
import re
from typing import Any

from microsoft_teams.cards.core import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    Container,
    ExecuteAction,
    Image,
    TextBlock,
)

from kam_bot.domain.enums import Locale
from kam_bot.handlers.replies import Action, Line, Reply, Section, SpanKind
from kam_bot.i18n import t

from .markdown import bold, escape, escape_inline, line_starts

CARD_VERSION = "1.5"
MAX_CARD_BYTES = 27 * 1024
"""Teams refuses cards over about 28 KB; a margin keeps the activity envelope inside too."""
MAX_ACTIONS_PER_SET = 6
HANDLED = re.compile(
    r"^(promise\.(done|reopen|cancel|snooze_\d+)|undo\.(price|stock)|account\.open|visit\.start)$"
)
"""Buttons the Teams app answers (``actions``). Others (Slack's modal editors: the decision chain,
editing a saved visit, a promise form) are left off the card; the typed commands do those jobs."""


def line_markdown(line: Line) -> str:
    out: list[str] = []
    for span in line.spans:
        if span.kind is SpanKind.BOLD:
            out.append(bold(span.text))
        else:
            out.append(escape_inline(span.text))
    return line_starts("".join(out))


def action_button(action: Action, extra: dict[str, Any] | None = None) -> ExecuteAction:
    """A button: the verb is the neutral action id, its argument travels in ``data``."""
    button = ExecuteAction(
        title=action.label, verb=action.action_id, data={"value": action.value, **(extra or {})}
    )
    if action.style == "primary":
        button.style = "positive"
    elif action.style == "danger":
        button.style = "destructive"
    return button


def _text(markdown: str, **style: Any) -> TextBlock:
    return TextBlock(text=markdown or " ", wrap=True, **style)


def section_elements(section: Section, loc: Locale, extra: dict[str, Any] | None = None) -> list[CardElement]:
    items: list[CardElement] = []
    if section.title:
        items.append(_text(bold(section.title), spacing="Medium"))
    items += [_text(line_markdown(line), spacing="Small") for line in section.lines]
    if section.more:
        items.append(_text(escape(t("common.and_more", loc, count=section.more)), is_subtle=True))
    shown = [a for a in section.actions if HANDLED.match(a.action_id)]
    if shown:
        for start in range(0, len(shown), MAX_ACTIONS_PER_SET):
            chunk = shown[start : start + MAX_ACTIONS_PER_SET]
            items.append(ActionSet(actions=[action_button(a, extra) for a in chunk]))
    return items


def reply_card(
    reply: Reply,
    loc: Locale,
    *,
    extra: dict[str, Any] | None = None,
    image: tuple[str, str] | None = None,
) -> AdaptiveCard:
    """The card for ``reply``; ``extra`` is merged into every button's data, ``image`` is (url, alt)."""
    reply = fit(reply, loc, extra, image)
    return _build(reply, loc, extra, image)


def _build(
    reply: Reply, loc: Locale, extra: dict[str, Any] | None, image: tuple[str, str] | None
) -> AdaptiveCard:
    body: list[CardElement] = []
    if reply.title:
        body.append(_text(bold(reply.title), size="Medium"))
    for i, section in enumerate(reply.sections):
        elements = section_elements(section, loc, extra)
        if not elements:
            continue
        body.append(Container(items=elements, separator=i > 0 and bool(section.title), spacing="Small"))
    if image is not None:
        body.append(Image(url=image[0], alt_text=image[1]))
    if not reply.ok and body:
        body = [Container(items=body, style="attention")]
    handled = [a for a in reply.actions if HANDLED.match(a.action_id)]
    actions = [action_button(a, extra) for a in handled[:MAX_ACTIONS_PER_SET]]
    return AdaptiveCard(
        version=CARD_VERSION,
        body=body or [_text(" ")],
        actions=actions or None,
        fallback_text=reply.plain_text()[:500] or None,
        lang=loc.value.split("-")[0],
    )


def card_json(card: AdaptiveCard) -> dict[str, Any]:
    data: dict[str, Any] = card.model_dump(exclude_none=True, by_alias=True)
    data.setdefault("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
    return data


def card_bytes(card: AdaptiveCard) -> int:
    return len(json.dumps(card_json(card), ensure_ascii=False).encode())


def fit(
    reply: Reply, loc: Locale, extra: dict[str, Any] | None = None, image: tuple[str, str] | None = None
) -> Reply:
    """``reply`` cut (longest section first, its last lines counted in ``more``) to fit a card."""
    current = reply
    while card_bytes(_build(current, loc, extra, image)) > MAX_CARD_BYTES:
        sections = [s.model_copy(deep=True) for s in current.sections]
        longest = max(range(len(sections)), key=lambda i: len(sections[i].lines), default=None)
        if longest is None or not sections[longest].lines:
            if not sections:
                break
            sections.pop()  # only buttons left: drop the last section and count it
            sections[-1:] = [s.model_copy(update={"more": s.more + 1}) for s in sections[-1:]]
        else:
            target = sections[longest]
            cut = max(1, len(target.lines) // 4)
            target.lines = target.lines[:-cut]
            target.more += cut
        current = current.model_copy(update={"sections": sections})
    return current
