"""Users: met on first contact through a platform, linked by email to imported users; settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel

from kam_bot.domain.enums import Locale, Role
from kam_bot.domain.models import Team, User
from kam_bot.i18n.catalog import resolve_locale
from kam_bot.services import access, audit
from kam_bot.services.errors import InvalidInputError, NotFoundError
from kam_bot.services.ports import Clock, ConflictError, UnitOfWorkFactory, utc_now

CHOSEN = frozenset({"timezone", "locale"})
"""Settings a platform's profile also reports: once a person or an admin sets one, it is theirs."""


class PlatformProfile(BaseModel):
    """What a platform tells about a person (Slack's ``users.info``, Teams' roster)."""

    platform: str
    external_id: str
    display_name: str
    email: str | None = None
    timezone: str | None = None
    locale: str | None = None


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class UserService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        default_timezone: str = "UTC",
        default_locale: str = "en",
        clock: Clock = utc_now,
        identity_platforms: Sequence[str] = (),
    ):
        self._uow = uow
        self._clock = clock
        self._platforms = tuple(identity_platforms)
        """The platforms a bare id is looked up on, in this order (``platforms.IDENTITIES``)."""
        self._tz = default_timezone
        self._locale = resolve_locale(default_locale)

    def by_identity(self, platform: str, external_id: str) -> User | None:
        with self._uow() as uow:
            return uow.repo.user_by_identity(platform, external_id)

    def ensure(self, profile: PlatformProfile) -> User:
        """The user behind a platform id: known, linked by email to an imported user, or new.

        Linking a user met by email fills the values nobody chose (a pending user's time zone and
        language) from the platform; one a person or an admin set (``User.chosen``) is never
        overwritten. When another process meets the same person at the same moment, theirs is the row.
        """
        try:
            return self._ensure(profile)
        except ConflictError:
            return self._ensure(profile)

    def _ensure(self, profile: PlatformProfile) -> User:
        email = (profile.email or "").strip().lower() or None
        with self._uow() as uow:
            user = uow.repo.user_by_identity(profile.platform, profile.external_id)
            if user is not None:
                return user
            user = uow.repo.user_by_email(email) if email else None
            if user is not None:
                uow.repo.link_identity(user.id, profile.platform, profile.external_id)
                user = uow.repo.update(User, user.id, **self._unchosen(user, profile))
            else:
                user = uow.repo.add(
                    User,
                    display_name=profile.display_name or profile.external_id,
                    email=email,
                    timezone=self._timezone_of(profile) or self._tz,
                    locale=resolve_locale(profile.locale) if profile.locale else self._locale,
                    role=Role.REP,
                    identities={profile.platform: profile.external_id},
                )
            uow.commit()
            return user

    def refresh(self, user: User, profile: PlatformProfile) -> User:
        """A known user met again (an import gave their platform id, or a new process): the values
        nobody chose follow the platform's profile; a person's or an admin's choice stays."""
        fields = {k: v for k, v in self._unchosen(user, profile).items() if getattr(user, k) != v}
        if not fields:
            return user
        with self._uow() as uow:
            updated = uow.repo.update(User, user.id, **fields)
            uow.commit()
            return updated

    def _unchosen(self, user: User, profile: PlatformProfile) -> dict[str, object]:
        """What the platform says about the values nobody chose for ``user`` (name, time zone,
        language): a pending user's defaults give way, a person's or an admin's choice stays."""
        fields: dict[str, object] = {}
        if user.display_name == user.email and profile.display_name:
            fields["display_name"] = profile.display_name  # pending: named by the email until now
        timezone = self._timezone_of(profile)
        if timezone and "timezone" not in user.chosen:
            fields["timezone"] = timezone
        if profile.locale and "locale" not in user.chosen:
            fields["locale"] = resolve_locale(profile.locale)
        return fields

    @staticmethod
    def _timezone_of(profile: PlatformProfile) -> str | None:
        return profile.timezone if profile.timezone and valid_timezone(profile.timezone) else None

    def get(self, user_id: int) -> User:
        with self._uow() as uow:
            user = uow.repo.get(User, user_id)
        if user is None:
            raise NotFoundError("user.not_found", field="user", id=user_id)
        return user

    def find(self, who: str) -> User | None:
        """By email, platform id (``slack:U123`` or a bare id on any platform) or display name."""
        who = who.strip().lstrip("@")
        with self._uow() as uow:
            if "@" in who:
                return uow.repo.user_by_email(who)
            if ":" in who:
                platform, _, external = who.partition(":")
                return uow.repo.user_by_identity(platform, external)
            for platform in self._platforms:
                found = uow.repo.user_by_identity(platform, who)
                if found is not None:
                    return found
            matches = [u for u in uow.repo.all(User) if u.display_name.casefold() == who.casefold()]
            return matches[0] if len(matches) == 1 else None

    def update_settings(
        self,
        actor: User,
        *,
        timezone: str | None = None,
        locale: str | None = None,
        reminder_time: time | None = None,
        away_until: date | None = None,
        clear_away: bool = False,
        user_id: int | None = None,
    ) -> User:
        """Change ``actor``'s settings, or (an admin) those of ``user_id``; audited by field name."""
        target = user_id if user_id is not None else actor.id
        access.require(target == actor.id or actor.role is Role.ADMIN, "settings")
        fields: dict[str, object] = {}
        if timezone is not None:
            if not valid_timezone(timezone):
                raise InvalidInputError("settings.bad_timezone", field="timezone", value=timezone)
            fields["timezone"] = timezone
        if locale is not None:
            fields["locale"] = resolve_locale(locale)
        if reminder_time is not None:
            fields["reminder_time"] = reminder_time
        if away_until is not None or clear_away:
            fields["away_until"] = None if clear_away else away_until
        with self._uow() as uow:
            current = uow.repo.get(User, target)
            if current is None:
                raise NotFoundError("user.not_found", field="user", id=target)
            changed = [k for k, v in fields.items() if getattr(current, k) != v]  # a form sends them all
            chosen = sorted(set(current.chosen) | (fields.keys() & CHOSEN))
            user = uow.repo.update(User, target, chosen=chosen, **fields)
            if changed:
                audit.record(uow.repo, actor.id, audit.CHANGED, "settings", target, self._clock(), changed)
            uow.commit()
            return user

    def set_team_destination(self, actor: User, team_id: int, platform: str, address: str) -> Team:
        """Where the team's weekly digest goes on ``platform`` (Slack: a channel id); blank: nowhere."""
        access.require_admin(actor)
        with self._uow() as uow:
            if uow.repo.get(Team, team_id) is None:
                raise NotFoundError("team.not_found", field="team", id=team_id)
            team = uow.repo.update(Team, team_id, digest_destinations={platform: address.strip() or None})
            fields = [f"digest_destination.{platform}"]
            audit.record(uow.repo, actor.id, audit.CHANGED, "team", team_id, self._clock(), fields)
            uow.commit()
            return team

    def teams(self) -> list[Team]:
        with self._uow() as uow:
            return uow.repo.all(Team)

    def people(self, team_id: int | None = None) -> list[User]:
        """Everyone (or a team's people), with their platform ids: a platform building a team's
        group chat, or linking imported users to its ids."""
        with self._uow() as uow:
            return [user for user in uow.repo.all(User) if team_id is None or user.team_id == team_id]


__all__ = ["CHOSEN", "Locale", "PlatformProfile", "UserService"]
