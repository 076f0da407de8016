"""``calendar``: a team's working calendar from chat (and the CLI's rendering of it).

``calendar show [--team TEAM] [--from DATE] [--to DATE]`` lists the days off and the extra
working days of the range (default: this year), each named in the reader's language;
``calendar set --team TEAM [--country CC] [--region R] [--weekend DAYS]`` changes a team's
calendar (admins; audited by the service). Company days come from a file
(``kam-bot calendar import``), which chat cannot carry.
"""

from __future__ import annotations

import shlex
from datetime import date

from kam_bot.domain.calendar import CalendarSpec, DayInfo, DayKind, Why, WorkingCalendar
from kam_bot.domain.enums import Locale, Role
from kam_bot.domain.models import Team, User
from kam_bot.handlers.render import error_reply
from kam_bot.handlers.replies import Line, Reply, Section, bold, user
from kam_bot.i18n import format_date, t
from kam_bot.services.calendar import UNSET, CalendarView, team_spec
from kam_bot.services.container import Services
from kam_bot.services.errors import InvalidInputError, ServiceError

OPTIONS = {
    "show": ("team", "from", "to"),
    "set": ("team", "country", "region", "weekend"),
    "off": ("team", "name"),
    "work": ("team", "name"),
}
_QUOTES = "“”‘’「」\"'"
_ZH_WEEKDAYS = "一二三四五六日"
_EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def calendar(services: Services, actor: User, rest: str) -> Reply:
    """The chat command: ``rest`` is what follows ``calendar``."""
    loc = actor.locale
    action, _, tail = rest.strip().partition(" ")
    action = action.casefold()
    if action == "import":
        return Reply.text(t("calendar.import_in_cli", loc))
    if action not in OPTIONS:
        return Reply.text(t("calendar.usage", loc))
    try:
        if action in ("off", "work"):
            return _day(services, actor, DayKind(action), tail)
        options = parse_options(action, tail)
        if action == "show":
            return _show(services, actor, options)
        return _set(services, actor, options)
    except ServiceError as exc:
        return error_reply(exc, loc)


def parse_options(action: str, text: str) -> dict[str, str]:
    """``--team Steel East --country CN`` -> {team: Steel East, country: CN}; ``--x=y`` too; ``''``
    is an empty value. InvalidInputError for an option ``action`` does not have."""
    try:
        tokens = shlex.split(text)
    except ValueError:
        tokens = text.split()
    options: dict[str, list[str]] = {}
    current: list[str] | None = None
    for token in tokens:
        if token.startswith("--"):
            name, eq, value = token[2:].partition("=")
            if name.casefold() not in OPTIONS[action]:
                raise InvalidInputError(
                    "calendar.unknown_option", value=token, action=action, options=_listed(action)
                )
            current = options.setdefault(name.casefold(), [])
            if eq:
                current.append(value)
        elif current is None:
            raise InvalidInputError(
                "calendar.unknown_option", value=token, action=action, options=_listed(action)
            )
        else:
            current.append(token)
    # chat apps turn '' into typographic quotes: ‘’ is as empty as ''
    return {name: " ".join(values).strip(_QUOTES) for name, values in options.items()}


def _listed(action: str) -> str:
    return ", ".join(f"--{name}" for name in OPTIONS[action])


