"""The digest's insight sections as parts: each names its accounts and carries their Open buttons."""

from __future__ import annotations

from datetime import date

from kam_bot.domain.enums import Locale
from kam_bot.domain.insight.allocation import Misallocation
from kam_bot.domain.models import Account, User
from kam_bot.handlers.insight_render import open_actions, record_line, rule_names, stage_age_line
from kam_bot.handlers.render import enum_label, promise_line
from kam_bot.handlers.replies import Line, user
from kam_bot.i18n import t
from kam_bot.jobs.digest_insight import InsightData
from kam_bot.jobs.notifications import Part

MAX_LINES = 10


def _part(
    title: str, lines: list[Line], accounts: list[Account], loc: Locale, total: int | None = None
) -> Part:
    """``lines`` may be cut to ``MAX_LINES`` already: ``total`` then says how many there were."""
    if not lines:
        return Part(title=title, lines=[Line.of(t("jobs.digest.none", loc))])
    return Part(
        title=title,
        lines=lines[:MAX_LINES],
        more=max(0, (total if total is not None else len(lines)) - MAX_LINES),
        actions=open_actions(accounts, loc),
    )


def _account(a: Account, owners: dict[int, str]) -> Line:
    owner = owners.get(a.owner_id, "—") if a.owner_id is not None else "—"
    return Line.of(user(a.name), f" ({a.tier.value}, ", user(owner), "): ")


def at_risk_part(ins: InsightData, owners: dict[int, str], loc: Locale) -> Part:
    shown = ins.at_risk[:MAX_LINES]  # a big team has hundreds: only the shown lines are built
    lines = [Line.of(_account(a, owners), rule_names(cov.rules, loc)) for a, cov in shown]
    return _part(t("insight.digest.at_risk", loc), lines, [a for a, _ in shown], loc, len(ins.at_risk))


def time_part(ins: InsightData, reps: list[User], loc: Locale) -> Part:
    """Each rep's time, then their misplaced accounts: only the lines shown are built (a team
    has hundreds of findings), the others counted."""
    weeks = ins.thresholds.allocation_weeks
    lines: list[Line] = []
    named: list[Account] = []
    total = 0
    for rep in reps:
        time = ins.rep_time.get(rep.id)
        if time is None:
            continue
        total += 1 + len(time.findings)
        named += [p.account for p in time.findings]
        if len(lines) >= MAX_LINES:
            continue
        summary = t(
            "insight.rep_time",
            loc,
            focus_visits=time.focus_visits,
            visits=time.visits,
            focus_accounts=time.focus_accounts,
            accounts=time.accounts,
        )
        lines.append(Line.of(user(rep.display_name), ": ", summary))
        for p in time.findings[: MAX_LINES - len(lines)]:
            key = "insight.neglected" if p.finding is Misallocation.NEGLECTED else "insight.overserved"
            prio = enum_label("priority", p.priority.value, loc)
            neglected = p.finding is Misallocation.NEGLECTED
            expected = ins.thresholds.focus_min_visits if neglected else ins.thresholds.low_max_visits
            why = t(key, loc, priority=prio, visits=p.visits, weeks=weeks, expected=expected)
            lines.append(Line.of("  • ", user(p.account.name), ": ", why))
    return _part(t("insight.digest.time", loc), lines, named, loc, total)


def record_part(ins: InsightData, reps: list[User], loc: Locale) -> Part:
    lines = [
        Line.of(user(rep.display_name), ": ", record_line(ins.records[rep.id], loc, ins.thresholds))
        for rep in reps
        if rep.id in ins.records
    ]
    title = t("insight.digest.record", loc, days=ins.thresholds.promise_days)
    return Part(title=title, lines=lines or [Line.of(t("jobs.digest.none", loc))])


def to_chase_part(ins: InsightData, today: date, loc: Locale) -> Part:
    shown = ins.to_chase[:MAX_LINES]
    lines = [promise_line(p, today, loc, a) for a, p in shown]
    return _part(t("insight.digest.to_chase", loc), lines, [a for a, _ in shown], loc, len(ins.to_chase))


def stalled_part(ins: InsightData, owners: dict[int, str], loc: Locale) -> Part:
    shown = ins.stalled[:MAX_LINES]
    lines = [Line.of(_account(a, owners), stage_age_line(age, loc)) for a, age in shown]
    return _part(t("insight.digest.stalled", loc), lines, [a for a, _ in shown], loc, len(ins.stalled))


def insight_parts(
    ins: InsightData, reps: list[User], owners: dict[int, str], today: date, loc: Locale
) -> list[Part]:
    """Accounts at risk, time against the grid, promise record, customer promises to chase, stalls."""
    return [
        at_risk_part(ins, owners, loc),
        time_part(ins, reps, loc),
        record_part(ins, reps, loc),
        to_chase_part(ins, today, loc),
        stalled_part(ins, owners, loc),
    ]
