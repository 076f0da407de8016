"""The entities of domain.md as pydantic models.

They are read from the store with ``model_validate(row)`` (``from_attributes``) and are the
shape every service returns; the field names are the ones domain.md uses, which is also what
`kam-bot export` writes.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from kam_bot.domain.enums import (
    Attitude,
    CompetitorActivity,
    ContactRole,
    FunnelStage,
    GoalReached,
    Intention,
    Locale,
    Movement,
    Objective,
    Power,
    PriceKind,
    ProcurementStage,
    PromiseDirection,
    PromiseStatus,
    Role,
    StageKind,
    Tier,
    VisitKind,
)

DEFAULT_REMINDER_TIME = time(8, 30)


class Entity(BaseModel):
    model_config = ConfigDict(from_attributes=True, validate_assignment=True)


class Team(Entity):
    id: int
    name: str
    digest_destinations: dict[str, str] = Field(default_factory=dict)
    """Platform name -> where the weekly digest goes there (a channel id); none: no digest."""
    timezone: str = "UTC"
    calendar_country: str | None = None
    """ISO country code whose public holidays are days off (None: ``DEFAULT_CALENDAR_COUNTRY``)."""
    calendar_region: str | None = None
    calendar_weekend: str | None = None
    """``sat,sun``, ``fri,sat``, ``none`` (a seven-day week); None: the country's usual weekend."""
    locale: Locale | None = None
    """The weekly digest's language; None: the language most of the team's members use."""


class User(Entity):
    id: int
    email: str | None = None
    display_name: str
    timezone: str = "UTC"
    locale: Locale = Locale.EN
    role: Role = Role.REP
    manager_id: int | None = None
    team_id: int | None = None
    away_until: date | None = None
    reminder_time: time = DEFAULT_REMINDER_TIME
    identities: dict[str, str] = Field(default_factory=dict)
    """Platform name (``slack``, ``teams``, ``console``) -> that platform's user id."""
    chosen: list[str] = Field(default_factory=list)
    """Settings a person or an admin set (``timezone``, ``locale``): a platform's profile never
    overwrites them; the others are defaults nobody chose and take what the platform says."""


class Account(Entity):
    id: int
    name: str
    aliases: list[str] = Field(default_factory=list)
    owner_id: int | None = None
    team_id: int | None = None
    industry: str | None = None
    tier: Tier = Tier.B
    funnel_stage: FunnelStage = FunnelStage.POTENTIAL
    intention: Intention | None = None
    power: Power | None = None
    procurement_stage: ProcurementStage | None = None
    visit_cadence_days: int | None = None
    """None means the tier's default (see ``rules.cadence_days``)."""
    created_at: datetime
    updated_at: datetime
    archived: bool = False


class Contact(Entity):
    id: int
    account_id: int
    name: str
    title: str | None = None
    department: str | None = None
    role: ContactRole | None = None
    attitude: Attitude | None = None
    relationship_strength: int | None = Field(default=None, ge=1, le=5)
    last_met: date | None = None
    personal_notes: str | None = None


class StageChange(Entity):
    id: int
    account_id: int
    visit_id: int | None = None
    kind: StageKind
    from_stage: str | None = None
    to_stage: str
    changed_by: int | None = None
    changed_at: datetime


VISIT_DETAILS = (
    "kind",
    "objectives",
    "goal",
    "goal_reached",
    "summary",
    "needs",
    "competitor_intel",
    "next_step",
    "next_visit_date",
)
"""What a rep tells about a visit besides the account, the people met and the time. Declared
alike on ``VisitDraft`` (what was typed), ``VisitInput`` (with its limits), ``Visit`` and the
``visits`` table (``VisitRow``), and copied between them by these names, never field by field
(``tests/domain/test_visit_details.py`` checks the four agree)."""


class Visit(Entity):
    id: int
    account_id: int
    rep_id: int
    visited_at: datetime
    kind: VisitKind = VisitKind.IN_PERSON
    contact_ids: list[int] = Field(default_factory=list)
    objectives: list[Objective] = Field(default_factory=list)
    goal: str | None = None
    goal_reached: GoalReached | None = None
    summary: str | None = None
    needs: str | None = None
    competitor_intel: str | None = None
    next_step: str | None = None
    next_visit_date: date | None = None
    created_at: datetime


class Promise(Entity):
    id: int
    account_id: int
    visit_id: int | None = None
    direction: PromiseDirection
    owner_id: int
    contact_id: int | None = None
    text: str
    due_date: date
    status: PromiseStatus = PromiseStatus.OPEN
    done_at: datetime | None = None
    snoozed_until: date | None = None
    created_at: datetime


class PromiseEvent(Entity):
    """One line of a promise's history: created, done, reopened, snoozed, reminded ..."""

    id: int
    promise_id: int
    kind: str
    at: datetime
    actor_id: int | None = None
    detail: str | None = None


class PriceObservation(Entity):
    id: int
    account_id: int
    product: str
    price: Decimal
    currency: str
    unit: str | None = None
    kind: PriceKind = PriceKind.CUSTOMER_PURCHASE
    competitor: str | None = None
    observed_at: datetime
    visit_id: int | None = None
    note: str | None = None
    recorded_by: int | None = None


class InventoryObservation(Entity):
    id: int
    account_id: int
    product: str
    quantity: Decimal
    unit: str | None = None
    our_share_pct: Decimal | None = Field(default=None, ge=0, le=100)
    movement: Movement | None = None
    observed_at: datetime
    visit_id: int | None = None
    recorded_by: int | None = None


class CompetitorNote(Entity):
    id: int
    account_id: int
    competitor: str
    activity: CompetitorActivity = CompetitorActivity.OTHER
    text: str
    observed_at: datetime
    visit_id: int | None = None
    recorded_by: int | None = None


class PriceListEntry(Entity):
    id: int
    product: str
    price: Decimal
    currency: str
    unit: str | None = None
    valid_from: date | None = None
    note: str | None = None


class CalendarDay(Entity):
    """A company day: ``kind`` ``off`` (a shutdown) or ``work`` (an extra working day), for one team or,
    with no ``team_id``, for every team; also how an admin corrects a country's schedule."""

    id: int
    day: date
    kind: str
    team_id: int | None = None
    name: str | None = None


class AuditEntry(Entity):
    """Who created, changed or deleted what, and when: written in the change's own transaction.

    ``fields`` names the fields a change touched, never their values (a contact's personal
    notes must not reach the log).
    """

    id: int
    at: datetime
    actor_id: int | None = None
    """None: the command line's operator (an import, ``kam-bot erase-contact`` before any admin exists)."""
    action: str
    """``created``, ``changed``, ``deleted`` or ``erased``; ``imported`` or ``restored`` for a
    whole run (``entity_id`` 0, the counts in ``fields``)."""
    entity: str
    """What kind of record: ``visit``, ``promise``, ``contact`` ..."""
    entity_id: int
    fields: list[str] = Field(default_factory=list)


class ExchangeRate(Entity):
    """An admin-set rate: one ``from_currency`` buys ``rate`` of ``to_currency``."""

    id: int
    from_currency: str
    to_currency: str
    rate: Decimal
    updated_at: datetime


class PlannedVisit(BaseModel):
    """A next visit the latest visit of an account set: when, where, and the next step noted then."""

    model_config = ConfigDict(frozen=True)

    day: date
    account: Account
    next_step: str | None = None
