"""Reading Feishu cards back as a person sees them: texts, buttons, a form's inputs, and the
``form_value`` Feishu sends on Save (FD containers/form-container: input name -> value; a date
picker's value is ``YYYY-MM-DD +0800``; a multi-select's a list)."""

from __future__ import annotations

import itertools
from typing import Any

from fakes.feishu_open import card_problems

INPUTS = {"input", "select_static", "multi_select_static", "date_picker"}


def walk(node: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "tag" in node:
            out.append(node)
        for value in node.values():
            out += walk(value)
    elif isinstance(node, list):
        for item in node:
            out += walk(item)
    return out


def assert_valid(card: dict[str, Any]) -> None:
    assert card_problems(card) == [], card_problems(card)


def texts(card: dict[str, Any]) -> str:
    every = walk(card.get("body"))
    header = card.get("header", {}).get("title", {}).get("content", "")
    return "\n".join([header, *(e["content"] for e in every if e["tag"] in {"markdown", "plain_text"})])


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Each button's callback value, with its label as ``label``."""
    out = []
    for e in walk(card.get("body")):
        if e["tag"] == "button":
            value = next(b["value"] for b in e["behaviors"] if b["type"] == "callback")
            out.append({**value, "label": e["text"]["content"]})
    return out


def button(card: dict[str, Any], action: str) -> dict[str, Any]:
    value = next(b for b in buttons(card) if b["action"] == action)
    return {k: v for k, v in value.items() if k != "label"}


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in walk(card.get("body")) if e["tag"] in INPUTS}


def shown_value(element: dict[str, Any]) -> Any:
    tag = element["tag"]
    if tag == "input":
        return element.get("default_value", "")
    if tag == "date_picker":
        return f"{element['initial_date']} +0800" if "initial_date" in element else None
    if tag == "select_static":
        return element.get("initial_option")
    return list(element.get("selected_values") or [])


def form_value(card: dict[str, Any], **typed: Any) -> dict[str, Any]:
    """What Save sends: every input's shown value, ``typed`` over it (``promise_due__0=""``)."""
    values = {name: shown_value(e) for name, e in inputs(card).items()}
    values.update(typed)
    return {k: v for k, v in values.items() if v not in (None, [])}


def marked(card: dict[str, Any]) -> dict[str, str]:
    """Input name -> the error shown right under it (red text)."""
    every = [e for e in walk(card.get("body")) if e["tag"] != "plain_text"]
    out = {}
    for element, after in itertools.pairwise(every):
        if element["tag"] in INPUTS and after["tag"] == "markdown" and "color='red'" in after["content"]:
            out[element["name"]] = after["content"]
    return out
