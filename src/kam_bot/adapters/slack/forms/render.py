"""A neutral form (``handlers.forms.model``) as a Slack modal: each field its Block Kit input.

TEXT -> plain-text input; DATE -> date picker; CHOICE -> radio buttons when ``expanded``, a
grouped or plain static select otherwise; MULTI_CHOICE -> checkboxes when ``expanded``, else a
static multi-select; ACCOUNT -> an external select answered by ``block_suggestion`` (typed
search); ``Note`` -> a context line; ``Break`` -> a divider and its header. Block ids are the
field ids, so ``FormState`` reads the submission back under the same ids.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock, Option, PlainTextObject

from kam_bot.adapters.slack.blocks import context
from kam_bot.adapters.slack.forms.elements import (
    INPUT_MAX,
    account_field,
    checkboxes_input,
    date_input,
    grouped_select_input,
    modal,
    multi_select_input,
    option,
    problems_block,
    radio_input,
    select_input,
    text_input,
)
from kam_bot.domain.enums import Locale
from kam_bot.handlers.forms.model import Break, Field, FieldKind, Form, Item, Note


def account_action(form_id: str) -> str:
    """The action id of a form's account input (its type-ahead and, for a visit, its refresh)."""
    return "visit.account" if form_id == "visit" else "entry.account"


def _options(f: Field) -> list[Option]:
    return [option(c.value, c.label) for c in f.choices]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def field_block(f: Field, form_id: str, loc: Locale) -> Block:
    optional = not f.required
    if f.kind is FieldKind.TEXT:
        return text_input(
            f.id,
            f.label,
            _text(f.value),
            multiline=f.multiline,
            optional=optional,
            hint=f.hint,
            placeholder=f.placeholder,
            max_length=min(f.max_length, INPUT_MAX),
        )
    if f.kind is FieldKind.DATE:
        return date_input(
            f.id, f.label, f.value if isinstance(f.value, date) else None, optional=optional, hint=f.hint
        )
    if f.kind is FieldKind.CHOICE:
        if f.groups:
            groups = [(g.label, [option(c.value, c.label) for c in g.choices]) for g in f.groups]
            return grouped_select_input(f.id, f.label, groups, _text(f.value), hint=f.hint)
        build = radio_input if f.expanded else select_input
        return build(f.id, f.label, _options(f), _text(f.value), optional=optional, hint=f.hint)
    if f.kind is FieldKind.MULTI_CHOICE:
        chosen = f.value if isinstance(f.value, tuple) else ()
        if f.expanded:
            return checkboxes_input(f.id, f.label, _options(f), chosen)
        return multi_select_input(f.id, f.label, _options(f), chosen, hint=f.hint)
    account = (
        (int(f.value), f.value_label or f.value) if isinstance(f.value, str) and f.value.isdigit() else None
    )
    return account_field(account_action(form_id), account, loc, hint=f.hint, dispatch=f.refresh)


def item_blocks(item: Item, form_id: str, loc: Locale) -> list[Block]:
    if isinstance(item, Note):
        return [context(item.text)]
    if isinstance(item, Break):
        header = [HeaderBlock(text=PlainTextObject(text=item.title))] if item.title else []
        return [DividerBlock(), *header]
    return [field_block(item, form_id, loc)]


def form_view(form: Form, loc: Locale, *, meta: dict[str, Any] | None = None, rev: int = 0) -> dict[str, Any]:
    """The modal of ``form``: what to fix on top, then every item."""
    blocks: list[Block] = [*problems_block(list(form.problems), form.account_error, loc, form.intro)]
    for item in form.items:
        blocks += item_blocks(item, form.id, loc)
    return modal(form.id, form.title, blocks, loc, meta=meta, submit=form.submit, rev=rev)
