"""The weekly digest as a message: figures (``digest``) -> a ``Notification`` with its chart."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, TypeVar

from kam_bot.domain.enums import Locale
from kam_bot.domain.models import Account, CompetitorNote, InventoryObservation, PriceObservation, StageChange
from kam_bot.domain.rules import InventoryChange, PriceDeviation
from kam_bot.handlers.insight_render import open_actions
from kam_bot.handlers.render import enum_label, price_line, stock_line
from kam_bot.handlers.replies import Line, bold, user
from kam_bot.i18n import format_date, format_decimal, format_money, t
from kam_bot.jobs.digest import KIND, DigestData, RepFigures
from kam_bot.jobs.digest_charts import digest_charts, visits_chart
from kam_bot.jobs.digest_insight_render import insight_parts
from kam_bot.jobs.notifications import ChartSpec, Notification, Part
from kam_bot.jobs.planning import iso_week, local_date

MAX_LINES = 10
X = TypeVar("X")


def _pct(part: int, whole: int, loc: Locale) -> str:
    return f"{round(100 * part / whole)}%" if whole else t("jobs.digest.rate_na", loc)


def _clip(title: str, lines: list[Line]) -> Part:
    return Part(title=title, lines=lines[:MAX_LINES], more=max(0, len(lines) - MAX_LINES))


def _visit_line(name: Line, visits: int, reached: int, rated: int, partly: int, loc: Locale) -> Line:
    text = t(
        "jobs.digest.visit_line",
        loc,
        visits=visits,
        reached=reached,
        rated=rated,
        rate=_pct(reached, rated, loc),
        partly=partly,
    )
    return Line(spans=[*name.spans, *Line.of(f": {text}").spans])


def _promise_line(name: Line, f: RepFigures | None, data: DigestData, loc: Locale) -> Line:
    made, due, kept, overdue = (
        (f.made, f.due, f.kept, f.overdue)
        if f
        else (data.total("made"), data.total("due"), data.total("kept"), data.total("overdue"))
    )
    text = t(
        "jobs.digest.promise_line",
        loc,
        made=made,
        due=due,
        kept=kept,
        rate=_pct(kept, due, loc),
        overdue=overdue,
    )
    return Line(spans=[*name.spans, *Line.of(f": {text}").spans])


def _people_parts(data: DigestData, loc: Locale) -> list[Part]:
    team_name = Line.of(bold(t("jobs.digest.team_total", loc)))
    visits = [
        _visit_line(Line.of(user(f.user.display_name)), f.visits, f.reached, f.rated, f.partly, loc)
        for f in data.reps
    ]
    visits.append(
        _visit_line(
            team_name,
            data.total("visits"),
            data.total("reached"),
            data.total("rated"),
            data.total("partly"),
            loc,
        )
    )
    promises = [_promise_line(Line.of(user(f.user.display_name)), f, data, loc) for f in data.reps]
    promises.append(_promise_line(team_name, None, data, loc))
    promises.append(Line.of(t("jobs.digest.theirs_overdue", loc, count=data.theirs_overdue)))
    parts = [
        Part(title=t("jobs.digest.visits", loc), lines=visits),
        Part(title=t("jobs.digest.promises", loc), lines=promises),
    ]
    if data.new_accounts:
        new = [Line.of(user(a.name), " (", user(owner), ")") for a, owner in data.new_accounts]
        part = _clip(t("jobs.digest.new_accounts", loc), new)
        part.actions = open_actions([a for a, _ in data.new_accounts], loc)
        parts.append(part)
    return parts


def _detail_parts(data: DigestData, loc: Locale) -> list[Part]:
    """Each section builds only the lines it shows (``MAX_LINES``) and counts the rest: a big
    team has hundreds of stale accounts and prices off policy."""

    def at(a: Account) -> list[Any]:
        return [user(a.name), ": "]

    def stale(x: tuple[Account, str, int]) -> Line:
        a, owner, over = x
        return Line.of(user(a.name), " (", user(owner), "): ", t("card.overdue", loc, days=over))

    def move(x: tuple[Account, StageChange]) -> Line:
        a, s = x
        return Line.of(
            *at(a),
            f"{enum_label(s.kind.value + '_stage', s.from_stage, loc)} → "
            f"{enum_label(s.kind.value + '_stage', s.to_stage, loc)}",
        )

    def price(x: tuple[Account, PriceObservation, PriceDeviation]) -> Line:
        a, o, d = x
        return Line(
            spans=[
                *Line.of(*at(a)).spans,
                *price_line(
                    o.product,
                    format_money(o.price, o.currency, loc) + (f"/{o.unit}" if o.unit else ""),
                    d,
                    loc,
                    f" ({enum_label('price_kind', o.kind.value, loc)})",
                ).spans,
            ]
        )

    def stock(x: tuple[Account, InventoryObservation, InventoryChange]) -> Line:
        a, o, c = x
        return Line(
            spans=[
                *Line.of(*at(a)).spans,
                *stock_line(
                    o.product, format_decimal(o.quantity, loc) + (f" {o.unit}" if o.unit else ""), c, loc
                ).spans,
            ]
        )

    def rival(x: tuple[Account, CompetitorNote | PriceObservation]) -> Line:
        a, n = x
        if isinstance(n, CompetitorNote):
            return Line.of(
                *at(a),
                user(n.competitor),
                f" ({enum_label('competitor_activity', n.activity.value, loc)}) ",
                user(n.text),
            )
        return Line.of(
            *at(a),
            user(n.competitor),
            " · ",
            user(n.product),
            " ",
            format_money(n.price, n.currency, loc) + (f"/{n.unit}" if n.unit else ""),
        )

    rivals: list[tuple[Account, CompetitorNote | PriceObservation]] = [
        *data.competitor_notes,
        *data.competitor_prices,
    ]
    parts = [
        _shown(t("jobs.digest.stale", loc), data.stale, stale, loc),
        _shown(t("jobs.digest.stage_moves", loc), data.stage_moves, move, loc),
        _shown(t("jobs.digest.off_policy", loc), data.off_policy, price, loc),
        _shown(t("jobs.digest.stock_alerts", loc), data.stock_alerts, stock, loc),
        _shown(t("jobs.digest.competitors", loc), rivals, rival, loc),
    ]
    parts[0].actions = open_actions([a for a, _, _ in data.stale], loc)
    parts[2].actions = open_actions([a for a, _, _ in data.off_policy], loc)
    parts[3].actions = open_actions([a for a, _, _ in data.stock_alerts], loc)
    return parts


def _shown(title: str, items: Sequence[X], line: Callable[[X], Line], loc: Locale) -> Part:
    """``_clip`` of the lines of ``items`` (or "none"), building only the lines shown."""
    lines = [line(x) for x in items[:MAX_LINES]] or [Line.of(t("jobs.digest.none", loc))]
    return Part(title=title, lines=lines, more=max(0, len(items) - MAX_LINES))


def chart_spec(data: DigestData, loc: Locale) -> ChartSpec:
    """Visits per rep per week: the digest's first chart."""
    return visits_chart(data, loc)


def build_digest(data: DigestData, loc: Locale) -> Notification:
    last_day = data.week + timedelta(days=6)
    title = t(
        "jobs.digest.title",
        loc,
        team=data.team.name,
        week=iso_week(data.week),
        start=format_date(data.week, loc, weekday=False),
        end=format_date(last_day, loc, weekday=False),
    )
    parts = _people_parts(data, loc)
    if data.insight is not None:
        owners = {f.user.id: f.user.display_name for f in data.reps}
        today = local_date(data.as_of, data.team.timezone)
        parts += insight_parts(data.insight, [f.user for f in data.reps], owners, today, loc)
    parts += _detail_parts(data, loc)
    if data.as_of < data.end:
        note = t("jobs.digest.so_far", loc, date=format_date(local_date(data.as_of, data.team.timezone), loc))
        parts.insert(0, Part(lines=[Line.of(note)]))
    charts = digest_charts(data, loc)
    return Notification(
        kind=KIND,
        locale=loc,
        today=local_date(data.as_of, data.team.timezone),
        title=title,
        parts=parts,
        chart=charts[0],
        more_charts=charts[1:],
    )
