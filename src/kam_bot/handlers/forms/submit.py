"""One submit per form, for every platform: the form's values and the actor in, ``Saved`` or
``Refused`` out. Slack, Teams and the console only render what comes back.

- ``Saved``: the neutral confirmation reply and the ids written (``already_saved`` when the
  same submission was saved before: a double click, a retried request).
- ``Refused``: every field to fix with its message in the user's language, in one answer: the
  form's own rules, then whether the actor may write the account; a refusal by the service
  itself lands on the field it names (the account when it names none).

``submit_visit`` is ``prepare_visit`` (the checks) then ``PreparedVisit.save`` (the service),
in one call: the checks read nothing, so a platform that waits only a moment for the save
(Slack's modal) waits for both. A quick entry
(``submit_entry``) may carry a claim (the platform's name for its duplicates, and the key of
this submission): the second submission of one claim answers ``already_saved``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kam_bot.domain.models import Account, Contact, User
from kam_bot.handlers import render
from kam_bot.handlers.forms.entries import PRICE, PROMISE, STOCK, PriceForm, PromiseForm, StockForm
from kam_bot.handlers.forms.model import ERROR_LIMIT, FieldErrors
from kam_bot.handlers.forms.values import FormValues, MappingValues
from kam_bot.handlers.forms.visit import VisitForm, check_visit, field_for
from kam_bot.handlers.prefill import today_for
from kam_bot.handlers.replies import Action, Line, Reply, Section, user
from kam_bot.i18n import t
from kam_bot.services.container import Services
from kam_bot.services.errors import ServiceError
from kam_bot.services.inputs import PriceInput, PromiseInput, StockInput, VisitInput
from kam_bot.services.visits import AlreadyTakenIn

EntryForm = PromiseForm | PriceForm | StockForm


@dataclass(frozen=True)
class Saved:
    reply: Reply
    """The confirmation, with its Undo button where there is one."""
    ids: tuple[int, ...] = ()
    """What was written: the visit's id, or the promise's or observation's."""
    already_saved: bool = False
    taken_in_before: bool = False
    """This very request was taken in before (a platform's replay): nothing was done, nothing
    is to be said (``reply`` is empty)."""


@dataclass(frozen=True)
class Refused:
    errors: FieldErrors
    """Field id -> what to write there, in the user's language (never a library's text)."""

    @property
    def reply(self) -> Reply:
        """Every message as a line: what a platform without a form (the console) shows."""
        return Reply(sections=[Section(lines=[Line.of("⚠ ", m) for m in self.errors.values()])], ok=False)


Submitted = Saved | Refused


def _refusal_text(exc: ServiceError, actor: User) -> str:
    text = " ".join(line.plain for s in render.error_reply(exc, actor.locale).sections for line in s.lines)
    return text if len(text) <= ERROR_LIMIT else text[: ERROR_LIMIT - 1] + "…"


# -- the visit ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """A platform's guard against saving one submission twice: its name for them, and the key."""

    kind: str
    key: str


@dataclass(frozen=True)
class PreparedVisit:
    """A visit form that passed every check: saved by ``save``."""

    app: Services
    actor: User
    form: VisitForm
    data: VisitInput
    request: Claim | None = None
    """The platform's claim on the request carrying the form, taken in the save's transaction."""

    def save(self) -> Submitted:
        claim = (self.request.kind, self.request.key) if self.request is not None else None
        try:
            result = self.app.visits.log(self.actor, self.data, claim)
        except AlreadyTakenIn:
            return Saved(Reply(), already_saved=True, taken_in_before=True)
        except ServiceError as exc:  # the service's own refusal, on the field it names
            return Refused({field_for(self.form, exc.field or ""): _refusal_text(exc, self.actor)})
        reply = render.visit_saved(result, self.actor.locale, today_for(self.app, self.actor))
        return Saved(reply, (result.visit.id,), result.already_saved)


def _visit_form(values: FormValues | VisitForm) -> VisitForm:
    return values if isinstance(values, VisitForm) else VisitForm.from_values(values)


def prepare_visit(
    app: Services,
    actor: User,
    values: FormValues | VisitForm,
    submission_key: str | None = None,
    request: Claim | None = None,
) -> PreparedVisit | Refused:
    """The visit form checked: ready to save (with the request's claim, when the platform
    leaves it to the save), or every field to fix."""
    form = _visit_form(values)
    data, errors = check_visit(app, actor, form, submission_key)
    return PreparedVisit(app, actor, form, data, request) if data is not None else Refused(errors)


def submit_visit(
    app: Services,
    actor: User,
    values: FormValues | VisitForm,
    submission_key: str | None = None,
    request: Claim | None = None,
) -> Submitted:
    """The visit form's Save: checked, then saved once per ``submission_key`` (and, with
    ``request``, once per platform request: see ``prepare_visit``)."""
    prepared = prepare_visit(app, actor, values, submission_key, request)
    return prepared.save() if isinstance(prepared, PreparedVisit) else prepared


