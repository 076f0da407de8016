"""Small builders for modal inputs, with Block Kit's limits applied where user text meets them.

Every builder returns ``slack_sdk.models`` objects so that ``View.to_dict()`` validates
the whole modal (title length, block count, metadata size) before anything reaches Slack.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, time
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    InputInteractiveElement,
    Option,
    OptionGroup,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticMultiSelectElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from kam_bot.adapters.slack.blocks import clip, escape, line_mrkdwn, mrkdwn_section
from kam_bot.adapters.slack.plain import plain
from kam_bot.domain.enums import Locale
from kam_bot.handlers.describe import problem_line
from kam_bot.handlers.prefill import Problem
from kam_bot.handlers.render import enum_label, error_reply
from kam_bot.i18n import t
from kam_bot.services.errors import ServiceError

OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS_MAX = 100
HINT_LIMIT = 2000
TITLE_LIMIT = 24
METADATA_LIMIT = 3000
INPUT_MAX = 3000
"""``plain_text_input`` holds at most 3000 characters."""


def option(value: str, label: str) -> Option:
    return Option(value=value[:OPTION_VALUE], label=clip(label, OPTION_TEXT))


def enum_options(kind: str, values: Iterable[str], loc: Locale) -> list[Option]:
    return [option(v, enum_label(kind, v, loc)) for v in values]


def pick(options: Sequence[Option], value: str | None) -> Option | None:
    """The option whose value is ``value`` (an ``initial_option`` must be one of the options)."""
    return next((o for o in options if o.value == value), None)


def text_input(
    block_id: str,
    label: str,
    value: str | None = None,
    *,
    action_id: str = "value",
    multiline: bool = False,
    optional: bool = True,
    hint: str | None = None,
    placeholder: str | None = None,
    max_length: int = INPUT_MAX,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=clip(label, 2000),
        optional=optional,
        hint=clip(hint, HINT_LIMIT) if hint else None,
        element=PlainTextInputElement(
            action_id=action_id,
            initial_value=value[:max_length] if value else None,
            multiline=multiline,
            max_length=max_length,
            placeholder=clip(placeholder, 150) if placeholder else None,
        ),
    )


def input_block(
    block_id: str,
    label: str,
    element: InputInteractiveElement,
    *,
    optional: bool = True,
    hint: str | None = None,
    dispatch: bool = False,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=clip(label, 2000),
        element=element,
        optional=optional,
        hint=clip(hint, HINT_LIMIT) if hint else None,
        dispatch_action=dispatch or None,
    )


def date_input(
    block_id: str, label: str, value: date | None, *, optional: bool = True, hint: str | None = None
) -> InputBlock:
    element = DatePickerElement(action_id="value", initial_date=value.isoformat() if value else None)
    return input_block(block_id, label, element, optional=optional, hint=hint)


def time_input(block_id: str, label: str, value: time | None) -> InputBlock:
    element = TimePickerElement(action_id="value", initial_time=value.strftime("%H:%M") if value else None)
    return input_block(block_id, label, element, optional=False)


def radio_input(
    block_id: str,
    label: str,
    options: list[Option],
    value: str | None,
    *,
    optional: bool = True,
    hint: str | None = None,
) -> InputBlock:
    element = RadioButtonsElement(action_id="value", options=options, initial_option=pick(options, value))
    return input_block(block_id, label, element, optional=optional, hint=hint)


def checkboxes_input(block_id: str, label: str, options: list[Option], values: Iterable[str]) -> InputBlock:
    chosen = set(values)
    initial = [o for o in options if o.value in chosen] or None
    return input_block(
        block_id, label, CheckboxesElement(action_id="value", options=options, initial_options=initial)
    )


def select_input(
    block_id: str,
    label: str,
    options: list[Option],
    value: str | None,
    *,
    optional: bool = True,
    hint: str | None = None,
) -> InputBlock:
    element = StaticSelectElement(
        action_id="value",
        options=options[:OPTIONS_MAX],
        initial_option=pick(options, value),
        placeholder=PlainTextObject(text="—"),
    )
    return input_block(block_id, label, element, optional=optional, hint=hint)


def grouped_select_input(
    block_id: str,
    label: str,
    groups: list[tuple[str, list[Option]]],
    value: str | None,
    *,
    hint: str | None = None,
) -> InputBlock:
    option_groups = [OptionGroup(label=clip(name, OPTION_TEXT), options=opts) for name, opts in groups]
    initial = pick([o for _, opts in groups for o in opts], value)
    element = StaticSelectElement(
        action_id="value",
        option_groups=option_groups,
        initial_option=initial,
        placeholder=PlainTextObject(text="—"),
    )
    return input_block(block_id, label, element, hint=hint)


def multi_select_input(
    block_id: str, label: str, options: list[Option], values: Iterable[str], *, hint: str | None = None
) -> InputBlock:
    chosen = set(values)
    options = options[:OPTIONS_MAX]
    element = StaticMultiSelectElement(
        action_id="value",
        options=options,
        initial_options=[o for o in options if o.value in chosen] or None,
        placeholder=PlainTextObject(text="—"),
    )
    return input_block(block_id, label, element, hint=hint)


def account_input(
    block_id: str,
    label: str,
    action_id: str,
    account: tuple[int, str] | None,
    *,
    hint: str | None = None,
    placeholder: str | None = None,
    dispatch: bool = False,
) -> InputBlock:
    """Type-ahead over every account (``block_suggestion``); with ``dispatch`` picking one sends an action."""
    initial = option(str(account[0]), account[1]) if account else None
    element = ExternalDataSelectElement(
        action_id=action_id,
        initial_option=initial,
        min_query_length=1,
        placeholder=PlainTextObject(text=clip(placeholder or "…", 150)),
    )
    return input_block(block_id, label, element, optional=False, hint=hint, dispatch=dispatch)


def account_field(
    action_id: str,
    account: tuple[int, str] | None,
    loc: Locale,
    *,
    hint: str | None = None,
    dispatch: bool = False,
) -> InputBlock:
    """The "account" input of a form: ``account_input`` with its usual label and placeholder."""
    return account_input(
        "account",
        t("form.visit.account", loc),
        action_id,
        account,
        hint=hint,
        placeholder=t("form.visit.account_placeholder", loc),
        dispatch=dispatch,
    )


def metadata(data: dict[str, Any]) -> str:
    """``private_metadata``: ids and keys only, never what the user typed."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    if len(text) > METADATA_LIMIT:
        raise ValueError(f"private_metadata over {METADATA_LIMIT} characters: {sorted(data)}")
    return text


