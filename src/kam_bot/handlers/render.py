"""Domain results -> neutral replies, every string from the catalog, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from kam_bot.domain.enums import Locale, PromiseDirection, PromiseStatus, StockFlag
from kam_bot.domain.models import (
    Account,
    Contact,
    InventoryObservation,
    PriceObservation,
    Promise,
    User,
    Visit,
)
from kam_bot.domain.rules import InventoryChange, PriceDeviation
from kam_bot.handlers.replies import Action, Line, Part, Reply, Section, bold, user
from kam_bot.i18n import format_date, format_decimal, format_money, t
from kam_bot.i18n.formatting import format_percent
from kam_bot.services.accounts import PRICE_WEEKS, AccountCard
from kam_bot.services.errors import (
    AccountNotFoundError,
    AmbiguousAccountError,
    ReadOnlyAccountError,
    ServiceError,
)
from kam_bot.services.visits import LoggedVisit

MAX_LINES = 8


def enum_label(kind: str, value: str | None, loc: Locale) -> str:
    """The catalog's label for an enum value (``enum.tier.A``), or the value itself."""
    if value is None:
        return t("common.none", loc)
    try:
        return t(f"enum.{kind}.{value}", loc)
    except KeyError:
        return value.replace("_", " ")


def due_phrase(due: date, today: date, loc: Locale) -> str:
    days = (due - today).days
    if days == 0:
        return t("promise.due_today", loc)
    if days < 0:
        return t("promise.overdue_days", loc, days=-days)
    return t("promise.due_on", loc, date=format_date(due, loc))


class Named(Protocol):
    """What a promise line reads of its account: an ``Account``, or a notification's ``AccountName``."""

    @property
    def name(self) -> str: ...


