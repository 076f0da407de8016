"""Building each modal from the database: blocking functions, run by listeners in a worker thread."""

from __future__ import annotations

from typing import Any

from kam_bot.adapters.slack.blocks import VIEW_BLOCKS, reply_blocks
from kam_bot.adapters.slack.forms import entries, settings, visit, visit_edit
from kam_bot.adapters.slack.forms.elements import modal
from kam_bot.adapters.slack.forms.render import form_view
from kam_bot.adapters.slack.forms.state import FormState
from kam_bot.domain.enums import Locale, Role
from kam_bot.domain.models import Account, Contact, User
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.forms.visit import typed_visit_form
from kam_bot.handlers.prefill import (
    PricePrefill,
    PromisePrefill,
    StockPrefill,
    VisitPrefill,
    today_for,
)
from kam_bot.handlers.render import contact_line
from kam_bot.handlers.replies import Reply, Section
from kam_bot.i18n import t
from kam_bot.services.container import Services
from kam_bot.services.errors import ServiceError

CARD = "account"
CONTACTS = "contacts"


def account_by_id(app: Services, account_id: int) -> Account:
    return app.accounts.live(account_id)


def chain(app: Services, actor: User, account_id: int) -> list[Contact]:
    """The account's decision chain as the actor may see it (notes redacted by the service)."""
    try:
        return app.contacts.list(actor, account_id)
    except ServiceError:
        return []


def visit_view(app: Services, actor: User, prefill: VisitPrefill, channel: str | None) -> dict[str, Any]:
    """/visit TEXT: the modal prefilled by the shared parser, its problems shown."""
    _, definition = typed_visit_form(prefill, today_for(app, actor), actor.locale)
    return form_view(definition, actor.locale, meta={"ch": channel} if channel else {})


def visit_for_account(app: Services, actor: User, account_id: int) -> dict[str, Any]:
    account = app.accounts.writable(actor, account_id)  # a forged or foreign button is refused
    form = visit.VisitForm.blank((account.id, account.name), today_for(app, actor))
    return visit.build_view(form, chain(app, actor, account.id), actor.locale)


def visit_after_account_change(app: Services, actor: User, view: dict[str, Any]) -> dict[str, Any]:
    """The same modal for the newly chosen account: its contacts, everything typed kept."""
    state = FormState(view)
    form = visit.VisitForm.from_values(state)
    contacts = chain(app, actor, form.account[0]) if form.account else []
    form.follow_account(contacts)
    return visit.build_view(form, contacts, actor.locale, channel=state.meta.get("ch"), rev=state.rev + 1)


def entry_view(
    prefill: PromisePrefill | PricePrefill | StockPrefill, loc: Locale, meta: dict[str, Any]
) -> dict[str, Any]:
    """The small modal of a quick entry that was not ready to save."""
    common: dict[str, Any] = {
        "problems": prefill.problems,
        "account_error": prefill.account_error,
        "meta": meta,
    }
    if isinstance(prefill, PromisePrefill):
        return entries.promise_view(entries.PromiseForm.from_prefill(prefill), loc, **common)
    if isinstance(prefill, PricePrefill):
        return entries.price_view(entries.PriceForm.from_prefill(prefill), loc, **common)
    return entries.stock_view(entries.StockForm.from_prefill(prefill), loc, **common)


def promise_for_account(app: Services, actor: User, account_id: int) -> dict[str, Any]:
    account = app.accounts.writable(actor, account_id)
    return entries.promise_view(entries.PromiseForm(account=(account.id, account.name)), actor.locale)


def card(commands: Commands, actor: User, account_id: int) -> dict[str, Any]:
    """The account card in a modal (from Home or a reminder), with its buttons."""
    reply = commands.account_by_id(actor, account_id)
    loc = actor.locale
    return modal(CARD, t("slack.card.title", loc), reply_blocks(reply, loc, VIEW_BLOCKS), loc)


def contacts(app: Services, actor: User, account_id: int) -> dict[str, Any]:
    """The decision chain; personal notes only where the reader may see them (the service redacts)."""
    account = account_by_id(app, account_id)
    people = app.contacts.list(actor, account_id)
    loc = actor.locale
    today = today_for(app, actor)
    lines = [contact_line(c, loc, today, show_notes=c.personal_notes is not None) for c in people]
    reply = (
        Reply(title=account.name, sections=[Section(lines=lines)])
        if lines
        else Reply.text(t("card.no_contacts", loc), title=account.name)
    )
    return modal(CONTACTS, t("action.decision_chain", loc), reply_blocks(reply, loc, VIEW_BLOCKS), loc)


def edit(app: Services, actor: User, visit_id: int, meta: dict[str, Any]) -> dict[str, Any]:
    found, account = app.visits.for_edit(actor, visit_id)
    return visit_edit.edit_view(found, account.name, actor.locale, {**meta, "v": visit_id})


def settings_for(app: Services, actor: User, meta: dict[str, Any]) -> dict[str, Any]:
    teams = app.users.teams() if actor.role is Role.ADMIN else None
    return settings.settings_view(actor, teams, actor.locale, meta)
