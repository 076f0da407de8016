"""``settings team [NAME [tz ZONE | lang en|zh|auto | digest PLATFORM ADDRESS]]``: an admin sees
and changes a team's time zone, digest language and digest destinations in chat; `kam-bot team`
prints the same lines (``settings_lines``)."""

from __future__ import annotations

from kam_bot.domain.enums import Locale
from kam_bot.domain.models import User
from kam_bot.handlers.replies import Line, Reply, Section, user
from kam_bot.i18n import t
from kam_bot.services.container import Services
from kam_bot.services.errors import InvalidInputError, ServiceError
from kam_bot.services.teams import TeamSettings

KEYS = {
    "tz": "timezone",
    "timezone": "timezone",
    "时区": "timezone",
    "lang": "language",
    "language": "language",
    "语言": "language",
    "digest": "digest",
    "周报": "digest",
}
"""The word after the team's name -> what it changes."""

OFF = {"off", "none", "-", "关闭", "无"}
"""A digest address that stops the digest on that platform."""


def settings_line(item: TeamSettings, loc: Locale) -> str:
    team = item.team
    where = ", ".join(f"{p} {a}" for p, a in sorted(team.digest_destinations.items()))
    how = (
        t("team.settings.chosen", loc) if item.chosen else t("team.settings.auto", loc, members=item.members)
    )
    return t(
        "team.settings.line",
        loc,
        team=team.name,
        tz=team.timezone,
        lang=item.language.value,
        how=how,
        where=where or t("team.settings.nowhere", loc),
    )


def settings_lines(items: list[TeamSettings], loc: Locale) -> list[str]:
    return [settings_line(item, loc) for item in items] or [t("team.settings.none", loc)]


def field_error(exc: ServiceError, loc: Locale) -> str:
    """The service's message, led by the field it is about (``Team time zone: …``)."""
    message = t(exc.message, loc, **exc.params)
    return (
        t("team.field_error", loc, field=t(f"team.field.{exc.field}", loc), message=message)
        if exc.field
        else message
    )


def team_settings(services: Services, actor: User, text: str) -> Reply:
    """Show every team (nothing after ``team``), one team, or change one setting of one team."""
    loc = actor.locale
    words = text.split()
    at = next((i for i, w in enumerate(words) if w.lower() in KEYS), len(words))
    name, key, values = " ".join(words[:at]), words[at].lower() if at < len(words) else "", words[at + 1 :]
    try:
        if not key:
            items = services.teams.settings(actor, name or None)
        else:
            items = [_change(services, actor, name, KEYS[key], values)]
    except ServiceError as exc:
        return Reply(sections=[Section(lines=[Line.of(field_error(exc, loc))])], ok=False)
    lines = [Line.of(user(line)) for line in settings_lines(items, loc)]
    return Reply(sections=[Section(lines=[*lines, Line.of(t("team.settings.how", loc))])])


def _change(services: Services, actor: User, name: str, what: str, values: list[str]) -> TeamSettings:
    if not name or len(values) != (2 if what == "digest" else 1):
        services.teams.settings(actor)  # a non-admin hears that they may not, before how to write it
        raise InvalidInputError("team.settings.usage")
    if what == "timezone":
        return services.teams.update(actor, name, timezone=values[0])
    if what == "language":
        return services.teams.update(actor, name, language=values[0])
    platform, address = values
    return services.teams.update(
        actor, name, destinations={platform: "" if address.lower() in OFF else address}
    )
