"""Where slash-command forms are built: in a worker thread, or in a side process of their own.

A form (``/visit`` and ``/kam settings``) is built after its light modal opened
(``opening.FORM_WAIT``): it has no deadline of its own, while every acknowledgement and light
modal has Slack's 3 seconds. Built in the serving process, a burst of forms takes the
interpreter (one GIL) and the cores from those acknowledgements. So, by default
(``SLACK_FORM_PROCESS``), each serving process hands its forms to one child process that
builds them at the lowest CPU priority (``lower_priority``): the kernel then runs an
acknowledgement first whenever both wait, and the forms take what is left. The serving process
still opens the light modal and sends the form (``views.update``).

The child builds with its own copy of the application (``App.recipe``: the same settings, the
real clock). It is started with the serving process, stops when that process goes
(``stop_when_orphaned``), and is started again when it died: the form it was building is
then built in a thread instead, so no rep is left with the light modal. An in-memory
database (tests) cannot be shared with a child: forms are then always built in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Concatenate, ParamSpec, TypeVar

from kam_bot.config import Settings
from kam_bot.logs import OncePer

P = ParamSpec("P")
R = TypeVar("R")

RESTART_SECONDS = 30.0
"""After the child stopped, forms are built in threads this long before a new child is tried
(a child that cannot start, e.g. an unreachable database, is not restarted on every form)."""
NICE = 10
"""How much lower the child's CPU priority is (``nice``) where the system has no ``SCHED_IDLE``:
at 10 it gets about a tenth of a core that an acknowledgement also wants."""

log = logging.getLogger(__name__)
_SAID = OncePer(60.0)
_APP: Any = None
"""The child's application, built once by ``_start``."""
REFREEZE_AFTER = 3
"""Builds after which the child freezes its heap again (``heap.freeze_built``): the first forms
fill caches (compiled statements, schemas, the catalog's lookups) that would otherwise be walked
by every full collection there, about 41,000 objects after one form."""
_builds = 0


def _start(recipe: Callable[[], Any], supervisor: int) -> None:
    """The child's set-up: lower priority, its own application, and an exit with its parent."""
    global _APP
    from kam_bot.heap import freeze_built
    from kam_bot.server import stop_when_orphaned

    lower_priority()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group: the parent stops it
    stop_when_orphaned(supervisor, "the serving process", "its form process")
    _APP = recipe()
    freeze_built()


def lower_priority() -> None:
    """This process at the lowest priority: ``nice`` up by ``NICE``, then Linux's ``SCHED_IDLE``.

    At nice 10 a form build still held a core for a moment after an acknowledgement woke up on
    it: the ``/visit`` bench at c=10, three interleaved runs each, had ack p99 1.37-1.66x the floor
    (one over the 1.5x target) and time to modal 1.39-1.47x; under ``SCHED_IDLE``, which a woken
    normal task always preempts, 1.19-1.32x and 0.78-1.22x, and the forms trailed the modals as
    long (4.5-6.5 s after 1,000). Saturated cores still leave such a task a sliver (weight 3
    against 1,024), so forms slow down under overload; they are not lost. Where a change is not
    allowed, the child keeps its priority and still takes the forms off the serving process's loop."""
    with contextlib.suppress(OSError):
        os.nice(NICE)
    if hasattr(os, "SCHED_IDLE"):
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def in_form_process() -> bool:
    """Whether this code runs in a form process (not in the serving process)."""
    return _APP is not None


def _ready() -> int:
    return os.getpid()


class BuildError(Exception):
    """A failure in the child that does not survive pickling, by name and message."""


def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """``fn(app, *args)`` in the child; an exception comes back as itself when it can."""
    global _builds
    try:
        return fn(_APP, *args)
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            raise BuildError(f"{type(exc).__name__}: {exc}") from None
        raise
    finally:
        _builds += 1
        if _builds == REFREEZE_AFTER:
            from kam_bot.heap import freeze_built

            freeze_built()


def shareable(database_url: str) -> bool:
    """Whether a second process sees the same database (not an in-memory SQLite)."""
    url = database_url.split("?", 1)[0]
    memory = url in {"sqlite://", "sqlite:///:memory:"} or url.endswith(":memory:")
    return not (memory or "mode=memory" in database_url)


class FormBuilder:
    """Builds forms with ``fn(app, *args)``: in the child process when there is one, else a thread."""

    def __init__(self, app: Any, recipe: Callable[[], Any] | None) -> None:
        self._app = app
        self._recipe = recipe
        self._pool: ProcessPoolExecutor | None = None
        self._started: Future[int] | None = None
        self._retry_at = 0.0
        if recipe is not None:
            self._pool = self._spawn()

    @classmethod
    def for_app(cls, app: Any, in_process: bool) -> FormBuilder:
        """``app.recipe()`` builds the same application in the child (``bootstrap.App``)."""
        settings: Settings | None = getattr(app, "settings", None)
        recipe: Callable[[], Callable[[], Any]] | None = getattr(app, "recipe", None)
        if in_process or recipe is None or settings is None or not shareable(settings.database_url):
            return cls(app, None)
        return cls(app, recipe())

    @property
    def separate(self) -> bool:
        return self._recipe is not None

    def _spawn(self) -> ProcessPoolExecutor:
        assert self._recipe is not None
        pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(self._recipe, os.getpid()),
        )
        self._started = pool.submit(_ready)  # start it now: the first form must not wait for it
        return pool

    @property
    def pid(self) -> int | None:
        """The form process's pid once it has started (None: none, or not yet)."""
        started = self._started
        if self._pool is None or started is None or not started.done() or started.exception() is not None:
            return None
        return started.result()

    def _current(self) -> ProcessPoolExecutor | None:
        if self._pool is None and self._recipe is not None and time.monotonic() >= self._retry_at:
            self._pool = self._spawn()
        return self._pool

    async def build(self, fn: Callable[Concatenate[Any, P], R], *args: P.args, **kwargs: P.kwargs) -> R:
        """``fn(app, *args)``: a module-level function (the child imports it by name)."""
        pool = None if kwargs else self._current()
        if pool is None:
            return await asyncio.to_thread(fn, self._app, *args, **kwargs)
        try:
            return await asyncio.wrap_future(pool.submit(_call, fn, args))
        except BrokenProcessPool:
            if self._pool is pool:
                message = "Form process stopped: forms built in threads for %.0f s, then it starts again"
                _SAID.log(log, logging.WARNING, "form process", message, RESTART_SECONDS)
                pool.shutdown(wait=False, cancel_futures=True)
                self._pool, self._retry_at = None, time.monotonic() + RESTART_SECONDS
            return await asyncio.to_thread(fn, self._app, *args, **kwargs)

    def close(self) -> None:
        """Stop the form process (a form it is building is finished first)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
