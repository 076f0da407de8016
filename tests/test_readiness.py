"""Liveness and readiness: ``/livez`` answers while the process runs; ``/readyz`` (and
``/healthz``) answer 503, saying which, when the database cannot be written (a read-only
database file, a full disk) or a connection the deployment needs (Socket Mode) is down, so an
orchestrator takes the process out of rotation; and 200 again when that is over.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_harness import TOKEN, SlackDriver, asgi_request, slack_fixture, start_slack  # noqa: F401
from sqlalchemy import Engine, event, text

from kam_bot.adapters.slack.retry import make_client
from kam_bot.adapters.slack.server import SlackPlatform
from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.bootstrap import App
from kam_bot.domain.models import Promise
from kam_bot.server import create_server
from kam_bot.store import health
from kam_bot.store.engine import make_engine


async def probe(asgi: Any, path: str = "/readyz") -> tuple[int, dict[str, Any]]:
    response = await asgi_request(asgi, "GET", path)
    return response.status, response.json()


def promises(app: App) -> int:
    with app.uow() as uow:
        return uow.repo.count(Promise)


async def test_ready_when_the_database_takes_writes(slack: SlackDriver) -> None:
    for path in ("/readyz", "/healthz"):
        assert await probe(slack.asgi, path) == (200, {"ok": True, "database": "ok", "worker": os.getpid()})
    assert await probe(slack.asgi, "/livez") == (200, {"ok": True, "worker": os.getpid()})
    assert promises(slack.app) == 0  # the write probe leaves nothing behind


async def test_a_read_only_database_is_not_ready_but_alive(slack: SlackDriver) -> None:
    path = Path(str(slack.app.engine.url.database))
    working = slack.app.engine
    slack.app.engine = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        status, body = await probe(slack.asgi)
        assert (await probe(slack.asgi, "/healthz"))[0] == 503
        assert (await probe(slack.asgi, "/livez"))[0] == 200
    finally:
        slack.app.engine.dispose()
        slack.app.engine = working
    assert status == 503 and body["ok"] is False
    assert body["database"].startswith("writes failing: read-only")


CAPS: list[Callable[[Any, Any], None]] = []


def _full_after(engine: Engine) -> None:
    """Every connection of ``engine`` may not grow the file past its size now: SQLite's own
    "database or disk is full", as on a disk with no space left."""
    with engine.connect() as conn:
        pages = conn.execute(text("PRAGMA page_count")).scalar_one()

    def cap(dbapi: Any, _record: Any) -> None:
        dbapi.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", cap)
    CAPS.append(cap)
    engine.dispose()


async def test_saves_failing_on_a_full_disk_take_it_out_of_rotation_until_they_stop(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    monkeypatch.setattr(health, "clock", lambda: now[0])
    _full_after(slack.app.engine)
    for i in range(30):
        await slack.command("/promise", f"Baosteel send quote {i} {'x' * 2000} by Friday", response=f"r{i}")
    await slack.responses(30)
    assert promises(slack.app) <= 1  # the file could not grow: the saves failed
    status, body = await probe(slack.asgi)
    assert status == 503
    assert body["database"].startswith("writes failing: disk full (")
    now[0] += health.STORAGE_COOLDOWN_SECONDS + 1
    assert (await probe(slack.asgi))[0] == 503  # still full: the probe's own write fails
    event.remove(slack.app.engine, "connect", CAPS.pop())  # space again
    slack.app.engine.dispose()
    assert (await probe(slack.asgi))[0] == 503  # the probe's failure a moment ago still counts
    now[0] += health.STORAGE_COOLDOWN_SECONDS + 1
    assert await probe(slack.asgi) == (200, {"ok": True, "database": "ok", "worker": os.getpid()})
    await slack.command("/promise", "Baosteel send the quote by Friday", response="after")
    await slack.responses(31)
    assert promises(slack.app) >= 1


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB file system, mounted when this machine lets the test do it (root, Linux)."""
    where = tmp_path / "small"
    where.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


async def test_a_real_full_disk_is_not_ready(
    tmpfs: Path, request: pytest.FixtureRequest, make_app: Callable[[Engine], App]
) -> None:
    shutil.copyfile(request.getfixturevalue("_sqlite_template"), tmpfs / "kam.db")
    engine = make_engine(f"sqlite:///{tmpfs / 'kam.db'}")
    slack = await start_slack(engine, make_app)
    try:
        assert (await probe(slack.asgi))[0] == 200
        with (tmpfs / "filler").open("wb", buffering=0) as filler:  # the rest of the disk (unbuffered:
            # closing must not flush a partly written chunk into the full disk again)
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError:
                pass
        for i in range(10):
            await slack.command(
                "/promise", f"Baosteel send quote {i} {'x' * 2500} by Friday", response=f"r{i}"
            )
        await slack.responses(10)
        status, body = await probe(slack.asgi)
        assert status == 503 and "disk full" in body["database"], body
        assert promises(slack.app) <= 1
    finally:
        await slack.close()
        engine.dispose()


async def test_socket_mode_down_is_not_ready_and_says_so(
    sqlite_engine: Engine, make_app: Callable[[Engine], App]
) -> None:
    from fakes.slack_api import FakeSlack

    fake = FakeSlack().start()  # apps.connections.open hands out a URL nobody listens on
    settings = SlackSettings(_env_file=None, bot_token=TOKEN, app_token="xapp-1", api_url=fake.api_url)
    app = make_app(sqlite_engine)
    platform = SlackPlatform(app, settings, client=make_client(settings))
    server = create_server(app, [platform], jobs=False)
    try:
        assert (await probe(server))[1]["connections"] == {"slack": "Socket Mode not started"}
        async with server.router.lifespan_context(server):
            status, body = await probe(server)
            assert status == 503
            assert body["database"] == "ok" and body["connections"] == {"slack": "Socket Mode not connected"}
            assert (await probe(server, "/livez"))[0] == 200

            async def up() -> bool:
                return True

            platform._socket_mode.client.is_connected = up  # as once Slack's WebSocket answers
            assert await probe(server) == (
                200,
                {"ok": True, "database": "ok", "connections": {"slack": "ok"}, "worker": os.getpid()},
            )
    finally:
        fake.stop()
