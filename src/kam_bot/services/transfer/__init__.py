"""Import, export and restore: moving a team's data in and out of kam-bot.

- ``import_csv`` / ``import_file``: users, accounts, contacts and the price list from CSV
  (all rows checked before any is written; one transaction).
- ``export_all``: every record as JSONL (lossless) or a directory of CSV files.
- ``restore_jsonl``: a JSONL export into an empty database, ids preserved.

All are admin-only: pass the admin ``User`` (the command line passes ``cli.OPERATOR``).
Errors in a file come back in the ``ImportReport`` as catalog keys with line numbers.
"""

from kam_bot.services.transfer.common import ImportReport, Progress, RowError, Target
from kam_bot.services.transfer.csv_import import IMPORTERS, EntityName, entity_for, import_csv, import_file
from kam_bot.services.transfer.export import export_all
from kam_bot.services.transfer.records import TYPES
from kam_bot.services.transfer.restore import restore_jsonl

__all__ = [
    "IMPORTERS",
    "TYPES",
    "EntityName",
    "ImportReport",
    "Progress",
    "RowError",
    "Target",
    "entity_for",
    "export_all",
    "import_csv",
    "import_file",
    "restore_jsonl",
]
