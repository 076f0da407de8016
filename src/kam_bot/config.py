"""Settings, read once from the environment (and a `.env` file if present)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kam_bot.domain.calendar import public
from kam_bot.domain.insight.thresholds import Thresholds
from kam_bot.store.engine import url_problem


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default="sqlite:///kam_bot.db",
        repr=False,  # may hold a password
        description="SQLAlchemy URL. Default: a kam_bot.db SQLite file in the working directory.",
    )
    price_deviation_threshold: Decimal = Field(
        default=Decimal("0.05"),
        ge=0,
        le=10,
        description="Flag a price further than this fraction from the price list (0.05 = 5 %).",
    )
    escalation_days: int = Field(
        default=3,
        ge=1,
        description="Our promises overdue by this many working days (the rep's team calendar) reach the "
        "rep's manager.",
    )
    # Account insight (domain/insight): the rules' thresholds, documented in insight/thresholds.py
    insight_met_days: int = Field(
        default=90, ge=1, description="A contact counts as met when last met within this many days."
    )
    insight_cold_factor: int = Field(
        default=2, ge=1, description="A chain has gone cold when nobody was met for this many x cadence."
    )
    insight_stall_days: int = Field(
        default=45, ge=1, description="A deal with no procurement-stage move for this many days ..."
    )
    insight_stall_min_visits: int = Field(
        default=2, ge=1, description="... and at least this many visits since the move is stalled."
    )
    insight_allocation_weeks: int = Field(
        default=8, ge=1, le=26, description="Time spent on an account: its visits in this many weeks."
    )
    insight_focus_min_visits: int = Field(
        default=4, ge=0, description="A focus account with fewer visits than this is neglected."
    )
    insight_low_max_visits: int = Field(
        default=3, ge=0, description="A park/monitor account with more visits than this takes misplaced time."
    )
    insight_promise_days: int = Field(
        default=90, ge=1, description="The promise record counts promises due in this many days."
    )
    default_timezone: str = Field(default="UTC", description="Time zone for users the platform gives none.")
    default_locale: str = Field(
        default="en", description="Language for users the platform gives none: en or zh-Hans."
    )
    default_calendar_country: str = Field(
        default="",
        description="Country code (CN, US, SA ...) whose public holidays and make-up working days apply "
        "to teams with no calendar country of their own; empty: Monday to Friday only.",
    )

    @field_validator("default_calendar_country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        code = value.strip().upper()
        if code and not public.is_country(code):
            raise ValueError(f"{value!r} is not a country code the holidays library knows (e.g. CN, US, SA)")
        return code

    # each chat platform's own settings are in its adapter (adapters/<name>/settings.py)

    port: int = Field(default=3000, ge=1, le=65535, description="HTTP port of `kam-bot serve`.")
    job_processes: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Processes that run the scheduled jobs at the same moments (`kam-bot serve` sets its "
        "worker count): a tick's morning DMs and digests are shared out in this many parts, one per process.",
    )

    # The outbox sender inside `kam-bot serve` (the defaults suit Slack; tests run faster)
    outbox_poll_seconds: float = Field(default=5.0, gt=0, description="Seconds between two sender runs.")
    outbox_pace_seconds: float = Field(
        default=0.02,
        ge=0,
        description="Seconds between two sends of one process (0.02: at most 50 a second).",
    )
    outbox_concurrency: int = Field(
        default=8, ge=1, le=64, description="Sends in flight at once per process."
    )
    outbox_batch: int = Field(default=20, ge=1, le=1000, description="Rows one claim takes.")
    outbox_lease_seconds: float = Field(
        default=120.0,
        ge=1,
        description="How long a claim holds a row before another process may take it (renewed per send; "
        "keep it above the Web API timeout).",
    )

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        problem = url_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value.replace("_", "-").lower().split("-", 1)[0] not in ("en", "zh"):
            raise ValueError(f"{value!r} is not a language kam-bot speaks; write en or zh-Hans")
        return value


def insight_thresholds(settings: Settings) -> Thresholds:
    """The insight rules' thresholds from the settings."""
    return Thresholds(
        met_days=settings.insight_met_days,
        cold_factor=settings.insight_cold_factor,
        stall_days=settings.insight_stall_days,
        stall_min_visits=settings.insight_stall_min_visits,
        allocation_weeks=settings.insight_allocation_weeks,
        focus_min_visits=settings.insight_focus_min_visits,
        low_max_visits=settings.insight_low_max_visits,
        promise_days=settings.insight_promise_days,
    )


class SettingsError(RuntimeError):
    """One clear line naming the variable that is missing or malformed."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "?"
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"{variable}: {message}") from None
