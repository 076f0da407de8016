"""Opening the application (and plain engines) on the bench databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, text

from bench.generate import AS_OF
from kam_bot.bootstrap import App, bootstrap
from kam_bot.config import Settings
from kam_bot.store.engine import make_engine

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"


class FixedClock:
    """The dataset's "now" (or any instant): what the jobs are planned for."""

    def __init__(self, now: datetime = AS_OF) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def engine_for(url: str, **kwargs: Any) -> Engine:
    return make_engine(url, **kwargs)


def settings_for(url: str, **fields: Any) -> Settings:
    return Settings(database_url=url, **fields)


def clear_outbox(url: str) -> None:
    """No message pending and no scheduled run remembered: a scheduler or sender a bench starts
    does only what that bench asks (no catching up from another bench's runs)."""
    engine = engine_for(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM outbox"))
            conn.execute(text("DELETE FROM job_runs"))
    finally:
        engine.dispose()


@contextmanager
def open_app(
    url: str,
    clock: FixedClock | None = None,
    platform_settings: dict[str, Any] | None = None,
    **settings: Any,
) -> Iterator[App]:
    engine = engine_for(url)
    try:
        if clock is None:
            yield bootstrap(settings_for(url, **settings), engine=engine, platform_settings=platform_settings)
        else:
            yield bootstrap(
                settings_for(url, **settings), engine=engine, clock=clock, platform_settings=platform_settings
            )
    finally:
        engine.dispose()
