"""Validated inputs of the write use cases: what a confirmed form or prefill becomes.

Field validation raises pydantic errors whose ``loc`` names the field; checks of our own raise
``PydanticCustomError`` typed with their catalog key. ``handlers.forms.errors`` turns them
into messages in the user's language on the exact form field.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from kam_bot.domain.enums import (
    Attitude,
    CompetitorActivity,
    ContactRole,
    FunnelStage,
    GoalReached,
    Movement,
    Objective,
    PriceKind,
    ProcurementStage,
    PromiseDirection,
    StageKind,
    VisitKind,
)

MAX_TEXT = 3000
PLAUSIBLE_DUE = (date(2000, 1, 1), date(2099, 12, 31))


class Input(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _without_nul(cls, value: object) -> object:
        """A NUL (pasted, or sent by a client) means nothing and PostgreSQL refuses it: dropped."""
        return value.replace("\x00", "") if isinstance(value, str) else value


class PromiseInput(Input):
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    direction: PromiseDirection = PromiseDirection.OURS
    due_date: date
    contact_id: int | None = None

    @field_validator("due_date")
    @classmethod
    def _plausible(cls, value: date) -> date:
        """Outside any window around today whatever the clock (``0001-01-01``, ``9999-12-31``):
        refused on the field by every form; ``rules.date_in_range`` is the window itself, checked
        against today by the prefill and the services."""
        if not PLAUSIBLE_DUE[0] <= value <= PLAUSIBLE_DUE[1]:
            raise PydanticCustomError("promise.due_out_of_range", "due date too far from today")
        return value


class PriceInput(Input):
    product: str = Field(min_length=1, max_length=200)
    price: Decimal = Field(gt=0, max_digits=18, decimal_places=4)
    currency: str = Field(min_length=1, max_length=8)
    unit: str | None = Field(default=None, max_length=32)
    kind: PriceKind = PriceKind.CUSTOMER_PURCHASE
    competitor: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=MAX_TEXT)

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @model_validator(mode="after")
    def _competitor_named(self) -> PriceInput:
        if self.kind is PriceKind.COMPETITOR and not self.competitor:
            raise PydanticCustomError("form.needs_competitor", "a competitor price needs a name")
        return self


class StockInput(Input):
    product: str = Field(min_length=1, max_length=200)
    quantity: Decimal = Field(ge=0, max_digits=18, decimal_places=3)
    unit: str | None = Field(default=None, max_length=32)
    movement: Movement | None = None
    our_share_pct: Decimal | None = Field(default=None, ge=0, le=100)


class CompetitorNoteInput(Input):
    competitor: str = Field(min_length=1, max_length=200)
    activity: CompetitorActivity = CompetitorActivity.OTHER
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class StageInput(Input):
    kind: StageKind
    to_stage: str

    @model_validator(mode="after")
    def _known_stage(self) -> StageInput:
        allowed = FunnelStage if self.kind is StageKind.FUNNEL else ProcurementStage
        if self.to_stage not in {s.value for s in allowed}:
            raise PydanticCustomError("form.unknown_stage", "unknown {kind} stage", {"kind": self.kind.value})
        return self


class NewContactInput(Input):
    name: str = Field(min_length=1, max_length=200)
    title: str | None = Field(default=None, max_length=200)
    department: str | None = Field(default=None, max_length=200)
    role: ContactRole | None = None
    attitude: Attitude | None = None
    relationship_strength: int | None = Field(default=None, ge=1, le=5)
    personal_notes: str | None = Field(default=None, max_length=MAX_TEXT)


class VisitInput(Input):
    account_id: int
    visited_at: datetime
    kind: VisitKind = VisitKind.IN_PERSON
    contact_ids: list[int] = Field(default_factory=list)
    new_contacts: list[NewContactInput] = Field(default_factory=list)
    objectives: list[Objective] = Field(default_factory=list)
    goal: str | None = Field(default=None, max_length=MAX_TEXT)
    goal_reached: GoalReached | None = None
    summary: str | None = Field(default=None, max_length=MAX_TEXT)
    needs: str | None = Field(default=None, max_length=MAX_TEXT)
    competitor_intel: str | None = Field(default=None, max_length=MAX_TEXT)
    next_step: str | None = Field(default=None, max_length=MAX_TEXT)
    next_visit_date: date | None = None
    promises: list[PromiseInput] = Field(default_factory=list, max_length=20)
    prices: list[PriceInput] = Field(default_factory=list, max_length=50)
    stocks: list[StockInput] = Field(default_factory=list, max_length=50)
    competitor_notes: list[CompetitorNoteInput] = Field(default_factory=list, max_length=20)
    stage_change: StageInput | None = None
    submission_key: str | None = Field(default=None, max_length=100)
    """Same key twice (a double-click, a retried request) saves the visit once."""

    @field_validator("visited_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise PydanticCustomError("form.needs_timezone", "visited_at needs a time zone")
        return value
