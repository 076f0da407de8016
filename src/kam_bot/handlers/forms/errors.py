"""Pydantic's validation errors as catalog messages naming the field: never a library's text.

Each error of a service input (``services.inputs``) becomes ``(field path, message)``: the path
as the input names it (``promises.0.due_date``), the message in the user's language with the
field's name (``Due date: please fill this in.``). Checks of our own raise
``PydanticCustomError`` whose type is the catalog key (``form.needs_competitor``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from kam_bot.domain.enums import Locale
from kam_bot.i18n import format_decimal, t
from kam_bot.i18n.catalog import CATALOG

_KEYS = {
    "missing": "form.required",
    "string_too_short": "form.required",
    "string_type": "form.required",
    "string_too_long": "form.too_long",
    "too_long": "form.too_many",
    "greater_than": "form.more_than",
    "greater_than_equal": "form.at_least",
    "less_than": "form.at_most",
    "less_than_equal": "form.at_most",
    "decimal_max_digits": "form.too_many_digits",
    "decimal_max_places": "form.too_many_decimals",
    "decimal_whole_digits": "form.too_many_whole_digits",
    "decimal_parsing": "form.not_a_number",
    "decimal_type": "form.not_a_number",
    "float_parsing": "form.not_a_number",
    "int_parsing": "form.not_a_number",
    "int_type": "form.not_a_number",
    "date_parsing": "form.bad_date",
    "date_type": "form.bad_date",
    "date_from_datetime_parsing": "form.bad_date",
    "datetime_parsing": "form.bad_date",
    "enum": "form.bad_choice",
    "literal_error": "form.bad_choice",
}
_LIMITS = ("max_length", "min_length", "gt", "ge", "lt", "le", "max_digits", "decimal_places", "whole_digits")
_MODEL_CHECK_FIELDS = {"form.needs_competitor": "competitor", "form.unknown_stage": "to_stage"}
"""Checks across fields report no field; the field they are about."""


def field_name(path: str, loc: Locale) -> str:
    """The field's name for people: the last named part of ``path`` (``promises.0.due_date``)."""
    parts = [p for p in path.split(".") if p and not p.isdigit()]
    name = parts[-1] if parts else "account"
    key = f"field.{name}"
    return t(key, loc) if key in CATALOG else name.replace("_", " ")


def error_path(err: ErrorDetails) -> str:
    """The field path of one pydantic error (``promises.0.due_date``)."""
    path = [str(p) for p in err["loc"]]
    extra = _MODEL_CHECK_FIELDS.get(err["type"])
    if extra and (not path or path[-1] != extra):
        path.append(extra)
    return ".".join(path)


def error_key(err: ErrorDetails, loc: Locale) -> tuple[str, dict[str, Any]]:
    """One pydantic error as a catalog key and its parameters (the field named in ``loc``)."""
    kind = err["type"]
    key = kind if kind in CATALOG else _KEYS.get(kind, "form.bad_value")
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    limit = next((ctx[k] for k in _LIMITS if k in ctx), None)
    if isinstance(limit, Decimal | int | float) and not isinstance(limit, bool):
        limit = format_decimal(Decimal(str(limit)), loc)
    return key, {"field": field_name(error_path(err), loc), "limit": limit}


def error_message(err: ErrorDetails, loc: Locale) -> str:
    """One pydantic error as a sentence in ``loc`` naming its field."""
    key, params = error_key(err, loc)
    return t(key, loc, **params)


def input_errors(exc: ValidationError, loc: Locale) -> list[tuple[str, str]]:
    """Every error of ``exc`` as (field path, message), in order."""
    return [(error_path(err), error_message(err, loc)) for err in exc.errors()]
