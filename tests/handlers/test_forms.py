"""The neutral forms, as any platform submits them (a flat mapping, like an Adaptive Card's
``Action.Submit`` data): one definition, one check, errors on the field in the user's words."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from factories import add_price_list, seed_team

from kam_bot.bootstrap import App
from kam_bot.domain.drafts import PriceDraft
from kam_bot.domain.enums import Locale, PriceKind, PromiseDirection
from kam_bot.domain.models import Visit
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.forms.entries import PriceForm, PromiseForm, StockForm, check_entry, price_form
from kam_bot.handlers.forms.model import Field, FieldKind
from kam_bot.handlers.forms.submit import Refused, Saved, submit_entry, submit_visit
from kam_bot.handlers.forms.values import MappingValues
from kam_bot.handlers.forms.visit import VisitForm, check_visit, visit_form
from kam_bot.handlers.prefill import PricePrefill, prefill_visit
from kam_bot.i18n import t

TODAY = date(2026, 11, 23)  # the clock fixture's day


def _submitted(app: App, account_id: int, **data: Any) -> VisitForm:
    form = visit_form(VisitForm.blank((account_id, "Baosteel"), TODAY), [], Locale.EN)
    order = [f.id for f in form.items if isinstance(f, Field)]
    values = {"account": str(account_id), "visit_date": TODAY.isoformat(), "kind": "in_person", **data}
    return VisitForm.from_values(MappingValues(values, [*order, *data]))


def test_the_visit_definition_names_every_field_with_its_kind_and_limits(app: App) -> None:
    s = seed_team(app)
    prefill = prefill_visit(app, s.rep, "Baosteel met Wang Lei; we promise samples by Friday")
    form = visit_form(VisitForm.from_prefill(prefill, TODAY), prefill.contacts, Locale.ZH_HANS)
    account = form.field("account")
    assert (account.kind, account.value, account.required, account.refresh) == (
        FieldKind.ACCOUNT,
        str(s.baosteel.id),
        True,
        True,
    )
    assert form.field("visit_date").value == TODAY and form.field("visit_date").required
    chain = form.field(f"contacts:{s.baosteel.id}")
    assert chain.kind is FieldKind.MULTI_CHOICE and chain.value == (str(s.contact.id),)
    assert form.field("promise_text:0").value == "samples"
    assert form.field("promise_due:0").value == date(2026, 11, 27)
    assert {c.value for c in form.field("promise_direction:0").choices} == {"ours", "theirs"}
    assert form.field("new_contact_name:0").max_length == 200
    assert form.field("stage").groups and form.field("kind").expanded
    assert form.title == t("form.visit.title", Locale.ZH_HANS)  # in the user's language


def test_a_visit_submitted_as_plain_values_is_checked_like_the_slack_modal(app: App) -> None:
    s = seed_team(app)
    form = _submitted(
        app,
        s.baosteel.id,
        **{
            "next_visit_date": TODAY.isoformat(),
            "promise_text:0": "quote",
            "promise_due:0": (TODAY + timedelta(days=3)).isoformat(),
            "promise_text:1": "PO",
            "promise_due:1": (TODAY - timedelta(days=2)).isoformat(),
            "promise_direction:1": "theirs",
            "new_contact_title:0": "buyer",
            "prices": "widget-42 cheap",
        },
    )
    data, errors = check_visit(app, s.rep, form, "card-1")
    assert data is None
    assert errors["next_visit_date"] == "Next visit: it should come after this visit."
    assert errors["promise_due:1"].startswith("Due date:")
    assert (
        errors["new_contact_name:0"]
        == "New contact 1: name — Add the contact's name, or clear the title and role."
    )
    assert errors["prices"].startswith("Prices seen, one per line — Line 1")
    assert "promise_due:0" not in errors


def test_a_valid_visit_becomes_the_service_input_and_saves(app: App) -> None:
    s = seed_team(app)
    add_price_list(app, "widget-42", "4.00", currency="USD")
    form = _submitted(
        app,
        s.baosteel.id,
        **{
            f"contacts:{s.baosteel.id}": [str(s.contact.id)],
            "objectives": "increase_order,build_relationship",
            "next_visit_date": (TODAY + timedelta(days=7)).isoformat(),
            "promise_text:0": "quote",
            "promise_due:0": (TODAY + timedelta(days=3)).isoformat(),
            "promise_direction:0": "ours",
            "prices": "widget-42 4.20",
        },
    )
    data, errors = check_visit(app, s.rep, form, "card-2")
    assert errors == {} and data is not None
    assert data.contact_ids == [s.contact.id] and len(data.objectives) == 2
    assert data.prices[0].currency == "USD"  # the price list's, as the modal fills it
    assert data.promises[0].direction is PromiseDirection.OURS
    logged = app.visits.log(s.rep, data)
    assert logged.visit.next_visit_date == TODAY + timedelta(days=7)


def test_entry_checks_speak_the_users_language_never_pydantics(app: App) -> None:
    promise = PromiseForm.from_values(MappingValues({"text": "x" * 3001, "due": "2026-11-30"}))
    draft, errors = promise.check(Locale.EN)
    assert draft is None
    assert errors == {"account": "Choose the account.", "text": "What: at most 3,000 characters, please."}

    price = PriceForm.from_values(
        MappingValues({"account": "1", "product": "coil", "price": "0", "currency": "USD"})
    )
    assert price.check(Locale.EN)[1] == {"price": "Price: must be more than 0."}
    rival = PriceForm((1, "Baosteel"), PriceKind.COMPETITOR, "coil", "4.1", "USD")
    assert rival.check(Locale.ZH_HANS)[1] == {"competitor": "竞争对手：竞争对手价格需要填写对手名称。"}

    stock = StockForm.from_values(
        MappingValues({"account": "1", "product": "coil", "quantity": "5", "share": "120"})
    )
    assert stock.check(Locale.EN)[1] == {"share": "Our share: must be at most 100."}


def test_price_definition_for_other_platforms(app: App) -> None:
    form = price_form(PriceForm(), Locale.EN)
    assert [f.id for f in form.items if isinstance(f, Field)] == [
        "account", "kind", "product", "price", "currency", "unit", "competitor", "note",
    ]  # fmt: skip
    assert {c.value for c in form.field("kind").choices} == {k.value for k in PriceKind}
    assert form.field("price").required and form.field("price").max_length == 30
    assert form.field("currency").placeholder == "CNY"


def test_a_refused_save_names_the_field_in_the_reply(app: App) -> None:
    s = seed_team(app)
    draft = PriceDraft.model_construct(
        product="coil", price=Decimal("-1"), currency="USD", kind=PriceKind.CUSTOMER_PURCHASE
    )
    reply = Commands(app).save_price(s.rep, PricePrefill("", s.baosteel, price=draft))
    assert not reply.ok
    text = reply.plain_text()
    assert "Price: must be more than 0." in text and "greater" not in text


def test_a_checked_entry_is_saved_through_the_typed_lines_path(app: App) -> None:
    s = seed_team(app)
    values = MappingValues({"account": str(s.baosteel.id), "text": "send the quote", "due": "2026-11-30"})
    draft, errors = check_entry("promise", values, Locale.EN)
    assert errors == {} and draft is not None
    reply = Commands(app).save_entry_form(s.rep, "promise", s.baosteel.id, draft)
    assert reply.ok and "send the quote" in reply.plain_text()
    assert [a.action_id for a in reply.actions] == ["promise.cancel"]  # Undo
    assert [p.text for p in app.promises.mine(s.rep)] == ["send the quote"]
    # someone who may not write the account is refused, on the reply
    refused = Commands(app).save_entry_form(s.other_rep, "promise", s.baosteel.id, draft)
    assert not refused.ok


def test_every_bad_field_of_a_visit_comes_back_in_one_answer(app: App) -> None:
    """A bad price line, a bad stock line and a promise due before the visit: all three at once,
    not one per Submit (the stock line used to be refused only after the prices were fixed)."""
    s = seed_team(app)
    typed = {
        "prices": "widget-42 4.20 USD\nwidget-43 cheap",
        "stocks": "coil 40 cases\ncoil lots",
        "promise_text:0": "PO",
        "promise_due:0": (TODAY - timedelta(days=3)).isoformat(),
        "summary": "kept as typed",
    }
    result = submit_visit(app, s.rep, _submitted(app, s.baosteel.id, **typed), "card-3")
    assert isinstance(result, Refused)
    assert set(result.errors) == {"prices", "stocks", "promise_due:0"}
    assert result.errors["prices"].startswith("Prices seen, one per line — Line 2:")
    assert result.errors["stocks"].startswith("Stock seen, one per line — Line 2:")
    assert result.errors["promise_due:0"] == "Due date: a promise made at this visit cannot be due before it."
    with app.uow() as uow:
        assert uow.repo.count(Visit) == 0
    fixed = {
        **typed,
        "prices": "widget-42 4.20 USD\nwidget-43 3.90 USD",
        "stocks": "coil 40 cases\ncoil 12 cases",
        "promise_due:0": (TODAY + timedelta(days=3)).isoformat(),
    }
    saved = submit_visit(app, s.rep, _submitted(app, s.baosteel.id, **fixed), "card-3")
    assert isinstance(saved, Saved) and not saved.already_saved
    with app.uow() as uow:
        [visit] = uow.repo.all(Visit)
    assert saved.ids == (visit.id,) and visit.summary == "kept as typed"
    again = submit_visit(app, s.rep, _submitted(app, s.baosteel.id, **fixed), "card-3")  # a double click
    assert isinstance(again, Saved) and again.already_saved and again.ids == (visit.id,)


def test_a_quick_entry_refused_for_its_account_and_its_price_says_both_at_once(app: App) -> None:
    s = seed_team(app)
    typed_price = {"account": str(s.baosteel.id), "product": "coil", "price": "0", "currency": "USD"}
    refused = submit_entry(
        app, s.other_rep, "price", MappingValues(typed_price)
    )  # another team's rep: may not write Baosteel
    assert isinstance(refused, Refused)
    assert set(refused.errors) == {"account", "price"}
    assert refused.errors["price"] == "Price: must be more than 0."
    saved = submit_entry(app, s.rep, "price", MappingValues({**typed_price, "price": "4.20"}))
    assert isinstance(saved, Saved) and "coil" in saved.reply.plain_text()
    assert [a.action_id for a in saved.reply.actions] == ["undo.price"]  # Undo, for the id saved
    assert saved.reply.actions[0].value == str(saved.ids[0])


def test_nothing_typed_in_the_visit_form_is_lost_when_it_is_refused(app: App) -> None:
    """Every input filled, the submission refused (a promise due before the visit): the form
    shown again holds every value exactly as it was submitted."""
    s = seed_team(app)
    shown = visit_form(VisitForm.blank((s.baosteel.id, "Baosteel"), TODAY), [s.contact], Locale.EN)
    typed: dict[str, Any] = {}
    for f in (i for i in shown.items if isinstance(i, Field)):
        choices = [c.value for c in f.all_choices]
        typed[f.id] = {
            FieldKind.TEXT: f"typed in {f.id}",
            FieldKind.DATE: (TODAY - timedelta(days=1)).isoformat(),
            FieldKind.CHOICE: choices[-1] if choices else None,
            FieldKind.MULTI_CHOICE: choices,
            FieldKind.ACCOUNT: str(s.baosteel.id),
        }[f.kind]
    typed["promise_due:0"] = (TODAY - timedelta(days=3)).isoformat()
    result = submit_visit(app, s.rep, MappingValues(typed, list(typed)), "card-9")
    assert isinstance(result, Refused)
    assert {"promise_due:0", "next_visit_date", "prices", "stocks"} <= set(result.errors)
    again = visit_form(VisitForm.from_values(MappingValues(typed, list(typed))), [s.contact], Locale.EN)
    for field_id, value in typed.items():
        kept = again.field(field_id).value
        kept = kept.isoformat() if isinstance(kept, date) else list(kept) if isinstance(kept, tuple) else kept
        assert kept == value, field_id
