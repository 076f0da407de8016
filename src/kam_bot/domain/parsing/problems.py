"""Problems the parser reports: message keys of ``i18n/messages/parser.py`` and helpers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kam_bot.domain.drafts import ParseProblem

BAD_DATE = "parser.bad_date"
BAD_NUMBER = "parser.bad_number"
BAD_PERCENT = "parser.bad_percent"
MISSING_ACCOUNT = "parser.missing_account"
MISSING_COMPETITOR = "parser.missing_competitor"
MISSING_PRICE = "parser.missing_price"
MISSING_PRODUCT = "parser.missing_product"
MISSING_TEXT = "parser.missing_text"
NOT_UNDERSTOOD = "parser.not_understood"
UNKNOWN_STAGE = "parser.unknown_stage"
EMPTY = "parser.empty"

MESSAGE_KEYS = (
    BAD_DATE,
    BAD_NUMBER,
    BAD_PERCENT,
    MISSING_ACCOUNT,
    MISSING_COMPETITOR,
    MISSING_PRICE,
    MISSING_PRODUCT,
    MISSING_TEXT,
    NOT_UNDERSTOOD,
    UNKNOWN_STAGE,
    EMPTY,
)


def problem(field: str, text: str, message: str, **params: Any) -> ParseProblem:
    """A problem whose params always carry the offending ``text``."""
    return ParseProblem(field=field, text=text, message=message, params={"text": text, **params})


def under(prefix: str, problems: Iterable[ParseProblem]) -> list[ParseProblem]:
    """Re-home problems found in a part: ``due_date`` under ``promises.0`` -> ``promises.0.due_date``."""
    return [p.model_copy(update={"field": f"{prefix}.{p.field}" if p.field else prefix}) for p in problems]