class Shown(Protocol):
    """What a promise line and its buttons read of the promise: a ``Promise``, or what a
    notification keeps of one (``notifications.ListedPromise``)."""

    @property
    def id(self) -> int: ...
    @property
    def account_id(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def due_date(self) -> date: ...
    @property
    def status(self) -> PromiseStatus: ...
    @property
    def snoozed_until(self) -> date | None: ...


def promise_line(p: Shown, today: date, loc: Locale, account: Named | None = None) -> Line:
    parts: list[Part] = [bold(f"#{p.id}"), " "]
    if account is not None:
        parts += [user(account.name), " · "]
    parts += [user(p.text), f" — {due_phrase(p.due_date, today, loc)}"]
    if p.snoozed_until and p.snoozed_until > today:
        parts.append(" " + t("promise.snoozed_until", loc, date=format_date(p.snoozed_until, loc)))
    if p.status.value != "open":
        parts.append(f" ({enum_label('promise_status', p.status.value, loc)})")
    return Line.of(*parts)


def promise_actions(p: Shown, loc: Locale) -> list[Action]:
    v = str(p.id)
    return [
        Action(action_id="promise.done", label=t("action.done", loc), value=v, style="primary"),
        Action(action_id="promise.snooze_1", label=t("action.snooze_1", loc), value=v),
        Action(action_id="promise.snooze_3", label=t("action.snooze_3", loc), value=v),
        Action(action_id="promise.snooze_7", label=t("action.snooze_7", loc), value=v),
        Action(action_id="account.open", label=t("action.open_account", loc), value=str(p.account_id)),
    ]


def _clip(lines: list[Line], limit: int = MAX_LINES) -> tuple[list[Line], int]:
    return lines[:limit], max(0, len(lines) - limit)


def price_text(obs: PriceObservation, loc: Locale) -> str:
    """``4.20 USD/kg``."""
    return format_money(obs.price, obs.currency, loc) + (f"/{obs.unit}" if obs.unit else "")


def quantity_text(obs: InventoryObservation, loc: Locale) -> str:
    """``120 cases``."""
    return format_decimal(obs.quantity, loc) + (f" {obs.unit}" if obs.unit else "")


def price_line(
    obs_product: str, price_text: str, deviation: PriceDeviation | None, loc: Locale, who: str
) -> Line:
    parts: list[Part] = [user(obs_product), f" {price_text}", who]
    if deviation is not None:
        parts.append(" " + deviation_text(deviation, loc))
    return Line.of(*parts)


def deviation_text(deviation: PriceDeviation, loc: Locale) -> str:
    """``(+5.0% vs list 4.00)``; with the list's currency and unit when the price was converted to
    compare, and ``not comparable`` (and why) when it could not be."""
    listed = format_money(deviation.list_price, None, loc)
    if deviation.converted or deviation.not_comparable:
        unit = f"/{deviation.list_unit}" if deviation.list_unit else ""
        listed = f"{format_money(deviation.list_price, deviation.list_currency, loc)}{unit}"
    if deviation.not_comparable:
        return t(f"price.not_comparable.{deviation.not_comparable}", loc, list=listed)
    key = "price.off_policy" if deviation.flagged else "price.on_policy"
    return t(key, loc, pct=format_percent(deviation.ratio, loc), list=listed)


def stock_line(
    product: str,
    qty: str,
    change: InventoryChange,
    loc: Locale,
    movement: str | None = None,
    since: date | None = None,
) -> Line:
    """``since``: the day of the earlier count, named instead of "since last time"."""
    parts: list[Part] = [user(product), f" {qty}"]
    if movement:
        parts.append(f" · {enum_label('movement', movement, loc)}")
    if change.unit_changed_from is not None:
        was_qty, was_unit = change.unit_changed_from
        text = t("stock.unit_changed", loc, was=format_decimal(was_qty, loc), unit="\0")
        before, _, after = text.partition("\0")  # the unit as typed is user text
        parts += [" " + before, user(was_unit), after]
    elif change.delta is not None:
        sign = "+" if change.delta > 0 else ""
        delta = f"{sign}{format_decimal(change.delta, loc)}"
        if since is not None and change.previous is not None:
            was = format_decimal(change.previous, loc)
            day = format_date(since, loc, weekday=False)
            parts.append(" " + t("stock.change_since", loc, delta=delta, date=day, was=was))
        else:
            parts.append(" " + t("stock.change", loc, delta=delta))
    if change.flag is StockFlag.STOCK_OUT:
        parts.append(" " + t("stock.stock_out", loc))
    elif change.flag is StockFlag.OVERSTOCK:
        parts.append(" " + t("stock.overstock", loc))
    return Line.of(*parts)


def contact_line(c: Contact, loc: Locale, today: date, show_notes: bool) -> Line:
    parts: list[Part] = [user(c.name)]
    if c.title:
        parts += [" (", user(c.title), ")"]
    if c.role:
        parts.append(f" · {enum_label('contact_role', c.role.value, loc)}")
    if c.attitude:
        parts.append(f" · {enum_label('attitude', c.attitude.value, loc)}")
    parts.append(
        " · "
        + (
            t("contact.last_met", loc, date=format_date(c.last_met, loc))
            if c.last_met
            else t("contact.never_met", loc)
        )
    )
    if show_notes and c.personal_notes:
        parts += [" · ", t("contact.notes", loc), " ", user(c.personal_notes)]
    return Line.of(*parts)


def stage_line(card: AccountCard, loc: Locale) -> Line:
    """Where the account stands: tier · funnel stage · procurement stage · priority."""
    a = card.account
    return Line.of(
        t("card.tier", loc, tier=a.tier.value),
        " · ",
        t("card.funnel", loc, stage=enum_label("funnel_stage", a.funnel_stage.value, loc)),
        " · ",
        t(
            "card.procurement",
            loc,
            stage=enum_label(
                "procurement_stage", a.procurement_stage.value if a.procurement_stage else None, loc
            ),
        ),
        " · ",
        t("card.priority", loc, priority=enum_label("priority", card.priority.value, loc)),
    )


def account_card(card: AccountCard, loc: Locale, today: date) -> Reply:
    """The account card: who and when, the decision chain, coverage, promises both ways, the
    last visits, prices (and their trend), stock and the stage moves; a part with nothing to
    show says so, except the trend and the moves, which are left out."""
    from kam_bot.handlers.insight_render import card_lines  # it builds on this module's helpers

    sections = [Section(lines=_card_head(card, loc))]
    contacts = [contact_line(cv.contact, loc, today, cv.notes_visible) for cv in card.contacts]
    sections.append(_listed(t("card.decision_chain", loc), contacts, t("card.no_contacts", loc)))
    if card.insight is not None:
        sections.append(Section(title=t("insight.coverage", loc), lines=card_lines(card.insight, loc)))
    for title_key, promises in (("card.ours", card.ours), ("card.theirs", card.theirs)):
        lines = [promise_line(p, today, loc) for p in promises]
        sections.append(_listed(t(title_key, loc), lines, t("card.no_promises", loc)))
    visits = [_visit_summary(v, loc) for v in card.visits]
    sections.append(_listed(t("card.last_visits", loc), visits, t("card.no_visits", loc), clip=False))
    sections += _price_sections(card, loc)
    sections.append(_listed(t("card.stock", loc), _stock_lines(card, loc), t("card.no_stock", loc)))
    if card.stage_history:
        sections.append(Section(title=t("card.stage_moves", loc), lines=_stage_moves(card, loc)))
    a = card.account
    actions = [
        Action(action_id="visit.start", label=t("action.log_visit", loc), value=str(a.id), style="primary"),
        Action(action_id="promise.start", label=t("action.add_promise", loc), value=str(a.id)),
        Action(action_id="account.contacts", label=t("action.decision_chain", loc), value=str(a.id)),
    ]
    return Reply(title=a.name, sections=sections, actions=actions if card.can_write else actions[2:])


def _listed(title: str, lines: list[Line], empty: str, *, clip: bool = True) -> Section:
    """A titled list, clipped to what a message shows; ``empty`` when there is nothing."""
    shown, more = _clip(lines) if clip else (lines, 0)
    return Section(title=title, lines=shown or [Line.of(empty)], more=more)


def _card_head(card: AccountCard, loc: Locale) -> list[Line]:
    last = (
        t("card.last_visit", loc, date=format_date(card.last_visit_at.date(), loc))
        if card.last_visit_at
        else t("card.never_visited", loc)
    )
    cadence = (
        t("card.overdue", loc, days=card.days_overdue)
        if card.days_overdue
        else t("card.cadence_ok", loc, days=card.cadence_days)
    )
    owner = user(card.owner.display_name if card.owner else "—")
    head = [stage_line(card, loc), Line.of(t("card.owner", loc), " ", owner, " · ", last, " · " + cadence)]
    if card.next_visit:
        head.append(Line.of(t("card.next_visit", loc, date=format_date(card.next_visit, loc))))
    if card.account.aliases:
        head.append(Line.of(t("card.aliases", loc), " ", user(", ".join(card.account.aliases))))
    return head


def _visit_summary(v: Visit, loc: Locale) -> Line:
    parts: list[Part] = [bold(format_date(v.visited_at.date(), loc))]
    if v.goal:
        parts += [" · ", t("visit.goal", loc), " ", user(v.goal)]
    if v.goal_reached:
        parts.append(f" ({enum_label('goal_reached', v.goal_reached.value, loc)})")
    if v.next_step:
        parts += [" · ", t("visit.next_step", loc), " ", user(v.next_step)]
    return Line.of(*parts)


def _price_sections(card: AccountCard, loc: Locale) -> list[Section]:
    from kam_bot.handlers.insight_render import price_trend_lines

    def who(obs: PriceObservation) -> str:
        return (
            f" ({obs.competitor})"
            if obs.competitor
            else f" ({enum_label('price_kind', obs.kind.value, loc)})"
        )

    prices = [
        price_line(
            pp.observation.product, price_text(pp.observation, loc), pp.deviation, loc, who(pp.observation)
        )
        for pp in card.prices
    ]
    sections = [_listed(t("card.prices", loc), prices, t("card.no_prices", loc))]
    trend, more = _clip(price_trend_lines(card.price_trends, loc))
    if trend:
        sections.append(Section(title=t("card.price_trend", loc, weeks=PRICE_WEEKS), lines=trend, more=more))
    return sections


def _stock_lines(card: AccountCard, loc: Locale) -> list[Line]:
    return [
        stock_line(
            sp.observation.product,
            quantity_text(sp.observation, loc),
            sp.change,
            loc,
            sp.observation.movement,
            sp.previous_seen,
        )
        for sp in card.stock
    ]


def _stage_moves(card: AccountCard, loc: Locale) -> list[Line]:
    def stage(kind: str, value: str | None) -> str:
        return enum_label(f"{kind}_stage", value, loc)

    return [
        Line.of(
            format_date(s.changed_at.date(), loc, weekday=False),
            " ",
            f"{stage(s.kind.value, s.from_stage)} → {stage(s.kind.value, s.to_stage)}",
        )
        for s in card.stage_history[-3:]
    ]


def promise_list(
    promises: Sequence[Promise], accounts: dict[int, Account], today: date, loc: Locale
) -> Reply:
    if not promises:
        return Reply.text(t("promises.none", loc))
    sections = []
    for direction, key in ((PromiseDirection.OURS, "card.ours"), (PromiseDirection.THEIRS, "card.theirs")):
        mine = [p for p in promises if p.direction is direction]
        if mine:
            lines, more = _clip([promise_line(p, today, loc, accounts.get(p.account_id)) for p in mine], 20)
            sections.append(Section(title=t(key, loc), lines=lines, more=more))
    return Reply(title=t("promises.title", loc), sections=sections)


def visit_saved(result: LoggedVisit, loc: Locale, today: date) -> Reply:
    v = result.visit
    key = "visit.already_saved" if result.already_saved else "visit.saved"
    lines = [Line.of(t(key, loc, date=format_date(v.visited_at.date(), loc)), " ", user(result.account.name))]
    if v.goal:
        lines.append(
            Line.of(
                t("visit.goal", loc),
                " ",
                user(v.goal),
                f" ({enum_label('goal_reached', v.goal_reached.value, loc)})" if v.goal_reached else "",
            )
        )
    for p in result.promises:
        lines.append(
            Line.of("• ", t(f"promise.direction.{p.direction.value}", loc), " ", promise_line(p, today, loc))
        )
    for obs, dev in result.prices:
        lines.append(
            Line.of(
                "• ",
                price_line(
                    obs.product,
                    price_text(obs, loc),
                    dev,
                    loc,
                    f" ({obs.competitor})" if obs.competitor else "",
                ),
            )
        )
    for stock, change in result.stocks:
        qty = quantity_text(stock, loc)
        lines.append(Line.of("• ", stock_line(stock.product, qty, change, loc, stock.movement)))
    for note in result.competitor_notes:
        lines.append(Line.of("• ", user(note.competitor), ": ", user(note.text)))
    for c in result.new_contacts:
        lines.append(Line.of("• ", t("visit.new_contact", loc), " ", user(c.name)))
    if result.stage_change:
        s = result.stage_change
        lines.append(
            Line.of(
                "• ", t("visit.stage_moved", loc, stage=enum_label(f"{s.kind.value}_stage", s.to_stage, loc))
            )
        )
    if v.summary:
        lines.append(Line.of(t("visit.summary", loc), " ", user(v.summary)))
    if v.next_visit_date:
        lines.append(Line.of(t("visit.next_visit", loc, date=format_date(v.next_visit_date, loc))))
    return Reply(
        sections=[Section(lines=lines)],
        actions=[
            Action(action_id="visit.edit", label=t("action.edit", loc), value=str(v.id)),
            Action(action_id="undo.visit", label=t("action.undo", loc), value=str(v.id)),
        ],
    )


def error_reply(exc: ServiceError, loc: Locale) -> Reply:
    if isinstance(exc, AmbiguousAccountError | AccountNotFoundError | ReadOnlyAccountError):
        lines = [Line.of(t(exc.message, loc), " “", user(exc.query), "”")]
        if exc.suggestions:
            lines.append(Line.of(t("account.did_you_mean", loc)))
            lines += [Line.of("• ", user(name)) for _, name in exc.suggestions]
        lines.append(Line.of(t("accounts.find_hint", loc)))
        return Reply(sections=[Section(lines=lines)], ok=False)
    return Reply.text(t(exc.message, loc, **{k: _fmt(v) for k, v in exc.params.items()}), ok=False)


def _fmt(value: object) -> object:
    return ", ".join(map(str, value)) if isinstance(value, list | tuple) else value


def user_locale(u: User) -> Locale:
    return u.locale
