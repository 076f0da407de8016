"""Who wrote, and where the bot may write back later.

A person is known by their AAD object id (stable across apps and tenants' bots); the
``29:…`` id Teams uses inside conversations is kept only in the conversation reference.
First contact creates the user through the users service (name, locale, time zone from the
activity's ``localTimezone`` or its ``clientInfo`` entity) and links it to an imported user
when the roster gives an email that matches. The conversation reference of a personal chat is
stored on install, on ``conversationUpdate`` and on every message, so reminders can be sent
proactively.
"""

from __future__ import annotations

import logging
from typing import Any

from microsoft_teams.api import ActivityBase, ApiClient

from kam_bot.domain.models import User
from kam_bot.i18n.catalog import resolve_locale
from kam_bot.services.conversations import ConversationRef
from kam_bot.services.users import PlatformProfile

from . import NAME
from .deps import TeamsServices

PLATFORM = NAME
log = logging.getLogger(__name__)


def person_id(activity: ActivityBase) -> str:
    """The sender's stable id: the AAD object id, else the conversation-scoped id."""
    return activity.from_.aad_object_id or activity.from_.id


def is_personal(activity: ActivityBase) -> bool:
    kind = activity.conversation.conversation_type
    return kind in (None, "personal")


def local_timezone(activity: ActivityBase) -> str | None:
    extra = activity.model_extra or {}
    tz = extra.get("localTimezone") or extra.get("local_timezone")
    if isinstance(tz, str) and tz:
        return tz
    for entity in activity.entities or []:
        value = getattr(entity, "timezone", None)
        if getattr(entity, "type", None) == "clientInfo" and isinstance(value, str) and value:
            return value
    return None


def tenant_id(activity: ActivityBase) -> str | None:
    data = activity.channel_data
    if data is not None and data.tenant is not None and data.tenant.id:
        return str(data.tenant.id)
    return activity.conversation.tenant_id


def reference(activity: ActivityBase, user_id: int | None) -> ConversationRef:
    return ConversationRef(
        platform=PLATFORM,
        external_id=person_id(activity),
        conversation_id=activity.conversation.id,
        service_url=activity.service_url or "",
        tenant_id=tenant_id(activity),
        bot_id=activity.recipient.id if activity.recipient else None,
        user_id=user_id,
    )


async def roster_email(api: ApiClient, activity: ActivityBase) -> str | None:
    """The sender's email from the conversation roster; None when Teams does not say (or fails)."""
    try:
        member: Any = await api.conversations.get_member_by_id(activity.conversation.id, activity.from_.id)
    except Exception as exc:  # the roster is a nicety: a person is still met without it
        log.info("Teams roster look-up failed (%s); the user is created without an email", type(exc).__name__)
        return None
    email = getattr(member, "email", None) or getattr(member, "user_principal_name", None)
    return str(email) if email and "@" in str(email) else None


def profile(activity: ActivityBase, email: str | None) -> PlatformProfile:
    return PlatformProfile(
        platform=PLATFORM,
        external_id=person_id(activity),
        display_name=(activity.from_.name or "").strip() or person_id(activity),
        email=email,
        timezone=local_timezone(activity),
        locale=activity.locale,
    )


def known_user(app: TeamsServices, activity: ActivityBase) -> User | None:
    """By AAD object id, else by the conversation-scoped ``29:`` id an import may have given."""
    found = app.users.by_identity(PLATFORM, person_id(activity))
    if found is None and activity.from_.id != person_id(activity):
        found = app.users.by_identity(PLATFORM, activity.from_.id)
    return found


def refresh(app: TeamsServices, activity: ActivityBase, user: User) -> User:
    """A known person writing again: a time zone or language nobody chose follows the Teams client
    (no database call while nothing differs)."""
    met = profile(activity, None)
    tz_differs = met.timezone is not None and met.timezone != user.timezone and "timezone" not in user.chosen
    locale_differs = met.locale is not None and resolve_locale(met.locale) != user.locale
    if tz_differs or (locale_differs and "locale" not in user.chosen):
        return app.users.refresh(user, met)
    return user


def meet(app: TeamsServices, activity: ActivityBase, email: str | None) -> User:
    """The user behind the activity (created or linked on first contact); the reference is stored."""
    user = app.users.ensure(profile(activity, email))
    remember(app, activity, user)
    return user


def remember(app: TeamsServices, activity: ActivityBase, user: User) -> None:
    """Store the personal chat's reference (other conversation kinds cannot carry a DM), under the
    person's AAD object id and under the Teams id the user record holds, if that differs."""
    if not (is_personal(activity) and activity.service_url):
        return
    ref = reference(activity, user.id)
    app.conversation_refs.save(ref)
    imported = user.identities.get(PLATFORM)
    if imported and imported != ref.external_id:
        app.conversation_refs.save(ref.model_copy(update={"external_id": imported}))


def remember_channel(app: TeamsServices, activity: ActivityBase) -> None:
    """A team channel's reference, under its conversation id (a digest's Teams destination)."""
    if activity.service_url:
        ref = reference(activity, None)
        app.conversation_refs.save(ref.model_copy(update={"external_id": activity.conversation.id}))
