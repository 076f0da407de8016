"""`kam-bot import` and `kam-bot export`: the operator's bulk data in and out."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from tqdm import tqdm

from kam_bot.cli import OPERATOR, command, open_app
from kam_bot.config import Settings
from kam_bot.i18n import t
from kam_bot.i18n.catalog import CATALOG, resolve_locale
from kam_bot.services.errors import ServiceError
from kam_bot.services.transfer import ImportReport, export_all, import_csv, import_file

LOC = "en"
"""The operator's console speaks the default language of the deployment."""

ENTITIES = {"accounts", "contacts", "users", "prices", "calendar"}


@command("import")
def import_command(args: argparse.Namespace, settings: Settings) -> int:
    loc = settings.default_locale or LOC
    app = open_app(settings)
    bar = tqdm(total=0, unit="row", disable=not sys.stderr.isatty(), file=sys.stderr, leave=False)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        if args.file is not None:
            if args.what not in ENTITIES:
                print(
                    f"kam-bot import: {args.what!r} is not one of {', '.join(sorted(ENTITIES))}",
                    file=sys.stderr,
                )
                return 2
            report = import_csv(
                app,
                args.what,
                args.file,
                actor=OPERATOR,
                skip_bad=args.skip_bad,
                strict_teams=args.strict_teams,
                progress=progress,
            )
        else:
            report = import_file(
                app,
                args.what,
                actor=OPERATOR,
                skip_bad=args.skip_bad,
                strict_teams=args.strict_teams,
                progress=progress,
            )
    except FileNotFoundError as exc:
        print(f"kam-bot import: no such file: {exc.filename}", file=sys.stderr)
        return 2
    except ServiceError as exc:
        print(f"kam-bot import: {t(exc.message, loc, **exc.params)}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    return _print_report(report, loc, restored=args.file is None and str(args.what).endswith(".jsonl"))


def _print_report(report: ImportReport, loc: str, *, restored: bool) -> int:
    """Errors, then what was written; exit 0 when what was asked was done (``--skip-bad`` included)."""
    for error in report.errors:
        message = t(error.message, loc, **error.params)
        # say the column once: most messages name it already
        where = f"{error.column}: " if error.column and not _names_column(error.message, loc) else ""
        print(t("transfer.error_at", loc, line=error.line, message=where + message), file=sys.stderr)
    if report.errors and report.rows_written == 0:
        print(t("transfer.nothing_written", loc), file=sys.stderr)
        return 1
    if restored:
        print(t("transfer.restored", loc, count=report.rows_written))
    else:
        print(
            t(
                "transfer.imported",
                loc,
                written=report.rows_written,
                total=report.rows_total,
                created=report.rows_created,
                updated=report.rows_updated,
            )
        )
    if report.users_created:
        emails = ", ".join(report.users_created)
        print(t("transfer.users_created", loc, count=len(report.users_created), emails=emails))
    if report.teams_created:
        names = ", ".join(report.teams_created)
        print(t("transfer.teams_created", loc, count=len(report.teams_created), names=names))
    if report.errors:
        lines = report.skipped_lines
        listed = ", ".join(map(str, lines))
        print(t("transfer.skipped_lines", loc, count=len(lines), lines=listed), file=sys.stderr)
    return 0


def _names_column(key: str, loc: str) -> bool:
    texts = CATALOG[key]
    return "{column}" in (texts.get(str(resolve_locale(loc).value)) or texts["en"])


@command("export")
def export_command(args: argparse.Namespace, settings: Settings) -> int:
    loc = settings.default_locale or LOC
    app = open_app(settings)
    if args.format == "csv" and not args.out:
        print(
            "kam-bot export: --format csv writes one file per entity; give a directory with --out",
            file=sys.stderr,
        )
        return 2
    if args.out:
        target = Path(args.out)
        if args.format == "csv":
            target.mkdir(parents=True, exist_ok=True)
        counts = export_all(app, target, fmt=args.format, actor=OPERATOR)
        where = str(target)
    else:
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
        counts = export_all(app, out, fmt="jsonl", actor=OPERATOR)
        out.flush()
        out.detach()
        where = "stdout"
    print(t("transfer.exported", loc, count=sum(counts.values()), path=where), file=sys.stderr)
    return 0
