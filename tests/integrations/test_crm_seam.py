"""The CRM seam holds: the core names no CRM, each CRM registers without its SDK, and a change
writes a CRM row only when a CRM is chosen, in the change's own transaction."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from factories import seed_team
from sqlalchemy import func, select

import kam_bot
from kam_bot import crms
from kam_bot.bootstrap import App
from kam_bot.config import SettingsError
from kam_bot.services.inputs import PromiseInput
from kam_bot.store.tables import OutboxRow

ROOT = Path(kam_bot.__file__).parent
CRM_NAMES = {"salesforce", "hubspot", "dynamics", "dataverse"} | set(crms.names())


@pytest.mark.parametrize("layer", ["domain", "services", "handlers", "jobs", "store"])
def test_the_core_names_no_crm(layer: str) -> None:
    found = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                words = {w.strip(".,:;()'\"").lower() for w in node.value.split()}
                if node.value.lower() in CRM_NAMES or (len(words) == 1 and words & CRM_NAMES):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


NO_SDK = """
import sys
from importlib.abc import MetaPathFinder

class NotInstalled(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"simple_salesforce", "hubspot"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
from kam_bot import cli, crms
cli._load_features()
assert cli.build_parser().parse_args(["crm", "status"]).crm_action == "status"
print(sorted(crms.names()), crms.selected())
"""


def test_the_crms_register_without_their_sdks() -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SALESFORCE_", "HUBSPOT_")) and k != "CRM"
    }
    done = subprocess.run(
        [sys.executable, "-c", NO_SDK], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "'salesforce'" in done.stdout and done.stdout.strip().endswith("None")


def test_an_unknown_crm_is_named() -> None:
    with pytest.raises(SettingsError, match="CRM: unknown CRM 'pipedrive'; write one of salesforce"):
        crms.selected("pipedrive")


def _crm_rows(app: App) -> int:
    with app.uow() as uow:
        return int(uow.repo.session.scalar(select(func.count()).select_from(OutboxRow)) or 0)


def test_without_a_crm_no_row_is_written(app: App) -> None:
    s = seed_team(app)
    app.promises.add(s.rep, s.baosteel.id, PromiseInput(text="call back", due_date=app.clock().date()))
    assert _crm_rows(app) == 0
