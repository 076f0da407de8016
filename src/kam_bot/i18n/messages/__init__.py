"""One module per area; add new areas to MESSAGE_MODULES.

A chat platform or CRM added as one folder (``adapters/<name>/``, ``integrations/<name>/``) keeps
its strings in that folder's ``messages.py`` (a plain ``MESSAGES`` dict, no SDK import); they
join the catalog here, so a new platform touches no file of this package.
"""

import importlib
import pkgutil
from pathlib import Path

from kam_bot.i18n.messages import (
    accounts,
    calendar,
    commands,
    common,
    console,
    conversation,
    core,
    crm,
    enums,
    forms,
    insight,
    jobs,
    parser,
    prefill,
    rates,
    slack,
    team_settings,
    teams,
    transfer,
    trust,
    verbs,
)

MESSAGE_MODULES = [
    common.MESSAGES,
    core.MESSAGES,
    accounts.MESSAGES,
    enums.MESSAGES,
    parser.MESSAGES,
    prefill.MESSAGES,
    forms.MESSAGES,
    commands.MESSAGES,
    console.MESSAGES,
    conversation.MESSAGES,
    jobs.MESSAGES,
    insight.MESSAGES,
    transfer.MESSAGES,
    rates.MESSAGES,
    calendar.MESSAGES,
    crm.MESSAGES,
    slack.MESSAGES,
    teams.MESSAGES,
    team_settings.MESSAGES,
    trust.MESSAGES,
    verbs.MESSAGES,
]


def folder_messages(root: Path, top: str = "kam_bot") -> list[dict[str, dict[str, str]]]:
    """``MESSAGES`` of every ``adapters/<name>/messages.py`` and ``integrations/<name>/messages.py``
    under ``root`` (the ``top`` package's folder), in folder-name order."""
    found = []
    for package in ("adapters", "integrations"):
        for folder in sorted(pkgutil.iter_modules([str(root / package)]), key=lambda each: each.name):
            if folder.ispkg and (root / package / folder.name / "messages.py").is_file():
                module = importlib.import_module(f"{top}.{package}.{folder.name}.messages")
                found.append(module.MESSAGES)
    return found


MESSAGE_MODULES.extend(folder_messages(Path(__file__).resolve().parents[2]))
