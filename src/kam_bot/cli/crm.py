"""`kam-bot crm status | resync --since DATE | pull [--full] | push`."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from kam_bot import cli, crms
from kam_bot.bootstrap import App
from kam_bot.cli import command, open_app
from kam_bot.config import Settings
from kam_bot.i18n import t
from kam_bot.jobs.crm_port import CredentialRevokedError, CrmError
from kam_bot.store.crm import Status


def _parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    crm = sub.add_parser("crm", help="CRM sync: status, resync, pull, push")
    actions = crm.add_subparsers(dest="crm_action", required=True)
    actions.add_parser("status", help="what is queued, sent, failed and why; limits; last pull")
    resync = actions.add_parser("resync", help="send every record saved since DATE again")
    resync.add_argument("--since", required=True, metavar="DATE", help="YYYY-MM-DD (UTC)")
    pull = actions.add_parser(
        "pull", help="import accounts, contacts and owners; close promises done in the CRM"
    )
    pull.add_argument(
        "--full", action="store_true", help="everything, not only what changed since the last pull"
    )
    actions.add_parser("push", help="push what is queued now (what `kam-bot serve` does every few seconds)")


cli._EXTRA_PARSERS.append(_parser)


def _app(settings: Settings) -> App | None:
    app = open_app(settings)
    if app.crm is None:
        how = "; ".join(entry.how_to_enable for entry in crms.KNOWN)
        print(t("crm.cli.not_set", settings.default_locale, how=how), file=sys.stderr)
        return None
    app.crm.check()
    return app


@command("crm")
def crm_command(args: argparse.Namespace, settings: Settings) -> int:
    app = _app(settings)
    if app is None:
        return 2
    action = {"status": _status, "resync": _resync, "pull": _pull, "push": _push}[args.crm_action]
    try:
        return action(app, args, settings)
    except CredentialRevokedError as exc:
        print(
            t(
                "crm.cli.revoked",
                settings.default_locale,
                crm=app.crm.name if app.crm else "",
                reason=exc.reason,
            )
        )
        return 1
    except CrmError as exc:
        print(t("crm.cli.failed", settings.default_locale, reason=str(exc)), file=sys.stderr)
        return 1


def _status(app: App, args: argparse.Namespace, settings: Settings) -> int:
    store = app.crm_store()
    assert store is not None and app.crm is not None
    loc = settings.default_locale
    status = store.status(app.clock())
    print(_headline(app.crm.name, status, loc))
    print("  " + "  ".join(f"{name}: {n}" for name, n in status.counts.items()))
    if status.oldest_pending is not None:
        print(t("crm.cli.oldest", loc, at=status.oldest_pending.isoformat(timespec="seconds")))
    for row_state, error, n in status.errors:
        print(t("crm.cli.error_line", loc, n=n, state=row_state, error=error))
    state = status.state
    if state.limited_count:
        until = state.limited_until.isoformat(timespec="seconds") if state.limited_until else "-"
        print(
            t("crm.cli.limited", loc, n=state.limited_count, reason=state.limited_reason or "", until=until)
        )
    allowance = _allowance(app)
    if allowance is not None:
        print(t("crm.cli.allowance", loc, remaining=allowance[0], max=allowance[1]))
    if state.last_pull_at is not None:
        at = state.last_pull_at.isoformat(timespec="seconds")
        print(t("crm.cli.last_pull", loc, at=at, summary=state.last_pull_summary or ""))
    else:
        print(t("crm.cli.never_pulled", loc))
    return 0


def _headline(name: str, status: Status, loc: str) -> str:
    state = status.state
    if state.stopped_reason:
        at = state.stopped_at.isoformat(timespec="seconds") if state.stopped_at else "-"
        return t("crm.cli.stopped", loc, crm=name, reason=state.stopped_reason, at=at)
    return t("crm.cli.running", loc, crm=name)


def _allowance(app: App) -> tuple[int, int] | None:
    jobs = app.crm_jobs()
    asking = getattr(jobs.port, "daily_allowance", None) if jobs is not None else None
    if asking is None:
        return None
    try:
        found = asking()
    except CrmError:
        return None
    return found if isinstance(found, tuple) else None


def _resync(app: App, args: argparse.Namespace, settings: Settings) -> int:
    loc = settings.default_locale
    try:
        day = datetime.strptime(args.since, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        print(t("crm.cli.bad_since", loc, value=args.since), file=sys.stderr)
        return 2
    store = app.crm_store()
    assert store is not None
    queued = store.resync(day, app.clock())
    detail = ", ".join(f"{kind} {n}" for kind, n in queued.items())
    print(t("crm.cli.resynced", loc, n=sum(queued.values()), detail=detail, since=args.since))
    return 0


def _pull(app: App, args: argparse.Namespace, settings: Settings) -> int:
    jobs = app.crm_jobs()
    assert jobs is not None
    result = jobs.pull(full=args.full)
    print(t("crm.cli.pulled", settings.default_locale, crm=jobs.name, summary=result.summary()))
    return 0


def _push(app: App, args: argparse.Namespace, settings: Settings) -> int:
    jobs = app.crm_jobs()
    assert jobs is not None
    stats = jobs.push(lambda: False)
    loc = settings.default_locale
    print(
        t(
            "crm.cli.pushed",
            loc,
            crm=jobs.name,
            pushed=stats.pushed,
            removed=stats.removed,
            waiting=stats.rate_limited + stats.retried + stats.waited + stats.released,
            dead=stats.dead,
        )
    )
    if stats.stopped:
        state = jobs.store.state()
        print(t("crm.cli.revoked", loc, crm=jobs.name, reason=state.stopped_reason or ""))
        return 1
    return 0
