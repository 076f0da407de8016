"""The one place that builds the app: the engine, the unit of work, the services, the jobs'
context (``bootstrap``); the chat platforms the settings enable (``build_platforms``); and the
server `kam-bot serve` runs, which starts the scheduler and the outbox sender (``build_server``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from pydantic_settings import BaseSettings
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from kam_bot import crms, platforms
from kam_bot.adapters.platform import ChatPlatform
from kam_bot.config import Settings, insight_thresholds, load_settings
from kam_bot.handlers.verbs import CORE_TABLE, VerbTable
from kam_bot.jobs.context import CardFactory, JobsContext
from kam_bot.jobs.crm import CrmJobs, CrmSync, admin_notifier
from kam_bot.jobs.daily import CardSource
from kam_bot.jobs.verbs import preview_verbs
from kam_bot.services.accounts import AccountService
from kam_bot.services.audit import AuditService
from kam_bot.services.calendar import CalendarService
from kam_bot.services.claims import ClaimService
from kam_bot.services.contacts import ContactService
from kam_bot.services.conversations import ConversationRefs
from kam_bot.services.demo import DemoService
from kam_bot.services.insight import InsightService
from kam_bot.services.observations import ObservationService
from kam_bot.services.ports import Clock, UnitOfWorkFactory, utc_now
from kam_bot.services.promises import PromiseService
from kam_bot.services.teams import TeamService
from kam_bot.services.undo import UndoService
from kam_bot.services.users import UserService
from kam_bot.services.visits import VisitService
from kam_bot.store import changes
from kam_bot.store.conversation_refs import SqlConversationRefs
from kam_bot.store.crm import SqlCrmStore
from kam_bot.store.daily_batch import BriefReads
from kam_bot.store.engine import ensure_migrated, make_engine
from kam_bot.store.health import database_state
from kam_bot.store.jobs import SqlJobsStore
from kam_bot.store.pending_drafts import SqlPendingDrafts
from kam_bot.store.uow import SqlUnitOfWork

if TYPE_CHECKING:
    from starlette.applications import Starlette


@dataclass
class App:
    settings: Settings
    engine: Engine
    clock: Clock
    platform_settings: Mapping[str, BaseSettings] = field(default_factory=platforms.load_settings)
    """Each chat platform's own settings, by name (``platforms.load_settings``: the environment)."""
    crm: crms.Configured | None = field(default_factory=crms.selected)
    """The CRM ``CRM`` names, with its settings (None: no sync; no CRM rows are written)."""
    accounts: AccountService = field(init=False)
    contacts: ContactService = field(init=False)
    visits: VisitService = field(init=False)
    promises: PromiseService = field(init=False)
    observations: ObservationService = field(init=False)
    users: UserService = field(init=False)
    teams: TeamService = field(init=False)
    conversation_refs: ConversationRefs = field(init=False)
    claims: ClaimService = field(init=False)
    audit: AuditService = field(init=False)
    calendar: CalendarService = field(init=False)
    demo: DemoService = field(init=False)
    insight: InsightService = field(init=False)
    jobs: SqlJobsStore = field(init=False)
    """What the scheduled jobs read and write (their queries live in the store)."""
    undo: UndoService = field(init=False)
    drafts: SqlPendingDrafts = field(init=False)
    """Captures waiting for an answer on surfaces without forms (``handlers.conversation``)."""
    verbs: VerbTable = field(init=False)
    """The command language: the handlers' verbs and the jobs' previews."""
    recipient_platforms: tuple[str, ...] = field(init=False)
    """The platforms DMs and digests are queued for (``platforms.recipients``)."""
    identity_platforms: tuple[str, ...] = field(init=False, default=platforms.IDENTITIES)
    """The platforms a bare person id is looked up on, in this order."""
    identity_columns: Mapping[str, str] = field(init=False, default_factory=platforms.identity_columns)
    """``users.csv`` column -> platform, for every chat platform (``slack_id`` -> ``slack``)."""
    jobs_context: JobsContext = field(init=False)
    """What the scheduled jobs use (``jobs.context``): they never see the whole app."""

    def __post_init__(self) -> None:
        followers = (self.crm.name,) if self.crm is not None else ()
        self._sessions = sessionmaker(
            self.engine, expire_on_commit=False, info={changes.FOLLOWERS: followers}
        )
        threshold = self.settings.price_deviation_threshold
        self.accounts = AccountService(self.uow, self.clock, threshold, insight_thresholds(self.settings))
        self.contacts = ContactService(self.uow, self.clock)
        self.audit = AuditService(self.uow)
        self.calendar = CalendarService(self.uow, self.clock, self.settings.default_calendar_country)
        self.visits = VisitService(self.uow, self.clock, threshold)
        self.promises = PromiseService(self.uow, self.clock)
        self.observations = ObservationService(self.uow, self.clock, threshold)
        self.users = UserService(
            self.uow,
            self.settings.default_timezone,
            self.settings.default_locale,
            self.clock,
            identity_platforms=self.identity_platforms,
        )
        self.teams = TeamService(self.uow, self.clock, platforms.names(), self.settings.default_locale)
        self.conversation_refs = SqlConversationRefs(self._sessions, self.clock)
        self.claims = ClaimService(self.uow, self.clock)
        self.demo = DemoService(self.uow, self.clock, platforms.demo_destinations())
        self.insight = InsightService(self.uow, self.clock, insight_thresholds(self.settings))
        self.jobs = SqlJobsStore(self.engine, self._sessions)
        self.recipient_platforms = platforms.recipients(self.platform_settings)
        cards = card_factory(self.settings, self.jobs, partial(SqlUnitOfWork, self._sessions))
        self.jobs_context = JobsContext(
            self.settings, self.clock, self.jobs, cards, self.recipient_platforms, self.calendar.book
        )
        self._crm_jobs: CrmJobs | None = None
        self.drafts = SqlPendingDrafts(self._sessions)
        self.undo = UndoService(self.uow, self.clock)
        self.verbs = CORE_TABLE.extend(preview_verbs(self.jobs_context))

    def uow(self) -> SqlUnitOfWork:
        """A unit of work on the store, for jobs and tools; handlers and adapters use the services."""
        return SqlUnitOfWork(self._sessions)

    def crm_store(self) -> SqlCrmStore | None:
        return SqlCrmStore(self._sessions, self.crm.name) if self.crm is not None else None

    def recipe(self) -> partial[App]:
        """How another process builds this application (picklable): the same settings, its own
        engine, the real clock, platforms and CRM from its environment (a platform's side
        process, e.g. Slack's form process)."""
        return partial(bootstrap, self.settings)

    def crm_jobs(self) -> CrmJobs | None:
        """The CRM's push loop and pull, built once (its client imported only now)."""
        if self.crm is None:
            return None
        if self._crm_jobs is None:
            self.crm.check()
            port, store = self.crm.build(), SqlCrmStore(self._sessions, self.crm.name)
            s = self.settings
            sync = CrmSync(
                port,
                store,
                self.jobs.leases,
                self.clock,
                notify=admin_notifier(self.jobs, self.recipient_platforms, store, self.crm.name),
                batch=s.outbox_batch,
                lease_for=timedelta(seconds=s.outbox_lease_seconds),
                concurrency=min(4, s.outbox_concurrency),
            )
            self._crm_jobs = CrmJobs(sync, port, store, self.clock)
        return self._crm_jobs

    def database_state(self) -> str | None:
        """None when the database can be written now; else what is wrong (the server's readiness)."""
        return database_state(self.engine)


