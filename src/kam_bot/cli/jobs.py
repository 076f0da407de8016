"""`kam-bot remind`, `kam-bot digest`, `kam-bot outbox`."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from kam_bot.adapters.console.render import render_text
from kam_bot.adapters.platform import Unreachable
from kam_bot.bootstrap import App
from kam_bot.cli import _EXTRA_PARSERS, command, open_app
from kam_bot.config import Settings
from kam_bot.domain.enums import Locale
from kam_bot.domain.models import Team, User
from kam_bot.i18n import t
from kam_bot.i18n.catalog import resolve_locale
from kam_bot.jobs import outbox, planning, previews
from kam_bot.jobs.scheduler import TickResult, decide_digest, digest_destinations, reminder_tick
from kam_bot.jobs.sender import instance_name
from kam_bot.jobs.verbs import write_charts
from kam_bot.platforms import by_name as registration

REMIND_HELP = """\
Preview (--dry-run) the morning DMs, or queue the ones due now.

--at WHEN (ISO 8601, needs --dry-run):
  naive, e.g. 2026-12-01T08:30  -> the wall time of each user in their own time zone:
                                   everyone whose reminder time is 08:30, on 1 Dec in their zone
                                   (with --user: that user at 08:30 their time, whatever their
                                   reminder time);
  with an offset, e.g. 2026-12-01T00:30Z or +08:00
                                -> one planner tick at that instant: everyone whose reminder
                                   moment falls in the 5 minutes up to it.
Without --at and --dry-run: run the reminder planner now, as `kam-bot serve` does every
5 minutes (queues what is due; a message already queued is never queued twice)."""


def _parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    remind = sub.add_parser(
        "remind",
        help="preview or queue the morning DMs",
        description=REMIND_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    remind.add_argument("--at", metavar="WHEN", help="the moment to preview (see above)")
    remind.add_argument("--user", metavar="USER", help="only this user (email, platform id or name)")
    remind.add_argument("--dry-run", action="store_true", help="print the DMs; write nothing")

    digest = sub.add_parser(
        "digest",
        help="preview or queue a team's weekly digest",
        description="Print (--preview) or queue a team's weekly digest. Without --week: the "
        "current week, figures so far. The scheduled digest goes out at 09:00 team time on the "
        "team's first working day of the week (Monday unless that is a day off), about the week before.",
    )
    digest.add_argument("--team", required=True, metavar="TEAM", help="team name or id")
    digest.add_argument("--week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W48")
    digest.add_argument("--preview", action="store_true", help="print it; write nothing")
    digest.add_argument("--chart", metavar="FILE.png", help="also write the visits chart to this file")
    digest.add_argument(
        "--chart-dir", metavar="DIR", help="write every chart of the digest into DIR (created if needed)"
    )

    box = sub.add_parser(
        "outbox",
        help="messages per state, pending/dead ones, possible repeats; `outbox retry` re-queues dead ones",
    )
    box.add_argument("action", nargs="?", choices=["list", "retry"], default="list")
    box.add_argument(
        "--id", type=int, action="append", dest="ids", metavar="N", help="retry only row N (repeatable)"
    )


_EXTRA_PARSERS.append(_parsers)


# -- remind --------------------------------------------------------------------------


def _address(person: User, platforms: tuple[str, ...], app: App | None = None) -> str:
    address = outbox.dm_address(person, platforms)
    if address is None:
        where = ", ".join(platforms)
        return f"no chat identity on {where}: would be marked dead ({outbox.NO_CHAT_IDENTITY})"
    why = _unreachable(app, address) if app is not None else None
    if why is not None:
        return f"{':'.join(address)}: {why.one}, would be dead ({why.reason})"
    return ":".join(address)


def _unreachable(app: App, address: tuple[str, str]) -> Unreachable | None:
    """Why a DM to ``address`` would die though the person has an identity there, when its
    platform's rule says so (``Registration.reachable``: Teams writes only into a known chat)."""
    platform, recipient = address
    entry = registration(platform)
    if entry is None or entry.unreachable is None or entry.reachable(app.conversation_refs, recipient):
        return None
    return entry.unreachable


