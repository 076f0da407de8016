"""The one place that builds the app: the engine, the unit of work, the services, the jobs' store
(``bootstrap``); the chat platforms the settings enable (``build_platforms``); and the server
`kam-bot serve` runs, which starts the scheduler and the outbox sender (``build_server``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from kam_bot import platforms
from kam_bot.config import Settings, insight_thresholds
from kam_bot.platforms import ChatPlatform
from kam_bot.services.accounts import AccountService
from kam_bot.services.audit import AuditService
from kam_bot.services.calendar import CalendarService
from kam_bot.services.claims import ClaimService
from kam_bot.services.contacts import ContactService
from kam_bot.services.conversations import ConversationRefs
from kam_bot.services.demo import DemoService
from kam_bot.services.insight import InsightService
from kam_bot.services.observations import ObservationService
from kam_bot.services.ports import Clock, utc_now
from kam_bot.services.promises import PromiseService
from kam_bot.services.users import UserService
from kam_bot.services.visits import VisitService
from kam_bot.store.conversation_refs import SqlConversationRefs
from kam_bot.store.engine import ensure_migrated, make_engine
from kam_bot.store.jobs import SqlJobsStore
from kam_bot.store.uow import SqlUnitOfWork

if TYPE_CHECKING:
    from starlette.applications import Starlette


@dataclass
class App:
    settings: Settings
    engine: Engine
    clock: Clock
    accounts: AccountService = field(init=False)
    contacts: ContactService = field(init=False)
    visits: VisitService = field(init=False)
    promises: PromiseService = field(init=False)
    observations: ObservationService = field(init=False)
    users: UserService = field(init=False)
    conversation_refs: ConversationRefs = field(init=False)
    claims: ClaimService = field(init=False)
    audit: AuditService = field(init=False)
    calendar: CalendarService = field(init=False)
    demo: DemoService = field(init=False)
    insight: InsightService = field(init=False)
    jobs: SqlJobsStore = field(init=False)
    """What the scheduled jobs read and write (their queries live in the store)."""
    recipient_platforms: tuple[str, ...] = field(init=False)
    """The platforms DMs and digests are queued for (``platforms.recipients``)."""

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        threshold = self.settings.price_deviation_threshold
        self.accounts = AccountService(self.uow, self.clock, threshold, insight_thresholds(self.settings))
        self.contacts = ContactService(self.uow, self.clock)
        self.audit = AuditService(self.uow)
        self.calendar = CalendarService(self.uow, self.clock, self.settings.default_calendar_country)
        self.visits = VisitService(self.uow, self.clock, threshold)
        self.promises = PromiseService(self.uow, self.clock)
        self.observations = ObservationService(self.uow, self.clock, threshold)
        self.users = UserService(
            self.uow, self.settings.default_timezone, self.settings.default_locale, self.clock
        )
        self.conversation_refs = SqlConversationRefs(self._sessions, self.clock)
        self.claims = ClaimService(self.uow, self.clock)
        self.demo = DemoService(self.uow, self.clock)
        self.insight = InsightService(self.uow, self.clock, insight_thresholds(self.settings))
        self.jobs = SqlJobsStore(self.engine, self._sessions)
        self.recipient_platforms = platforms.recipients(self.settings)

    def uow(self) -> SqlUnitOfWork:
        """A unit of work on the store, for jobs and tools; handlers and adapters use the services."""
        return SqlUnitOfWork(self._sessions)


def bootstrap(
    settings: Settings, *, engine: Engine | None = None, clock: Clock = utc_now, check: bool = True
) -> App:
    """Build the application. With ``check`` it refuses an unmigrated database."""
    engine = engine or make_engine(settings.database_url)
    if check:
        ensure_migrated(engine)
    return App(settings=settings, engine=engine, clock=clock)


def build_platforms(app: App) -> list[ChatPlatform]:
    """The chat platforms the settings enable, built (their adapters imported only now).

    Raises ``SettingsError`` naming the variable when an enabled platform is misconfigured.
    """
    entries = platforms.enabled(app.settings)
    for entry in entries:
        entry.check(app.settings)
    return [entry.build(app) for entry in entries]


def build_server(app: App) -> Starlette:
    """What `kam-bot serve` runs: the enabled platforms' routes and ``/healthz`` on one port, and a
    lifespan that starts the platforms, then the scheduler and the outbox sender with their
    deliverers (``jobs.runtime``)."""
    from kam_bot.server import create_server

    return create_server(app, build_platforms(app))
