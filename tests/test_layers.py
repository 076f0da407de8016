"""The layers hold: no platform package outside its adapter, no SQLAlchemy outside store/ (and
bootstrap, which builds the engine), no adapter imported by the core (domain, services,
handlers, jobs, store). The imports of every module under src/kam_bot are read, not run."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import kam_bot
from kam_bot import platforms

ROOT = Path(kam_bot.__file__).parent
PLATFORM_PACKAGES = {
    "slack_sdk": "slack",
    "slack_bolt": "slack",
    "microsoft_teams": "teams",
    "botbuilder": "teams",
    "dingtalk_stream": "dingtalk",
    "lark_oapi": "feishu",
    "simple_salesforce": "salesforce",
    "hubspot": "hubspot",
}
KNOWN_NAMES = ("slack", "teams", "dingtalk", "wecom", "feishu")
"""The registered chat platforms, in ``platforms.KNOWN`` order."""
CORE = {"domain", "services", "handlers", "jobs", "store"}

KNOWN: set[str] = set()
"""Crossings that remain while other branches finish; each must still exist (see below)."""


def _imports(source: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def crossings() -> set[str]:
    found: set[str] = set()
    for source in sorted(ROOT.rglob("*.py")):
        path = source.relative_to(ROOT).as_posix()
        layer = path.split("/")[0]
        for name in _imports(source):
            top = name.split(".")[0]
            platform = PLATFORM_PACKAGES.get(top)
            if platform and not path.startswith((f"adapters/{platform}/", f"integrations/{platform}/")):
                found.add(f"{path} imports {name}")
            if top == "sqlalchemy" and not (path.startswith("store/") or path == "bootstrap.py"):
                found.add(f"{path} imports {name}")
            if name.startswith("kam_bot.adapters") and layer in CORE:
                found.add(f"{path} imports {name}")
    return found


def test_no_import_crosses_the_layers() -> None:
    assert crossings() - KNOWN == set()


def test_the_known_crossings_are_still_there() -> None:
    """A crossing fixed elsewhere must leave ``KNOWN`` too, so that it cannot come back unseen."""
    assert KNOWN - crossings() == set()


def test_the_walk_finds_a_crossing(tmp_path: Path) -> None:
    """The reader sees through ``from x import y`` and ``import x.y`` alike."""
    bad = tmp_path / "m.py"
    bad.write_text("import slack_sdk.web\nfrom sqlalchemy.orm import Session\nfrom . import sibling\n")
    assert _imports(bad) == {"slack_sdk.web", "sqlalchemy.orm"}


# -- stricter: the core sees no store or bootstrap, adapters reach storage only through services

STORAGE = ("sqlalchemy", "kam_bot.store", "kam_bot.bootstrap")

NOT_YET = {
    "services/transfer": "bulk import/export SQL, moving behind store/",
}
"""Modules other work in progress is moving; each names why it is still here."""


def _modules(layer: str) -> list[Path]:
    return [
        p
        for p in sorted((ROOT / layer).rglob("*.py"))
        if not any(p.relative_to(ROOT).as_posix().startswith(skip) for skip in NOT_YET)
    ]


def _crossing(path: Path, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{path.relative_to(ROOT)} imports {n}" for n in _imports(path) if n.startswith(forbidden)]


@pytest.mark.parametrize("layer", ["domain", "services", "handlers"])
def test_the_core_imports_no_platform_sql_or_adapter(layer: str) -> None:
    forbidden = (*tuple(PLATFORM_PACKAGES), "kam_bot.adapters", "sqlalchemy", "kam_bot.bootstrap")
    if layer != "services":
        forbidden += ("kam_bot.store",)
    assert _modules(layer), f"no module found in {layer}/"
    found = [c for p in _modules(layer) for c in _crossing(p, forbidden)]
    assert found == []


def test_services_see_the_store_only_through_its_ports() -> None:
    found = [c for p in _modules("services") for c in _crossing(p, ("kam_bot.store",))]
    assert found == []


def test_adapters_reach_storage_only_through_the_services() -> None:
    found = [c for p in _modules("adapters") for c in _crossing(p, STORAGE)]
    assert found == []
    assert _modules("adapters"), "the adapters were found"


# -- the platform seam: the core names no platform; the jobs and adapters never see bootstrap

PLATFORM_NAMES = {"slack", "teams", "dingtalk", "wecom", "feishu", "lark"} | {e.name for e in platforms.KNOWN}
"""Chat platforms kam-bot has or may get; each registers in ``adapters/<name>/platform.py``."""


def platform_names(path: Path) -> list[str]:
    """Where a module names a platform: a string ``"slack"`` or an attribute ``.SLACK`` / ``.slack``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.lower() in PLATFORM_NAMES
        ):
            found.append(f"{path.name}:{node.lineno} names {node.value!r}")
        elif isinstance(node, ast.Attribute) and (
            node.attr in {n.upper() for n in PLATFORM_NAMES} or node.attr in PLATFORM_NAMES - {"teams"}
        ):  # ``.teams`` is the user service's list of sales teams
            found.append(f"{path.name}:{node.lineno} names .{node.attr}")
    return found


