"""The demo dataset loaded on the first `kam-bot shell` against an empty database.

A team of two reps and their manager, five accounts of every tier (English and Chinese
names), decision chains, a price list, a few past visits with promises both ways (one of
them overdue) and stock seen last month, dated relative to today so reminders have
something to say whenever the demo runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from decimal import Decimal
from types import MappingProxyType

from kam_bot.domain.enums import (
    Attitude,
    ContactRole,
    FunnelStage,
    GoalReached,
    Intention,
    Locale,
    Movement,
    Power,
    PriceKind,
    ProcurementStage,
    PromiseDirection,
    PromiseStatus,
    Role,
    StageKind,
    Tier,
)
from kam_bot.domain.models import (
    Account,
    Contact,
    InventoryObservation,
    PriceListEntry,
    PriceObservation,
    Promise,
    PromiseEvent,
    StageChange,
    Team,
    User,
    Visit,
)
from kam_bot.services.ports import Clock, Repository, UnitOfWorkFactory

DEMO_IDENTITY = "default"
"""The console identity of the demo rep: who `kam-bot shell` acts as without --as."""


def is_empty(uow_factory: UnitOfWorkFactory) -> bool:
    with uow_factory() as uow:
        return uow.repo.count(User) == 0


def seed(
    uow_factory: UnitOfWorkFactory, now: datetime, destinations: Mapping[str, str] = MappingProxyType({})
) -> User:
    """Load the demo data in one transaction; returns the demo rep. ``destinations``: platform ->
    where the demo team's digest goes there (``platforms.demo_destinations``)."""
    with uow_factory() as uow:
        r = uow.repo
        team = r.add(
            Team, name="East China", digest_destinations=dict(destinations), timezone="Asia/Shanghai"
        )
        boss = r.add(
            User,
            display_name="Wang Fang",
            email="wang.fang@example.com",
            role=Role.MANAGER,
            team_id=team.id,
            timezone="Asia/Shanghai",
            locale=Locale.ZH_HANS,
            identities={"console": "wang"},
        )
        me = r.add(
            User,
            display_name="Alex Chen",
            email="alex.chen@example.com",
            role=Role.REP,
            team_id=team.id,
            manager_id=boss.id,
            timezone="Asia/Shanghai",
            identities={"console": DEMO_IDENTITY},
        )
        mate = r.add(
            User,
            display_name="Li Na",
            email="li.na@example.com",
            role=Role.REP,
            team_id=team.id,
            manager_id=boss.id,
            timezone="Asia/Shanghai",
            identities={"console": "lina"},
        )
        r.add(
            User,
            display_name="Admin",
            email="admin@example.com",
            role=Role.ADMIN,
            identities={"console": "admin"},
        )
        created = now - timedelta(days=120)

        def account(name: str, owner: User, tier: Tier, **kw: object) -> Account:
            return r.add(
                Account,
                name=name,
                owner_id=owner.id,
                team_id=team.id,
                tier=tier,
                created_at=created,
                updated_at=created,
                **kw,
            )

        bao = account(
            "Baoshan Iron & Steel Co., Ltd.",
            me,
            Tier.A,
            aliases=["Baosteel", "宝钢"],
            industry="steel",
            funnel_stage=FunnelStage.CUSTOMER,
            intention=Intention.CLEAR,
            power=Power.STRONG,
            procurement_stage=ProcurementStage.EVALUATION,
        )
        acme = account(
            "Acme Industrial Supply",
            me,
            Tier.B,
            aliases=["Acme"],
            industry="distribution",
            funnel_stage=FunnelStage.TARGET_CUSTOMER,
            intention=Intention.CLEAR,
            power=Power.WEAK,
        )
        account(
            "华东电力设备有限公司",
            me,
            Tier.C,
            aliases=["East Power", "华东电力"],
            industry="utilities",
            funnel_stage=FunnelStage.POTENTIAL,
        )
        sinochem = account(
            "Sinochem Coatings",
            mate,
            Tier.A,
            aliases=["Sinochem"],
            industry="chemicals",
            funnel_stage=FunnelStage.CUSTOMER,
            intention=Intention.CLEAR,
            power=Power.NOT_NOW,
            procurement_stage=ProcurementStage.NEGOTIATION,
        )
        account("Harbor Logistics", mate, Tier.B, industry="logistics")

        li = r.add(
            Contact,
            account_id=bao.id,
            name="Li Wei",
            title="purchasing manager",
            role=ContactRole.PURCHASER,
            attitude=Attitude.SUPPORTER,
            relationship_strength=4,
            personal_notes="Daughter starts university in Shanghai; plays weiqi.",
        )
        r.add(
            Contact,
            account_id=bao.id,
            name="Zhang Min",
            title="plant director",
            role=ContactRole.DECISION_MAKER,
            attitude=Attitude.NEUTRAL,
            relationship_strength=2,
        )
        r.add(
            Contact,
            account_id=bao.id,
            name="Chen Jie",
            title="process engineer",
            role=ContactRole.TECHNICAL_EVALUATOR,
            attitude=Attitude.OPPONENT,
            relationship_strength=1,
        )
        r.add(
            Contact,
            account_id=acme.id,
            name="Sam Ortiz",
            title="buyer",
            role=ContactRole.PURCHASER,
            attitude=Attitude.NEUTRAL,
            relationship_strength=3,
        )

        r.add(PriceListEntry, product="widget-42", price=Decimal("4.00"), currency="USD", unit="kg")
        r.add(PriceListEntry, product="coil-7", price=Decimal("620"), currency="USD", unit="t")
        r.add(PriceListEntry, product="primer-x", price=Decimal("38"), currency="CNY", unit="l")

        seen = datetime.combine((now - timedelta(days=20)).date(), time(6, 0), tzinfo=now.tzinfo)
        v = r.add(
            Visit,
            account_id=bao.id,
            rep_id=me.id,
            visited_at=seen,
            contact_ids=[li.id],
            goal="agree trial volume for widget-42",
            goal_reached=GoalReached.PARTLY,
            summary="Trial approved in principle; engineering still doubts coating life.",
            next_step="send lab report to Chen Jie",
            created_at=seen,
            next_visit_date=(now + timedelta(days=1)).date(),
        )
        for text, direction, due in (
            ("send lab report on coating life", PromiseDirection.OURS, now - timedelta(days=4)),
            ("confirm trial volume", PromiseDirection.THEIRS, now - timedelta(days=2)),
            ("quote for coil-7, 200 t", PromiseDirection.OURS, now + timedelta(days=3)),
        ):
            p = r.add(
                Promise,
                account_id=bao.id,
                visit_id=v.id,
                direction=direction,
                owner_id=me.id,
                text=text,
                due_date=due.date(),
                created_at=seen,
            )
            r.add(PromiseEvent, promise_id=p.id, kind="created", at=seen, actor_id=me.id)
        r.add(
            PriceObservation,
            account_id=bao.id,
            product="widget-42",
            price=Decimal("4.05"),
            currency="USD",
            unit="kg",
            kind=PriceKind.OUR_INVOICE,
            observed_at=seen,
            visit_id=v.id,
            recorded_by=me.id,
        )
        r.add(
            InventoryObservation,
            account_id=bao.id,
            product="widget-42",
            quantity=Decimal("300"),
            unit="cases",
            movement=Movement.FAST,
            observed_at=seen,
            visit_id=v.id,
            recorded_by=me.id,
        )
        old = now - timedelta(days=45)
        r.add(
            Visit,
            account_id=acme.id,
            rep_id=me.id,
            visited_at=old,
            goal="introduce primer-x",
            goal_reached=GoalReached.YES,
            created_at=old,
        )
        _history(r, now, me, mate, bao, acme, sinochem, li.id)
        uow.commit()
        return me


