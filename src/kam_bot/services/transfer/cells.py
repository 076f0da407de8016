"""Validating CSV cells with pydantic, and turning its errors into catalog keys.

Cells arrive as text. A blank cell counts as absent, so a required column reports
"required" and an optional one keeps its default (or, on an update, the stored value).
Choices are matched ignoring case, spaces and dashes ("Target customer" is
``target_customer``), since people type them in spreadsheets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import time
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from kam_bot.domain.enums import (
    Attitude,
    ContactRole,
    FunnelStage,
    Intention,
    Locale,
    Power,
    ProcurementStage,
    Role,
    Tier,
)
from kam_bot.services.transfer.common import RowError
from kam_bot.services.users import valid_timezone

E = TypeVar("E", bound=StrEnum)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


class CsvRecord(BaseModel):
    """One CSV row; subclasses declare the columns as fields."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data


def _invalid(key: str, **params: Any) -> PydanticCustomError:
    """An error whose type is the catalog key and whose context its placeholders."""
    return PydanticCustomError(key, key, params)


def choice(enum: type[E]) -> Callable[[Any], Any]:
    """A cell validator for ``enum``: its values, ignoring case, spaces and dashes."""

    def norm(text: str) -> str:
        return re.sub(r"[\s\-]+", "_", text.strip().casefold())

    by_key = {norm(member.value): member.value for member in enum}
    choices = ", ".join(member.value for member in enum)

    def parse(value: Any) -> Any:
        if isinstance(value, str):
            found = by_key.get(norm(value))
            if found is None:
                raise _invalid("transfer.invalid_choice", choices=choices)
            return found
        return value

    return parse


def is_email(value: str) -> bool:
    return _EMAIL.match(value.strip()) is not None


def _email(value: Any) -> Any:
    if isinstance(value, str) and not _EMAIL.match(value.strip()):
        raise _invalid("transfer.invalid_email")
    return value


def _timezone(value: Any) -> Any:
    if isinstance(value, str) and not valid_timezone(value.strip()):
        raise _invalid("transfer.bad_timezone")
    return value


def _locale(value: Any) -> Any:
    """``en``, ``en-GB``, ``zh``, ``zh-CN``, ``zh_Hans`` ...; anything else is refused, not guessed."""
    if not isinstance(value, str):
        return value
    text = value.strip().replace("_", "-").lower()
    if text.startswith("zh"):
        return Locale.ZH_HANS.value
    if text == "en" or text.startswith("en-"):
        return Locale.EN.value
    raise _invalid("transfer.invalid_choice", choices=", ".join(loc.value for loc in Locale))


def _time_of_day(value: Any) -> Any:
    """``8:30`` as well as ``08:30`` and ``08:30:00``."""
    if not isinstance(value, str):
        return value
    found = _TIME.match(value.strip())
    hour, minute, second = (int(g or 0) for g in found.groups()) if found else (99, 0, 0)
    if hour > 23 or minute > 59 or second > 59:
        raise _invalid("transfer.invalid_time")
    return time(hour, minute, second)


def _alias_list(value: Any) -> Any:
    """``"Baosteel | 宝钢"`` -> ``["Baosteel", "宝钢"]``: blanks and repeats dropped, order kept."""
    if not isinstance(value, str):
        return value
    parts = [part.strip() for part in value.split("|")]
    return list(dict.fromkeys(part for part in parts if part))


Email = Annotated[str, BeforeValidator(_email), Field(max_length=320)]
Timezone = Annotated[str, BeforeValidator(_timezone)]
LocaleCell = Annotated[Locale, BeforeValidator(_locale)]
TimeCell = Annotated[time, BeforeValidator(_time_of_day)]
AliasList = Annotated[list[Annotated[str, Field(max_length=300)]], BeforeValidator(_alias_list)]
RoleCell = Annotated[Role, BeforeValidator(choice(Role))]
TierCell = Annotated[Tier, BeforeValidator(choice(Tier))]
FunnelStageCell = Annotated[FunnelStage, BeforeValidator(choice(FunnelStage))]
IntentionCell = Annotated[Intention, BeforeValidator(choice(Intention))]
PowerCell = Annotated[Power, BeforeValidator(choice(Power))]
ProcurementStageCell = Annotated[ProcurementStage, BeforeValidator(choice(ProcurementStage))]
ContactRoleCell = Annotated[ContactRole, BeforeValidator(choice(ContactRole))]
AttitudeCell = Annotated[Attitude, BeforeValidator(choice(Attitude))]


_KEYS = {
    "missing": "transfer.required",
    "enum": "transfer.invalid_choice",
    "int_parsing": "transfer.invalid_integer",
    "int_from_float": "transfer.invalid_integer",
    "decimal_parsing": "transfer.invalid_number",
    "decimal_max_digits": "transfer.too_precise",
    "decimal_max_places": "transfer.too_precise",
    "decimal_whole_digits": "transfer.too_precise",
    "date_parsing": "transfer.invalid_date",
    "date_from_datetime_parsing": "transfer.invalid_date",
    "date_from_datetime_inexact": "transfer.invalid_date",
    "greater_than": "transfer.out_of_range",
    "greater_than_equal": "transfer.out_of_range",
    "less_than": "transfer.out_of_range",
    "less_than_equal": "transfer.out_of_range",
    "string_too_long": "transfer.too_long",
    "too_long": "transfer.too_long",
}
_BOUNDS = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤"}


def row_errors(line: int, exc: ValidationError, cells: Mapping[str, str]) -> list[RowError]:
    """One ``RowError`` per failing cell, with ``column`` and ``value`` among the params."""
    out: list[RowError] = []
    for err in exc.errors():
        column = str(err["loc"][0]) if err["loc"] else None
        ctx = err.get("ctx") or {}
        if err["type"].startswith("transfer."):
            key, params = err["type"], dict(ctx)
        else:
            key = _KEYS.get(err["type"], "transfer.invalid_value")
            params = {"max": ctx["max_length"]} if "max_length" in ctx else {}
            if "expected" in ctx:
                params["choices"] = ctx["expected"]
            bounds = [f"{sign} {ctx[name]}" for name, sign in _BOUNDS.items() if name in ctx]
            if bounds:
                params["bound"] = ", ".join(bounds)
        value = cells.get(column, "").strip() if column else ""
        out.append(RowError(line, column, key, {"column": column, "value": value, **params}))
    return out
