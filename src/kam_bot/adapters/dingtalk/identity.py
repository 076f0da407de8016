"""Who wrote: a DingTalk member met on first contact, linked to an imported user.

A member is known by ``senderStaffId`` (the corp-scoped userId, what the robot APIs take). On
first contact the contacts API (``topapi/v2/user/get``) gives the name, email and unionId: a
``dingtalk_id`` column in ``users.csv`` may hold either id, and an imported user with the
same email is linked. DingTalk's profile has no language or time zone, so a new person
starts in Chinese and Asia/Shanghai (the platform's truth for them; a person's own choice is
never overwritten). A conversation reference is kept per member: under an imported union id
it says which userId to send to; under an id DingTalk refused it marks the person unreachable.
"""

from __future__ import annotations

from kam_bot.adapters.platform import PlatformServices
from kam_bot.domain.models import User
from kam_bot.services.conversations import ConversationRef
from kam_bot.services.users import PlatformProfile

from . import INVALID_USER, NAME
from .api import Person

DEFAULT_LOCALE = "zh-Hans"
DEFAULT_TIMEZONE = "Asia/Shanghai"


def known(app: PlatformServices, staff_id: str) -> tuple[User | None, bool]:
    """The user with this id, and whether they wrote before (their reference is stored)."""
    user = app.users.by_identity(NAME, staff_id)
    ref = app.conversation_refs.get(NAME, staff_id)
    if user is None and ref is not None and ref.user_id is not None:  # imported under the union id
        user = app.users.get(ref.user_id)
    return user, user is not None and ref is not None and ref.conversation_id != INVALID_USER


def _profile(staff_id: str, nick: str, person: Person | None) -> PlatformProfile:
    return PlatformProfile(
        platform=NAME,
        external_id=staff_id,
        display_name=(person.name if person else "") or nick.strip() or staff_id,
        email=person.email if person else None,
        timezone=DEFAULT_TIMEZONE,
        locale=DEFAULT_LOCALE,
    )


def first_contact(app: PlatformServices, user: User, staff_id: str, nick: str, person: Person | None) -> User:
    """An imported user (``dingtalk_id`` in users.csv) writing for the first time: what nobody
    chose follows DingTalk's defaults; their reference is stored."""
    user = app.users.refresh(user, _profile(staff_id, nick, person))
    remember(app, staff_id, staff_id, user)
    return user


def meet(app: PlatformServices, staff_id: str, nick: str, person: Person | None) -> User:
    """The user behind a first message: imported under the union id, linked by email, or new."""
    if person is not None and person.union_id:
        imported = app.users.by_identity(NAME, person.union_id)
        if imported is not None:
            remember(app, person.union_id, staff_id, imported)
            return first_contact(app, imported, staff_id, nick, person)
    user = app.users.ensure(_profile(staff_id, nick, person))
    remember(app, staff_id, staff_id, user)
    return user


def remember(app: PlatformServices, external_id: str, staff_id: str, user: User) -> None:
    """Where a DM to ``external_id`` goes: ``staff_id`` (replaces an earlier refusal)."""
    ref = ConversationRef(
        platform=NAME, external_id=external_id, conversation_id=staff_id, service_url="", user_id=user.id
    )
    app.conversation_refs.save(ref)


def staff_id_for(app: PlatformServices, recipient: str) -> str:
    """The userId to send to for an outbox recipient (an imported union id resolves to it)."""
    ref = app.conversation_refs.get(NAME, recipient)
    if ref is None or ref.conversation_id == INVALID_USER:
        return recipient
    return ref.conversation_id


def refused(app: PlatformServices, recipient: str) -> None:
    """DingTalk said this id is not a member: remembered, so `kam-bot remind` lists the person."""
    app.conversation_refs.save(
        ConversationRef(platform=NAME, external_id=recipient, conversation_id=INVALID_USER, service_url="")
    )
