"""The commands every adapter offers, platform-neutral: the actor and typed text in, a Reply out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from kam_bot.domain.drafts import PriceDraft, PromiseDraft, StockDraft
from kam_bot.domain.enums import PromiseStatus
from kam_bot.domain.models import CompetitorNote, InventoryObservation, PriceObservation, User
from kam_bot.domain.parsing import parse_date
from kam_bot.handlers import render
from kam_bot.handlers.account_list import account_list
from kam_bot.handlers.calendar import day_off_note
from kam_bot.handlers.forms.entries import PRICE, PROMISE, STOCK, PriceForm, PromiseForm, StockForm
from kam_bot.handlers.forms.submit import submit_entry, submit_visit
from kam_bot.handlers.forms.visit import VisitForm
from kam_bot.handlers.my_day import load_my_day, my_day_reply
from kam_bot.handlers.prefill import PricePrefill, PromisePrefill, StockPrefill, VisitPrefill, today_for
from kam_bot.handlers.replies import Action, Line, Reply, Section, user
from kam_bot.handlers.team_settings import team_settings
from kam_bot.i18n import format_date, t
from kam_bot.services.container import Services
from kam_bot.services.errors import (
    AccountNotFoundError,
    AmbiguousAccountError,
    InvalidInputError,
    ServiceError,
)
from kam_bot.services.undo import UNDO_WINDOW

UNDO_MINUTES = int(UNDO_WINDOW.total_seconds() // 60)

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
        """The card of the account ``query`` names; when unsure, the candidates as buttons."""
        loc = actor.locale
        if not query.strip():
            return Reply.text(t("account.missing", loc), ok=False)
        try:
            account = self.app.accounts.resolve(query, actor)
        except (AmbiguousAccountError, AccountNotFoundError) as exc:
            reply = render.error_reply(exc, loc)
            reply.actions = [
                Action(action_id="account.open", label=name, value=str(aid)) for aid, name in exc.suggestions
            ]
            return reply
        except ServiceError as exc:
            return render.error_reply(exc, loc)
        return self.account_by_id(actor, account.id)

    def new_account(self, actor: User, name: str) -> Reply:
        """``account new NAME``: a prospect owned by the actor, in their team, with the tier's
        defaults (tier B, its visit cadence)."""
        loc = actor.locale
        try:
            account = self.app.accounts.create(actor, name=name)
        except ServiceError as exc:
            return render.error_reply(exc, loc)
        line = Line.of(t("account.created", loc), " ", user(account.name))
        hint = Line.of(t("account.created_next", loc, name=account.name))
        return Reply(
            sections=[Section(lines=[line, hint])],
            actions=[
                Action(action_id="account.open", label=t("action.open_account", loc), value=str(account.id))
            ],
        )

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
        """The confirmed prefill saved through the visit form's one submit (``submit_visit``)."""
        form = VisitForm.from_prefill(prefill, today_for(self.app, actor), fit=False)
        return submit_visit(self.app, actor, form, submission_key).reply

    def save_promise(self, actor: User, prefill: PromisePrefill) -> Reply:
        reply = submit_entry(self.app, actor, PROMISE, PromiseForm.from_prefill(prefill)).reply
        due = prefill.promise.due_date if prefill.promise else None
        if reply.ok and (off := day_off_note(prefill.calendar, due, actor.locale)) and reply.sections:
            first = reply.sections[0]
            first.lines[0] = Line.of(first.lines[0], off)  # "… — due Thu 26 Nov (a day off: …)"
        return reply

    def save_price(self, actor: User, prefill: PricePrefill) -> Reply:
        return submit_entry(self.app, actor, PRICE, PriceForm.from_prefill(prefill)).reply

    def save_stock(self, actor: User, prefill: StockPrefill) -> Reply:
        return submit_entry(self.app, actor, STOCK, StockForm.from_prefill(prefill)).reply

    def save_entry_form(
        self, actor: User, form_id: str, account_id: int, draft: PromiseDraft | PriceDraft | StockDraft
    ) -> Reply:
        """Save a checked quick-entry draft (``promise``, ``price`` or ``stock``) through the same
        submit as the typed line."""
        try:
            account = self.app.accounts.live(account_id)
        except ServiceError as exc:
            return render.error_reply(exc, actor.locale)
        if isinstance(draft, PromiseDraft) and form_id == PROMISE:
            return self.save_promise(actor, PromisePrefill("", account, promise=draft))
        if isinstance(draft, PriceDraft) and form_id == PRICE:
            return self.save_price(actor, PricePrefill("", account, price=draft))
        if isinstance(draft, StockDraft) and form_id == STOCK:
            return self.save_stock(actor, StockPrefill("", account, stock=draft))
        raise ValueError(f"no entry form {form_id!r} for {type(draft).__name__}")

    def undo(self, actor: User, kind: str, item_id: int) -> Reply:
        """Undo one save: ``visit`` (with all it recorded), ``promise`` (cancelled), ``price``,
        ``stock`` or ``competitor`` (removed)."""
        loc = actor.locale
        try:
            if kind == "visit":
                return self._undo_visit(actor, item_id)
            if kind == "promise":
                return self.promise_action(actor, "cancel", item_id)
            removed = self.app.observations.undo(actor, UNDO_KINDS[kind], item_id)
        except ServiceError as exc:
            return render.error_reply(exc, loc)
        return Reply.text(t("undo.done" if removed else "undo.gone", loc))

    def undo_last(self, actor: User) -> Reply:
        """``undo`` alone: the actor's newest save within the undo window."""
        last = self.app.undo.last(actor)
        if last is None:
            return Reply.text(t("undo.nothing", actor.locale, minutes=UNDO_MINUTES), ok=False)
        return self.undo(actor, *last)

    def _undo_visit(self, actor: User, visit_id: int) -> Reply:
        loc = actor.locale
        undone = self.app.undo.visit(actor, visit_id)
        if undone is None:
            return Reply.text(t("undo.gone", loc))
        day = format_date(undone.visit.visited_at.date(), loc)
        line = t("undo.visit", loc, date=day, promises=undone.promises, observations=undone.observations)
        return Reply(sections=[Section(lines=[Line.of(line, " ", user(undone.account.name))])])

    # -- settings -----------------------------------------------------------------

    def settings(self, actor: User, text: str) -> Reply:
        """Show settings, or change one: ``tz Asia/Shanghai``, ``lang zh``, ``hour 08:00``, ``away 12/24``;
        ``team [NAME …]``: a team's settings (admins, ``handlers.team_settings``)."""
        loc = actor.locale
        words = text.split()
        try:
            if not words:
                return self._show_settings(actor)
            key, value = words[0].lower(), " ".join(words[1:]).strip()
            if key in {"team", "团队"}:
                return team_settings(self.app, actor, value)
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


_SETTLED_BY = {"done": PromiseStatus.DONE, "cancel": PromiseStatus.CANCELLED, "reopen": PromiseStatus.OPEN}
"""The status each action leads to: asking for it again says so instead of acting."""


def _parse_time(value: str) -> time:
    text = value.strip().replace("：", ":")
    try:
        if ":" in text:
            hour, minute = text.split(":", 1)
            return time(int(hour), int(minute))
        return time(int(text), 0)
    except (ValueError, OverflowError):
        raise InvalidInputError("settings.bad_time", field="reminder_time", value=value) from None
