"""The weekly digest as a message: figures (``digest``) -> a ``Notification`` with its chart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kam_bot.domain.enums import Locale
from kam_bot.domain.models import Account
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
    def at(a: Account) -> list[Any]:
        return [user(a.name), ": "]

    stale = [
        Line.of(user(a.name), " (", user(owner), "): ", t("card.overdue", loc, days=over))
        for a, owner, over in data.stale
    ]
    moves = [
        Line.of(
            *at(a),
            f"{enum_label(s.kind.value + '_stage', s.from_stage, loc)} → "
            f"{enum_label(s.kind.value + '_stage', s.to_stage, loc)}",
        )
        for a, s in data.stage_moves
    ]
    prices = [
        Line(
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
        for a, o, d in data.off_policy
    ]
    stock = [
        Line(
            spans=[
                *Line.of(*at(a)).spans,
                *stock_line(
                    o.product, format_decimal(o.quantity, loc) + (f" {o.unit}" if o.unit else ""), c, loc
                ).spans,
            ]
        )
        for a, o, c in data.stock_alerts
    ]
    rivals = [
        Line.of(
            *at(a),
            user(n.competitor),
            f" ({enum_label('competitor_activity', n.activity.value, loc)}) ",
            user(n.text),
        )
        for a, n in data.competitor_notes
    ]
    rivals += [
        Line.of(
            *at(a),
            user(o.competitor),
            " · ",
            user(o.product),
            " ",
            format_money(o.price, o.currency, loc) + (f"/{o.unit}" if o.unit else ""),
        )
        for a, o in data.competitor_prices
    ]
    sections = [
        ("jobs.digest.stale", stale),
        ("jobs.digest.stage_moves", moves),
        ("jobs.digest.off_policy", prices),
        ("jobs.digest.stock_alerts", stock),
        ("jobs.digest.competitors", rivals),
    ]
    parts = [_clip(t(key, loc), lines or [Line.of(t("jobs.digest.none", loc))]) for key, lines in sections]
    linked = {
        "jobs.digest.stale": [a for a, _, _ in data.stale],
        "jobs.digest.off_policy": [a for a, _, _ in data.off_policy],
        "jobs.digest.stock_alerts": [a for a, _, _ in data.stock_alerts],
    }
    for (key, _), part in zip(sections, parts, strict=True):
        part.actions = open_actions(linked.get(key, []), loc)
    return parts


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
