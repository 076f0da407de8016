"""Dockerfile and compose.yaml, checked against the code (no Docker engine on these machines)."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine

from kam_bot import cli, platforms
from kam_bot.adapters.slack.server import create_asgi
from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.bootstrap import App
from kam_bot.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_VARIABLES = {name.upper() for name in Settings.model_fields} | {
    f"{entry.settings.model_config.get('env_prefix', '')}{name}".upper()
    for entry in platforms.KNOWN
    for name in entry.settings.model_fields
}
"""Every variable kam-bot reads: its own settings' and each chat platform's."""


def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def kam_services() -> dict[str, dict[str, Any]]:
    """The services running the kam-bot image (built from this repository)."""
    return {name: s for name, s in compose()["services"].items() if "build" in s}


def dockerfile() -> list[str]:
    """Instructions, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def instruction(name: str) -> list[str]:
    return [line[len(name) :].strip() for line in dockerfile() if line.split()[0] == name]


def parse_cli(argv: list[str]) -> Any:
    assert argv[0] == "kam-bot"
    cli._load_features()
    return cli.build_parser().parse_args(argv[1:])


def routes(app: App) -> set[str]:
    asgi = create_asgi(app, SlackSettings(bot_token="xoxb-x", signing_secret="s", form_process=False))
    return {route.path for route in asgi.routes}  # type: ignore[attr-defined]


@pytest.fixture
def app(sqlite_engine: Engine, make_app: Callable[[Engine], App]) -> App:
    return make_app(sqlite_engine)


def test_compose_sets_only_variables_the_app_reads() -> None:
    services = kam_services()
    assert set(services) == {"migrate", "app"}
    for name, service in services.items():
        unknown = set(service.get("environment", {})) - SETTINGS_VARIABLES
        assert not unknown, f"{name} sets {unknown}, which no settings read"
        url = service["environment"]["DATABASE_URL"]
        assert url.startswith("postgresql://") and "@db:" in url


def test_compose_migrates_before_the_app_starts() -> None:
    services = compose()["services"]
    migrate = parse_cli(services["migrate"]["command"])
    assert (migrate.command, migrate.db_command) == ("db", "upgrade")
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])


def test_compose_command_and_health_check_match_serve(app: App) -> None:
    service = compose()["services"]["app"]
    serve = parse_cli(service["command"])
    assert (serve.command, serve.host, serve.port) == ("serve", "0.0.0.0", 3000)
    assert service["environment"]["DATABASE_URL"].startswith("postgresql://") and serve.workers == 2
    published = {int(p.split(":")[-1]) for p in service["ports"]}
    assert published == {serve.port}
    probe = " ".join(service["healthcheck"]["test"])
    url = re.search(r"http://127\.0\.0\.1:(\d+)(/\w+)", probe)
    assert url is not None and int(url.group(1)) == serve.port
    assert url.group(2) in routes(app) and url.group(2) == "/healthz"


def test_dockerfile_is_slim_non_root_and_serves_with_a_health_check(app: App) -> None:
    (base,) = instruction("FROM")
    assert re.fullmatch(r"python:3\.1[1-9]-slim", base)
    users = instruction("USER")
    assert users and users[-1] not in {"root", "0"}
    (cmd,) = instruction("CMD")
    serve = parse_cli(json.loads(cmd))
    assert (serve.command, serve.host) == ("serve", "0.0.0.0")
    (health,) = instruction("HEALTHCHECK")
    assert "/healthz" in health and "/healthz" in routes(app)
    probe = json.loads(health[health.index("CMD") + 3 :].strip())
    assert probe[0] == "python" and "'PORT', '3000'" in probe[-1]
    assert Settings.model_fields["port"].default == 3000
    installs = " ".join(instruction("RUN"))
    assert "--require-hashes" in installs and "requirements.lock" in installs
    assert all(shlex.split(line) for line in instruction("RUN"))
