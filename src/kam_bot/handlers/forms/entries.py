"""The small forms of the quick entries (/promise, /price, /stock and "Save as promise").

They open only when the typed line was incomplete or ambiguous: prefilled with what was
understood, the problems listed on top and hinted at their field. Each form reads back from
any platform's values (``from_values``), is checked in one place (``check``: the service
input's own rules, in the user's language, on the field they are about) and is defined once
(``promise_form``, ``price_form``, ``stock_form``) for every platform to render.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kam_bot.domain.drafts import PriceDraft, PromiseDraft, StockDraft
from kam_bot.domain.enums import Locale, Movement, PriceKind, PromiseDirection
from kam_bot.handlers.describe import problem_line
from kam_bot.handlers.forms.errors import error_message, error_path
from kam_bot.handlers.forms.model import ERROR_LIMIT, Choice, Field, FieldErrors, FieldKind, Form
from kam_bot.handlers.forms.values import FormValues
from kam_bot.handlers.prefill import PricePrefill, Problem, PromisePrefill, StockPrefill
from kam_bot.handlers.render import enum_label
from kam_bot.i18n import t
from kam_bot.services.errors import ServiceError
from kam_bot.services.inputs import PriceInput, PromiseInput, StockInput

PROMISE = "promise"
PRICE = "price"
STOCK = "stock"

M = TypeVar("M", bound=BaseModel)
D = TypeVar("D", bound=BaseModel)


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


def _state_account(state: FormValues) -> tuple[int, str] | None:
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
            name = error_path(err).split(".")[0]
            block = blocks.get(name, next(iter(blocks.values())))
            errors.setdefault(block, error_message(err, loc)[:ERROR_LIMIT])
        return None, errors


def _account_errors(account: tuple[int, str] | None, loc: Locale) -> dict[str, str]:
    """A form's errors before its fields are checked: the account, when none is picked."""
    return {"account": t("form.visit.pick_account", loc)} if account is None else {}


def _product_field(product: str, hints: dict[str, str], loc: Locale) -> Field:
    return Field(
        "product",
        FieldKind.TEXT,
        t("form.price.product", loc),
        product,
        required=True,
        hint=hints.get("product"),
        max_length=200,
    )


def _checked(
    model: type[BaseModel],
    draft: type[D],
    fields: dict[str, Any],
    blocks: dict[str, str],
    errors: dict[str, str],
    loc: Locale,
) -> tuple[D | None, dict[str, str]]:
    """``fields`` validated as ``model`` and handed on as ``draft``; else the form's own ``errors``
    (they win on a block), then the model's."""
    data, more = _validate(model, fields, blocks, loc)
    for block, message in more.items():
        errors.setdefault(block, message)
    if errors or data is None:
        return None, errors
    return draft.model_validate(data.model_dump()), {}


def _entry_form(
    form_id: str,
    title: str,
    account: tuple[int, str] | None,
    fields: list[Field],
    hints: dict[str, str],
    loc: Locale,
    problems: list[Problem],
    account_error: ServiceError | None,
    intro: str | None = None,
) -> Form:
    """A quick-entry form: what to fix on top, the account, then the entry's ``fields``."""
    account_field = Field(
        "account",
        FieldKind.ACCOUNT,
        t("form.visit.account", loc),
        str(account[0]) if account else None,
        value_label=account[1] if account else None,
        required=True,
        hint=hints.get("account"),
        placeholder=t("form.visit.account_placeholder", loc),
    )
    return Form(
        form_id,
        title,
        t("form.save", loc),
        (account_field, *fields),
        tuple(problems),
        account_error,
        intro,
    )


E = TypeVar("E", PromiseDirection, PriceKind, Movement)


def _choice(state: FormValues, field_id: str, enum: type[E], forged: list[str]) -> E | None:
    """The chosen value of ``field_id``; a value the form never offered (a forged submission) is
    noted in ``forged``, to be refused on its field."""
    value = state.option(field_id)
    if not value:
        return None
    try:
        return enum(value)
    except ValueError:
        forged.append(field_id)
        return None


def _forged_errors(forged: tuple[str, ...], loc: Locale) -> dict[str, str]:
    return {f: t("form.bad_choice", loc, field=t(f"field.{f}", loc)) for f in forged}


