"""Who may read and write what.

Reps write their own accounts and read their team's; managers read their team and the
accounts of everyone they manage (directly or further down), and reassign within it;
admins do everything. A contact's personal notes are readable only by the account owner,
the owner's managers (the whole chain up) and admins.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from kam_bot.domain.enums import Role
from kam_bot.domain.models import Account, User
from kam_bot.services.errors import ForbiddenError
from kam_bot.services.ports import Repository


def managers_of(repo: Repository, user_id: int | None) -> list[int]:
    """The chain of managers above a user, nearest first (cycles cut)."""
    chain: list[int] = []
    current = repo.get(User, user_id) if user_id is not None else None
    while current is not None and current.manager_id is not None and current.manager_id not in chain:
        chain.append(current.manager_id)
        current = repo.get(User, current.manager_id)
    return chain


def manages(repo: Repository, manager: User, user_id: int | None) -> bool:
    return manager.id in managers_of(repo, user_id)


def can_read_account(repo: Repository, actor: User, account: Account) -> bool:
    if actor.role is Role.ADMIN or account.owner_id == actor.id:
        return True
    if actor.team_id is not None and account.team_id == actor.team_id:
        return True
    return actor.role is Role.MANAGER and manages(repo, actor, account.owner_id)


def reader(
    repo: Repository, actor: User, known: Mapping[int, Account] | None = None
) -> Callable[[int], bool]:
    """Whether ``actor`` may read the account with this id (the account card's rule), for
    filtering option lists: type-ahead and "did you mean" offer nothing the card would refuse.
    ``known``: accounts already read (one query for a whole list)."""
    if actor.role is Role.ADMIN:
        return lambda _account_id: True
    seen: dict[int, bool] = {}

    def readable(account_id: int) -> bool:
        if account_id not in seen:
            account = known.get(account_id) if known is not None else None
            account = account or repo.get(Account, account_id)
            seen[account_id] = account is not None and can_read_account(repo, actor, account)
        return seen[account_id]

    return readable


def can_write_account(repo: Repository, actor: User, account: Account) -> bool:
    return actor.role is Role.ADMIN or account.owner_id == actor.id


def can_manage_account(repo: Repository, actor: User, account: Account) -> bool:
    """Reassign promises or the account itself: admins, and managers over the team or the owner."""
    if actor.role is Role.ADMIN:
        return True
    if actor.role is not Role.MANAGER:
        return False
    same_team = actor.team_id is not None and account.team_id == actor.team_id
    return same_team or manages(repo, actor, account.owner_id)


def can_read_personal_notes(repo: Repository, actor: User, account: Account) -> bool:
    if actor.role is Role.ADMIN or account.owner_id == actor.id:
        return True
    return manages(repo, actor, account.owner_id)


def require(allowed: bool, what: str) -> None:
    """Refuse with the reason for ``what`` (``account``, ``promise``, ``visit``, ``settings``,
    ``personal_notes``, ``admin``): the message ``access.denied.<what>`` says who may."""
    if not allowed:
        raise ForbiddenError(f"access.denied.{what}", what=what)


def require_admin(actor: User) -> None:
    require(actor.role is Role.ADMIN, "admin")
