"""The seam a CRM plugs into: what it registers, and how it is built.

Each CRM's folder (``integrations/<name>/``) has a ``crm.py`` holding one ``Registration``
(``REGISTRATION``); that module imports no SDK, so kam-bot knows every CRM whether or not its
client library is installed. ``build`` imports the SDK (``simple_salesforce``, ``hubspot``) and
returns a ``CrmPort``. ``kam_bot.crms`` lists the registrations; ``CRM=<name>`` picks one.
Nothing under ``domain``, ``services``, ``handlers`` or ``jobs`` names a CRM.
The port it implements and the errors it raises are ``jobs.crm_port``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import ValidationError
from pydantic_settings import BaseSettings

from kam_bot.config import SettingsError
from kam_bot.jobs.crm_port import CrmPort

S = TypeVar("S", bound=BaseSettings)


# -- the registration --------------------------------------------------------------------


@dataclass(frozen=True)
class Registration(Generic[S]):
    """Everything kam-bot knows of a CRM without importing its SDK."""

    name: str
    """Its value of ``CRM`` and of the outbox rows' ``platform`` (``salesforce``)."""
    settings: type[S]
    """Its own settings (a pydantic-settings model with its variables' prefix, ``SALESFORCE_``)."""
    check: Callable[[S], None]
    """Raise ``SettingsError`` naming the variable that is missing or malformed (``CRM=<name>``
    was set, so its credentials must be)."""
    build: Callable[[S], CrmPort]
    """Build the port (import the SDK here, not at module level)."""
    how_to_enable: str
    """What to set, in one line (for `kam-bot crm status` when the settings are incomplete)."""
    daily_limit: Callable[[S], int | None] = lambda settings: None
    """The API calls a day the settings allow, when known (reported by `kam-bot crm status`)."""

    def load_settings(self) -> S:
        """Its settings from the environment (and ``.env``); a malformed one names its variable."""
        try:
            return self.settings()
        except ValidationError as exc:
            first = exc.errors()[0]
            prefix = str(self.settings.model_config.get("env_prefix", ""))
            variable = f"{prefix}{first['loc'][0]}".upper() if first["loc"] else "?"
            raise SettingsError(f"{variable}: {first['msg']}") from None
