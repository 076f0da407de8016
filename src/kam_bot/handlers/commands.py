"""The commands every adapter offers, platform-neutral: the actor and typed text in, a Reply out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from typing import TypeVar

from pydantic import ValidationError

from kam_bot.domain.drafts import PriceDraft, PromiseDraft, StockDraft
from kam_bot.domain.enums import Locale, PromiseStatus
from kam_bot.domain.models import CompetitorNote, InventoryObservation, PriceObservation, User
from kam_bot.domain.parsing import parse_date
from kam_bot.handlers import render
from kam_bot.handlers.account_list import account_list
from kam_bot.handlers.describe import problem_line
from kam_bot.handlers.my_day import load_my_day, my_day_reply
from kam_bot.handlers.prefill import (
    PricePrefill,
    PromisePrefill,
    StockPrefill,
    VisitPrefill,
    today_for,
    validation_problems,
    visit_input,
)
from kam_bot.handlers.replies import Action, Line, Reply, Section, user
from kam_bot.i18n import format_date, t
from kam_bot.services.container import Services
from kam_bot.services.errors import InvalidInputError, ServiceError
from kam_bot.services.inputs import PriceInput, PromiseInput, StockInput

T = TypeVar("T")

UNDO_KINDS: dict[str, type[PriceObservation | InventoryObservation | CompetitorNote]] = {
    "price": PriceObservation,
    "stock": InventoryObservation,
    "competitor": CompetitorNote,
}


@dataclass
class Commands:
    app: Services

    # -- reading ------------------------------------------------------------------

    def account(self, actor: User, query: str) -> Reply:
        loc = actor.locale
        if not query.strip():
            return Reply.text(t("account.missing", loc), ok=False)
        try:
            account = self.app.accounts.resolve(query, actor)
            card = self.app.accounts.card(actor, account.id)
        except ServiceError as exc:
            return render.error_reply(exc, loc)
        return render.account_card(card, loc, today_for(self.app, actor))

    def accounts(self, actor: User, query: str = "") -> Reply:
        """``accounts [TEXT]``: my accounts, or the matches ranked, with tier, stage and last visit."""
        return account_list(self.app.accounts.listing(actor, query), query, actor.locale)

    def account_by_id(self, actor: User, account_id: int) -> Reply:
        try:
            card = self.app.accounts.card(actor, account_id)
        except ServiceError as exc:
            return render.error_reply(exc, actor.locale)
        return render.account_card(card, actor.locale, today_for(self.app, actor))

    def my_promises(self, actor: User) -> Reply:
        promises = self.app.promises.mine(actor)
        accounts = self.app.accounts.by_ids(p.account_id for p in promises)
        return render.promise_list(promises, accounts, today_for(self.app, actor), actor.locale)

    def today(self, actor: User) -> Reply:
        """My day: open promises, my accounts by staleness, planned visits."""
        return my_day_reply(load_my_day(self.app, actor))

    # -- promise actions ----------------------------------------------------------

    def promise_action(self, actor: User, action: str, promise_id: int, days: int | None = None) -> Reply:
        """``done``, ``reopen``, ``cancel``, ``snooze`` (days, default 1) on one promise."""
        loc = actor.locale
        params: dict[str, str] = {}
        try:
            settled = self.app.promises.get(actor, promise_id) if action in _SETTLED_BY else None
            if settled is not None and settled.status is _SETTLED_BY[action]:
                line = render.promise_line(settled, today_for(self.app, actor), loc)
                key = f"promise.already_{settled.status.value}"
                return Reply(sections=[Section(lines=[Line.of(t(key, loc), " ", *line.spans)])])
            if action == "done":
                promise, key, params = self.app.promises.complete(actor, promise_id), "promise.done", params
            elif action == "reopen":
                promise, key, params = self.app.promises.reopen(actor, promise_id), "promise.reopened", params
            elif action == "cancel":
                promise, key, params = (
                    self.app.promises.cancel(actor, promise_id),
                    "promise.cancelled",
                    params,
                )
            elif action == "snooze":
                promise = self.app.promises.snooze(actor, promise_id, days=days or 1)
                assert promise.snoozed_until is not None
                key, params = "promise.snoozed", {"date": format_date(promise.snoozed_until, loc)}
            else:
                raise ValueError(action)
        except ServiceError as exc:
            return render.error_reply(exc, loc)
        today = today_for(self.app, actor)
        actions = []
        if promise.status is not PromiseStatus.OPEN:
            actions.append(
                Action(action_id="promise.reopen", label=t("action.undo", loc), value=str(promise.id))
            )
        return Reply(
            sections=[
                Section(
                    lines=[
                        Line.of(t(key, loc, **params), " ", *render.promise_line(promise, today, loc).spans)
                    ]
                )
            ],
            actions=actions,
        )

    # -- saving prefills ----------------------------------------------------------

    def save_visit(self, actor: User, prefill: VisitPrefill, submission_key: str | None = None) -> Reply:
        loc = actor.locale
        result = _attempt(
            loc, lambda: self.app.visits.log(actor, visit_input(self.app, actor, prefill, submission_key))
        )
        if isinstance(result, Reply):
            return result
        return render.visit_saved(result, loc, today_for(self.app, actor))

    def save_promise(self, actor: User, prefill: PromisePrefill) -> Reply:
        loc = actor.locale
        account, p = prefill.account, prefill.promise
        assert account is not None and p is not None
        promise = _attempt(
            loc,
            lambda: self.app.promises.add(
                actor, account.id, PromiseInput(text=p.text, direction=p.direction, due_date=p.due_date)
            ),
        )
        if isinstance(promise, Reply):
            return promise
        line = render.promise_line(promise, today_for(self.app, actor), loc, account)
        return _saved(
            Line.of(t("promise.saved", loc), " ", line),
            Action(action_id="promise.cancel", label=t("action.undo", loc), value=str(promise.id)),
        )

    def save_price(self, actor: User, prefill: PricePrefill) -> Reply:
        loc = actor.locale
        account, draft = prefill.account, prefill.price
        assert account is not None and draft is not None
        result = _attempt(
            loc,
            lambda: self.app.observations.record_price(
                actor, account.id, PriceInput.model_validate(draft.model_dump())
            ),
        )
        if isinstance(result, Reply):
            return result
        obs, deviation = result
        who = f" ({obs.competitor})" if obs.competitor else ""
        line = render.price_line(obs.product, render.price_text(obs, loc), deviation, loc, who)
        return _saved(
            Line.of(t("price.saved", loc), " ", user(account.name), " · ", line),
            Action(action_id="undo.price", label=t("action.undo", loc), value=str(obs.id)),
        )

    def save_stock(self, actor: User, prefill: StockPrefill) -> Reply:
        loc = actor.locale
        account, draft = prefill.account, prefill.stock
        assert account is not None and draft is not None
        result = _attempt(
            loc,
            lambda: self.app.observations.record_stock(
                actor, account.id, StockInput.model_validate(draft.model_dump())
            ),
        )
        if isinstance(result, Reply):
            return result
        obs, change = result
        line = render.stock_line(obs.product, render.quantity_text(obs, loc), change, loc, obs.movement)
        return _saved(
            Line.of(t("stock.saved", loc), " ", user(account.name), " · ", line),
            Action(action_id="undo.stock", label=t("action.undo", loc), value=str(obs.id)),
        )

    def save_entry_form(
        self, actor: User, form_id: str, account_id: int, draft: PromiseDraft | PriceDraft | StockDraft
    ) -> Reply:
        """Save a checked quick-entry form (``handlers.forms.entries``: ``promise``, ``price`` or
        ``stock``) through the same path as the typed line."""
        try:
            account = self.app.accounts.live(account_id)
        except ServiceError as exc:
            return render.error_reply(exc, actor.locale)
        if (refusal := self.app.accounts.write_refusal(actor, account.id)) is not None:
            return render.error_reply(refusal, actor.locale)
        if isinstance(draft, PromiseDraft) and form_id == "promise":
            return self.save_promise(actor, PromisePrefill("", account, promise=draft))
        if isinstance(draft, PriceDraft) and form_id == "price":
            return self.save_price(actor, PricePrefill("", account, price=draft))
        if isinstance(draft, StockDraft) and form_id == "stock":
            return self.save_stock(actor, StockPrefill("", account, stock=draft))
        raise ValueError(f"no entry form {form_id!r} for {type(draft).__name__}")

    def undo(self, actor: User, kind: str, obs_id: int) -> Reply:
        try:
            removed = self.app.observations.undo(actor, UNDO_KINDS[kind], obs_id)
        except ServiceError as exc:
            return render.error_reply(exc, actor.locale)
        return Reply.text(t("undo.done" if removed else "undo.gone", actor.locale))

    # -- settings -----------------------------------------------------------------

    def settings(self, actor: User, text: str) -> Reply:
        """Show settings, or change one: ``tz Asia/Shanghai``, ``lang zh``, ``hour 08:00``, ``away 12/24``."""
        loc = actor.locale
        words = text.split()
        try:
            if not words:
                return self._show_settings(actor)
            key, value = words[0].lower(), " ".join(words[1:]).strip()
            if key in {"tz", "timezone", "时区"}:
                actor = self.app.users.update_settings(actor, timezone=value)
            elif key in {"lang", "language", "locale", "语言"}:
                if value.lower() not in {"en", "english", "zh", "zh-hans", "中文", "chinese"}:
                    raise InvalidInputError("settings.bad_language", field="locale", value=value)
                actor = self.app.users.update_settings(
                    actor, locale="zh-Hans" if value.lower() in {"zh", "zh-hans", "中文", "chinese"} else "en"
                )
            elif key in {"hour", "reminder", "提醒"}:
                actor = self.app.users.update_settings(actor, reminder_time=_parse_time(value))
            elif key in {"away", "休假"}:
                day = parse_date(value, today_for(self.app, actor))
                if day is None:
                    raise InvalidInputError("settings.bad_date", field="away_until", value=value)
                actor = self.app.users.update_settings(actor, away_until=day)
            elif key in {"back", "回来"}:
                actor = self.app.users.update_settings(actor, clear_away=True)
            else:
                raise InvalidInputError("settings.unknown", field="settings", value=key)
        except ServiceError as exc:
            return render.error_reply(exc, loc)
        return self._show_settings(actor)

    def _show_settings(self, actor: User) -> Reply:
        loc = actor.locale
        away = format_date(actor.away_until, loc) if actor.away_until else t("common.none", loc)
        return Reply.text(
            t(
                "settings.current",
                loc,
                tz=actor.timezone,
                lang=actor.locale.value,
                hour=actor.reminder_time.strftime("%H:%M"),
                away=away,
            ),
            t("settings.how", loc),
        )

    def help(self, actor: User) -> Reply:
        return Reply.text(*t("help.text", actor.locale).split("\n"), title=t("help.title", actor.locale))


_SETTLED_BY = {"done": PromiseStatus.DONE, "cancel": PromiseStatus.CANCELLED, "reopen": PromiseStatus.OPEN}
"""The status each action leads to: asking for it again says so instead of acting."""


def _attempt(loc: Locale, call: Callable[[], T]) -> T | Reply:
    """Run a save; invalid input or a refused service call becomes the reply saying what to fix."""
    try:
        return call()
    except ValidationError as exc:
        return Reply(
            sections=[Section(lines=[problem_line(q, loc) for q in validation_problems(exc, loc)])], ok=False
        )
    except ServiceError as exc:
        return render.error_reply(exc, loc)


def _saved(line: Line, undo: Action) -> Reply:
    return Reply(sections=[Section(lines=[line])], actions=[undo])


def _parse_time(value: str) -> time:
    text = value.strip().replace("：", ":")
    try:
        if ":" in text:
            hour, minute = text.split(":", 1)
            return time(int(hour), int(minute))
        return time(int(text), 0)
    except (ValueError, OverflowError):
        raise InvalidInputError("settings.bad_time", field="reminder_time", value=value) from None