def parse_day(option: str, value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        label = "DATE" if option == "date" else f"--{option}"
        raise InvalidInputError("calendar.bad_date", field=option, option=label, value=value) from None


def show_range(options: dict[str, str], today: date) -> tuple[date, date]:
    """``--from``/``--to``; without them, the year of ``--from`` (or this year)."""
    start = parse_day("from", options["from"]) if options.get("from") else date(today.year, 1, 1)
    end = parse_day("to", options["to"]) if options.get("to") else date(start.year, 12, 31)
    return start, end


def _show(services: Services, actor: User, options: dict[str, str]) -> Reply:
    team = options.get("team") or _own_team(services, actor)
    today = services.clock().date()
    start, end = show_range(options, today)
    view = services.calendar.show(team, start, end, actor.locale)
    return show_reply(view, actor.locale)


def _own_team(services: Services, actor: User) -> str:
    if actor.team_id is not None:
        for team in services.users.teams():
            if team.id == actor.team_id:
                return team.name
    raise InvalidInputError("calendar.no_team", field="team")


def _set(services: Services, actor: User, options: dict[str, str]) -> Reply:
    if actor.role is not Role.ADMIN:
        return Reply.text(t("calendar.admins_only", actor.locale), ok=False)
    if not options.get("team"):
        raise InvalidInputError("calendar.no_team", field="team")
    if not {"country", "region", "weekend"} & options.keys():
        return Reply.text(t("calendar.nothing_to_set", actor.locale), ok=False)
    team = services.calendar.set(
        actor,
        options["team"],
        country=options.get("country", UNSET),
        region=options.get("region", UNSET),
        weekend=options.get("weekend", UNSET),
    )
    return set_reply(team, actor.locale, services.settings.default_calendar_country)


def _day(services: Services, actor: User, kind: DayKind, tail: str) -> Reply:
    """``off 2026-12-24 [--team T] [--name Christmas Eve]``: one company day (no team: everyone's)."""
    if actor.role is not Role.ADMIN:
        return Reply.text(t("calendar.admins_only", actor.locale), ok=False)
    first, _, rest = tail.strip().partition(" ")
    day = parse_day("date", first)
    options = parse_options(kind.value, rest)
    saved = services.calendar.set_day(actor, day, kind, options.get("team") or None, options.get("name"))
    key = "calendar.day_set_off" if kind is DayKind.OFF else "calendar.day_set_work"
    whom = options.get("team") or t("calendar.every_team", actor.locale)
    said = t(key, actor.locale, date=format_date(saved.day, actor.locale), team=whom)
    return Reply.text(Line.of(said, " · " if saved.name else "", user(saved.name)))


# -- rendering (the CLI prints the same) ---------------------------------------------------


def day_name(info: DayInfo, loc: Locale | str) -> str:
    """What a day is called: the holiday's or company day's name, else what kind of day it is."""
    if info.name:
        return info.name
    return t(f"calendar.{info.why.value}", loc)


def day_off_note(calendar: WorkingCalendar | None, day: date | None, loc: Locale | str) -> str:
    """`` (a day off: Thanksgiving Day)`` when a due date is not a working day of the user's team:
    the date stays as typed, the confirmation says so."""
    if calendar is None or day is None:
        return ""
    info = calendar.info(day, str(loc))
    return "" if info.working else t("calendar.due_day_off", loc, name=day_name(info, loc))


def weekend_text(days: frozenset[int], loc: Locale | str) -> str:
    if not days:
        return t("calendar.weekend_none", loc)
    if str(loc).startswith("zh"):
        return "、".join(f"周{_ZH_WEEKDAYS[d]}" for d in sorted(days))
    return ", ".join(_EN_WEEKDAYS[d] for d in sorted(days))


def country_text(spec: CalendarSpec, own: str | None, loc: Locale | str) -> str:
    if spec.country is None:
        return t("calendar.no_country", loc)
    name = spec.country + (f"-{spec.region}" if spec.region else "")
    return name if own else t("calendar.default_country", loc, country=name)


def show_reply(view: CalendarView, loc: Locale | str) -> Reply:
    off = [d for d in view.days if not d.working]
    work = [d for d in view.days if d.working]
    head = t(
        "calendar.follows",
        loc,
        country=country_text(view.spec, view.team.calendar_country, loc),
        weekend=weekend_text(view.calendar.weekend, loc),
    )
    sections = [Section(lines=[Line.of(head)])]
    for key, days in (("calendar.days_off", off), ("calendar.extra_days", work)):
        if days:
            sections.append(Section(title=t(key, loc), lines=[_day_line(d, loc) for d in days]))
    summary = (
        t("calendar.counts", loc, off=len(off), work=len(work)) if view.days else t("calendar.no_days", loc)
    )
    lines = [Line.of(summary)]
    country = view.spec.country or ""
    lines += [
        Line.of(t("calendar.schedule_missing", loc, year=y, country=country)) for y in view.missing_years
    ]
    sections.append(Section(lines=lines))
    title = t(
        "calendar.title",
        loc,
        team=view.team.name,
        start=format_date(view.start, loc, weekday=False),
        end=format_date(view.end, loc, weekday=False),
    )
    return Reply(title=title, sections=sections)


def _day_line(info: DayInfo, loc: Locale | str) -> Line:
    name = day_name(info, loc)
    own = info.why in (Why.COMPANY_OFF, Why.COMPANY_WORK) and info.name
    return Line.of("• ", bold(format_date(info.day, loc)), " · ", user(name) if own else name)


def set_reply(team: Team, loc: Locale | str, default_country: str = "") -> Reply:
    spec = team_spec(team)
    shown = CalendarSpec(spec.country or default_country or None, spec.region, spec.weekend)
    return Reply.text(
        t(
            "calendar.set_done",
            loc,
            team=team.name,
            country=country_text(shown, team.calendar_country, loc),
            weekend=weekend_text(shown.effective_weekend(), loc),
        )
    )
