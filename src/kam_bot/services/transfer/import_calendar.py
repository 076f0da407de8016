"""calendar.csv: company days, and corrections to a country's schedule.

Columns ``date,kind,team,name``: ``kind`` is ``off`` (a day off: a plant shutdown, a holiday
the library does not know yet) or ``work`` (an extra working day: a make-up Saturday); an
empty ``team`` means every team. A row for a day (and team) already listed replaces it, so a
corrected file can be imported again. A team must exist: a typo would otherwise go unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from kam_bot.domain.calendar import DayKind
from kam_bot.domain.models import CalendarDay, Team
from kam_bot.services.transfer.cells import CsvRecord, choice
from kam_bot.services.transfer.common import RowError
from kam_bot.services.transfer.importer import FirstSeen, Importer, Parsed, Written
from kam_bot.store import bulk
from kam_bot.store import tables as t

KindCell = Annotated[DayKind, BeforeValidator(choice(DayKind))]


class CalendarRecord(CsvRecord):
    date: date
    kind: KindCell
    team: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=200)


Row = Parsed[CalendarRecord]


class CalendarImport(Importer[CalendarRecord]):
    record = CalendarRecord

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.team_ids = {team.name.strip().casefold(): team.id for team in self.repo.all(Team)}
        self.stored = {(d.team_id, d.day): d.id for d in self.repo.all(CalendarDay)}

    def team_id(self, record: CalendarRecord) -> int | None:
        return self.team_ids.get(record.team.strip().casefold()) if record.team else None

    def check(self, rows: Sequence[Row]) -> list[RowError]:
        errors: list[RowError] = []
        seen = FirstSeen("date")
        for row in rows:
            record = row.record
            if record.team and self.team_id(record) is None:
                names = ", ".join(sorted(team.name for team in self.repo.all(Team))) or "—"
                params = {"value": record.team, "known": names}
                errors.append(RowError(row.line, "team", "calendar.import_unknown_team", params))
                continue
            key = ((record.team or "").casefold(), record.date)
            if (error := seen.repeat(key, row.line, record.date.isoformat())) is not None:
                errors.append(error)
        return errors

    def write(self, rows: Sequence[Row], tick: Callable[[int], None]) -> Written:
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for row in rows:
            record = row.record
            team_id = self.team_id(record)
            fields = {"day": record.date, "kind": record.kind.value, "team_id": team_id, "name": record.name}
            stored = self.stored.get((team_id, record.date))
            if stored is not None:
                changed.append({"id": stored, **fields})
            else:
                new.append(fields)
        bulk.update_rows(self.repo, t.CalendarDayRow, changed, tick)
        bulk.insert_rows(self.repo, t.CalendarDayRow, new, tick)
        return Written(len(new), len(changed))