def _history(
    r: Repository, now: datetime, me: User, mate: User, bao: Account, acme: Account, sino: Account, li: int
) -> None:
    """The last two months, for the insight sections and charts: Li Na keeps visiting Sinochem (a
    parked account) in a negotiation that does not move; Baosteel (focus) got one visit; promises
    kept and late; coil-7 invoiced under the price list at Acme (which retails it just above the
    list) with a competitor cheaper still;
    widget-42 running out at Baosteel. Nothing falls in the week of the Baosteel visit's
    (the digest tests read that week)."""

    def ago(days: int) -> datetime:
        return datetime.combine((now - timedelta(days=days)).date(), time(6, 0), tzinfo=now.tzinfo)

    r.update(Contact, li, last_met=ago(20).date())
    for buyer in r.contacts_for(acme.id):
        r.update(Contact, buyer.id, last_met=ago(4).date())
    zhou = r.add(
        Contact,
        account_id=sino.id,
        name="Zhou Qing",
        title="general manager",
        role=ContactRole.DECISION_MAKER,
        attitude=Attitude.SUPPORTER,
        last_met=ago(15).date(),
    )
    r.add(
        Contact,
        account_id=sino.id,
        name="Wu Hao",
        title="lab head",
        role=ContactRole.COACH,
        attitude=Attitude.SUPPORTER,
        last_met=ago(29).date(),
    )
    r.add(
        StageChange,
        account_id=sino.id,
        kind=StageKind.PROCUREMENT,
        from_stage="preferred_supplier",
        to_stage="negotiation",
        changed_by=mate.id,
        changed_at=ago(62),
    )
    r.add(
        StageChange,
        account_id=bao.id,
        kind=StageKind.PROCUREMENT,
        from_stage="criteria_set",
        to_stage="evaluation",
        changed_by=me.id,
        changed_at=ago(70),
    )
    for days in (15, 29, 36, 43, 50):
        r.add(
            Visit,
            account_id=sino.id,
            rep_id=mate.id,
            visited_at=ago(days),
            contact_ids=[zhou.id],
            goal="close the price terms",
            goal_reached=GoalReached.NO,
            created_at=ago(days),
        )
    for days in (4, 10, 24, 38):
        r.add(
            Visit,
            account_id=acme.id,
            rep_id=me.id,
            visited_at=ago(days),
            goal="primer-x reorder",
            goal_reached=GoalReached.YES if days != 24 else GoalReached.PARTLY,
            created_at=ago(days),
        )
    for owner, account, direction, due, done in (
        (me, acme, PromiseDirection.OURS, 30, 31),
        (me, acme, PromiseDirection.OURS, 50, 44),
        (me, bao, PromiseDirection.OURS, 60, 60),
        (me, acme, PromiseDirection.THEIRS, 38, 36),
        (mate, sino, PromiseDirection.OURS, 36, 40),
        (mate, sino, PromiseDirection.OURS, 50, 50),
        (mate, sino, PromiseDirection.THEIRS, 29, 24),
    ):
        r.add(
            Promise,
            account_id=account.id,
            direction=direction,
            owner_id=owner.id,
            text="technical data sheet",
            due_date=ago(due).date(),
            status=PromiseStatus.DONE,
            done_at=ago(done),
            created_at=ago(due + 7),
        )
    for days, kind, price, competitor in (
        (80, PriceKind.OUR_INVOICE, "618", None),
        (50, PriceKind.OUR_INVOICE, "600", None),
        (38, PriceKind.COMPETITOR, "590", "Posco"),
        (4, PriceKind.OUR_INVOICE, "575", None),
        (4, PriceKind.COMPETITOR, "560", "Posco"),
        (50, PriceKind.CUSTOMER_RETAIL, "645", None),
        (4, PriceKind.CUSTOMER_RETAIL, "640", None),
    ):
        r.add(
            PriceObservation,
            account_id=acme.id,
            product="coil-7",
            price=Decimal(price),
            currency="USD",
            unit="t",
            kind=kind,
            competitor=competitor,
            observed_at=ago(days),
            recorded_by=me.id,
        )
    r.add(
        InventoryObservation,
        account_id=bao.id,
        product="widget-42",
        quantity=Decimal("120"),
        unit="cases",
        movement=Movement.FAST,
        observed_at=ago(4),
        recorded_by=me.id,
    )


class DemoService:
    """Loads the demo data into an empty database (the first `kam-bot shell`)."""

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, destinations: Mapping[str, str] = MappingProxyType({})
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._destinations = destinations

    def load_if_empty(self) -> bool:
        """Seed the demo team when there is no user yet; True when it did."""
        if not is_empty(self._uow):
            return False
        seed(self._uow, self._clock(), self._destinations)
        return True
