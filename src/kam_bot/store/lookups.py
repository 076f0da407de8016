"""What an import looks rows up against, loaded once per import instead of once per row.

A 20,000-row file resolved with a query per row spends its time on round trips; these
indexes cost one or two queries each. This module and ``bulk`` are the only parts of
transfer that read tables directly (the repository answers one record at a time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from kam_bot.domain.models import Team
from kam_bot.store import tables as t
from kam_bot.store.repository import SqlRepository


@dataclass(frozen=True)
class UserIndex:
    by_email: dict[str, int]
    """Lower-cased email -> user id."""
    by_identity: dict[tuple[str, str], int]
    """(platform, external id) -> user id."""
    email_of: dict[int, str | None]
    team_of: dict[int, int | None]
    zone_of: dict[int, str] = field(default_factory=dict)
    """User id -> time zone."""
    platforms: tuple[str, ...] = ()
    """The platforms a bare id is looked up on, in this order."""

    def find(self, ref: str) -> int | None:
        """A user by email, ``platform:id`` or a bare platform id (``platforms`` in order), as
        ``UserService.find``."""
        ref = ref.strip().lstrip("@")
        if "@" in ref:
            return self.by_email.get(ref.lower())
        platform, sep, external = ref.partition(":")
        if sep:
            return self.by_identity.get((platform.strip().lower(), external.strip()))
        for known in self.platforms:
            found = self.by_identity.get((known, ref))
            if found is not None:
                return found
        return None


def user_index(repo: SqlRepository, platforms: Sequence[str] = ()) -> UserIndex:
    session = repo.session
    user = t.UserRow
    users = session.execute(select(user.id, user.email, user.team_id, user.timezone)).all()
    identities = session.execute(
        select(t.UserIdentityRow.platform, t.UserIdentityRow.external_id, t.UserIdentityRow.user_id)
    ).all()
    return UserIndex(
        by_email={email.lower(): uid for uid, email, _, _ in users if email},
        by_identity={(platform, external): uid for platform, external, uid in identities},
        email_of={uid: email for uid, email, _, _ in users},
        team_of={uid: team_id for uid, _, team_id, _ in users},
        zone_of={uid: zone for uid, _, _, zone in users},
        platforms=tuple(platforms),
    )


def team_ids(
    repo: SqlRepository,
    names: Iterable[str],
    zones: Mapping[str, str] | None = None,
    default_zone: str = "UTC",
) -> dict[str, int]:
    """Lower-cased team name -> id for ``names``, creating the teams that do not exist yet, each in
    its time zone from ``zones`` (lower-cased name -> zone), else in ``default_zone``."""
    rows = repo.session.execute(select(t.TeamRow.id, t.TeamRow.name)).all()
    known = {name.strip().lower(): team_id for team_id, name in rows}
    for name in sorted(names, key=str.lower):
        key = name.strip().lower()
        if key not in known:
            zone = (zones or {}).get(key) or default_zone
            known[key] = repo.add(Team, name=name.strip(), timezone=zone).id
    return known


@dataclass(frozen=True)
class AccountIndex:
    by_name: dict[str, list[int]]
    """Folded name -> ids, archived accounts included: what an accounts import updates."""
    by_key: dict[str, list[int]]
    """Folded name or alias -> ids of live accounts: what a reference such as a contact's account means."""
    names: dict[int, str]


def account_index(repo: SqlRepository) -> AccountIndex:
    session = repo.session
    by_name: dict[str, list[int]] = defaultdict(list)
    by_key: dict[str, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    live: set[int] = set()
    accounts = select(t.AccountRow.id, t.AccountRow.name, t.AccountRow.search_key, t.AccountRow.archived)
    for account_id, name, key, archived in session.execute(accounts.order_by(t.AccountRow.id)):
        names[account_id] = name
        by_name[key].append(account_id)
        if not archived:
            live.add(account_id)
            by_key[key].append(account_id)
    aliases = select(t.AccountAliasRow.account_id, t.AccountAliasRow.search_key)
    for account_id, key in session.execute(aliases.order_by(t.AccountAliasRow.account_id)):
        if account_id in live and account_id not in by_key[key]:
            by_key[key].append(account_id)
    return AccountIndex(dict(by_name), dict(by_key), names)


def contact_ids(repo: SqlRepository) -> dict[tuple[int, str], int]:
    """(account id, case-folded name) -> the first contact of that name at that account."""
    rows = repo.session.execute(
        select(t.ContactRow.id, t.ContactRow.account_id, t.ContactRow.name).order_by(t.ContactRow.id.desc())
    )
    return {(account_id, name.casefold()): contact_id for contact_id, account_id, name in rows}


def price_list_ids(repo: SqlRepository) -> dict[tuple[str, date | None], int]:
    """(case-folded product, valid from) -> the price-list entry for that product from that day."""
    rows = repo.session.execute(
        select(t.PriceListRow.id, t.PriceListRow.product, t.PriceListRow.valid_from).order_by(
            t.PriceListRow.id.desc()
        )
    )
    return {(product.casefold(), valid_from): entry_id for entry_id, product, valid_from in rows}
