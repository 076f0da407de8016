"""``team``: the manager's view of the team (Slack ``/kam team``, the console, Teams), each
section naming its accounts with an Open button to each."""

from __future__ import annotations

from kam_bot.domain.enums import Locale
from kam_bot.domain.models import Account, User
from kam_bot.handlers.insight_render import open_actions, rule_names, stage_age_line
from kam_bot.handlers.render import enum_label, error_reply, promise_line
from kam_bot.handlers.replies import Line, Reply, Section, user
from kam_bot.i18n import format_date, t
from kam_bot.services.container import Services
from kam_bot.services.errors import ServiceError
from kam_bot.services.insight import TeamView

MAX_LINES = 10


def _section(title: str, lines: list[Line], accounts: list[Account], loc: Locale) -> Section:
    if not lines:
        return Section(title=title, lines=[Line.of(t("insight.none", loc))])
    return Section(
        title=title,
        lines=lines[:MAX_LINES],
        more=max(0, len(lines) - MAX_LINES),
        actions=open_actions(accounts, loc),
    )


def team_reply(view: TeamView, loc: Locale) -> Reply:
    def name(a: Account) -> Line:
        return Line.of(user(a.name), f" ({a.tier.value}): ")

    risk = [Line.of(name(a), rule_names(cov.rules, loc)) for a, cov in view.at_risk]
    overdue: list[Line] = []
    late_accounts: list[Account] = []
    for rep, items in view.overdue:
        oldest = (view.today - items[0][1].due_date).days
        count = t("insight.team.overdue_line", loc, count=len(items), days=oldest)
        overdue.append(Line.of(user(rep.display_name), ": ", count))
        overdue += [Line.of("  • ", promise_line(p, view.today, loc, a)) for a, p in items[:3]]
        late_accounts += [a for a, _ in items]
    gaps = [
        Line.of(
            name(a),
            t(
                "insight.missing_roles",
                loc,
                roles=", ".join(enum_label("contact_role", r.value, loc) for r in roles),
            ),
        )
        for a, roles in view.gaps
    ]
    stalled = [Line.of(name(a), stage_age_line(age, loc)) for a, age in view.stalled]
    return Reply(
        title=t("insight.team.title", loc, team=view.team.name, date=format_date(view.today, loc)),
        sections=[
            _section(t("insight.digest.at_risk", loc), risk, [a for a, _ in view.at_risk], loc),
            _section(t("insight.team.overdue", loc), overdue, late_accounts, loc),
            _section(t("insight.team.gaps", loc), gaps, [a for a, _ in view.gaps], loc),
            _section(t("insight.digest.stalled", loc), stalled, [a for a, _ in view.stalled], loc),
        ],
    )


def team(app: Services, actor: User, text: str = "") -> Reply:
    """The team view for a manager or an admin (``team [NAME]``: an admin may name any team)."""
    try:
        view = app.insight.team_view(actor, text)
    except ServiceError as exc:
        return error_reply(exc, actor.locale)
    return team_reply(view, actor.locale)
