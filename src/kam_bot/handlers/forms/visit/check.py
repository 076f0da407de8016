"""A submitted visit form checked for one actor: the rules' context gathered from the services
(today and the visit's time in the actor's zone, the price list's currencies, whether the
actor may write the account), the rules run (``rules``), each message naming its field."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from kam_bot.domain.enums import Locale
from kam_bot.domain.models import User
from kam_bot.handlers.forms.model import Field, FieldErrors
from kam_bot.handlers.forms.visit.definition import visit_form
from kam_bot.handlers.forms.visit.form import VisitForm
from kam_bot.handlers.forms.visit.rules import Context, price_lines, stock_lines, to_input
from kam_bot.handlers.prefill import today_for, visit_time
from kam_bot.handlers.render import error_reply
from kam_bot.i18n import t
from kam_bot.i18n.catalog import CATALOG
from kam_bot.services.container import Services
from kam_bot.services.inputs import VisitInput


def check_visit(
    app: Services, actor: User, form: VisitForm, submission_key: str | None
) -> tuple[VisitInput | None, FieldErrors]:
    """A submitted visit form as the service input, or every field to fix keyed by field id.

    Whether the actor may write the account is read only for a form sent back anyway, so that
    its answer lists every field to fix: a form that passes goes to the save without a read,
    and the save refuses an account the actor may not write with the same message
    (``accounts.write_refusal``), on the same field."""
    ctx = context(app, actor, form, submission_key, account_refusal=False)
    checked, errors = to_input(form, ctx)
    if errors and form.account is not None:
        checked, errors = to_input(form, replace(ctx, account_refusal=_account_refusal(app, actor, form)))
    return checked, named(errors, form, actor.locale)


def context(
    app: Services, actor: User, form: VisitForm, submission_key: str | None, account_refusal: bool = True
) -> Context:
    """The rules' context; without ``account_refusal`` nothing is read from the database."""
    loc, today = actor.locale, today_for(app, actor)
    labels = cache(lambda: _labels(form, loc))  # built only for a message that names a field
    return Context(
        loc=loc,
        today=today,
        visited_at=visit_time(app, actor, form.visit_date),
        submission_key=submission_key,
        labels=lambda field_id: labels().get(field_id) or _slot_label(field_id, loc),
        account_refusal=_account_refusal(app, actor, form) if account_refusal else None,
        prices=price_lines(form.prices, today, app.observations.listed_currency, loc),
        stocks=stock_lines(form.stocks, today, loc),
    )


def _account_refusal(app: Services, actor: User, form: VisitForm) -> str | None:
    if form.account is None or (refusal := app.accounts.write_refusal(actor, form.account[0])) is None:
        return None
    return " ".join(line.plain for line in error_reply(refusal, actor.locale).sections[0].lines)


def _labels(form: VisitForm, loc: Locale) -> dict[str, str]:
    labels = {item.id: item.label for item in visit_form(form, [], loc).items if isinstance(item, Field)}
    if form.contacts_block:  # listed only with the account's chain, which is not needed here
        labels[form.contacts_block] = t("form.visit.contacts", loc)
    return labels


def _slot_label(field_id: str, loc: Locale) -> str:
    """The label of a repeated field (``promise_due:1``) whose slot the submission left out."""
    name, _, slot = field_id.partition(":")
    n = int(slot) + 1 if slot.isdigit() else 1
    return t(f"form.visit.{name}", loc, n=n) if f"form.visit.{name}" in CATALOG else name


_NAMED = re.compile(r"^[^:：.。?？]{1,40}[:：]")
"""A message that starts with what it is about ("Due date: …", "Line 2: …")."""
_ABOUT_A_LINE = frozenset({"prices", "stocks"})
"""Their messages start "Line 2: …": that names the line, not the field."""


def named(errors: FieldErrors, form: VisitForm, loc: Locale) -> FieldErrors:
    """Each message names its field ("Promise 2: due — When is it due? …") where it does not yet."""
    labels = _labels(form, loc) if errors else {}
    return {
        field_id: _named(labels.get(field_id, ""), field_id, message, loc)
        for field_id, message in errors.items()
    }


def _named(label: str, field_id: str, message: str, loc: Locale) -> str:
    about_a_line = field_id in _ABOUT_A_LINE
    if not label or label.casefold() in message.casefold() or (_NAMED.match(message) and not about_a_line):
        return message
    if re.split("[:：]", label)[0] != label or about_a_line:  # "Promise 2: due" already holds a colon
        return f"{label} — {message}"
    return f"{label}{'：' if loc is Locale.ZH_HANS else ': '}{message}"
