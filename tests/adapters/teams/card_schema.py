"""Adaptive Cards 1.5, the version Teams renders, as the published JSON schema says.

``schemas/adaptive-card-1.5.json`` is the schema published at adaptivecards.io/schemas/1.5.0
(shipped here: tests run offline). The Teams extension for typeahead search on 1.5 cards is
added, as Teams documents it: ``choices.data`` (``Data.Query``) on ``Input.ChoiceSet`` and its
``filtered`` style. Nothing else is relaxed.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA = Path(__file__).parent / "schemas" / "adaptive-card-1.5.json"


@cache
def validator() -> jsonschema.Draft6Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    schema["definitions"]["Input.ChoiceSet"]["properties"]["choices.data"] = {
        "type": "object",
        "properties": {
            "type": {"enum": ["Data.Query"]},
            "dataset": {"type": "string"},
            "count": {"type": "integer"},
            "skip": {"type": "integer"},
        },
        "required": ["type", "dataset"],
        "additionalProperties": False,
    }
    schema["definitions"]["ChoiceInputStyle"]["anyOf"][0]["enum"].append("filtered")
    return jsonschema.Draft6Validator(schema)


def assert_valid_card(card: dict[str, Any]) -> None:
    errors = sorted(validator().iter_errors(card), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    assert card["version"] == "1.5"
    assert len(json.dumps(card, ensure_ascii=False).encode()) < 28 * 1024


def texts(card: dict[str, Any]) -> list[str]:
    """Every TextBlock's text, in order."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                out.append(str(node.get("text", "")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card.get("body", []))
    return out


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Inputs by id."""
    out: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and "id" in node:
                out[node["id"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card.get("body", []))
    return out


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Action.Execute, in order (card actions last)."""
    out: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute":
                out.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card.get("body", []))
    walk(card.get("actions", []))
    return out


def submitted(card: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """What Teams sends on Save: the inputs' values (as shown, then ``changes``) and the button's data."""
    values = {k: v.get("value") for k, v in inputs(card).items() if v.get("value") not in (None, "")}
    save = next(b for b in buttons(card) if b["verb"] == "form.submit")
    return {**values, **changes, **save["data"]}
