"""The digest's charts as data (``ChartSpec``), every text in the team's language:

- visits per rep per week (the last 8 weeks);
- promises kept on time per rep, ours and the customer's (last ``promise_days``);
- the intention x power grid, each account a point sized by tier, coloured by owner;
- the price trend of each product off policy this week (up to ``digest_insight.MAX_TRENDS``).

Dates on an axis carry the year on the first label and wherever it changes.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from kam_bot.domain import rules
from kam_bot.domain.enums import Intention, Locale, Power, Priority
from kam_bot.domain.insight.prices import ProductPrices
from kam_bot.domain.insight.promise_record import Record
from kam_bot.domain.models import Account
from kam_bot.handlers.insight_render import left_out_note
from kam_bot.handlers.render import enum_label
from kam_bot.i18n import t
from kam_bot.jobs.digest import DigestData
from kam_bot.jobs.notifications import ChartPoint, ChartSpec, ChartZone
from kam_bot.jobs.planning import iso_week

POWER_AXIS: tuple[Power | None, ...] = (None, Power.NOT_NOW, Power.WEAK, Power.STRONG)
INTENTION_AXIS: tuple[Intention | None, ...] = (None, Intention.NONE, Intention.UNCLEAR, Intention.CLEAR)
MAX_LABEL = 16
TIER_SIZES = {"A": 520.0, "B": 260.0, "C": 110.0}
"""Point areas on the grid (matplotlib ``s``, points squared) by tier."""


def day_labels(days: list[date], loc: Locale) -> list[str]:
    """``5 Oct`` / ``10月5日``, with the year under the first and wherever the year changes."""
    out: list[str] = []
    year: int | None = None
    for d in days:
        text = t("insight.chart.day", loc, day=d.day, mon=t(f"insight.month.{d.month}", loc))
        if d.year != year:
            text += "\n" + t("insight.chart.year", loc, year=d.year)
            year = d.year
        out.append(text)
    return out


def rep_labels(data: DigestData) -> dict[int, str]:
    """Each rep's name on a chart, one line per rep: two reps of one name are told apart by a
    number in the order of their ids ("Wang Wei", "Wang Wei (2)"), the same every week."""
    labels: dict[int, str] = {}
    seen: dict[str, int] = {}
    for user in sorted((f.user for f in data.reps), key=lambda u: u.id):
        n = seen[user.display_name.casefold()] = seen.get(user.display_name.casefold(), 0) + 1
        labels[user.id] = user.display_name if n == 1 else f"{user.display_name} ({n})"
    return labels


def visits_chart(data: DigestData, loc: Locale) -> ChartSpec:
    names = rep_labels(data)
    series: dict[str, list[float | None]] = {
        names[rid]: [float(c) for c in counts] for rid, counts in data.weekly_visits.items() if rid in names
    }
    for name in names.values():
        series.setdefault(name, [0.0] * len(data.weeks))
    in_progress = data.as_of < data.end and data.weeks and data.weeks[-1] == data.week
    return ChartSpec(
        title=t("jobs.chart.title", loc, team=data.team.name),
        filename=f"visits-{iso_week(data.week)}.png",
        labels=day_labels(data.weeks, loc),
        series=dict(sorted(series.items(), key=lambda kv: kv[0].casefold())),
        y_label=t("jobs.chart.y_label", loc),
        x_label=t("insight.chart.week", loc),
        in_progress=len(data.weeks) - 1 if in_progress else None,
        in_progress_label=t("insight.chart.in_progress", loc) if in_progress else "",
    )


def record_chart(data: DigestData, loc: Locale) -> ChartSpec | None:
    ins = data.insight
    if ins is None or not ins.records:
        return None
    reps = [f.user for f in data.reps if f.user.id in ins.records]
    names = rep_labels(data)

    def pct(value: float | None) -> float | None:
        return None if value is None else round(100 * value)

    def text(record: Record) -> str:
        """``50%`` over ``2 of 4``: a rate means little without how many promises it counts."""
        if not record.due:
            return "–"
        kept = t("insight.chart.kept_of", loc, kept=record.kept, due=record.due)
        return f"{pct(record.rate):.0f}%\n{kept}"

    ours, theirs = t("insight.chart.ours", loc), t("insight.chart.theirs", loc)
    return ChartSpec(
        title=t("insight.chart.record_title", loc, team=data.team.name, days=ins.thresholds.promise_days),
        filename=f"promises-{iso_week(data.week)}.png",
        labels=[names[r.id] for r in reps],
        series={
            ours: [pct(ins.records[r.id].ours.rate) for r in reps],
            theirs: [pct(ins.records[r.id].theirs.rate) for r in reps],
        },
        bar_texts={
            ours: [text(ins.records[r.id].ours) for r in reps],
            theirs: [text(ins.records[r.id].theirs) for r in reps],
        },
        y_label=t("insight.chart.record_y", loc),
        x_label=t("insight.chart.rep", loc),
        y_max=100,
        value_suffix="%",
    )


def grid_chart(data: DigestData, loc: Locale) -> ChartSpec | None:
    ins = data.insight
    if ins is None or not ins.placements:
        return None
    owners = rep_labels(data)
    cells: dict[tuple[int, int], int] = {}
    points: list[ChartPoint] = []
    for p in sorted(ins.placements, key=lambda p: (p.account.tier.value, p.account.name.casefold())):
        a = p.account
        cell = (POWER_AXIS.index(a.power), INTENTION_AXIS.index(a.intention))
        k = cells[cell] = cells.get(cell, -1) + 1
        offset = ((k % 3) - 1) * 0.25, -(k // 3) * 0.3  # side by side, then a row lower
        points.append(
            ChartPoint(
                x=grid_position(cell[0]) + offset[0],
                y=grid_position(cell[1]) + offset[1],
                size=TIER_SIZES[a.tier.value],
                label=_short(a, loc),
                group=owners.get(a.owner_id or 0, "—"),
                label_below=k % 2 == 1,
            )
        )
    unknown = t("insight.chart.unknown", loc)
    return ChartSpec(
        kind="grid",
        title=t("insight.chart.grid_title", loc, team=data.team.name),
        filename=f"priority-grid-{iso_week(data.week)}.png",
        x_categories=[enum_label("power", v.value, loc) if v else unknown for v in POWER_AXIS],
        y_categories=[enum_label("intention", v.value, loc) if v else unknown for v in INTENTION_AXIS],
        points=points,
        x_label=t("insight.chart.power", loc),
        y_label=t("insight.chart.intention", loc),
        x_ticks=[grid_position(i) for i in range(len(POWER_AXIS))],
        y_ticks=[grid_position(i) for i in range(len(INTENTION_AXIS))],
        zones=grid_zones(loc),
    )


UNKNOWN_GAP = 0.5
"""How far "unknown" (index 0 on both axes) stands apart from the ranked values."""
ZONE_COLOURS = {
    Priority.FOCUS: "#CDEBDD",
    Priority.NURTURE: "#D6ECF8",
    Priority.PARK: "#F8E6C2",
    Priority.MONITOR: "#EBEBEB",
}
UNKNOWN_COLOUR = "#F7F7F7"


def grid_position(index: int) -> float:
    """Where a grid category sits: "unknown" first, then a gap, then the ranked values in order."""
    return float(index) + (UNKNOWN_GAP if index else 0.0)


def _span(first: int, last: int) -> tuple[float, float]:
    return grid_position(first) - 0.5, grid_position(last) + 0.5


def grid_zones(loc: Locale) -> list[ChartZone]:
    """The priority zones of seed 002's grid (``rules.priority``) over the ranked cells, and the
    "unknown" margin shaded apart: an account there has no priority yet, not a low one."""
    ranked, top = len(POWER_AXIS) - 1, len(INTENTION_AXIS) - 1
    clear = INTENTION_AXIS.index(Intention.CLEAR)
    zones = [
        ChartZone(x0=_span(0, 0)[0], x1=_span(0, 0)[1], y0=_span(0, top)[0], y1=_span(0, top)[1],
                  colour=UNKNOWN_COLOUR),
        ChartZone(x0=_span(1, ranked)[0], x1=_span(1, ranked)[1], y0=_span(0, 0)[0], y1=_span(0, 0)[1],
                  colour=UNKNOWN_COLOUR),
    ]  # fmt: skip
    for power in (Power.STRONG, Power.WEAK, Power.NOT_NOW):
        x = POWER_AXIS.index(power)
        zone = rules.priority(Intention.CLEAR, power)
        zones.append(_zone(zone, _span(x, x), _span(clear, clear), loc))
    zones.append(_zone(Priority.MONITOR, _span(1, ranked), _span(1, clear - 1), loc))
    return zones


def _zone(priority: Priority, xs: tuple[float, float], ys: tuple[float, float], loc: Locale) -> ChartZone:
    label = enum_label("priority", priority.value, loc)
    return ChartZone(x0=xs[0], x1=xs[1], y0=ys[0], y1=ys[1], label=label, colour=ZONE_COLOURS[priority])


_CJK = re.compile("[\u3400-\u9fff]")
"""A CJK ideograph: one regex scan per name (the grid labels every live account of the team)."""


def _has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def _short(a: Account, loc: Locale) -> str:
    """The shortest of the name and aliases; in English one without Chinese characters if any
    (Baosteel, not 宝钢, on an English chart)."""
    names = [a.name, *a.aliases]
    if loc is not Locale.ZH_HANS:
        names = [n for n in names if not _has_cjk(n)] or names
    name = min(names, key=len)
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"


def price_chart(
    account: Account, prices: ProductPrices, week: date, loc: Locale, n: int, band: Decimal = Decimal(0)
) -> ChartSpec:
    """``band``: the policy's tolerance around the list price (``PRICE_DEVIATION_THRESHOLD``)."""
    days = sorted({d for points in prices.series.values() for d, _ in points} | {d for d, _ in prices.listed})
    series: dict[str, list[float | None]] = {}
    for name, points in prices.series.items():
        by_day = {d: float(v) for d, v in points}
        label = (
            name.split(":", 1)[1] if name.startswith("competitor:") else enum_label("price_kind", name, loc)
        )
        series[label] = [by_day.get(d) for d in days]
    listed = {d: float(v) for d, v in prices.listed}
    ticks = days if len(days) <= 6 else days[:: max(1, len(days) // 5)]
    return ChartSpec(
        kind="lines",
        title=t("insight.chart.price_title", loc, account=_short(account, loc), product=prices.product),
        filename=f"price-{n}-{iso_week(week)}.png",
        days=days,
        series=series,
        reference=[listed.get(d) for d in days],
        reference_label=t("insight.chart.price_list", loc),
        tick_days=ticks,
        labels=day_labels(ticks, loc),
        y_label=t(
            "insight.chart.price_y",
            loc,
            currency=prices.currency + (f"/{prices.unit}" if prices.unit else ""),
        ),
        x_label=t("insight.chart.date", loc),
        note=left_out_note(prices, loc),
        band=float(band),
        band_label=t("insight.chart.policy_band", loc, pct=f"{float(band) * 100:g}%") if band else "",
    )


def digest_charts(data: DigestData, loc: Locale) -> list[ChartSpec]:
    """Visits first (the chart every digest has), then the others that have something to show."""
    charts = [visits_chart(data, loc), record_chart(data, loc), grid_chart(data, loc)]
    if data.insight is not None:
        charts += [
            price_chart(a, p, data.week, loc, i + 1, data.price_threshold)
            for i, (a, p) in enumerate(data.insight.trends)
        ]
    return [c for c in charts if c is not None]
