"""The pre-visit brief: the account card, cut to what a rep reads in the car park.

Built from ``AccountService.card`` with the rep as actor (so access rules, price deviations
and stock changes are the card's). Contacts' personal notes are left out even though the
owner may read them: a DM's text also shows in push notifications on a locked phone; the
"Open account" button shows the full card.
"""

from __future__ import annotations

from datetime import date, timedelta

from kam_bot.domain.enums import Locale
from kam_bot.handlers.insight_render import coverage_lines, record_line, stage_age_line, to_see_lines
from kam_bot.handlers.render import (
    contact_line,
    enum_label,
    price_line,
    price_text,
    quantity_text,
    stage_line,
    stock_line,
)
from kam_bot.handlers.replies import Line, Span, bold, user
from kam_bot.i18n import format_date, t
from kam_bot.jobs.notifications import AccountName, Part, PromiseItem
from kam_bot.services.accounts import AccountCard

NOT_MET_DAYS = 60
"""A decision-chain member last met more than this many days ago is pointed out ("not met yet"
already says so for one never met)."""

MAX_LINES = 8
SUMMARY_CHARS = 300


def _clip(lines: list[Line]) -> tuple[list[Line], int]:
    return lines[:MAX_LINES], max(0, len(lines) - MAX_LINES)


def _head(card: AccountCard, loc: Locale) -> list[Line]:
    lines = [stage_line(card, loc)]
    if not card.visits:
        lines.append(Line.of(t("card.no_visits", loc)))
        return lines
    v = card.visits[0]
    first: list[Span | str] = [
        bold(t("jobs.brief.last_visit", loc, date=format_date(v.visited_at.date(), loc)))
    ]
    if v.goal:
        first += [" · ", t("visit.goal", loc), " ", user(v.goal)]
    if v.goal_reached:
        first.append(f" ({enum_label('goal_reached', v.goal_reached.value, loc)})")
    lines.append(Line.of(*first))
    if v.summary:
        summary = v.summary if len(v.summary) <= SUMMARY_CHARS else v.summary[: SUMMARY_CHARS - 1] + "…"
        lines.append(Line.of(t("visit.summary", loc), " ", user(summary)))
    if v.next_step:
        lines.append(Line.of(t("visit.next_step", loc), " ", user(v.next_step)))
    return lines


def _chain(card: AccountCard, loc: Locale, today: date) -> Part:
    lines: list[Line] = []
    cutoff = today - timedelta(days=NOT_MET_DAYS)
    for view in card.contacts:
        c = view.contact
        line = contact_line(c, loc, today, show_notes=False)
        if c.last_met is not None and c.last_met < cutoff:
            line = Line(spans=[*line.spans, *Line.of(" · ", bold(t("jobs.brief.not_met", loc))).spans])
        lines.append(line)
    shown, more = _clip(lines)
    return Part(
        title=t("card.decision_chain", loc), lines=shown or [Line.of(t("card.no_contacts", loc))], more=more
    )


def _prices_and_stock(card: AccountCard, loc: Locale) -> Part:
    """The first ``MAX_LINES`` of the prices, then the stock; the rest counted, not rendered."""
    lines: list[Line] = []
    for pp in card.prices[:MAX_LINES]:
        o = pp.observation
        who = f" ({o.competitor})" if o.competitor else f" ({enum_label('price_kind', o.kind.value, loc)})"
        lines.append(price_line(o.product, price_text(o, loc), pp.deviation, loc, who))
    for sp in card.stock[: MAX_LINES - len(lines)]:
        qty = quantity_text(sp.observation, loc)
        lines.append(stock_line(sp.observation.product, qty, sp.change, loc, since=sp.previous_seen))
    shown, more = lines, len(card.prices) + len(card.stock) - len(lines)
    return Part(
        title=t("jobs.brief.prices_stock", loc),
        lines=shown or [Line.of(t("card.no_prices", loc), " ", t("card.no_stock", loc))],
        more=more,
    )


def brief_parts(card: AccountCard, loc: Locale, today: date) -> list[Part]:
    """Header (stage, last visit: goal, outcome, next step), open promises both ways, who to
    see this time (coverage rules broken, members not met recently, promise record, stage age),
    decision chain (who we have not met recently), latest prices against policy and stock."""
    a = card.account
    named = AccountName.of(a)
    parts = [Part(title=t("jobs.brief.title", loc, account=a.name), lines=_head(card, loc), keep_empty=True)]
    if card.ours:
        parts.append(Part(title=t("card.ours", loc), promises=[PromiseItem.of(p, named) for p in card.ours]))
    if card.theirs:
        parts.append(
            Part(
                title=t("card.theirs", loc),
                promises=[PromiseItem.of(p, named) for p in card.theirs],
            )
        )
    if card.insight is not None:
        ins = card.insight
        lines = [*coverage_lines(ins.coverage, loc)[:1], *to_see_lines(ins.coverage.to_see, loc)]
        lines.append(Line.of(t("insight.promise_record", loc), ": ", record_line(ins.promises, loc)))
        if ins.stage is not None:
            lines.append(stage_age_line(ins.stage, loc))
        parts.append(Part(title=t("insight.to_see", loc), lines=lines))
    parts.append(_chain(card, loc, today))
    parts.append(_prices_and_stock(card, loc))
    return parts
