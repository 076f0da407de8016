"""Who wrote, and how to write to them first.

Feishu names a person three ways (FD user-identity-introduction): ``open_id`` (``ou_…``, per
app), ``union_id`` (``on_…``, per developer) and ``user_id`` (per tenant). kam-bot keys a person
by ``open_id``; an import's ``feishu_id`` column may give any of the three, and a message's
sender carries all three, so a person is recognised by whichever the import gave. On first
contact the contact API (``contact/v3/users/:open_id``) gives the name and email: a user
imported with that email is linked. Feishu says nothing of a person's language or time zone:
Chinese and Asia/Shanghai, as the platform's truth, unless a person or an admin chose others.
A bot may write first to anyone in the app's availability scope: a DM needs no stored chat.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kam_bot.domain.models import User
from kam_bot.services.conversations import ConversationRef
from kam_bot.services.users import PlatformProfile

from . import NAME
from .api import Api, FeishuError
from .deps import FeishuServices

log = logging.getLogger(__name__)
DEFAULT_LOCALE = "zh-Hans"
DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Sender:
    open_id: str
    union_id: str = ""
    user_id: str = ""

    @property
    def ids(self) -> list[str]:
        return [i for i in (self.open_id, self.union_id, self.user_id) if i]


def id_type(receive_id: str) -> str:
    """The ``receive_id_type`` of an id: open_id, union_id, chat_id, email or user_id."""
    if receive_id.startswith("ou_"):
        return "open_id"
    if receive_id.startswith("on_"):
        return "union_id"
    if receive_id.startswith("oc_"):
        return "chat_id"
    if "@" in receive_id:
        return "email"
    return "user_id"


def known_user(app: FeishuServices, sender: Sender) -> User | None:
    for external in sender.ids:
        found = app.users.by_identity(NAME, external)
        if found is not None:
            return found
    return None


def profile(sender: Sender, name: str, email: str | None) -> PlatformProfile:
    return PlatformProfile(
        platform=NAME,
        external_id=sender.open_id,
        display_name=name.strip() or sender.open_id,
        email=email,
        timezone=DEFAULT_TIMEZONE,
        locale=DEFAULT_LOCALE,
    )


def meet(app: FeishuServices, api: Api, sender: Sender) -> User:
    """The user behind ``sender``: known by any of their ids, or met now (linked by email). The
    first contact of a person (no 1:1 chat stored yet) sets the language and time zone nobody
    chose to Feishu's defaults."""
    known = known_user(app, sender)
    if known is not None:
        if app.conversation_refs.get(NAME, known.identities.get(NAME) or sender.open_id) is None:
            # an import gave the id and this is the first message: Feishu's defaults, where unchosen
            return app.users.refresh(known, profile(sender, known.display_name, None))
        return known
    name, email = "", None
    try:
        person = api.person(sender.open_id)
        name, email = person.name, person.email
    except FeishuError as exc:  # the contact scope may be missing: the person is met without it
        log.info("Feishu contact look-up failed (%s); the user is created without an email", exc.code)
    return app.users.ensure(profile(sender, name, email))


def remember_chat(app: FeishuServices, user: User, chat_id: str) -> None:
    """The 1:1 chat's id, for looking up an interrupted send in its recent messages."""
    external = user.identities.get(NAME)
    if external and chat_id:
        app.conversation_refs.save(
            ConversationRef(
                platform=NAME, external_id=external, conversation_id=chat_id, service_url="", user_id=user.id
            )
        )
