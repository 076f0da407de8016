"""The neutral records a CRM receives, and the ones it gives back on a pull.

Every record pushed carries its kam-bot key (``key``): ``RecordKey("visit", 12)``, whose
``external_id`` ``"kam-bot-visit-12"`` is what a CRM stores in an external-id field where the
org has one (so a push repeated after a crash finds the record instead of creating a second),
or in a searchable text where it has none (``find``). The references to other things
(``AccountRef``, ``PersonRef``, ``ContactRef``) carry both our id and the CRM's id when kam-bot
knows it (from a pull, or an earlier push); an adapter uses the CRM id and falls back on the
name (an account) or leaves the relation out (a contact, an owner) when it is None.

Nothing here holds a contact's personal notes: they never leave kam-bot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

EntityKind = Literal["visit", "promise", "price", "stock", "competitor"]
"""What kam-bot pushes. ``price``/``stock`` are price and stock observations; ``competitor`` is
a competitor note."""

ENTITY_KINDS: tuple[EntityKind, ...] = ("visit", "promise", "price", "stock", "competitor")

Change = Literal["saved", "edited", "done", "undone", "deleted"]
"""What happened in kam-bot (``done``/``undone``: a promise completed / reopened). A CRM does not
act on the change itself: it receives the record as it is now, or ``remove`` when deleted."""

CHANGES: tuple[Change, ...] = ("saved", "edited", "done", "undone", "deleted")


@dataclass(frozen=True)
class RecordKey:
    """kam-bot's id of a pushed record."""

    kind: EntityKind
    id: int

    @property
    def external_id(self) -> str:
        """The value stored in the CRM's external-id field (or searchable text): unique per record
        of one kam-bot database, stable across edits, ``kam-bot-<kind>-<id>``."""
        return f"kam-bot-{self.kind}-{self.id}"


@dataclass(frozen=True)
class AccountRef:
    id: int
    name: str
    crm_id: str | None = None
    """The CRM's account (Salesforce Account Id, HubSpot company id), None when not linked yet:
    the adapter may look it up by ``name``; not found, it raises
    ``RecordRejectedError("account_not_in_crm")``."""


@dataclass(frozen=True)
class PersonRef:
    """A kam-bot user (the rep, the owner of a promise)."""

    id: int
    name: str
    email: str | None = None
    crm_id: str | None = None
    """The CRM user (Salesforce User Id, HubSpot owner id) matched by email on a pull; None: the
    adapter leaves the owner to the CRM's default (the integration user)."""


@dataclass(frozen=True)
class ContactRef:
    """A contact met, or the customer's person behind their promise: name and title only."""

    id: int
    name: str
    title: str | None = None
    crm_id: str | None = None


@dataclass(frozen=True)
class VisitRecord:
    """A visit: Salesforce an Event (or Task) on the Account with the contacts as relations;
    HubSpot a meeting associated with the company and contacts."""

    key: RecordKey
    account: AccountRef
    rep: PersonRef
    visited_at: datetime
    """Aware, UTC."""
    kind: str
    """``in_person``, ``phone``, ``video`` ... (``domain.enums.VisitKind`` values)."""
    contacts: tuple[ContactRef, ...] = ()
    objectives: tuple[str, ...] = ()
    goal: str | None = None
    goal_reached: str | None = None
    """``yes`` / ``partly`` / ``no`` or None."""
    outcome: str | None = None
    """What happened (kam-bot's visit summary)."""
    next_step: str | None = None
    needs: str | None = None
    competitor_intel: str | None = None
    next_visit_date: date | None = None
    locale: str = "en"
    """The rep's language (``en`` / ``zh-Hans``), for the labels an adapter writes (from its
    own ``messages.py``)."""


@dataclass(frozen=True)
class PromiseRecord:
    """A promise: ours (``direction == "ours"``) an open task owned by the rep with its due date;
    the customer's (``"theirs"``) a task flagged as theirs. ``status`` is ``open``, ``done`` or
    ``cancelled``: the adapter completes / closes the task accordingly."""

    key: RecordKey
    account: AccountRef
    owner: PersonRef
    direction: Literal["ours", "theirs"]
    text: str
    due_date: date
    status: Literal["open", "done", "cancelled"]
    done_at: datetime | None = None
    contact: ContactRef | None = None
    visit: RecordKey | None = None
    visit_crm_id: str | None = None
    """The CRM id of the visit it came from, when that visit was pushed already."""
    locale: str = "en"


@dataclass(frozen=True)
class PriceRecord:
    key: RecordKey
    account: AccountRef
    recorded_by: PersonRef | None
    product: str
    price: Decimal
    currency: str
    unit: str | None
    kind: str
    """``customer_purchase``, ``competitor_offer`` ... (``domain.enums.PriceKind`` values)."""
    competitor: str | None
    observed_at: datetime
    note: str | None = None
    visit: RecordKey | None = None
    locale: str = "en"


@dataclass(frozen=True)
class StockRecord:
    key: RecordKey
    account: AccountRef
    recorded_by: PersonRef | None
    product: str
    quantity: Decimal
    unit: str | None
    our_share_pct: Decimal | None
    movement: str | None
    observed_at: datetime
    visit: RecordKey | None = None
    locale: str = "en"


@dataclass(frozen=True)
class CompetitorRecord:
    key: RecordKey
    account: AccountRef
    recorded_by: PersonRef | None
    competitor: str
    activity: str
    text: str
    observed_at: datetime
    visit: RecordKey | None = None
    locale: str = "en"


Record = VisitRecord | PromiseRecord | PriceRecord | StockRecord | CompetitorRecord
"""Observations (price, stock, competitor) become a structured note on the account, or a record
of a custom object where the settings name one."""


# -- what a pull brings back ---------------------------------------------------------


@dataclass(frozen=True)
class CrmOwner:
    """A CRM user who may own accounts; matched to a kam-bot user by ``email`` (case-insensitive)."""

    crm_id: str
    email: str
    name: str
    active: bool = True


@dataclass(frozen=True)
class CrmAccount:
    crm_id: str
    name: str
    owner_crm_id: str | None = None
    industry: str | None = None
    modified_at: datetime | None = None


@dataclass(frozen=True)
class CrmContact:
    crm_id: str
    account_crm_id: str | None
    name: str
    title: str | None = None
    department: str | None = None
    modified_at: datetime | None = None


@dataclass(frozen=True)
class ClosedTask:
    """A task completed in the CRM. ``external_id`` is the kam-bot key it was pushed with when the
    CRM has it (an external-id field), else None and kam-bot matches ``crm_id`` in its links."""

    crm_id: str
    external_id: str | None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class Pulled:
    """One pull: everything changed in the CRM since a moment (or everything, the first time)."""

    owners: list[CrmOwner] = field(default_factory=list)
    accounts: list[CrmAccount] = field(default_factory=list)
    contacts: list[CrmContact] = field(default_factory=list)
    closed_tasks: list[ClosedTask] = field(default_factory=list)
