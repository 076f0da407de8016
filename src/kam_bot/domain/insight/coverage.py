"""Decision-chain coverage of one account and the rules a rep understands.

Seeds 000, 001 and 004: big deals are lost through "only low-level relationships"; win them
by knowing every member of the decision chain, their role and their attitude, and by having
a coach inside. The rules, each with a name shown to people:

- ``single_threaded``: exactly one contact met in the last ``met_days``;
- ``no_decision_maker_met``: no decision maker met in the last ``met_days`` (or none known);
- ``opponent_deciding``: someone opposed to us holds a deciding role (``DECIDING_ROLES``);
- ``no_coach``: nobody inside guides us;
- ``gone_cold``: nobody met for ``cold_factor`` x the account's visit cadence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property

from kam_bot.domain.enums import Attitude, ContactRole
from kam_bot.domain.insight.thresholds import DEFAULT, Thresholds
from kam_bot.domain.models import Contact

DECIDING_ROLES = frozenset(
    {
        ContactRole.DECISION_MAKER,
        ContactRole.INFLUENCER,
        ContactRole.TECHNICAL_EVALUATOR,
        ContactRole.PURCHASER,
    }
)
ROLE_ORDER = (
    ContactRole.DECISION_MAKER,
    ContactRole.INFLUENCER,
    ContactRole.TECHNICAL_EVALUATOR,
    ContactRole.PURCHASER,
    ContactRole.COACH,
    ContactRole.USER,
    ContactRole.GATEKEEPER,
)
"""Who matters most for the decision first: the order of "who to see this time"."""


class ChainRule(StrEnum):
    GONE_COLD = "gone_cold"
    NO_DECISION_MAKER_MET = "no_decision_maker_met"
    OPPONENT_DECIDING = "opponent_deciding"
    SINGLE_THREADED = "single_threaded"
    NO_COACH = "no_coach"


RISK_RULES = frozenset(set(ChainRule) - {ChainRule.NO_COACH})
"""The rules that put an account "at risk"; a missing coach alone is a gap, not a risk."""


@dataclass(frozen=True)
class ChainMember:
    """What coverage needs of a contact: never their personal notes (digests use this too)."""

    account_id: int
    role: ContactRole | None
    attitude: Attitude | None
    last_met: date | None
    name: str = ""
    contact_id: int = 0

    @classmethod
    def of(cls, c: Contact) -> ChainMember:
        return cls(c.account_id, c.role, c.attitude, c.last_met, c.name, c.id)


@dataclass(frozen=True)
class RoleCoverage:
    role: ContactRole
    contacts: int
    met: int
    attitudes: tuple[Attitude, ...]


@dataclass(frozen=True)
class Coverage:
    """One account's chain as of a day. ``roles`` and ``to_see`` are worked out when first asked:
    a digest covers every account of a team and keeps only those ``at_risk``."""

    contacts: int
    met_recently: int
    last_met: date | None
    rules: tuple[ChainRule, ...]
    """The rules broken, most serious first (the order of ``ChainRule``)."""
    members: tuple[ChainMember, ...]
    met: tuple[bool, ...]
    """Whether each of ``members`` was met lately."""

    @cached_property
    def roles(self) -> tuple[RoleCoverage, ...]:
        """Every role of the chain, in ``ROLE_ORDER``, with how many contacts hold it and were met."""
        return _roles(self.members, self.met)

    @cached_property
    def to_see(self) -> tuple[ChainMember, ...]:
        """Who to see next time: deciding roles not met recently first, opponents among them."""
        return _unseen_first(m for m, met in zip(self.members, self.met, strict=True) if not met)

    @property
    def at_risk(self) -> bool:
        return any(r in RISK_RULES for r in self.rules)

    @property
    def missing_roles(self) -> tuple[ContactRole, ...]:
        return tuple(r.role for r in self.roles if r.contacts == 0)


def _recent(member: ChainMember, today: date, days: int) -> bool:
    return member.last_met is not None and (today - member.last_met).days <= days


def coverage(
    members: Iterable[ChainMember],
    today: date,
    cadence_days: int,
    since: date,
    thresholds: Thresholds = DEFAULT,
) -> Coverage:
    """Coverage of one account's chain as of ``today``.

    ``since`` is the day to count "gone cold" from when nobody was ever met (the account's
    creation day): a new account is not cold on its first day.
    """
    chain = tuple(members)
    # whether each member was met lately, decided once (a digest covers every account of a team)
    flags = tuple(_recent(m, today, thresholds.met_days) for m in chain)
    recent = [m for m, r in zip(chain, flags, strict=True) if r]
    met_days = [m.last_met for m in chain if m.last_met is not None]
    last_met = max(met_days) if met_days else None
    cold = (today - (last_met or since)).days > thresholds.cold_factor * cadence_days
    broken = _broken(chain, recent, cold)
    return Coverage(
        contacts=len(chain),
        met_recently=len(recent),
        last_met=last_met,
        rules=tuple(r for r in ChainRule if r in broken),
        members=chain,
        met=flags,
    )


def _broken(chain: tuple[ChainMember, ...], recent: list[ChainMember], cold: bool) -> set[ChainRule]:
    """The chain rules ``chain`` breaks; ``recent`` are the members met lately."""
    checks = {
        ChainRule.GONE_COLD: cold,
        ChainRule.NO_DECISION_MAKER_MET: not any(m.role is ContactRole.DECISION_MAKER for m in recent),
        ChainRule.OPPONENT_DECIDING: any(
            m.attitude is Attitude.OPPONENT and m.role in DECIDING_ROLES for m in chain
        ),
        ChainRule.SINGLE_THREADED: len(recent) == 1,
        ChainRule.NO_COACH: not any(m.role is ContactRole.COACH for m in chain),
    }
    return {rule for rule, broken in checks.items() if broken}


_NOBODY = {role: RoleCoverage(role, 0, 0, ()) for role in ROLE_ORDER}
"""A role nobody holds (immutable: shared by every coverage)."""
_RANK = {role: i for i, role in enumerate(ROLE_ORDER)}


def _roles(chain: tuple[ChainMember, ...], recent: tuple[bool, ...]) -> tuple[RoleCoverage, ...]:
    """Every role of ``ROLE_ORDER``: its contacts, how many were met lately (``recent``, one flag
    per member), their attitudes; in one pass over the chain."""
    held: dict[ContactRole, tuple[list[int], list[Attitude]]] = {}
    for m, met in zip(chain, recent, strict=True):
        if m.role is None:
            continue
        if (h := held.get(m.role)) is None:
            h = held[m.role] = ([0, 0], [])
        h[0][0] += 1
        h[0][1] += met
        if m.attitude is not None:
            h[1].append(m.attitude)
    return tuple(
        _NOBODY[role] if (h := held.get(role)) is None else RoleCoverage(role, h[0][0], h[0][1], tuple(h[1]))
        for role in ROLE_ORDER
    )


def _unseen_first(unseen: Iterable[ChainMember]) -> tuple[ChainMember, ...]:
    """``who_to_see`` of the members not met lately."""

    def key(m: ChainMember) -> tuple[int, int, date]:
        rank = _RANK.get(m.role, len(ROLE_ORDER)) if m.role is not None else len(ROLE_ORDER)
        return (rank, 0 if m.attitude is Attitude.OPPONENT else 1, m.last_met or date.min)

    return tuple(sorted(unseen, key=key))


def who_to_see(
    chain: list[ChainMember], today: date, thresholds: Thresholds = DEFAULT
) -> tuple[ChainMember, ...]:
    """Members not met within ``met_days``, the deciding roles first, then the longest unseen."""
    return _unseen_first(m for m in chain if not _recent(m, today, thresholds.met_days))