def card_factory(settings: Settings, jobs: SqlJobsStore, uow: UnitOfWorkFactory) -> CardFactory:
    """The account cards of the morning briefs (``JobsContext.cards``): as of the brief's moment,
    through an ``AccountService`` on that moment's clock, answered from what a batch of briefs
    already read (``reads``) where it can. A brief shows no price trends: none are drawn."""
    threshold = settings.price_deviation_threshold
    thresholds = insight_thresholds(settings)

    def cards(now: datetime, reads: BriefReads | None) -> CardSource:
        source = jobs.card_uow(reads) if reads is not None else uow
        service = AccountService(source, lambda: now, threshold, thresholds)
        return lambda actor, account_id: service.card(actor, account_id, trends=False)

    return cards


def bootstrap(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock = utc_now,
    check: bool = True,
    platform_settings: Mapping[str, BaseSettings] | None = None,
    crm: crms.Configured | str | None = "env",
) -> App:
    """Build the application. With ``check`` it refuses an unmigrated database. Without
    ``platform_settings`` each platform's settings are read from the environment, and without
    ``crm`` (``"env"``) the CRM ``CRM`` names."""
    engine = engine or make_engine(settings.database_url)
    if check:
        ensure_migrated(engine)
    extra: dict[str, object] = {} if isinstance(crm, str) else {"crm": crm}
    if platform_settings is not None:
        extra["platform_settings"] = platform_settings
    return App(settings=settings, engine=engine, clock=clock, **extra)  # type: ignore[arg-type]


def build_platforms(app: App) -> list[ChatPlatform]:
    """The chat platforms the settings enable, built (their adapters imported only now).

    Raises ``SettingsError`` naming the variable when an enabled platform is misconfigured.
    """
    entries = platforms.enabled(app.platform_settings)
    for entry in entries:
        entry.check()
    return [entry.build(app) for entry in entries]


def build_server(app: App) -> Starlette:
    """What `kam-bot serve` runs: the enabled platforms' routes and ``/healthz`` on one port, and a
    lifespan that starts the platforms, then the scheduler and the outbox sender with their
    deliverers (``jobs.runtime``)."""
    from kam_bot.server import create_server

    built = build_platforms(app)
    follower = app.crm_jobs()
    if follower is not None:
        app.jobs_context = replace(app.jobs_context, follower=follower)
    return create_server(app, built)


def worker_server() -> Starlette:
    """Each ``kam-bot serve --workers N`` process builds its own server, settings from the environment
    (uvicorn's factory ``kam_bot.bootstrap:worker_server``); it stops when its supervisor dies."""
    from kam_bot.heap import freeze_built
    from kam_bot.server import stop_when_orphaned

    stop_when_orphaned(os.getppid())
    server = build_server(bootstrap(load_settings()))
    freeze_built()
    return server
