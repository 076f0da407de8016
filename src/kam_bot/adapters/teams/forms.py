"""A neutral form (``handlers.forms.model``) as an Adaptive Card 1.5: each field its input.

TEXT -> ``Input.Text``; DATE -> ``Input.Date``; CHOICE -> ``Input.ChoiceSet`` (expanded: radio
buttons; groups flattened with their label); MULTI_CHOICE -> a multi-select ``Input.ChoiceSet``;
ACCOUNT -> an ``Input.ChoiceSet`` whose choices come from the bot as the person types
(``choices.data`` = ``Data.Query``, dataset ``accounts``: Teams sends ``application/search``
invokes, answered by the account search service, so 20,000 accounts never travel in a card).
Input ids are the field ids, so Teams submits the values under the same ids
(``MappingValues`` reads them back). What to fix is listed on top and under its field; the
values typed stay in the inputs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from microsoft_teams.cards.core import (
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    Container,
    DateInput,
    ExecuteAction,
    QueryData,
    TextBlock,
    TextInput,
)

from kam_bot.domain.enums import Locale
from kam_bot.handlers.describe import problem_line
from kam_bot.handlers.forms.model import Break, Field, FieldErrors, FieldKind, Form, Item, Note
from kam_bot.handlers.render import error_reply

from .cards import CARD_VERSION, MAX_CARD_BYTES, card_bytes
from .markdown import bold, escape

SUBMIT_VERB = "form.submit"
SUBMISSION = "submission"
"""The Save button's data field with the submission key. Not ``key``: the Adaptive Cards JS
renderer (the Agents Playground's) reads ``key`` in ``data`` as its own serializable property
and, writing it back into the card's frozen JSON, throws on Save, sending nothing."""
ACCOUNT_DATASET = "accounts"
TEXT_INPUT_MAX = 4000


def submission_key(data: dict[str, Any]) -> str:
    """The submission key a Save carries; ``key`` on cards sent before it was renamed."""
    return str(data.get(SUBMISSION) or data.get("key") or "")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def field_input(f: Field) -> CardElement:
    if f.kind is FieldKind.TEXT:
        limit = min(f.max_length, TEXT_INPUT_MAX)
        return TextInput(
            id=f.id,
            label=f.label,
            value=(_text(f.value) or "")[:limit],  # a forged 100 kB value is not sent back whole
            is_multiline=f.multiline,
            max_length=limit,
            placeholder=f.placeholder,
            is_required=f.required,
        )
    if f.kind is FieldKind.DATE:
        return DateInput(
            id=f.id, label=f.label, value=f.value.isoformat() if isinstance(f.value, date) else None
        )
    if f.kind in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE):
        if f.groups:
            choices = [
                Choice(title=f"{g.label}: {c.label}", value=c.value) for g in f.groups for c in g.choices
            ]
        else:
            choices = [Choice(title=c.label, value=c.value) for c in f.choices]
        multi = f.kind is FieldKind.MULTI_CHOICE
        offered = {c.value for c in choices}  # a forged value is refused, not shown back
        picked = list(f.value) if isinstance(f.value, tuple) else [_text(f.value) or ""]
        value = ",".join(v for v in picked if v in offered)
        return ChoiceSetInput(
            id=f.id,
            label=f.label,
            choices=choices,
            value=value or None,
            is_multi_select=multi or None,
            style="expanded" if f.expanded else "compact",
            is_required=f.required,
        )
    chosen = _text(f.value)
    return ChoiceSetInput(
        id=f.id,
        label=f.label,
        placeholder=f.placeholder,
        choices=[Choice(title=f.value_label or chosen, value=chosen)] if chosen else [],
        choices_data=QueryData(dataset=ACCOUNT_DATASET),
        value=chosen,
        style="filtered",
        is_required=f.required,
        error_message=f.hint or None,
    )


def item_elements(item: Item, errors: FieldErrors) -> list[CardElement]:
    if isinstance(item, Note):
        return [TextBlock(text=escape(item.text), wrap=True, is_subtle=True)]
    if isinstance(item, Break):
        return [TextBlock(text=bold(item.title) if item.title else " ", wrap=True, separator=True)]
    out: list[CardElement] = [field_input(item)]
    error = errors.get(item.id)
    if error:
        out.append(TextBlock(text=escape(error), wrap=True, color="Attention", size="Small", spacing="None"))
    elif item.hint and item.kind is not FieldKind.ACCOUNT:
        out.append(TextBlock(text=escape(item.hint), wrap=True, is_subtle=True, size="Small", spacing="None"))
    return out


def form_card(
    form: Form,
    loc: Locale,
    *,
    errors: FieldErrors | None = None,
    data: dict[str, Any] | None = None,
    notes: list[str] | None = None,
) -> AdaptiveCard:
    """The card of ``form``; ``data`` rides in the submit button (the submission key, the typed line)."""
    errors = errors or {}
    body: list[CardElement] = [TextBlock(text=bold(form.title), size="Medium", wrap=True)]
    on_top = list(notes or [])
    if form.intro:
        body.append(TextBlock(text=escape(form.intro), wrap=True))
    on_top += [problem_line(p, loc).plain for p in form.problems]
    if form.account_error is not None:
        on_top += [line.plain for s in error_reply(form.account_error, loc).sections for line in s.lines]
    if on_top:
        body.append(
            Container(style="attention", items=[TextBlock(text=escape(n), wrap=True) for n in on_top])
        )
    for item in form.items:
        body += item_elements(item, errors)
    submit = ExecuteAction(
        title=form.submit, verb=SUBMIT_VERB, data={"form": form.id, **(data or {})}, style="positive"
    )
    card = AdaptiveCard(version=CARD_VERSION, body=body, actions=[submit], lang=loc.value.split("-")[0])
    if card_bytes(card) > MAX_CARD_BYTES:  # hints go first: the fields and what to fix stay
        card.body = [b for b in body if not (isinstance(b, TextBlock) and b.is_subtle)]
    return card
