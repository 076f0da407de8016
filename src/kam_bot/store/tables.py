"""SQLAlchemy 2 typed tables. One schema for SQLite and PostgreSQL, created by Alembic.

Indexes follow what reminders, briefs and digests ask: open promises by owner and due date,
last visit per account, observations per account and product over time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MONEY = Numeric(18, 4)
QUANTITY = Numeric(18, 3)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is UTC:  # PostgreSQL's, its sessions set to UTC (``store.engine``)
            return value
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UTC_TS = UtcDateTime()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTC_TS, date: Date, time: Time, Decimal: MONEY}


class TeamRow(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    calendar_country: Mapped[str | None] = mapped_column(String(8))
    calendar_region: Mapped[str | None] = mapped_column(String(16))
    calendar_weekend: Mapped[str | None] = mapped_column(String(40))
    locale: Mapped[str | None] = mapped_column(String(16))
    """The weekly digest's language; NULL: the language most of the team's members use."""


class CalendarDayRow(Base):
    """A company day (off or work) for one team, or for every team when ``team_id`` is null."""

    __tablename__ = "calendar_days"
    __table_args__ = (Index("ix_calendar_days_day", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(8))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    name: Mapped[str | None] = mapped_column(String(200))


class TeamDestinationRow(Base):
    """Where a team's weekly digest goes on one platform (Slack: a channel id); one per platform."""

    __tablename__ = "team_destinations"
    __table_args__ = (UniqueConstraint("team_id", "platform"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(200))


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    role: Mapped[str] = mapped_column(String(16), default="rep")
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    away_until: Mapped[date | None]
    reminder_time: Mapped[time] = mapped_column(default=time(8, 30))
    chosen: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    """Settings a person or an admin set; a platform's profile fills only the others."""


class UserIdentityRow(Base):
    """A user's id on one platform; a fourth platform needs no schema change."""

    __tablename__ = "user_identities"
    __table_args__ = (
        UniqueConstraint("platform", "external_id"),
        Index("ix_user_identities_user", "user_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(200))


class AccountRow(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        Index("ix_accounts_owner", "owner_id", "archived"),
        Index("ix_accounts_team", "team_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    search_key: Mapped[str] = mapped_column(String(300), index=True)
    """Name folded for matching (see domain.matching.fold); kept to make look-ups indexable."""
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    industry: Mapped[str | None] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(1), default="B")
    funnel_stage: Mapped[str] = mapped_column(String(32), default="potential")
    intention: Mapped[str | None] = mapped_column(String(16))
    power: Mapped[str | None] = mapped_column(String(16))
    procurement_stage: Mapped[str | None] = mapped_column(String(32))
    visit_cadence_days: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class AccountAliasRow(Base):
    """Folded aliases, one row each, so that an alias is found by an indexed equality."""

    __tablename__ = "account_aliases"
    __table_args__ = (Index("ix_account_aliases_key", "search_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    search_key: Mapped[str] = mapped_column(String(300))


class ContactRow(Base):
    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(32))
    attitude: Mapped[str | None] = mapped_column(String(16))
    relationship_strength: Mapped[int | None]
    last_met: Mapped[date | None]
    personal_notes: Mapped[str | None] = mapped_column(Text)


class VisitRow(Base):
    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_account_at", "account_id", "visited_at"),
        Index("ix_visits_rep_at", "rep_id", "visited_at"),
        Index("ix_visits_next", "next_visit_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    visited_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16), default="in_person")
    contact_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    goal: Mapped[str | None] = mapped_column(Text)
    goal_reached: Mapped[str | None] = mapped_column(String(8))
    summary: Mapped[str | None] = mapped_column(Text)
    needs: Mapped[str | None] = mapped_column(Text)
    competitor_intel: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    next_visit_date: Mapped[date | None]
    created_at: Mapped[datetime]
    submission_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    """Set by adapters from the submitting view/request so a double submit saves once."""


class StageChangeRow(Base):
    __tablename__ = "stage_changes"
    __table_args__ = (Index("ix_stage_changes_account_at", "account_id", "changed_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    kind: Mapped[str] = mapped_column(String(16))
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str] = mapped_column(String(32))
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime]


class PromiseRow(Base):
    __tablename__ = "promises"
    __table_args__ = (
        Index("ix_promises_owner_open_due", "owner_id", "status", "due_date"),
        Index("ix_promises_account_status", "account_id", "status"),
        Index("ix_promises_account_due", "account_id", "due_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)
    direction: Mapped[str] = mapped_column(String(8))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    text: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default="open")
    done_at: Mapped[datetime | None]
    snoozed_until: Mapped[date | None]
    created_at: Mapped[datetime]


class PromiseEventRow(Base):
    __tablename__ = "promise_events"
    __table_args__ = (Index("ix_promise_events_promise", "promise_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(ForeignKey("promises.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    detail: Mapped[str | None] = mapped_column(Text)


class AuditRow(Base):
    """The audit log: one row per created, changed, deleted or erased record (no values)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_actor_at", "actor_id", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int]
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)


class PriceObservationRow(Base):
    __tablename__ = "price_observations"
    __table_args__ = (
        Index("ix_price_obs_account_product_at", "account_id", "product", "observed_at"),
        Index(
            "ix_price_obs_account_key_at", "account_id", "product", "kind", "competitor", "observed_at", "id"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    product: Mapped[str] = mapped_column(String(200))
    price: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(8))
    unit: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(24))
    competitor: Mapped[str | None] = mapped_column(String(200))
    observed_at: Mapped[datetime]
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class InventoryObservationRow(Base):
    __tablename__ = "inventory_observations"
    __table_args__ = (Index("ix_inventory_obs_account_product_at", "account_id", "product", "observed_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    product: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    unit: Mapped[str | None] = mapped_column(String(32))
    our_share_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    movement: Mapped[str | None] = mapped_column(String(8))
    observed_at: Mapped[datetime]
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


Index(
    "ix_inventory_obs_account_lower_product_at",
    InventoryObservationRow.account_id,
    func.lower(InventoryObservationRow.product),
    InventoryObservationRow.observed_at,
    InventoryObservationRow.id,
)
"""A visit's stock count compared with the count before it (``previous_stock``): one probe, its
products matched without case, however long the account's history."""


class CompetitorNoteRow(Base):
    __tablename__ = "competitor_notes"
    __table_args__ = (Index("ix_competitor_notes_account_at", "account_id", "observed_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    competitor: Mapped[str] = mapped_column(String(200))
    activity: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    observed_at: Mapped[datetime]
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PriceListRow(Base):
    __tablename__ = "price_list"
    id: Mapped[int] = mapped_column(primary_key=True)
    product: Mapped[str] = mapped_column(String(200))
    price: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(8))
    unit: Mapped[str | None] = mapped_column(String(32))
    valid_from: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)


Index("ix_price_list_lower_product", func.lower(PriceListRow.product), PriceListRow.valid_from)
"""A product's list price on a day (``price_list_for``), matched without case."""


class ExchangeRateRow(Base):
    """An admin-set rate: one ``from_currency`` buys ``rate`` of ``to_currency`` (prices vs the list)."""

    __tablename__ = "exchange_rates"
    __table_args__ = (UniqueConstraint("from_currency", "to_currency"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    from_currency: Mapped[str] = mapped_column(String(8))
    to_currency: Mapped[str] = mapped_column(String(8))
    rate: Mapped[Decimal] = mapped_column(Numeric(18, 8))
    updated_at: Mapped[datetime]


class OutboxRow(Base):
    """A message decided and not yet (or already) delivered.

    ``key`` is unique: (kind, recipient, local date or week, entity) decided twice is written
    once, so two processes deciding the same reminder send it once.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    platform: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(200))
    """Platform address: a user id to DM or a channel id."""
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    message_ref: Mapped[str | None] = mapped_column(String(200))
    """Where it landed (channel and ts), so buttons can update the message in place."""
    sending_at: Mapped[datetime | None]
    """When a sender last started a platform call for this row; cleared when the platform
    answered that nothing was posted. Set on a pending row: the message may have landed, so
    the next sender looks in the channel's history before posting again."""


class OutboxIncidentRow(Base):
    """Something that could have sent a message twice, and what the sender did about it.

    ``kind``: ``found_in_history`` (an earlier, interrupted send had landed: recorded as sent,
    not posted again), ``lease_lost_before_send`` (the claim was taken over before the call:
    not sent by this sender), ``lease_lost_after_send`` (posted, then found the claim taken
    over: the other sender's history check decides), ``history_unavailable`` (sent again
    without a look-back), ``not_found_in_history`` (looked back, found nothing, sent again: the
    first send may lie beyond the messages read, or the history lagged).
    """

    __tablename__ = "outbox_incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    instance: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]
    detail: Mapped[str | None] = mapped_column(Text)


class JobRunRow(Base):
    """One scheduled slot (job, slot) claimed by exactly one process."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "slot"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    slot: Mapped[str] = mapped_column(String(64))
    claimed_by: Mapped[str] = mapped_column(String(100))
    claimed_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class RequestKeyRow(Base):
    """A request already taken in: the first delivery of (platform, key) inserts the row, and
    every later delivery of the same key, from any process, finds it until ``expires_at``.

    Slack: retries and replays of a request, events by ``event_id``; claims of a submitted
    view. Rows past ``expires_at`` count as absent and are pruned.
    """

    __tablename__ = "request_keys"
    __table_args__ = (UniqueConstraint("platform", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))
    seen_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class ConversationRefRow(Base):
    """Where a bot may write first to a person (Teams: the personal chat's conversation reference)."""

    __tablename__ = "conversation_refs"
    __table_args__ = (
        UniqueConstraint("platform", "external_id"),
        Index("ix_conversation_refs_user", "user_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(200))
    """The person's id on the platform (Teams: the AAD object id)."""
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(String(500))
    service_url: Mapped[str] = mapped_column(String(500))
    tenant_id: Mapped[str | None] = mapped_column(String(100))
    bot_id: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime]


class SentCardRow(Base):
    """What a message with buttons showed (a neutral reply as JSON), to update it in place later."""

    __tablename__ = "sent_cards"
    __table_args__ = (UniqueConstraint("platform", "message_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class PendingDraftRow(Base):
    """A capture waiting for its next answer on a surface without forms (``handlers.conversation``):
    one per person and surface, so another worker or a restart continues it."""

    __tablename__ = "pending_drafts"
    __table_args__ = (UniqueConstraint("user_id", "surface"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    surface: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    rest: Mapped[str] = mapped_column(Text)
    line: Mapped[str] = mapped_column(Text)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class CrmLinkRow(Base):
    """kam-bot id <-> CRM id, per CRM: what a push created (a visit, a promise ...) or a pull
    brought (an account, a contact, an owner as ``user``). A row with ``crm_id`` NULL is a
    create in progress, held by ``pushing_by`` until ``pushing_until``: another sender waits, and
    once it expires (the pusher died) the next one looks the record up in the CRM before creating."""

    __tablename__ = "crm_links"
    __table_args__ = (
        UniqueConstraint("crm", "kind", "entity_id"),
        Index("ix_crm_links_crm_id", "crm", "kind", "crm_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    crm: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int] = mapped_column(Integer)
    crm_id: Mapped[str | None] = mapped_column(String(64))
    pushing_by: Mapped[str | None] = mapped_column(String(100))
    pushing_until: Mapped[datetime | None]
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]


class CrmStateRow(Base):
    """One row per CRM: whether its sync is stopped (a revoked credential) or paused (a rate
    limit), and when it last pulled."""

    __tablename__ = "crm_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    crm: Mapped[str] = mapped_column(String(16), unique=True)
    stopped_reason: Mapped[str | None] = mapped_column(Text)
    stopped_at: Mapped[datetime | None]
    limited_until: Mapped[datetime | None]
    limited_reason: Mapped[str | None] = mapped_column(Text)
    limited_count: Mapped[int] = mapped_column(Integer, default=0)
    last_pull_at: Mapped[datetime | None]
    last_pull_summary: Mapped[str | None] = mapped_column(Text)
