"""Salesforce's settings, read from ``SALESFORCE_*`` variables (and a `.env` file if present)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kam_bot.config import SettingsError


class SalesforceSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SALESFORCE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    instance_url: str = Field(default="", description="https://<my-domain>.my.salesforce.com")
    client_id: str | None = Field(default=None, repr=False, description="Connected app consumer key.")
    client_secret: str | None = Field(default=None, repr=False, description="Consumer secret.")
    username: str | None = Field(default=None, description="Integration user (username-password flow).")
    password: str | None = Field(default=None, repr=False)
    token: str | None = Field(default=None, repr=False, description="The user's security token.")
    api_version: str = Field(default="59.0")
    visit_object: Literal["Event", "Task"] = Field(
        default="Event", description="A visit as an Event or a Task."
    )
    external_id_field: str = Field(
        default="Kam_Bot_Id__c",
        description="Text external-id field on Event, Task and Note-like objects; used where the org has it.",
    )
    observation_object: str = Field(
        default="", description="Custom object for observations (e.g. Field_Observation__c); empty: a Note."
    )
    daily_api_limit: int | None = Field(default=None, description="The org's daily API allowance, if known.")


def check_settings(settings: SalesforceSettings) -> None:
    """Refuse to start on missing Salesforce settings, naming the variable."""
    if not settings.instance_url.startswith(("https://", "http://")):
        raise SettingsError(
            "SALESFORCE_INSTANCE_URL is not set: your org's URL, https://<my-domain>.my.salesforce.com"
        )
    if settings.client_id or settings.client_secret:
        if not settings.client_id:
            raise SettingsError("SALESFORCE_CLIENT_ID is not set: the connected app's consumer key")
        if not settings.client_secret:
            raise SettingsError("SALESFORCE_CLIENT_SECRET is not set: the connected app's consumer secret")
        return
    for name in ("username", "password", "token"):
        if not getattr(settings, name):
            raise SettingsError(
                f"SALESFORCE_{name.upper()} is not set: set SALESFORCE_CLIENT_ID + SALESFORCE_CLIENT_SECRET "
                "(client-credentials flow) or SALESFORCE_USERNAME + SALESFORCE_PASSWORD + SALESFORCE_TOKEN"
            )
