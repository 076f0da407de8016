"""A neutral form (``handlers.forms.model``) as a Feishu card with a form container.

TEXT -> ``input`` (multiline for long text); DATE -> ``date_picker``; CHOICE ->
``select_static`` (groups flattened with their label); MULTI_CHOICE -> ``multi_select_static``;
ACCOUNT -> a ``select_static`` of the prefilled account and the person's own accounts (a card
carries no typed search over every account; another account is picked by typing
``visit ACCOUNT …``). The Save button is ``form_action_type: submit``: Feishu sends every
input's value in ``action.form_value`` keyed by its ``name`` (FD containers/form-container),
and the button's own ``value`` (the form, the submission key). Input names are the field ids,
``:`` written as ``__`` (slots: ``promise_text__0``). What to fix is listed on top and under
its field; the values typed stay in the inputs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kam_bot.domain.enums import Locale
from kam_bot.handlers.describe import problem_line
from kam_bot.handlers.forms.model import Break, Field, FieldErrors, FieldKind, Form, Item, Note
from kam_bot.handlers.render import error_reply

from .cards import MAX_CARD_BYTES, card, card_bytes, escape, markdown

SUBMIT = "form.submit"
SUBMISSION = "submission"
INPUT_MAX = 1000
"""Feishu's input takes at most 1000 characters (``max_length`` 1-1000)."""
OPTIONS_MAX = 100


def input_name(field_id: str) -> str:
    return field_id.replace(":", "__")


def field_ids(form_value: dict[str, Any]) -> dict[str, Any]:
    """The submitted inputs under the form's field ids."""
    return {name.replace("__", ":"): value for name, value in form_value.items()}


def _plain(text: str) -> dict[str, str]:
    return {"tag": "plain_text", "content": text}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _options(f: Field) -> list[dict[str, Any]]:
    if f.groups:
        pairs = [(f"{g.label}: {c.label}", c.value) for g in f.groups for c in g.choices]
    else:
        pairs = [(c.label, c.value) for c in f.choices]
    return [{"text": _plain(label[:100]), "value": value} for label, value in pairs[:OPTIONS_MAX]]


def field_input(f: Field, accounts: list[tuple[str, str]]) -> dict[str, Any]:
    common: dict[str, Any] = {"name": input_name(f.id), "required": False, "width": "fill"}
    label = {"label": _plain(f.label), "label_position": "top"}
    if f.kind is FieldKind.TEXT:
        limit = min(f.max_length, INPUT_MAX)
        out = {"tag": "input", **common, **label, "default_value": _text(f.value)[:limit]}
        out["max_length"] = limit
        if f.multiline:
            out["input_type"] = "multiline_text"
            out["rows"] = 3
        if f.placeholder:
            out["placeholder"] = _plain(f.placeholder)
        return out
    if f.kind is FieldKind.DATE:
        out = {"tag": "date_picker", **common, "placeholder": _plain(f.label)}
        if isinstance(f.value, date):
            out["initial_date"] = f.value.isoformat()
        return out
    if f.kind in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE):
        options = _options(f)
        offered = {o["value"] for o in options}  # a forged value is refused, not shown back
        placeholder = _plain(f.label)
        if f.kind is FieldKind.MULTI_CHOICE:
            picked = [v for v in (f.value if isinstance(f.value, tuple) else ()) if v in offered]
            out = {"tag": "multi_select_static", **common, "options": options, "placeholder": placeholder}
            if picked:
                out["selected_values"] = picked
            return out
        out = {"tag": "select_static", **common, "options": options, "placeholder": placeholder}
        if _text(f.value) in offered:
            out["initial_option"] = f.value
        return out
    chosen = _text(f.value)
    pairs = ([(chosen, f.value_label or chosen)] if chosen else []) + [p for p in accounts if p[0] != chosen]
    options = [{"text": _plain(name[:100]), "value": value} for value, name in pairs[:OPTIONS_MAX]]
    out = {"tag": "select_static", **common, "options": options, "placeholder": _plain(f.placeholder or "")}
    if chosen:
        out["initial_option"] = chosen
    return out


def item_elements(item: Item, errors: FieldErrors, accounts: list[tuple[str, str]]) -> list[dict[str, Any]]:
    if isinstance(item, Note):
        return [markdown(escape(item.text), text_size="notation")]
    if isinstance(item, Break):
        return [markdown(f"**{escape(item.title)}**" if item.title else "---")]
    out: list[dict[str, Any]] = []
    if item.kind is not FieldKind.TEXT:  # inputs carry their own label
        out.append(markdown(f"**{escape(item.label)}**"))
    out.append(field_input(item, accounts))
    error = errors.get(item.id)
    if error:
        out.append(markdown(f"<font color='red'>{escape(error)}</font>", text_size="notation"))
    elif item.hint and item.kind is not FieldKind.ACCOUNT:
        out.append(markdown(f"<font color='grey'>{escape(item.hint)}</font>", text_size="notation"))
    return out


def form_card(
    form: Form,
    loc: Locale,
    *,
    errors: FieldErrors | None = None,
    data: dict[str, Any] | None = None,
    accounts: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """The card of ``form``; ``data`` rides in the Save button (the submission key)."""
    errors = errors or {}
    on_top: list[str] = [problem_line(p, loc).plain for p in form.problems]
    if form.account_error is not None:
        on_top += [line.plain for s in error_reply(form.account_error, loc).sections for line in s.lines]
    on_top += [message for field_id, message in errors.items() if field_id not in form.fields_by_id]
    head: list[dict[str, Any]] = []
    if form.intro:
        head.append(markdown(escape(form.intro)))
    if on_top:
        head.append(markdown("\n".join(f"<font color='red'>{escape(n)}</font>" for n in on_top)))
    inside: list[dict[str, Any]] = []
    for item in form.items:
        inside += item_elements(item, errors, accounts or [])
    save = {
        "tag": "button",
        "name": "save",
        "text": _plain(form.submit),
        "type": "primary_filled",
        "form_action_type": "submit",
        "behaviors": [{"type": "callback", "value": {"action": SUBMIT, "form": form.id, **(data or {})}}],
    }
    body = [*head, {"tag": "form", "name": "form", "elements": [*inside, save]}]
    content = card(form.title, body, ok=not (errors or on_top), summary=form.title)
    if card_bytes(content) > MAX_CARD_BYTES:  # hints go first: the fields and what to fix stay
        slim = [e for e in inside if e.get("text_size") != "notation" or "red" in e.get("content", "")]
        body[-1]["elements"] = [*slim, save]
    return content