# -- the quick entries -------------------------------------------------------------------


def _entry_account(app: Services, actor: User, form: EntryForm, errors: FieldErrors) -> Account | None:
    """The chosen account when the actor may write it; else why not, on the account field."""
    if form.account is None or "account" in errors:
        return None
    try:
        account = app.accounts.live(form.account[0])
    except ServiceError as exc:
        errors["account"] = _refusal_text(exc, actor)
        return None
    if (refusal := app.accounts.write_refusal(actor, account.id)) is not None:
        errors["account"] = _refusal_text(refusal, actor)
        return None
    return account


_FORMS: dict[str, Callable[[FormValues], EntryForm]] = {
    PROMISE: PromiseForm.from_values,
    PRICE: PriceForm.from_values,
    STOCK: StockForm.from_values,
}


def submit_entry(
    app: Services, actor: User, form_id: str, values: FormValues | EntryForm, claim: Claim | None = None
) -> Submitted:
    """A quick entry's Save (``promise``, ``price``, ``stock``): checked, saved once per claim."""
    form = _FORMS[form_id](values) if not isinstance(values, EntryForm) else values
    draft, errors = form.check(actor.locale)
    account = _entry_account(app, actor, form, errors)
    if draft is None or account is None or errors:
        return Refused(errors)
    if claim is not None and not app.claims.claim(claim.kind, claim.key):
        return Saved(Reply.text(t("form.already_saved", actor.locale)), already_saved=True)
    try:
        return _SAVES[form_id](app, actor, account, draft.model_dump(exclude={"due_text"}))
    except BaseException as exc:
        if claim is not None:  # not saved: the same form may be sent again
            app.claims.release(claim.kind, claim.key)
        if not isinstance(exc, ServiceError):
            raise
        return Refused({_entry_field(form, exc.field): _refusal_text(exc, actor)})


_ENTRY_ALIASES = {"due_date": "due", "our_share_pct": "share"}
"""Where the service's name for a field differs from the form's."""


def _entry_field(form: EntryForm, name: str | None) -> str:
    """The form's field a service refusal names; the account when it names none of them."""
    field_id = _ENTRY_ALIASES.get(name or "", name or "")
    return field_id if field_id in set(type(form).__dataclass_fields__) - {"forged"} else "account"


def _save_promise(app: Services, actor: User, account: Account, draft: dict[str, object]) -> Saved:
    loc = actor.locale
    promise = app.promises.add(actor, account.id, PromiseInput.model_validate(draft))
    line = render.promise_line(promise, today_for(app, actor), loc, account)
    undo = Action(action_id="promise.cancel", label=t("action.undo", loc), value=str(promise.id))
    return _saved(Line.of(t("promise.saved", loc), " ", line), undo, promise.id)


def _save_price(app: Services, actor: User, account: Account, draft: dict[str, object]) -> Saved:
    loc = actor.locale
    obs, deviation = app.observations.record_price(actor, account.id, PriceInput.model_validate(draft))
    who = f" ({obs.competitor})" if obs.competitor else ""
    line = render.price_line(obs.product, render.price_text(obs, loc), deviation, loc, who)
    undo = Action(action_id="undo.price", label=t("action.undo", loc), value=str(obs.id))
    return _saved(Line.of(t("price.saved", loc), " ", user(account.name), " · ", line), undo, obs.id)


def _save_stock(app: Services, actor: User, account: Account, draft: dict[str, object]) -> Saved:
    loc = actor.locale
    obs, change = app.observations.record_stock(actor, account.id, StockInput.model_validate(draft))
    line = render.stock_line(obs.product, render.quantity_text(obs, loc), change, loc, obs.movement)
    undo = Action(action_id="undo.stock", label=t("action.undo", loc), value=str(obs.id))
    return _saved(Line.of(t("stock.saved", loc), " ", user(account.name), " · ", line), undo, obs.id)


def _saved(line: Line, undo: Action, saved_id: int) -> Saved:
    return Saved(Reply(sections=[Section(lines=[line])], actions=[undo]), (saved_id,))


_SAVES: dict[str, Callable[[Services, User, Account, dict[str, object]], Saved]] = {
    PROMISE: _save_promise,
    PRICE: _save_price,
    STOCK: _save_stock,
}


def submitted_values(app: Services, inputs: dict[str, Any]) -> MappingValues:
    """A card's submitted inputs, with the chosen account's name looked up (an account select
    sends only its id)."""
    account_id = str(inputs.get("account") or "")
    labels = {}
    if account_id.isdigit():
        with contextlib.suppress(ServiceError):
            labels["account"] = app.accounts.live(int(account_id)).name
    return MappingValues(inputs, labels=labels)


def chain_or_empty(app: Services, actor: User, account_id: int) -> list[Contact]:
    """The account's decision chain the actor may see (none when they may not see the account)."""
    try:
        return app.contacts.list(actor, account_id)
    except ServiceError:
        return []
