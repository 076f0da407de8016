"""``slack_sdk.models`` objects as the plain dicts the Web API takes, without re-validating them.

``JsonObject.to_dict()`` runs every validator of every node, and turns each child into a dict
twice over: 8 of the 10 ms a /visit modal took to build, on the request's 3-second path. The
builders stay on the models (their constructors still check types and names);
``tests/adapters/slack/test_slack_plain.py`` holds every view the app builds to the validating
``to_dict()``, so a block that breaks a limit fails there, in tests, not in Slack.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.basic_objects import EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST, JsonObject
from slack_sdk.models.blocks import Option, PlainTextObject

_EMPTY_ALLOWED = frozenset((e["type"], e["property"]) for e in EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST)
_PLAIN_TO_DICT = JsonObject.to_dict
_KEYS: dict[type, list[str]] = {}
"""Each model class's JSON attributes, sorted (a fixed set per class in slack_sdk)."""


def _keys(value: JsonObject) -> list[str]:
    keys = _KEYS.get(type(value))
    if keys is None:
        keys = _KEYS[type(value)] = sorted(value.attributes)
    return keys


_SCALARS = frozenset({str, int, float, bool, type(None)})
"""Most of a view's leaves: returned before the checks for models (``JsonObject`` is an ABC,
and an ``isinstance`` against one is slow)."""


def plain(value: Any) -> Any:
    """What ``to_dict()`` gives for a model (recursively), lists as lists, anything else as is."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Option):
        return _option(value)
    if isinstance(value, JsonObject):
        if type(value).to_dict is not _PLAIN_TO_DICT:  # its own shape (options, confirm, ...)
            return {k: plain(v) for k, v in value.to_dict().items()}
        kind = getattr(value, "type", None)
        out = {}
        for key in _keys(value):
            item = value.get_object_attribute(key)
            if item is None:
                continue
            if (kind, key) in _EMPTY_ALLOWED or not hasattr(item, "__len__") or len(item) > 0:
                out[key] = plain(item)
        return out
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _option(option: Option) -> dict[str, Any]:
    """``Option.to_dict()`` in a block (what every select here shows)."""
    text = option._text or PlainTextObject.from_str(option.label or "")
    out: dict[str, Any] = {"text": plain(text), "value": option.value}
    if option._block_description:
        out["description"] = plain(option._block_description)
    if option.url:
        out["url"] = option.url
    return out
