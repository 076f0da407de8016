"""The verbs the jobs add to the command language: ``remind`` (what the next reminder would say)
and ``digest [WEEK]`` (the team's weekly digest so far). ``bootstrap`` appends them to the table."""

from __future__ import annotations

import tempfile
from pathlib import Path

from kam_bot.handlers.replies import Line, Reply, Section
from kam_bot.handlers.verbs import Call, Verb
from kam_bot.i18n import format_date, t
from kam_bot.jobs import planning, previews
from kam_bot.jobs.context import JobsContext
from kam_bot.jobs.notifications import Notification
from kam_bot.jobs.scheduler import digest_destinations


def preview_verbs(jobs: JobsContext) -> list[Verb]:
    return [
        Verb("remind", ("提醒",), lambda call: remind(jobs, call), "help.verb.remind"),
        Verb("digest", ("周报",), lambda call: digest(jobs, call), "help.verb.digest"),
    ]


def remind(jobs: JobsContext, call: Call) -> Reply:
    """What the actor would get on their next working morning."""
    actor, loc = call.actor, call.actor.locale
    day = previews.next_reminder_day(actor, jobs.clock())
    if planning.is_away(actor, day):
        assert actor.away_until is not None
        return Reply.text(t("jobs.remind.away", loc, date=format_date(actor.away_until, loc)))
    preview = previews.preview_reminder(jobs, actor, day)
    head = t(
        "jobs.remind.preview", loc, date=format_date(day, loc), time=actor.reminder_time.strftime("%H:%M")
    )
    if preview.note is None:
        return Reply.text(head, t("jobs.remind.nothing", loc, date=format_date(day, loc)))
    reply = preview.note.to_reply()
    return reply.model_copy(update={"sections": [Section(lines=[Line.of(head)]), *reply.sections]})


def digest(jobs: JobsContext, call: Call) -> Reply:
    """The actor's team digest, this week so far unless a week is named (``2026-W48``). On a
    surface at this machine (the console) its charts are written to a new temporary folder,
    named in the reply; elsewhere the reply is the digest's text."""
    actor, loc = call.actor, call.actor.locale
    team = next((team for team in call.services.users.teams() if team.id == actor.team_id), None)
    if team is None:
        return Reply.text(t("jobs.digest.no_team", loc))
    now = jobs.clock()
    try:
        monday = (
            planning.parse_week(call.rest)
            if call.rest
            else planning.week_start(planning.local_date(now, team.timezone))
        )
    except ValueError:
        return Reply.text(t("jobs.digest.bad_week", loc, value=call.rest), ok=False)
    note = previews.preview_digest(jobs, team, monday, now)
    sections = list(note.to_reply().sections)
    if call.surface.local and note.charts:
        folder = Path(tempfile.mkdtemp(prefix="kam-bot-charts-"))
        sections.append(
            Section(
                lines=[
                    Line.of(t("insight.chart.written", loc, path=str(p))) for p in write_charts(note, folder)
                ]
            )
        )
    if not digest_destinations(jobs, team):
        sections.append(Section(lines=[Line.of(t("jobs.digest.no_channel", loc))]))
    return note.to_reply().model_copy(update={"sections": sections})


def write_charts(note: Notification, directory: Path) -> list[Path]:
    """Draw every chart of ``note`` into ``directory``; their paths."""
    from kam_bot.jobs.chart import render_png  # matplotlib loads only when a chart is drawn

    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for chart in note.charts:
        path = directory / chart.filename
        path.write_bytes(render_png(chart))
        paths.append(path)
    return paths