@pytest.mark.parametrize("layer", ["domain", "services", "handlers", "jobs"])
def test_the_core_names_no_platform(layer: str) -> None:
    """A new platform registers in its adapter folder: the core has no line to change for it."""
    found = [f"{layer}/{f}" for p in sorted((ROOT / layer).rglob("*.py")) for f in platform_names(p)]
    assert found == []


def test_the_platform_walk_finds_a_name(tmp_path: Path) -> None:
    named = tmp_path / "m.py"
    named.write_text('PLATFORMS = ("slack", "Teams")\nx = Platform.SLACK\nteam = app.users.teams()\n')
    assert sorted(platform_names(named)) == [
        "m.py:1 names 'Teams'",
        "m.py:1 names 'slack'",
        "m.py:2 names .SLACK",
    ]


@pytest.mark.parametrize("layer", ["jobs", "adapters"])
def test_jobs_and_adapters_never_import_bootstrap(layer: str) -> None:
    """They take what they use (``jobs.context.JobsContext``, ``services.container.Services``),
    so ``bootstrap`` imports them and nothing imports ``bootstrap`` back (type-only imports too)."""
    found = [c for p in sorted((ROOT / layer).rglob("*.py")) for c in _crossing(p, ("kam_bot.bootstrap",))]
    assert found == []


def _module_graph() -> dict[str, set[str]]:
    """kam_bot module -> the kam_bot modules it imports (any import: type-only and in functions too)."""
    names = {
        ".".join(("kam_bot", *p.relative_to(ROOT).with_suffix("").parts)).removesuffix(".__init__"): p
        for p in ROOT.rglob("*.py")
    }

    def known(name: str) -> str | None:
        while name and name not in names:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in names.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                found.update([base, *(f"{base}.{a.name}" for a in node.names)])
        graph[module] = {m for n in found if n.startswith("kam_bot") and (m := known(n)) and m != module}
    return graph


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), list(graph[start])
    while todo:
        module = todo.pop()
        if module == goal:
            return True
        if module not in seen:
            seen.add(module)
            todo.extend(graph.get(module, ()))
    return False


def test_the_composition_imports_in_one_direction() -> None:
    """bootstrap -> server -> jobs, bootstrap -> platforms -> adapters: no module among them
    imports its way back to itself (they once formed a circle of seven)."""
    graph = _module_graph()
    composition = ["kam_bot.bootstrap", "kam_bot.server", "kam_bot.platforms", "kam_bot.adapters.platform"]
    composition += [m for m in graph if m.startswith(("kam_bot.jobs.", "kam_bot.adapters.slack.server"))]
    assert [m for m in composition if _reaches(graph, m, m)] == []


NO_SDK = """
import sys
from importlib.abc import MetaPathFinder

class NotInstalled(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

BLOCKED = set(sys.argv[1:])
sys.meta_path.insert(0, NotInstalled())
from kam_bot import cli, platforms
cli._load_features()
parser = cli.build_parser()
assert parser.parse_args(["teams-package"]).command == "teams-package"
configured = platforms.load_settings()
print(platforms.identity_columns(), [e.name for e in platforms.enabled(configured)])
"""


def test_the_platforms_register_without_their_sdks() -> None:
    """Knowing the platforms (their settings, id columns, CLI commands) needs none of their SDKs:
    run where importing any platform SDK (``slack_sdk``, ``microsoft_teams``...) fails."""
    prefixes = tuple(f"{name.upper()}_" for name in KNOWN_NAMES)
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    done = subprocess.run(
        [sys.executable, "-c", NO_SDK, *PLATFORM_PACKAGES],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{ {f'{name}_id': name for name in KNOWN_NAMES} } []"