def _print_preview(p: previews.ReminderPreview, platforms: tuple[str, ...], app: App) -> bool:
    local = p.at.astimezone(planning.zone(p.user.timezone))
    to = _address(p.user, platforms, app)
    head = f"=== {p.user.display_name} <{to}> · {local:%a %Y-%m-%d %H:%M} {p.user.timezone} ==="
    if p.note is None:
        why = p.day_off or f"({p.skipped or 'nothing to say'}: no DM)"
        print(f"{head}\n{why}\n")
        return False
    print(head)
    print(render_text(p.note.to_reply(), p.note.locale))
    print()
    return True


def _print_tick(app: App, result: TickResult, now: datetime, loc: Locale) -> None:
    """Queued counts only the DMs on their way; the people no platform reaches are named."""
    unreachable = app.jobs.dead_people(now, outbox.NO_CHAT_IDENTITY)
    queued = result.queued - len(unreachable)
    quiet = result.due - result.queued
    print(t("jobs.remind.done", loc, queued=queued, quiet=quiet, failed=result.failed))
    if unreachable:
        platforms = ", ".join(app.recipient_platforms)
        names = ", ".join(unreachable)
        print(t("jobs.remind.unreachable", loc, count=len(unreachable), platforms=platforms, names=names))


@command("remind")
def remind(args: argparse.Namespace, settings: Settings) -> int:
    app = open_app(settings)
    only = None
    if args.user:
        only = app.users.find(args.user)
        if only is None:
            print(f"kam-bot: no user {args.user!r}", file=sys.stderr)
            return 2
    if args.dry_run:
        return _preview_reminders(app, args.at, only)
    if args.at:
        print("kam-bot: --at previews a moment; add --dry-run", file=sys.stderr)
        return 2
    return _queue_reminders(app, resolve_locale(settings.default_locale))


def _queue_reminders(app: App, loc: Locale) -> int:
    """Decide the reminders due now, as `kam-bot serve` does every 5 minutes."""
    now = app.clock()
    result = reminder_tick(app.jobs_context, now, instance_name())
    if result.idle:
        print(t("jobs.remind.idle", loc))
    elif not result.claimed and not result.helped:
        print(t("jobs.remind.elsewhere", loc))
    else:
        _print_tick(app, result, now, loc)
    return 1 if result.failed else 0


def _preview_reminders(app: App, typed_at: str | None, only: User | None) -> int:
    """Print the DMs due at ``typed_at`` (each user's wall time when naive) and who cannot get one."""
    try:
        at = datetime.fromisoformat(typed_at) if typed_at else app.clock()
    except ValueError:
        print(f"kam-bot: --at {typed_at!r} is not an ISO date-time (2026-12-01T08:30)", file=sys.stderr)
        return 2
    found = (
        previews.reminders_at_local(app.jobs_context, at, only)
        if at.tzinfo is None
        else previews.reminders_at_instant(app.jobs_context, at.astimezone(UTC), only)
    )
    sent = sum(_print_preview(p, app.recipient_platforms, app) for p in found)
    scope = "local time of each user" if at.tzinfo is None else "UTC instant"
    print(
        f"{sent} DM(s) would be sent at {typed_at or at.isoformat()} ({scope}); "
        f"{len(found) - sent} due with no DM."
    )
    _print_unreachable(app, [p for p in found if p.note is not None])
    return 0


def _print_unreachable(app: App, with_dm: list[previews.ReminderPreview]) -> None:
    platforms = app.recipient_platforms
    addresses = [outbox.dm_address(p.user, platforms) for p in with_dm]
    unreachable = sum(a is None for a in addresses)
    no_chat = Counter(why for a in addresses if a is not None and (why := _unreachable(app, a)) is not None)
    if unreachable:
        print(
            f"{unreachable} of them cannot be reached: no identity on {', '.join(platforms)} "
            f"(their rows would be dead as {outbox.NO_CHAT_IDENTITY})."
        )
    for why, count in no_chat.items():
        print(f"{count} of them {why.many} (their rows would be dead as {why.reason}): {why.advice}.")


