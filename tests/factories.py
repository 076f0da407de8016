"""Test data helpers: teams, users, accounts, contacts and price-list entries.

Everything is written through the repository of a bootstrapped ``App`` (one committed
unit of work per call) and returned as domain models, so a test can pass the objects
straight to the services::

    from factories import seed_team

    def test_something(app: App) -> None:
        s = seed_team(app)
        card = app.accounts.card(s.rep, s.baosteel.id)

``seed_team(app)`` builds the usual cast (see ``Seed``); the ``add_*`` helpers create one
more of anything; ``row_counts(app)`` counts the rows of every entity (atomicity checks);
``at(app, days=-3)`` is the app clock moved by a delta; ``with batch(app): ...`` makes
several ``add_*`` calls one transaction.

Import it as ``from factories import ...`` (``tests/`` is on ``sys.path`` because it holds
the root ``conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import Role, Tier
from kam_bot.store.repository import SqlRepository

__all__ = [
    "BAOSTEEL_NAME",
    "Seed",
    "add_account",
    "add_contact",
    "add_price_list",
    "add_team",
    "add_user",
    "at",
    "batch",
    "row_counts",
    "seed_team",
]

E = TypeVar("E", bound=m.Entity)

BAOSTEEL_NAME = "Baoshan Iron & Steel Co., Ltd."


_BATCHES: dict[int, SqlRepository] = {}


@contextmanager
def batch(app: App) -> Iterator[None]:
    """Inside the block the ``add_*`` helpers share one transaction, committed at its end
    (rolled back if it raises): much faster than one commit per helper call."""
    if id(app) in _BATCHES:
        yield
        return
    with app.uow() as uow:
        _BATCHES[id(app)] = uow.repo
        try:
            yield
        finally:
            del _BATCHES[id(app)]
        uow.commit()


def _add(app: App, model: type[E], **fields: Any) -> E:
    repo = _BATCHES.get(id(app))
    if repo is not None:
        return repo.add(model, **fields)
    with app.uow() as uow:
        entity = uow.repo.add(model, **fields)
        uow.commit()
        return entity


def at(app: App, **delta: float) -> datetime:
    """The app's current time moved by ``delta`` (``timedelta`` keywords): ``at(app, days=-1)``."""
    return app.clock() + timedelta(**delta)


def add_team(app: App, name: str, **fields: Any) -> m.Team:
    """A team; ``fields`` are other ``Team`` fields (``digest_destinations``, ``timezone``)."""
    return _add(app, m.Team, name=name, **fields)


def add_user(
    app: App,
    display_name: str,
    *,
    role: Role = Role.REP,
    team: m.Team | None = None,
    manager: m.User | None = None,
    email: str | None = None,
    identities: dict[str, str] | None = None,
    **fields: Any,
) -> m.User:
    """A user in ``team`` reporting to ``manager``; a ``console`` identity is derived from the name.

    ``fields`` are other ``User`` fields (``timezone``, ``locale``, ``away_until`` ...).
    """
    if identities is None:
        identities = {"console": display_name.casefold().replace(" ", "-")}
    return _add(
        app,
        m.User,
        display_name=display_name,
        role=role,
        team_id=team.id if team else None,
        manager_id=manager.id if manager else None,
        email=email,
        identities=identities,
        **fields,
    )


def add_account(
    app: App,
    name: str,
    owner: m.User | None,
    *,
    aliases: Iterable[str] = (),
    tier: Tier = Tier.B,
    team: m.Team | None = None,
    created_at: datetime | None = None,
    **fields: Any,
) -> m.Account:
    """An account owned by ``owner`` in ``team`` (default: the owner's team).

    ``created_at`` defaults to the app clock's now; ``fields`` are other ``Account`` fields
    (``funnel_stage``, ``intention``, ``power``, ``visit_cadence_days``, ``archived`` ...).
    """
    created = created_at or app.clock()
    team_id = team.id if team else (owner.team_id if owner else None)
    return _add(
        app,
        m.Account,
        name=name,
        aliases=list(aliases),
        owner_id=owner.id if owner else None,
        team_id=team_id,
        tier=tier,
        created_at=created,
        updated_at=created,
        **fields,
    )


def add_contact(app: App, account: m.Account, name: str, **fields: Any) -> m.Contact:
    """A contact at ``account``; ``fields``: other ``Contact`` fields (``role``, ``personal_notes`` ...)."""
    return _add(app, m.Contact, account_id=account.id, name=name, **fields)


