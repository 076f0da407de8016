"""The one place that builds the engine, the unit of work and the services."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from kam_bot.config import Settings
from kam_bot.services.accounts import AccountService
from kam_bot.services.contacts import ContactService
from kam_bot.services.conversations import ConversationRefs
from kam_bot.services.observations import ObservationService
from kam_bot.services.ports import Clock, UnitOfWork, utc_now
from kam_bot.services.promises import PromiseService
from kam_bot.services.users import UserService
from kam_bot.services.visits import VisitService
from kam_bot.store.conversation_refs import SqlConversationRefs
from kam_bot.store.engine import ensure_migrated, make_engine
from kam_bot.store.uow import SqlUnitOfWork


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

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        threshold = self.settings.price_deviation_threshold
        self.accounts = AccountService(self.uow, self.clock, threshold)
        self.contacts = ContactService(self.uow)
        self.visits = VisitService(self.uow, self.clock, threshold)
        self.promises = PromiseService(self.uow, self.clock)
        self.observations = ObservationService(self.uow, self.clock, threshold)
        self.users = UserService(self.uow, self.settings.default_timezone, self.settings.default_locale)
        self.conversation_refs = SqlConversationRefs(self._sessions, self.clock)

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(self._sessions)


def bootstrap(
    settings: Settings, *, engine: Engine | None = None, clock: Clock = utc_now, check: bool = True
) -> App:
    """Build the application. With ``check`` it refuses an unmigrated database."""
    engine = engine or make_engine(settings.database_url)
    if check:
        ensure_migrated(engine)
    return App(settings=settings, engine=engine, clock=clock)