# -- digest --------------------------------------------------------------------------


def _team(app: App, name: str) -> Team | None:
    """A team by id or (case-insensitive) name."""
    teams = app.users.teams()
    by_id = {str(team.id): team for team in teams}
    by_name = {team.name.strip().casefold(): team for team in teams}
    return by_id.get(name.strip()) or by_name.get(name.strip().casefold())


@command("digest")
def digest(args: argparse.Namespace, settings: Settings) -> int:
    app = open_app(settings)
    team = _team(app, args.team)
    if team is None:
        print(f"kam-bot: no team {args.team!r}", file=sys.stderr)
        return 2
    try:
        now = app.clock()
        monday = (
            planning.parse_week(args.week)
            if args.week
            else planning.week_start(planning.local_date(now, team.timezone))
        )
    except ValueError:
        print(f"kam-bot: --week {args.week!r} is not an ISO week (2026-W48)", file=sys.stderr)
        return 2
    destinations = digest_destinations(app.jobs_context, team)
    if not args.preview:
        if not destinations:
            print(f"kam-bot: team {team.name!r} has no digest channel", file=sys.stderr)
            return 2
        wrote = decide_digest(app.jobs_context, team, monday, now)
        for platform, address in destinations.items():
            key = outbox.digest_key(team.id, planning.iso_week(monday), platform)
            print(f"{'Queued' if wrote else 'Already queued'}: {key} -> {platform}:{address}")
        return 0
    note = previews.preview_digest(app.jobs_context, team, monday, now)
    to = ", ".join(f"{p}:{a}" for p, a in destinations.items())
    print(f"To: {to or '(no digest channel: not posted)'}")
    print(render_text(note.to_reply(), note.locale))
    for chart in note.charts:
        print(f"[chart {chart.filename}: {chart.title}]")
    if note.chart is not None and args.chart:
        from kam_bot.jobs.chart import render_png

        Path(args.chart).write_bytes(render_png(note.chart))
        print(f"Chart written to {args.chart}")
    if args.chart_dir:
        for path in write_charts(note, Path(args.chart_dir)):
            print(f"Chart written to {path}")
    return 0


# -- outbox --------------------------------------------------------------------------


@command("outbox")
def outbox_command(args: argparse.Namespace, settings: Settings) -> int:
    app = open_app(settings)
    now = app.clock()
    if args.action == "retry":
        count = app.jobs.retry_dead(now, args.ids)
        print(f"{count} dead message(s) queued again (a daily DM past its day is skipped, not sent late).")
        return 0
    rows = app.jobs.outbox_entries()
    totals = app.jobs.outbox_states(now)
    incidents = app.jobs.outbox_incidents()
    for e in rows:
        when = e.next_attempt_at.strftime("%Y-%m-%d %H:%M:%SZ")
        error = f"  [{e.last_error}]" if e.last_error else ""
        to = f"{e.platform or '-'}:{e.recipient or '-'}"
        print(f"#{e.id:<5} {e.status:<7} attempts {e.attempts}  next {when}  {to}  {e.key}{error}")
    if incidents:
        print("Possible repeats (a send interrupted, a lease taken over):")
    for i in incidents:
        detail = f"  [{i.detail}]" if i.detail else ""
        when = i.at.strftime("%Y-%m-%d %H:%M:%SZ")
        print(f"#{i.outbox_id:<5} {i.kind:<22} {when}  {i.instance}  {i.key} ({i.status}){detail}")
    summary = ", ".join(f"{status} {n}" for status, n in totals.items())
    print(f"Outbox: {summary}.")
    return 0