def add_price_list(
    app: App,
    product: str,
    price: Decimal | str,
    currency: str = "CNY",
    unit: str | None = None,
    valid_from: date | None = None,
) -> m.PriceListEntry:
    """A policy price, as the admin's import would write it."""
    return _add(
        app, m.PriceListEntry, product=product, price=Decimal(price), currency=currency, unit=unit,
        valid_from=valid_from,
    )  # fmt: skip


ENTITIES: tuple[type[m.Entity], ...] = (
    m.Visit,
    m.Promise,
    m.PromiseEvent,
    m.PriceObservation,
    m.InventoryObservation,
    m.CompetitorNote,
    m.Contact,
    m.StageChange,
)


def row_counts(app: App, models: Iterable[type[m.Entity]] = ENTITIES) -> dict[str, int]:
    """Rows per entity name, e.g. ``{"Visit": 1, "Promise": 2, ...}``; compare before and after."""
    with app.uow() as uow:
        return {model.__name__: uow.repo.count(model) for model in models}


@dataclass(frozen=True)
class Seed:
    """The usual cast.

    Team "Steel East" (``team``): ``manager`` leads ``rep`` and ``teammate``; ``manager``
    reports to ``director`` (role manager, no team). Team "South" (``other_team``):
    ``other_manager`` leads ``other_rep``. ``admin`` has no team.

    Accounts (all created 100 days before the clock's now, never visited):

    - ``baosteel``  tier A, owner ``rep``: "Baoshan Iron & Steel Co., Ltd.", aliases "Baosteel", "宝钢"
    - ``sinopec``   tier B, owner ``rep``: "China Petroleum & Chemical Corporation",
      aliases "Sinopec", "中国石化"
    - ``cosco``     tier C, owner ``teammate``: "COSCO Shipping Holdings Co., Ltd.",
      aliases "COSCO", "中远海控"
    - ``haier``     tier B, owner ``other_rep`` (other team): "Haier Smart Home Co., Ltd.",
      aliases "Haier", "海尔"

    ``contact``: "Wang Lei", purchaser at Baosteel, with personal notes ``NOTES``.
    """

    NOTES = "Daughter starts university in Shanghai; plays go."

    team: m.Team
    other_team: m.Team
    admin: m.User
    director: m.User
    manager: m.User
    rep: m.User
    teammate: m.User
    other_manager: m.User
    other_rep: m.User
    baosteel: m.Account
    sinopec: m.Account
    cosco: m.Account
    haier: m.Account
    contact: m.Contact


def seed_team(app: App) -> Seed:
    """Create the ``Seed`` cast in the app's (empty) database and return it."""
    with batch(app):
        team = add_team(app, "Steel East", digest_destinations={"slack": "C-STEEL"}, timezone="Asia/Shanghai")
        other_team = add_team(app, "South", digest_destinations={"slack": "C-SOUTH"})
        admin = add_user(app, "Ada Admin", role=Role.ADMIN, email="ada@example.com")
        director = add_user(app, "Dora Director", role=Role.MANAGER, email="dora@example.com")
        manager = add_user(app, "Max Manager", role=Role.MANAGER, team=team, manager=director)
        rep = add_user(app, "Rita Rep", team=team, manager=manager, email="rita@example.com")
        teammate = add_user(app, "Tom Teammate", team=team, manager=manager)
        other_manager = add_user(app, "Olga Othermanager", role=Role.MANAGER, team=other_team)
        other_rep = add_user(app, "Otto Other", team=other_team, manager=other_manager)
        created = at(app, days=-100)
        baosteel = add_account(
            app, BAOSTEEL_NAME, rep, aliases=["Baosteel", "宝钢"], tier=Tier.A, created_at=created,
            industry="steel",
        )  # fmt: skip
        sinopec = add_account(
            app, "China Petroleum & Chemical Corporation", rep, aliases=["Sinopec", "中国石化"],
            tier=Tier.B, created_at=created,
        )  # fmt: skip
        cosco = add_account(
            app, "COSCO Shipping Holdings Co., Ltd.", teammate, aliases=["COSCO", "中远海控"], tier=Tier.C,
            created_at=created,
        )  # fmt: skip
        haier = add_account(
            app, "Haier Smart Home Co., Ltd.", other_rep, aliases=["Haier", "海尔"], created_at=created
        )
        contact = add_contact(
            app, baosteel, "Wang Lei", title="Purchasing Manager", role="purchaser", personal_notes=Seed.NOTES
        )
    return Seed(
        team=team,
        other_team=other_team,
        admin=admin,
        director=director,
        manager=manager,
        rep=rep,
        teammate=teammate,
        other_manager=other_manager,
        other_rep=other_rep,
        baosteel=baosteel,
        sinopec=sinopec,
        cosco=cosco,
        haier=haier,
        contact=contact,
    )
