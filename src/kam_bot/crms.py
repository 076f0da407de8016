"""The CRMs kam-bot knows, and the one ``CRM`` selects.

Each CRM registers itself in its folder (``integrations/<name>/crm.py``: its name, settings,
settings check and ``build``; see ``integrations.crm.Registration``). A new CRM (Dynamics 365's
Dataverse API, say) is that folder and one line in ``KNOWN``. ``CRM=<name>`` turns sync on;
unset, kam-bot writes no CRM rows at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict

from kam_bot.config import SettingsError
from kam_bot.integrations.crm import Registration
from kam_bot.integrations.hubspot import crm as hubspot
from kam_bot.integrations.salesforce import crm as salesforce
from kam_bot.jobs.crm_port import CrmPort

KNOWN: list[Registration[Any]] = [salesforce.REGISTRATION, hubspot.REGISTRATION]


class CrmChoice(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    crm: str = ""
    """``CRM``: the name of the CRM to sync with; empty: none."""


@dataclass(frozen=True)
class Configured:
    """The selected CRM with its settings."""

    registration: Registration[Any]
    settings: BaseSettings

    @property
    def name(self) -> str:
        return self.registration.name

    def check(self) -> None:
        self.registration.check(self.settings)

    def build(self) -> CrmPort:
        return self.registration.build(self.settings)

    def daily_limit(self) -> int | None:
        return self.registration.daily_limit(self.settings)


def names() -> tuple[str, ...]:
    return tuple(entry.name for entry in KNOWN)


def by_name(name: str) -> Registration[Any] | None:
    return next((entry for entry in KNOWN if entry.name == name), None)


def selected(choice: str | None = None) -> Configured | None:
    """The CRM ``CRM`` names (or ``choice``), with its settings; None when none is chosen.
    An unknown name or a malformed setting raises ``SettingsError`` naming the variable."""
    name = (CrmChoice().crm if choice is None else choice).strip().lower()
    if not name:
        return None
    entry = by_name(name)
    if entry is None:
        raise SettingsError(f"CRM: unknown CRM {name!r}; write one of {', '.join(names())}")
    return Configured(entry, entry.load_settings())
