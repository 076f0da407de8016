"""The seam a chat platform plugs into: what it registers, and what it gives once built.

Each platform's folder has a ``platform.py`` holding one ``Registration`` (``REGISTRATION``); it
imports no SDK, so kam-bot knows every platform whether or not its SDK is installed. The SDK is
imported by ``build`` (and by the CLI modules it names), only when the platform is used.
``kam_bot.platforms`` lists the registrations; nothing under ``domain``, ``services``,
``handlers`` or ``jobs`` names a platform.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from pydantic import ValidationError
from pydantic_settings import BaseSettings

from kam_bot.config import SettingsError
from kam_bot.handlers.verbs import ChatServices
from kam_bot.services.conversations import ConversationRefs

if TYPE_CHECKING:  # the protocol's types only
    from starlette.routing import BaseRoute

    from kam_bot.jobs.delivery import Deliverer

S = TypeVar("S", bound=BaseSettings)


class ChatPlatform(Protocol):
    """A platform built for `kam-bot serve`."""

    @property
    def name(self) -> str: ...

    @property
    def deliverer(self) -> Deliverer:
        """Sends the outbox rows whose ``platform`` is ``name``."""
        ...

    def routes(self) -> Sequence[BaseRoute]:
        """What it serves on the shared port (Slack: ``POST /slack/events``)."""
        ...

    async def startup(self) -> None:
        """Called once the server runs, before the jobs start (Slack: connect Socket Mode)."""
        ...

    async def shutdown(self) -> None:
        """Called when the server stops, after the jobs have drained."""
        ...


class PlatformServices(ChatServices, Protocol):
    """What a platform is built from: the services, the command language and its pending
    drafts, and the conversation references."""

    @property
    def conversation_refs(self) -> ConversationRefs: ...


@dataclass(frozen=True)
class Unreachable:
    """A person with an identity on the platform that a DM still cannot reach (`kam-bot remind`)."""

    reason: str
    """The outbox's ``last_error`` for such a row (Teams: ``no_teams_conversation``)."""
    one: str
    """Why, of one person: "has not opened kam-bot in Teams yet"."""
    many: str
    """Why, of several: "have not opened kam-bot in Teams yet"."""
    advice: str


def _anyone(refs: ConversationRefs, external_id: str) -> bool:
    return True


def _no_reason(settings: Any) -> str:
    return ""


@dataclass(frozen=True)
class Registration(Generic[S]):
    """Everything kam-bot knows of a platform without importing its SDK."""

    name: str
    """Its name in the database: identities, outbox rows, digest destinations (``slack``)."""
    settings: type[S]
    """Its own settings (a pydantic-settings model with its variables' prefix)."""
    enabled: Callable[[S], bool]
    """Whether the settings ask for it (its credentials are set)."""
    check: Callable[[S], None]
    """Raise ``SettingsError`` naming the variable that is missing or malformed."""
    build: Callable[[PlatformServices, S], ChatPlatform]
    """Build it (import the SDK here, not at module level)."""
    how_to_enable: str
    """What to set, for the `kam-bot serve` error when no platform is configured."""
    reachable: Callable[[ConversationRefs, str], bool] = _anyone
    """Whether the bot may write first to this identity (Teams: only into a chat it knows)."""
    unreachable: Unreachable | None = None
    one_worker: Callable[[S], str] = _no_reason
    """Why these settings allow only one serving process ("" when several may serve)."""
    check_token: Callable[[S], None] | None = None
    """Ask the platform whether it accepts the credentials, at the start of `kam-bot serve`."""
    serve_note: Callable[[S], str] = _no_reason
    """How it connects, for the start line ("slack over socket mode, "; "" when over HTTP)."""
    cli: tuple[str, ...] = ()
    """Modules that add its `kam-bot` subcommands (``kam_bot.cli.command``)."""
    demo_destination: str | None = None
    """Where the demo team's digest goes on it, if anywhere."""

    @property
    def identity_column(self) -> str:
        """Its column of person ids in ``users.csv``."""
        return f"{self.name}_id"

    def load_settings(self) -> S:
        """Its settings from the environment (and ``.env``); a malformed one names its variable."""
        try:
            return self.settings()
        except ValidationError as exc:
            first = exc.errors()[0]
            prefix = str(self.settings.model_config.get("env_prefix", ""))
            variable = f"{prefix}{first['loc'][0]}".upper() if first["loc"] else "?"
            raise SettingsError(f"{variable}: {first['msg']}") from None
