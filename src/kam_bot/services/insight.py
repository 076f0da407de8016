"""The manager's team view: accounts at risk, our overdue promises per rep, coverage gaps,
stalled deals. Managers and admins only; a handful of reads for the whole team."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kam_bot.domain.enums import ContactRole, Role, Tier
from kam_bot.domain.insight import coverage, promise_record, stalls
from kam_bot.domain.insight.thresholds import DEFAULT, Thresholds
from kam_bot.domain.models import Account, Promise, Team, User
from kam_bot.domain.rules import cadence_days
from kam_bot.services.accounts import local_today
from kam_bot.services.errors import ForbiddenError, NotFoundError
from kam_bot.services.ports import Clock, UnitOfWorkFactory, utc_now

TIER_ORDER = {Tier.A: 0, Tier.B: 1, Tier.C: 2}
VISIT_DAYS = 365
"""Visits read for the stage age: a deal's visits since its last move, within the last year."""
GAP_ROLES = (ContactRole.DECISION_MAKER, ContactRole.COACH)
"""Roles whose absence a manager should see for every account, at risk or not."""


@dataclass
class TeamView:
    team: Team
    today: date
    thresholds: Thresholds
    at_risk: list[tuple[Account, coverage.Coverage]] = field(default_factory=list)
    overdue: list[tuple[User, list[tuple[Account, Promise]]]] = field(default_factory=list)
    """Per rep (most overdue first): our open promises past due, with their accounts."""
    gaps: list[tuple[Account, tuple[ContactRole, ...]]] = field(default_factory=list)
    stalled: list[tuple[Account, stalls.StageAge]] = field(default_factory=list)


class InsightService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock = utc_now, thresholds: Thresholds = DEFAULT):
        self._uow = uow
        self._clock = clock
        self._thresholds = thresholds

    def team_view(self, actor: User, team_name: str = "") -> TeamView:
        """The actor's team (an admin may name another); refused to reps."""
        if actor.role not in (Role.MANAGER, Role.ADMIN):
            raise ForbiddenError("insight.team.refused")
        today = local_today(actor, self._clock())
        reads = self._read_team(actor, team_name, today)
        view = TeamView(reads.team, today, self._thresholds)
        for a in sorted(reads.accounts, key=lambda a: (TIER_ORDER[a.tier], a.name.casefold())):
            _classify(view, a, reads, ZoneInfo(actor.timezone))
        view.overdue = _overdue_by_owner(reads, today)
        return view

    def _read_team(self, actor: User, team_name: str, today: date) -> _TeamReads:
        """Everything the team view reads, in one unit of work."""
        tz = ZoneInfo(actor.timezone)
        with self._uow() as uow:
            repo = uow.repo
            team = self._team(repo.all(Team), actor, team_name)
            accounts = [a for a in repo.accounts_where(team_id=team.id) if not a.archived]
            ids = [a.id for a in accounts]
            chain: dict[int, list[coverage.ChainMember]] = defaultdict(list)
            for member in repo.chain_members(ids):
                chain[member.account_id].append(member)
            promises = repo.promises_for_record(ids, today - timedelta(days=self._thresholds.promise_days))
            visits: dict[int, list[date]] = defaultdict(list)
            for account_id, at in repo.visit_times(ids, self._clock() - timedelta(days=VISIT_DAYS)):
                visits[account_id].append(at.astimezone(tz).date())
            late_owners = {p.owner_id for p in promise_record.overdue_ours(promises, today)}
            found = (repo.get(User, o) for o in sorted(late_owners))  # the few reps with overdue promises
            owners = {u.id: u for u in found if u is not None}
            moves = repo.last_procurement_moves(ids)
        return _TeamReads(team, accounts, chain, promises, visits, moves, owners, self._thresholds)

    @staticmethod
    def _team(teams: list[Team], actor: User, name: str) -> Team:
        if name.strip():
            if actor.role is not Role.ADMIN:
                mine = [t for t in teams if t.id == actor.team_id]
                if not mine or mine[0].name.casefold() != name.strip().casefold():
                    raise ForbiddenError("insight.team.refused")
            found = [t for t in teams if t.name.casefold() == name.strip().casefold()]
            if not found:
                raise NotFoundError("insight.team.unknown_name", field="team", name=name.strip())
            return found[0]
        mine = [t for t in teams if t.id == actor.team_id]
        if not mine:
            raise NotFoundError("insight.team.no_team", field="team")
        return mine[0]


@dataclass
class _TeamReads:
    team: Team
    accounts: list[Account]
    chain: dict[int, list[coverage.ChainMember]]
    promises: list[Promise]
    visits: dict[int, list[date]]
    moves: dict[int, datetime]
    owners: dict[int, User]
    thresholds: Thresholds


def _classify(view: TeamView, a: Account, reads: _TeamReads, tz: ZoneInfo) -> None:
    """Put account ``a`` on the view's lists it belongs to: at risk, coverage gaps, stalled."""
    th, today = reads.thresholds, view.today
    cov = coverage.coverage(reads.chain[a.id], today, cadence_days(a), a.created_at.astimezone(tz).date(), th)
    if cov.at_risk:
        view.at_risk.append((a, cov))
    if missing := tuple(r for r in GAP_ROLES if r in cov.missing_roles):
        view.gaps.append((a, missing))
    move = reads.moves[a.id].astimezone(tz).date() if a.id in reads.moves else None
    age = stalls.stage_age(a, move, reads.visits[a.id], today, th)
    if age is not None and age.stalled:
        view.stalled.append((a, age))


def _overdue_by_owner(reads: _TeamReads, today: date) -> list[tuple[User, list[tuple[Account, Promise]]]]:
    """Our overdue promises per rep, the rep with the oldest one first."""
    by_id = {a.id: a for a in reads.accounts}
    late: dict[int, list[tuple[Account, Promise]]] = defaultdict(list)
    for p in promise_record.overdue_ours(reads.promises, today):
        late[p.owner_id].append((by_id[p.account_id], p))
    return sorted(
        ((reads.owners[o], items) for o, items in late.items() if o in reads.owners),
        key=lambda x: (x[1][0][1].due_date, x[0].display_name.casefold()),
    )
