"""The insight rules' findings as neutral lines: the account card, the brief, the digest, the team view."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from kam_bot.domain.enums import Locale
from kam_bot.domain.insight.account import AccountInsight
from kam_bot.domain.insight.coverage import ChainMember, ChainRule, Coverage
from kam_bot.domain.insight.prices import ProductPrices
from kam_bot.domain.insight.promise_record import Record, Records
from kam_bot.domain.insight.stalls import StageAge
from kam_bot.domain.insight.thresholds import DEFAULT, Thresholds
from kam_bot.domain.models import Account
from kam_bot.handlers.render import enum_label
from kam_bot.handlers.replies import Action, Line, Part, bold, user
from kam_bot.i18n import format_date, format_money, t


def rule_names(rules: Iterable[ChainRule], loc: Locale) -> str:
    return ", ".join(t(f"insight.rule.{r.value}", loc) for r in rules)


def rate(record: Record, loc: Locale) -> str:
    value = record.rate
    return f"{round(100 * value)}%" if value is not None else t("insight.rate_na", loc)


def record_line(records: Records, loc: Locale, thresholds: Thresholds = DEFAULT) -> Line:
    o, th = records.ours, records.theirs
    return Line.of(
        t(
            "insight.record_line",
            loc,
            kept=o.kept,
            due=o.due,
            rate=rate(o, loc),
            tkept=th.kept,
            tdue=th.due,
            trate=rate(th, loc),
            days=thresholds.promise_days,
        )
    )


def coverage_lines(cov: Coverage, loc: Locale, thresholds: Thresholds = DEFAULT) -> list[Line]:
    """Rules broken (bold), then contacts met recently per role and the roles nobody holds."""
    lines = [
        Line.of(bold(rule_names(cov.rules, loc))) if cov.rules else Line.of(t("insight.coverage_ok", loc))
    ]
    met = t(
        "insight.met_recently", loc, met=cov.met_recently, contacts=cov.contacts, days=thresholds.met_days
    )
    held = [
        t(
            "insight.role_met",
            loc,
            role=enum_label("contact_role", r.role.value, loc),
            met=r.met,
            count=r.contacts,
        )
        for r in cov.roles
        if r.contacts
    ]
    lines.append(Line.of(" · ".join([met, *held])))
    if cov.missing_roles:
        roles = ", ".join(enum_label("contact_role", r.value, loc) for r in cov.missing_roles)
        lines.append(Line.of(t("insight.missing_roles", loc, roles=roles)))
    return lines


def stage_age_line(age: StageAge, loc: Locale) -> Line:
    text = t(
        "insight.stage_age",
        loc,
        stage=enum_label("procurement_stage", age.stage.value, loc),
        days=age.days,
        visits=age.visits_since,
    )
    if not age.stalled:
        return Line.of(text)
    return Line.of(text, " · ", bold(t("insight.stalled", loc)))


def card_lines(insight: AccountInsight, loc: Locale, thresholds: Thresholds = DEFAULT) -> list[Line]:
    """The card's insight section: coverage, the promise record, how long in the stage."""
    lines = coverage_lines(insight.coverage, loc, thresholds)
    lines.append(
        Line.of(t("insight.promise_record", loc), ": ", *record_line(insight.promises, loc, thresholds).spans)
    )
    if insight.stage is not None:
        lines.append(stage_age_line(insight.stage, loc))
    return lines


def to_see_lines(members: Iterable[ChainMember], loc: Locale, limit: int = 3) -> list[Line]:
    """Who to see this time: name, role, attitude, when last met."""
    lines: list[Line] = []
    for m in list(members)[:limit]:
        parts: list[Part] = [user(m.name)]
        if m.role is not None:
            parts.append(f" · {enum_label('contact_role', m.role.value, loc)}")
        if m.attitude is not None:
            parts.append(f" · {enum_label('attitude', m.attitude.value, loc)}")
        when = (
            t("insight.last_met", loc, date=format_date(m.last_met, loc))
            if m.last_met
            else t("insight.never_met", loc)
        )
        parts.append(f" · {when}")
        lines.append(Line.of(*parts))
    return lines or [Line.of(t("insight.to_see_none", loc))]


def open_actions(accounts: Iterable[Account], loc: Locale, limit: int = 5) -> list[Action]:
    """One "open" button per account (its name as the label), at most ``limit``, no repeats."""
    seen: dict[int, Account] = {}
    for a in accounts:
        seen.setdefault(a.id, a)
    return [
        Action(action_id="account.open", label=a.name[:75], value=str(a.id))
        for a in list(seen.values())[:limit]
    ]


def day_text(day: date, loc: Locale) -> str:
    return format_date(day, loc, weekday=False)


TREND_POINTS = 4
"""The latest prices of a series a trend line shows (older ones are on the digest's chart)."""


def price_trend_lines(trends: Iterable[ProductPrices], loc: Locale) -> list[Line]:
    """Per product, each series seen more than once: its latest prices with their days, and the
    price list: ``coil-7 · our invoice: 618.00 (15 Sep) → 600.00 (15 Oct) · list 620.00 USD/t``."""
    lines: list[Line] = []
    for prices in trends:
        unit = f"/{prices.unit}" if prices.unit else ""
        listed = (
            t(
                "card.price_trend.list",
                loc,
                price=format_money(prices.listed[-1][1], prices.currency, loc) + unit,
            )
            if prices.listed
            else ""
        )
        for name, points in prices.series.items():
            if len(points) < 2:
                continue
            shown = " → ".join(
                t("card.price_trend.point", loc, price=format_money(v, None, loc), day=_day(d, loc))
                for d, v in points[-TREND_POINTS:]
            )
            lines.append(
                Line.of(
                    user(prices.product),
                    " · ",
                    _series_label(name, loc),
                    t("card.price_trend.colon", loc),
                    shown,
                    listed,
                )
            )
        if prices.left_out:
            lines.append(Line.of(user(prices.product), " · ", left_out_note(prices, loc)))
    return lines


def left_out_note(prices: ProductPrices, loc: Locale) -> str:
    """Named, not dropped: the prices no rate converts to the chart's currency."""
    if not prices.left_out:
        return ""
    return t(
        "insight.chart.left_out",
        loc,
        count=sum(prices.left_out.values()),
        currencies=", ".join(sorted(prices.left_out)),
        currency=prices.currency,
    )


def _series_label(name: str, loc: Locale) -> Part:
    if name.startswith("competitor:"):
        return user(name.split(":", 1)[1])
    return enum_label("price_kind", name, loc)


def _day(d: date, loc: Locale) -> str:
    return t("insight.chart.day", loc, day=d.day, mon=t(f"insight.month.{d.month}", loc))
