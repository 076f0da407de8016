"""The small modals of the quick entries (/promise, /price, /stock and "Save as promise").

They open only when the typed line was incomplete or ambiguous: prefilled with what was
understood, the problems listed on top and hinted at their input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from slack_sdk.models.blocks import Block

from kam_bot.adapters.slack.forms.elements import (
    account_input,
    date_input,
    enum_options,
    modal,
    option,
    problems_block,
    radio_input,
    select_input,
    text_input,
)
from kam_bot.adapters.slack.forms.state import FormState
from kam_bot.domain.drafts import PriceDraft, PromiseDraft, StockDraft
from kam_bot.domain.enums import Locale, Movement, PriceKind, PromiseDirection
from kam_bot.handlers.describe import problem_line
from kam_bot.handlers.prefill import PricePrefill, Problem, PromisePrefill, StockPrefill
from kam_bot.i18n import t
from kam_bot.services.errors import ServiceError
from kam_bot.services.inputs import PriceInput, PromiseInput, StockInput

PROMISE = "promise"
PRICE = "price"
STOCK = "stock"
ACCOUNT_ACTION = "entry.account"
ERROR_LIMIT = 300

M = TypeVar("M", bound=BaseModel)


def _hints(problems: list[Problem], loc: Locale) -> dict[str, str]:
    """Problem per input: the last part of the field path names it (``price.currency`` -> ``currency``)."""
    hints: dict[str, str] = {}
    for p in problems:
        name = p.field.rsplit(".", 1)[-1] or "text"
        hints.setdefault(
            {"due_date": "due", "quantity": "quantity"}.get(name, name), problem_line(p, loc).plain
        )
    return hints


def _account(prefill_account: Any) -> tuple[int, str] | None:
    return (prefill_account.id, prefill_account.name) if prefill_account is not None else None


def _state_account(state: FormState) -> tuple[int, str] | None:
    value = state.option("account")
    return (int(value), state.option_label("account") or value) if value and value.isdigit() else None


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.replace(",", "").replace("%", "").strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _validate(
    model: type[M], data: dict[str, Any], blocks: dict[str, str], loc: Locale
) -> tuple[M | None, dict[str, str]]:
    try:
        return model.model_validate(data), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            block = blocks.get(name, next(iter(blocks.values())))
            errors.setdefault(block, t("form.invalid", loc, detail=err["msg"])[:ERROR_LIMIT])
        return None, errors


# -- /promise -------------------------------------------------------------------------


@dataclass
class PromiseForm:
    account: tuple[int, str] | None = None
    text: str = ""
    due: date | None = None
    direction: PromiseDirection = PromiseDirection.OURS

    @classmethod
    def from_prefill(cls, prefill: PromisePrefill) -> PromiseForm:
        p = prefill.promise
        text = p.text if p else ""
        if p and p.due_date is None and p.due_text and p.due_text not in text:
            text = f"{text} ({p.due_text})".strip()
        return cls(
            _account(prefill.account),
            text,
            p.due_date if p else None,
            p.direction if p else PromiseDirection.OURS,
        )

    @classmethod
    def from_state(cls, state: FormState) -> PromiseForm:
        direction = state.option("direction")
        return cls(
            _state_account(state),
            state.text("text"),
            state.date("due"),
            PromiseDirection(direction) if direction else PromiseDirection.OURS,
        )

    def check(self, loc: Locale) -> tuple[PromiseDraft | None, dict[str, str]]:
        errors: dict[str, str] = {}
        if self.account is None:
            errors["account"] = t("slack.visit.pick_account", loc)
        data, more = _validate(
            PromiseInput,
            {"text": self.text, "direction": self.direction, "due_date": self.due},
            {"text": "text", "due_date": "due", "direction": "direction"},
            loc,
        )
        errors.update(more)
        if errors or data is None:
            return None, errors
        return PromiseDraft(text=data.text, direction=data.direction, due_date=data.due_date), {}


def promise_view(
    form: PromiseForm,
    loc: Locale,
    *,
    problems: list[Problem] | None = None,
    account_error: ServiceError | None = None,
    meta: dict[str, Any] | None = None,
    intro: str | None = None,
) -> dict[str, Any]:
    problems = problems or []
    hints = _hints(problems, loc)
    directions = [option(d.value, t(f"slack.direction.{d.value}", loc)) for d in PromiseDirection]
    blocks: list[Block] = [
        *problems_block(problems, account_error, loc, intro),
        account_input(
            "account",
            t("slack.visit.account", loc),
            ACCOUNT_ACTION,
            form.account,
            hint=hints.get("account"),
            placeholder=t("slack.visit.account_placeholder", loc),
        ),
        text_input(
            "text",
            t("slack.promise.text", loc),
            form.text,
            multiline=True,
            optional=False,
            hint=hints.get("text"),
        ),
        date_input("due", t("slack.promise.due", loc), form.due, optional=False, hint=hints.get("due")),
        radio_input(
            "direction", t("slack.promise.direction", loc), directions, form.direction.value, optional=False
        ),
    ]
    return modal(
        PROMISE, t("slack.promise.title", loc), blocks, loc, meta=meta, submit=t("slack.modal.save", loc)
    )


# -- /price ---------------------------------------------------------------------------


@dataclass
class PriceForm:
    account: tuple[int, str] | None = None
    kind: PriceKind = PriceKind.CUSTOMER_PURCHASE
    product: str = ""
    price: str = ""
    currency: str = ""
    unit: str = ""
    competitor: str = ""
    note: str = ""

    @classmethod
    def from_prefill(cls, prefill: PricePrefill) -> PriceForm:
        p = prefill.price
        if p is None:
            return cls(_account(prefill.account))
        return cls(
            _account(prefill.account),
            p.kind,
            p.product,
            format(p.price, "f") if p.price is not None else "",
            p.currency or "",
            p.unit or "",
            p.competitor or "",
            p.note or "",
        )

    @classmethod
    def from_state(cls, state: FormState) -> PriceForm:
        kind = state.option("kind")
        return cls(
            _state_account(state),
            PriceKind(kind) if kind else PriceKind.CUSTOMER_PURCHASE,
            state.text("product"),
            state.text("price"),
            state.text("currency"),
            state.text("unit"),
            state.text("competitor"),
            state.text("note"),
        )

    def check(self, loc: Locale) -> tuple[PriceDraft | None, dict[str, str]]:
        errors: dict[str, str] = {}
        if self.account is None:
            errors["account"] = t("slack.visit.pick_account", loc)
        price = _decimal(self.price)
        if price is None:
            errors["price"] = t("price.needs_price", loc)
        fields = {
            "product": self.product,
            "price": price,
            "currency": self.currency,
            "unit": self.unit or None,
            "kind": self.kind,
            "competitor": self.competitor or None,
            "note": self.note or None,
        }
        data, more = _validate(PriceInput, fields, {k: k for k in fields} | {"kind": "competitor"}, loc)
        for block, message in more.items():
            errors.setdefault(block, message)
        if errors or data is None:
            return None, errors
        return PriceDraft.model_validate(data.model_dump()), {}


def price_view(
    form: PriceForm,
    loc: Locale,
    *,
    problems: list[Problem] | None = None,
    account_error: ServiceError | None = None,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    problems = problems or []
    hints = _hints(problems, loc)
    blocks: list[Block] = [
        *problems_block(problems, account_error, loc),
        account_input(
            "account",
            t("slack.visit.account", loc),
            ACCOUNT_ACTION,
            form.account,
            hint=hints.get("account"),
            placeholder=t("slack.visit.account_placeholder", loc),
        ),
        select_input(
            "kind",
            t("slack.price.kind", loc),
            enum_options("price_kind", [k.value for k in PriceKind], loc),
            form.kind.value,
            optional=False,
        ),
        text_input(
            "product",
            t("slack.price.product", loc),
            form.product,
            optional=False,
            hint=hints.get("product"),
            max_length=200,
        ),
        text_input(
            "price",
            t("slack.price.price", loc),
            form.price,
            optional=False,
            hint=hints.get("price"),
            placeholder="4.20",
            max_length=30,
        ),
        text_input(
            "currency",
            t("slack.price.currency", loc),
            form.currency,
            optional=False,
            hint=hints.get("currency"),
            placeholder="CNY",
            max_length=8,
        ),
        text_input("unit", t("slack.price.unit", loc), form.unit, placeholder="kg", max_length=32),
        text_input(
            "competitor",
            t("slack.price.competitor", loc),
            form.competitor,
            hint=hints.get("competitor") or t("slack.price.competitor_hint", loc),
            max_length=200,
        ),
        text_input("note", t("slack.price.note", loc), form.note),
    ]
    return modal(
        PRICE, t("slack.price.title", loc), blocks, loc, meta=meta, submit=t("slack.modal.save", loc)
    )


# -- /stock ---------------------------------------------------------------------------


@dataclass
class StockForm:
    account: tuple[int, str] | None = None
    product: str = ""
    quantity: str = ""
    unit: str = ""
    movement: Movement | None = None
    share: str = ""

    @classmethod
    def from_prefill(cls, prefill: StockPrefill) -> StockForm:
        s = prefill.stock
        if s is None:
            return cls(_account(prefill.account))
        return cls(
            _account(prefill.account),
            s.product,
            format(s.quantity, "f") if s.quantity is not None else "",
            s.unit or "",
            s.movement,
            format(s.our_share_pct, "f") if s.our_share_pct is not None else "",
        )

    @classmethod
    def from_state(cls, state: FormState) -> StockForm:
        movement = state.option("movement")
        return cls(
            _state_account(state),
            state.text("product"),
            state.text("quantity"),
            state.text("unit"),
            Movement(movement) if movement else None,
            state.text("share"),
        )

    def check(self, loc: Locale) -> tuple[StockDraft | None, dict[str, str]]:
        errors: dict[str, str] = {}
        if self.account is None:
            errors["account"] = t("slack.visit.pick_account", loc)
        quantity = _decimal(self.quantity)
        if quantity is None:
            errors["quantity"] = t("stock.needs_quantity", loc)
        share = _decimal(self.share) if self.share else None
        if self.share and share is None:
            errors["share"] = t("slack.stock.bad_share", loc)
        fields = {
            "product": self.product,
            "quantity": quantity,
            "unit": self.unit or None,
            "movement": self.movement,
            "our_share_pct": share,
        }
        blocks = {
            "product": "product",
            "quantity": "quantity",
            "unit": "unit",
            "movement": "movement",
            "our_share_pct": "share",
        }
        data, more = _validate(StockInput, fields, blocks, loc)
        for block, message in more.items():
            errors.setdefault(block, message)
        if errors or data is None:
            return None, errors
        return StockDraft.model_validate(data.model_dump()), {}


def stock_view(
    form: StockForm,
    loc: Locale,
    *,
    problems: list[Problem] | None = None,
    account_error: ServiceError | None = None,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    problems = problems or []
    hints = _hints(problems, loc)
    blocks: list[Block] = [
        *problems_block(problems, account_error, loc),
        account_input(
            "account",
            t("slack.visit.account", loc),
            ACCOUNT_ACTION,
            form.account,
            hint=hints.get("account"),
            placeholder=t("slack.visit.account_placeholder", loc),
        ),
        text_input(
            "product",
            t("slack.price.product", loc),
            form.product,
            optional=False,
            hint=hints.get("product"),
            max_length=200,
        ),
        text_input(
            "quantity",
            t("slack.stock.quantity", loc),
            form.quantity,
            optional=False,
            hint=hints.get("quantity"),
            placeholder="120",
            max_length=30,
        ),
        text_input("unit", t("slack.price.unit", loc), form.unit, placeholder="cases", max_length=32),
        radio_input(
            "movement",
            t("slack.stock.movement", loc),
            enum_options("movement", [m.value for m in Movement], loc),
            form.movement.value if form.movement else None,
        ),
        text_input(
            "share",
            t("slack.stock.share", loc),
            form.share,
            hint=hints.get("share"),
            placeholder="30",
            max_length=10,
        ),
    ]
    return modal(
        STOCK, t("slack.stock.title", loc), blocks, loc, meta=meta, submit=t("slack.modal.save", loc)
    )