def _choices(kind: str, values: list[str], loc: Locale) -> tuple[Choice, ...]:
    return tuple(Choice(v, enum_label(kind, v, loc)) for v in values)


# -- /promise -------------------------------------------------------------------------


@dataclass
class PromiseForm:
    account: tuple[int, str] | None = None
    text: str = ""
    due: date | None = None
    direction: PromiseDirection = PromiseDirection.OURS
    forged: tuple[str, ...] = ()

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
    def from_values(cls, state: FormValues) -> PromiseForm:
        forged: list[str] = []
        direction = _choice(state, "direction", PromiseDirection, forged)
        return cls(
            _state_account(state),
            state.text("text"),
            state.date("due"),
            direction or PromiseDirection.OURS,
            tuple(forged),
        )

    def check(self, loc: Locale) -> tuple[PromiseDraft | None, dict[str, str]]:
        errors = _account_errors(self.account, loc) | _forged_errors(self.forged, loc)
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


def promise_form(
    form: PromiseForm,
    loc: Locale,
    *,
    problems: list[Problem] | None = None,
    account_error: ServiceError | None = None,
    intro: str | None = None,
) -> Form:
    problems = problems or []
    hints = _hints(problems, loc)
    directions = tuple(Choice(d.value, t(f"form.direction.{d.value}", loc)) for d in PromiseDirection)
    fields = [
        Field(
            "text",
            FieldKind.TEXT,
            t("form.promise.text", loc),
            form.text,
            multiline=True,
            required=True,
            hint=hints.get("text"),
        ),
        Field(
            "due", FieldKind.DATE, t("form.promise.due", loc), form.due, required=True, hint=hints.get("due")
        ),
        Field(
            "direction",
            FieldKind.CHOICE,
            t("form.promise.direction", loc),
            form.direction.value,
            required=True,
            choices=directions,
            expanded=True,
        ),
    ]
    return _entry_form(
        PROMISE,
        t("form.promise.title", loc),
        form.account,
        fields,
        hints,
        loc,
        problems,
        account_error,
        intro,
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
    forged: tuple[str, ...] = ()

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
    def from_values(cls, state: FormValues) -> PriceForm:
        forged: list[str] = []
        kind = _choice(state, "kind", PriceKind, forged)
        return cls(
            _state_account(state),
            kind or PriceKind.CUSTOMER_PURCHASE,
            state.text("product"),
            state.text("price"),
            state.text("currency"),
            state.text("unit"),
            state.text("competitor"),
            state.text("note"),
            tuple(forged),
        )

    def check(self, loc: Locale) -> tuple[PriceDraft | None, dict[str, str]]:
        errors = _account_errors(self.account, loc) | _forged_errors(self.forged, loc)
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
        blocks = {k: k for k in fields} | {"kind": "competitor"}
        return _checked(PriceInput, PriceDraft, fields, blocks, errors, loc)


def price_form(
    form: PriceForm,
    loc: Locale,
    *,
    problems: list[Problem] | None = None,
    account_error: ServiceError | None = None,
) -> Form:
    problems = problems or []
    hints = _hints(problems, loc)
    fields = [
        Field(
            "kind",
            FieldKind.CHOICE,
            t("form.price.kind", loc),
            form.kind.value,
            required=True,
            choices=_choices("price_kind", [k.value for k in PriceKind], loc),
        ),
        _product_field(form.product, hints, loc),
        Field(
            "price",
            FieldKind.TEXT,
            t("form.price.price", loc),
            form.price,
            required=True,
            hint=hints.get("price"),
            placeholder="4.20",
            max_length=30,
        ),
        Field(
            "currency",
            FieldKind.TEXT,
            t("form.price.currency", loc),
            form.currency,
            required=True,
            hint=hints.get("currency"),
            placeholder="CNY",
            max_length=8,
        ),
        Field("unit", FieldKind.TEXT, t("form.price.unit", loc), form.unit, placeholder="kg", max_length=32),
        Field(
            "competitor",
            FieldKind.TEXT,
            t("form.price.competitor", loc),
            form.competitor,
            hint=hints.get("competitor") or t("form.price.competitor_hint", loc),
            max_length=200,
        ),
        Field("note", FieldKind.TEXT, t("form.price.note", loc), form.note),
    ]
    return _entry_form(
        PRICE, t("form.price.title", loc), form.account, fields, hints, loc, problems, account_error
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
    forged: tuple[str, ...] = ()

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
    def from_values(cls, state: FormValues) -> StockForm:
        forged: list[str] = []
        return cls(
            _state_account(state),
            state.text("product"),
            state.text("quantity"),
            state.text("unit"),
            _choice(state, "movement", Movement, forged),
            state.text("share"),
            tuple(forged),
        )

    def check(self, loc: Locale) -> tuple[StockDraft | None, dict[str, str]]:
        errors = _account_errors(self.account, loc) | _forged_errors(self.forged, loc)
        quantity = _decimal(self.quantity)
        if quantity is None:
            errors["quantity"] = t("stock.needs_quantity", loc)
        share = _decimal(self.share) if self.share else None
        if self.share and share is None:
            errors["share"] = t("form.stock.bad_share", loc)
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
        return _checked(StockInput, StockDraft, fields, blocks, errors, loc)


def stock_form(
    form: StockForm,
    loc: Locale,
    *,
    problems: list[Problem] | None = None,
    account_error: ServiceError | None = None,
) -> Form:
    problems = problems or []
    hints = _hints(problems, loc)
    fields = [
        _product_field(form.product, hints, loc),
        Field(
            "quantity",
            FieldKind.TEXT,
            t("form.stock.quantity", loc),
            form.quantity,
            required=True,
            hint=hints.get("quantity"),
            placeholder="120",
            max_length=30,
        ),
        Field(
            "unit", FieldKind.TEXT, t("form.price.unit", loc), form.unit, placeholder="cases", max_length=32
        ),
        Field(
            "movement",
            FieldKind.CHOICE,
            t("form.stock.movement", loc),
            form.movement.value if form.movement else None,
            choices=_choices("movement", [m.value for m in Movement], loc),
            expanded=True,
        ),
        Field(
            "share",
            FieldKind.TEXT,
            t("form.stock.share", loc),
            form.share,
            hint=hints.get("share"),
            placeholder="30",
            max_length=10,
        ),
    ]
    return _entry_form(
        STOCK, t("form.stock.title", loc), form.account, fields, hints, loc, problems, account_error
    )


EntryDraft = PromiseDraft | PriceDraft | StockDraft


def check_entry(form_id: str, values: FormValues, loc: Locale) -> tuple[EntryDraft | None, FieldErrors]:
    """A submitted quick-entry form (``promise``, ``price`` or ``stock``) checked: the draft to
    save (``Commands.save_entry_form``), or what to fix keyed by field id."""
    if form_id == PROMISE:
        return PromiseForm.from_values(values).check(loc)
    if form_id == PRICE:
        return PriceForm.from_values(values).check(loc)
    if form_id == STOCK:
        return StockForm.from_values(values).check(loc)
    raise ValueError(f"no entry form {form_id!r}")


def prefilled_form(prefill: PromisePrefill | PricePrefill | StockPrefill, loc: Locale) -> Form:
    """The form of a quick entry that was not ready to save: prefilled from its line, its
    problems listed and the account's error on its field (every card platform renders this)."""
    problems, error = prefill.problems, prefill.account_error
    if isinstance(prefill, PromisePrefill):
        return promise_form(PromiseForm.from_prefill(prefill), loc, problems=problems, account_error=error)
    if isinstance(prefill, PricePrefill):
        return price_form(PriceForm.from_prefill(prefill), loc, problems=problems, account_error=error)
    return stock_form(StockForm.from_prefill(prefill), loc, problems=problems, account_error=error)


ENTRY_FORMS: dict[str, Callable[[FormValues, Locale], Form]] = {
    PROMISE: lambda v, loc: promise_form(PromiseForm.from_values(v), loc),
    PRICE: lambda v, loc: price_form(PriceForm.from_values(v), loc),
    STOCK: lambda v, loc: stock_form(StockForm.from_values(v), loc),
}
"""A quick entry's form, read back from a card's submitted values (its id -> the form)."""
