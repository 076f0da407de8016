"""What handlers and adapters may use of the application: its settings, clock and use cases.

``bootstrap.App`` satisfies this protocol. Handlers and adapters are typed against it, not
against ``App``, so they never reach the engine or a unit of work, and ``bootstrap`` may
import the adapters without a cycle.
"""

from __future__ import annotations

from typing import Protocol

from kam_bot.config import Settings
from kam_bot.services.accounts import AccountService
from kam_bot.services.audit import AuditService
from kam_bot.services.calendar import CalendarService
from kam_bot.services.claims import ClaimService
from kam_bot.services.contacts import ContactService
from kam_bot.services.demo import DemoService
from kam_bot.services.insight import InsightService
from kam_bot.services.observations import ObservationService
from kam_bot.services.ports import Clock
from kam_bot.services.promises import PromiseService
from kam_bot.services.teams import TeamService
from kam_bot.services.undo import UndoService
from kam_bot.services.users import UserService
from kam_bot.services.visits import VisitService


class Services(Protocol):
    @property
    def settings(self) -> Settings: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def accounts(self) -> AccountService: ...

    @property
    def contacts(self) -> ContactService: ...

    @property
    def visits(self) -> VisitService: ...

    @property
    def promises(self) -> PromiseService: ...

    @property
    def observations(self) -> ObservationService: ...

    @property
    def users(self) -> UserService: ...

    @property
    def teams(self) -> TeamService: ...

    @property
    def undo(self) -> UndoService: ...

    @property
    def claims(self) -> ClaimService: ...

    @property
    def audit(self) -> AuditService: ...

    @property
    def calendar(self) -> CalendarService: ...

    @property
    def demo(self) -> DemoService: ...

    @property
    def insight(self) -> InsightService: ...
