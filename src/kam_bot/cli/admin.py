"""`kam-bot audit` and `kam-bot erase-contact`: the admin's record of changes, and a contact's
right to be forgotten.

Both act as the command line's operator (whoever holds the database URL administers it) or,
with ``--as``, as a named user who must be an admin.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from kam_bot.bootstrap import App
from kam_bot.cli import _EXTRA_PARSERS, OPERATOR, command, open_app
from kam_bot.config import Settings
from kam_bot.domain.enums import Role
from kam_bot.domain.models import AuditEntry, User
from kam_bot.handlers.render import error_reply
from kam_bot.i18n import t
from kam_bot.i18n.catalog import resolve_locale
from kam_bot.services.contacts import PERSONAL_ERASED
from kam_bot.services.errors import ServiceError


def _parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser("audit", help="who created, changed, deleted or erased what, and when (admins)")
    audit.add_argument("--since", help="from this date or time (2026-12-01 or 2026-12-01T08:30, UTC)")
    audit.add_argument("--user", help="only what this user did (email, platform id or name)")
    audit.add_argument("--limit", type=int, default=1000, help="at most this many entries, the newest")
    audit.add_argument("--as", dest="as_user", metavar="ADMIN", help="read as this admin (default: operator)")
    erase = sub.add_parser("erase-contact", help="erase a contact's personal data; the audit log records it")
    erase.add_argument("contact_id", type=int, help="the contact's id (see `kam-bot export --format csv`)")
    erase.add_argument("--as", dest="as_user", metavar="ADMIN", help="act as this admin (default: operator)")


_EXTRA_PARSERS.append(_parsers)


def _actor(app: App, who: str | None, loc: str) -> User | None:
    """The operator, or the admin ``--as`` names; None (said why) otherwise."""
    if who is None:
        return OPERATOR
    user = app.users.find(who)
    if user is None:
        print(t("audit.unknown_user", loc, value=who), file=sys.stderr)
        return None
    if user.role is not Role.ADMIN:
        print(t("audit.admins_only", loc, name=user.display_name), file=sys.stderr)
        return None
    return user


def parse_since(text: str) -> datetime | None:
    """A date (its midnight) or a date and time; naive means UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if len(text.strip()) <= 10:
        moment = datetime.combine(moment.date(), time(0))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def entry_line(entry: AuditEntry, names: dict[int, str], loc: str) -> str:
    who = names.get(entry.actor_id, f"#{entry.actor_id}") if entry.actor_id else t("audit.operator", loc)
    return t(
        "audit.line",
        loc,
        at=entry.at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%SZ"),
        who=who,
        action=t(f"audit.action.{entry.action}", loc),
        entity=entry.entity,
        id=f" #{entry.entity_id}" if entry.entity_id else "",
        fields=f" ({', '.join(entry.fields)})" if entry.fields else "",
    )


@command("audit")
def audit_command(args: argparse.Namespace, settings: Settings) -> int:
    loc = resolve_locale(settings.default_locale)
    app = open_app(settings)
    actor = _actor(app, args.as_user, loc)
    if actor is None:
        return 2
    since = None
    if args.since is not None and (since := parse_since(args.since)) is None:
        print(t("audit.bad_since", loc, value=args.since), file=sys.stderr)
        return 2
    user_id = None
    if args.user is not None:
        user = app.users.find(args.user)
        if user is None:
            print(t("audit.unknown_user", loc, value=args.user), file=sys.stderr)
            return 2
        user_id = user.id
    try:
        entries = app.audit.entries(actor, since=since, user_id=user_id, limit=max(1, args.limit))
    except ServiceError as exc:
        print(error_reply(exc, loc).plain_text(), file=sys.stderr)
        return 2
    if not entries:
        print(t("audit.none", loc))
        return 0
    names = {uid: app.users.get(uid).display_name for uid in {e.actor_id for e in entries if e.actor_id}}
    print(t("audit.header", loc, count=len(entries)))
    for entry in entries:
        print(entry_line(entry, names, loc))
    return 0


@command("erase-contact")
def erase_contact_command(args: argparse.Namespace, settings: Settings) -> int:
    loc = resolve_locale(settings.default_locale)
    app = open_app(settings)
    actor = _actor(app, args.as_user, loc)
    if actor is None:
        return 2
    try:
        before = app.contacts.get(actor, args.contact_id)
        erased = app.contacts.erase_personal_data(actor, args.contact_id)
    except ServiceError as exc:
        key = "erase.not_found" if exc.message == "contact.not_found" else None
        text = t(key, loc, id=args.contact_id) if key else error_reply(exc, loc).plain_text()
        print(text, file=sys.stderr)
        return 2
    account = app.accounts.by_ids([erased.account_id]).get(erased.account_id)
    params = {"id": erased.id, "name": erased.name, "account": account.name if account else "?"}
    fields = [f for f in PERSONAL_ERASED if getattr(before, f) != PERSONAL_ERASED[f]]
    if fields:
        print(t("erase.done", loc, fields=", ".join(fields), **params))
    else:
        print(t("erase.nothing", loc, **params))
    return 0