def read_metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


REV_SEPARATOR = "~"


def revised(block_id: str, rev: int) -> str:
    return f"{block_id}{REV_SEPARATOR}{rev}" if rev else block_id


def base_block_id(block_id: str) -> str:
    base, sep, rev = block_id.rpartition(REV_SEPARATOR)
    return base if sep and rev.isdigit() else block_id


def modal(
    callback_id: str,
    title: str,
    blocks: Sequence[Block | dict[str, Any]],
    loc: Locale,
    *,
    meta: dict[str, Any] | None = None,
    submit: str | None = None,
    close: str | None = None,
    rev: int = 0,
) -> dict[str, Any]:
    """A validated modal view as the dict ``views.open`` takes.

    ``rev`` > 0 renames every block (``goal~2``) when a view is rebuilt by ``views.update``:
    Slack keeps what was typed in a block whose id is unchanged and ignores the new initial
    value, so fresh ids make the rebuilt view show exactly the values it was built with.
    ``FormState`` reads both spellings; ``errors_for`` spells error keys to match.
    """
    meta = dict(meta or {})
    parsed = Block.parse_all(blocks)
    if rev:
        meta["r"] = rev
        for block in parsed:
            if block.block_id:
                block.block_id = revised(block.block_id, rev)
    view = View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=clip(title, TITLE_LIMIT)),
        submit=PlainTextObject(text=clip(submit, TITLE_LIMIT)) if submit else None,
        close=PlainTextObject(text=clip(close or t("slack.modal.cancel", loc), TITLE_LIMIT)),
        blocks=parsed,
        private_metadata=metadata(meta),
    )
    return dict(plain(view))


def notice_modal(title: str, text_mrkdwn: str, loc: Locale) -> dict[str, Any]:
    """A modal that only says something (loading, done, failed)."""
    return modal("notice", title, [mrkdwn_section(text_mrkdwn)], loc, close=t("slack.modal.close", loc))


def errors_for(errors: dict[str, str], view: dict[str, Any]) -> dict[str, str]:
    """Error keys spelled as the submitted view's block ids."""
    rev = int(read_metadata(view).get("r") or 0)
    return {revised(block_id, rev): message for block_id, message in errors.items()}


def problems_block(
    problems: Sequence[Problem], account_error: ServiceError | None, loc: Locale, intro: str | None = None
) -> list[Block]:
    """What to fix, on top of a prefilled form (none when all is well); ``intro`` is escaped mrkdwn."""
    lines = []
    if account_error is not None:
        lines += [line_mrkdwn(line) for s in error_reply(account_error, loc).sections for line in s.lines]
    lines += [
        line_mrkdwn(problem_line(p, loc)) for p in problems if p.field != "account" or account_error is None
    ]
    if lines:
        lines.insert(0, f"*{escape(t('prefill.to_fix', loc))}*")
    if intro:
        lines.insert(0, intro)
    return [mrkdwn_section("\n".join(lines))] if lines else []
