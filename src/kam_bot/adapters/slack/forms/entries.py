"""The small modals of the quick entries: the neutral forms (``handlers.forms.entries``)
rendered for Slack, with ``private_metadata`` holding where to answer."""

from __future__ import annotations

from typing import Any

from kam_bot.adapters.slack.forms.render import account_action, form_view
from kam_bot.domain.enums import Locale
from kam_bot.handlers.forms.entries import (
    PRICE,
    PROMISE,
    STOCK,
    PriceForm,
    PromiseForm,
    StockForm,
    price_form,
    promise_form,
    stock_form,
)
from kam_bot.handlers.prefill import Problem
from kam_bot.services.errors import ServiceError

ACCOUNT_ACTION = account_action(PROMISE)

__all__ = [
    "ACCOUNT_ACTION",
    "PRICE",
    "PROMISE",
    "STOCK",
    "PriceForm",
    "PromiseForm",
    "StockForm",
    "price_view",
    "promise_view",
    "stock_view",
]


def promise_view(
    form: PromiseForm,
    loc: Locale,
    *,
    problems: list[Problem] | None = None,
    account_error: ServiceError | None = None,
    meta: dict[str, Any] | None = None,
    intro: str | None = None,
) -> dict[str, Any]:
    definition = promise_form(form, loc, problems=problems, account_error=account_error, intro=intro)
    return form_view(definition, loc, meta=meta)


def price_view(
    form: PriceForm,
    loc: Locale,
    *,
    problems: list[Problem] | None = None,
    account_error: ServiceError | None = None,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return form_view(price_form(form, loc, problems=problems, account_error=account_error), loc, meta=meta)


def stock_view(
    form: StockForm,
    loc: Locale,
    *,
    problems: list[Problem] | None = None,
    account_error: ServiceError | None = None,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return form_view(stock_form(form, loc, problems=problems, account_error=account_error), loc, meta=meta)
