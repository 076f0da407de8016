"""Engine creation, schema checks and migrations for SQLite and PostgreSQL."""

from __future__ import annotations

import json
import select
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, OperationalError

from kam_bot import logs
from kam_bot.store import failures, health

SCRIPT_LOCATION = "kam_bot.store:migrations"


class DatabaseNotMigratedError(RuntimeError):
    """The database is missing the schema or is behind the code; `kam-bot db upgrade` fixes it."""

    def __init__(self, current: str | None, head: str | None) -> None:
        super().__init__(f"database at revision {current or 'none'}, code expects {head}")
        self.current = current
        self.head = head


def normalise_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` and use psycopg 3 for both."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


DATABASES = ("sqlite", "postgresql", "postgres")
"""URL schemes ``DATABASE_URL`` may have (``normalise_url`` picks the driver)."""


def url_problem(url: str) -> str | None:
    """What is wrong with ``url`` as a database URL, in one phrase; None when it will do."""
    try:
        make_url(url)
    except (ArgumentError, ValueError):
        return "not a database URL; write sqlite:///kam_bot.db or postgresql://user@host/dbname"
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme not in DATABASES:
        return f"{scheme!r} is not a database kam-bot uses; write sqlite:///… or postgresql://…"
    return None


UnusableDatabaseError = OperationalError
"""What SQLAlchemy raises when the database cannot be reached or opened (refused, no such
database or file): the CLI names ``DATABASE_URL`` in one line instead of a traceback."""


def unusable_reason(exc: OperationalError) -> str:
    """The driver's first line of why (refused, no such database, unable to open the file)."""
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__


PG_CONNECT_ARGS = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}
"""An unreachable database fails a request within seconds (then the user hears that nothing
was saved) instead of holding it for the operating system's two-minute TCP timeouts."""
POOL_TIMEOUT = 10
"""Seconds to wait for a free pooled connection before failing."""


def display_url(url: str) -> str:
    """``url`` with its password hidden, for logs and the start line."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy parses: show only its scheme
        return url.split(":", 1)[0] + ":…"


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        kwargs.setdefault("pool_timeout", POOL_TIMEOUT)
        kwargs.setdefault("json_deserializer", _json_loads)
        kwargs["connect_args"] = _utc_session(url, {**PG_CONNECT_ARGS, **kwargs.get("connect_args", {})})
        engine = create_engine(url, **kwargs)
        # Rows inserted together without RETURNING (a save's events and audit entries) go out as
        # one multi-row INSERT, as SQLAlchemy's psycopg2 dialect sends them, not as psycopg's
        # executemany, which runs the statement once per row through a pipeline.
        engine.dialect.use_insertmanyvalues_wo_returning = True
        if not kwargs.get("pool_pre_ping"):
            event.listen(engine.pool, "checkout", _refuse_closed)
    event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    health.watch(engine)
    logs.recognise_outages(failures.outage_kind)
    return engine


UTC_SESSION = "-c TimeZone=UTC"


def _utc_session(url: str, connect_args: dict[str, Any]) -> dict[str, Any]:
    """``connect_args`` with the session's time zone set to UTC, after the ``options`` the session
    would have had: the caller's, else the URL's (a connect argument replaces the URL's value).

    psycopg returns each ``timestamptz`` in the session's zone. A server set to ``Etc/UTC`` (as
    Debian's is) gives a ``ZoneInfo`` that ``UtcDateTime`` converts again, row by row: 177,000
    conversions in a digest tick. The store's SQL does no date arithmetic in the session's zone."""
    given = connect_args.get("options") or make_url(url).query.get("options") or ""
    options = " ".join([given] if isinstance(given, str) else list(given))
    return {**connect_args, "options": f"{options} {UTC_SESSION}".strip()}


_JSON = json.JSONDecoder()


def _json_loads(data: str | bytes) -> Any:
    """``json.loads`` of the UTF-8 text PostgreSQL sends, without its detection of the bytes'
    encoding: half the cost of each of the tens of thousands of JSON values a reminder tick reads
    (aliases, visits' lists, preferences)."""
    return _JSON.decode(data.decode("utf-8") if isinstance(data, bytes) else data)


def _refuse_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled PostgreSQL connection is checked before use without a round trip (the pool's
    ``pre_ping`` costs one per checkout, a save's 13th).

    An idle connection has nothing to read: the server answered everything it was asked. One
    with something to read, or a closed socket, was dropped (a restart, an administrator, an
    idle timeout: the server says why and closes) or broken (keep-alives unanswered): the pool
    discards it and connects again, as after a failed ping. A harmless message (a notice)
    costs a reconnect.
    """
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        raise DisconnectionError("connection closed while pooled")
    try:
        fd = dbapi_connection.pgconn.socket
    except Exception as exc:  # no socket any more
        raise DisconnectionError("connection closed while pooled") from exc
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    if poller.poll(0):
        raise DisconnectionError("connection dropped while pooled")


NUL = "\x00"


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(NUL, "") if NUL in value else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    return value


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list | tuple):  # the ints of an id array are not walked one call each
        return any(_has_nul(v) for v in value if isinstance(v, str | dict | list | tuple))
    return False


def _without_nul(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
) -> tuple[str, Any]:
    """Every text bound to a statement, written or searched, loses its NUL characters.

    PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"), so a NUL typed or
    pasted anywhere (a line, a form, a CSV cell) failed the whole save; nothing a person means
    is lost with it. SQLite takes it, but both stores hold the same text this way. Parameters
    are copied only when one holds a NUL.
    """
    return statement, _clean(parameters) if _has_nul(parameters) else parameters


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite's lower() folds ASCII only; PostgreSQL's folds all of Unicode. Match PostgreSQL.
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if engine is not None:
        # configparser interpolates "%": URLs with escaped options (search_path%3D...) need "%%"
        url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
        config.set_main_option("sqlalchemy.url", url)
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def ensure_migrated(engine: Engine) -> None:
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise DatabaseNotMigratedError(current, head)
