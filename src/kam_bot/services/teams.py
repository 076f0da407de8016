"""A team's settings an admin sees and changes: its time zone, its digest's language and where
the digest goes on each chat platform.

The digest's language is the team's ``locale`` when an admin chose one, else the language most
of its members use (``domain.teams.digest_locale``). Changes are audited by field name:
``timezone``, ``locale``, ``digest_destination.<platform>`` (never the address).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kam_bot.domain.enums import Locale, Role
from kam_bot.domain.models import Team, User
from kam_bot.domain.teams import digest_locale
from kam_bot.i18n.catalog import resolve_locale
from kam_bot.services import audit
from kam_bot.services.errors import ForbiddenError, InvalidInputError, NotFoundError
from kam_bot.services.ports import Clock, Repository, UnitOfWorkFactory, utc_now
from kam_bot.services.users import valid_timezone

AUTO = "auto"
"""The digest language that follows the members."""

LANGUAGES: Mapping[str, Locale | None] = {
    "en": Locale.EN,
    "english": Locale.EN,
    "zh": Locale.ZH_HANS,
    "zh-hans": Locale.ZH_HANS,
    "chinese": Locale.ZH_HANS,
    "中文": Locale.ZH_HANS,
    "英文": Locale.EN,
    AUTO: None,
    "自动": None,
}
"""What an admin may write for a digest language (case-insensitive); None: the members' language."""


@dataclass(frozen=True)
class TeamSettings:
    """A team as its admin sees it: ``language`` is the digest's language now; ``chosen`` says
    whether an admin chose it (else it follows the members); ``members``: how many people."""

    team: Team
    language: Locale
    chosen: bool
    members: int


def parse_language(text: str) -> Locale | None:
    """``en``, ``zh`` or ``auto`` (and their spellings) -> a locale, None for auto; else refused."""
    key = text.strip().lower()
    if key not in LANGUAGES:
        raise InvalidInputError("team.bad_language", field="locale", value=text.strip())
    return LANGUAGES[key]


class TeamService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock = utc_now,
        digest_platforms: Sequence[str] = (),
        default_locale: str = "en",
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._platforms = tuple(digest_platforms)
        """The chat platforms a digest may go to (the registered ones, passed in by bootstrap)."""
        self._fallback = resolve_locale(default_locale)

    @property
    def digest_platforms(self) -> tuple[str, ...]:
        return self._platforms

    def settings(self, actor: User, name: str | None = None) -> list[TeamSettings]:
        """Every team's settings (or the team ``name``), by name; admins only."""
        _require_admin(actor)
        with self._uow() as uow:
            teams = [_team(uow.repo, name)] if name else uow.repo.all(Team)
            people = uow.repo.all(User)
        out = []
        for team in sorted(teams, key=lambda t: t.name.casefold()):
            locales = [p.locale for p in people if p.team_id == team.id]
            language = digest_locale(team.locale, locales, self._fallback)
            out.append(TeamSettings(team, language, team.locale is not None, len(locales)))
        return out

    def update(
        self,
        actor: User,
        name: str,
        *,
        timezone: str | None = None,
        language: str | None = None,
        destinations: Mapping[str, str] | None = None,
    ) -> TeamSettings:
        """Change what is given: ``timezone`` (a zoneinfo name), ``language`` (``en``, ``zh`` or
        ``auto``), ``destinations`` (platform -> address; a blank address: no digest there)."""
        _require_admin(actor)
        fields: dict[str, object] = {}
        if timezone is not None:
            if not valid_timezone(timezone.strip()):
                raise InvalidInputError("team.bad_timezone", field="timezone", value=timezone.strip())
            fields["timezone"] = timezone.strip()
        if language is not None:
            fields["locale"] = parse_language(language)
        wanted = {p.strip().lower(): a.strip() for p, a in (destinations or {}).items()}
        for platform in wanted:
            if platform not in self._platforms:
                known = ", ".join(self._platforms)
                raise InvalidInputError("team.unknown_platform", field="digest", value=platform, known=known)
        with self._uow() as uow:
            team = _team(uow.repo, name)
            changed = [k for k, v in fields.items() if getattr(team, k) != v]
            changed += [
                f"digest_destination.{p}"
                for p, address in wanted.items()
                if team.digest_destinations.get(p, "") != address
            ]
            if changed:
                uow.repo.update(Team, team.id, digest_destinations=dict(wanted), **fields)
                audit.record(uow.repo, actor.id, audit.CHANGED, "team", team.id, self._clock(), changed)
            uow.commit()
        return self.settings(actor, team.name)[0]


def _require_admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise ForbiddenError("team.admins_only")


def _team(repo: Repository, name: str) -> Team:
    team = repo.team_by_name(name)
    if team is None:
        names = ", ".join(sorted((t.name for t in repo.all(Team)), key=str.casefold))
        if not names:
            raise NotFoundError("team.settings.none", field="team")
        raise NotFoundError("team.unknown", field="team", value=name.strip(), known=names)
    return team
