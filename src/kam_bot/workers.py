"""Several uvicorn workers on one port, each accepting on a listening socket of its own.

uvicorn's workers share the one socket their supervisor bound. Every worker is woken by a new
connection and the first to run accepts all that are waiting (asyncio accepts up to the
backlog at a time), so connections opened together (Slack's or a load balancer's kept-alive
pool) often all land on one worker while the other idles, and their requests queue behind
each other. With ``SO_REUSEPORT`` each worker listens on a socket of its own, bound to the same
address, and the kernel spreads new connections over them by their addresses and ports.

uvicorn's supervisor (restarts, health checks, signals) is kept: it passes the socket it is
given to each worker it starts, pickled. The socket given here is bound only to hold the port,
never listens, and unpickles in a worker as that worker's own listening socket.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

import uvicorn
from uvicorn.config import Config
from uvicorn.supervisors.multiprocess import Multiprocess

log = logging.getLogger("uvicorn.error")
STARTUP_FAILURE = 3
"""uvicorn's exit status for a server that could not start (its supervisor gives up on it)."""


def run_workers(app: str, *, host: str, port: int, workers: int, **options: Any) -> None:
    """``uvicorn.run(app, workers=workers, ...)`` with connections spread over the workers."""
    if not hasattr(socket, "SO_REUSEPORT") or ":" in host:
        uvicorn.run(app, host=host, port=port, workers=workers, **options)
        return
    config = Config(app, host=host, port=port, workers=workers, **options)
    try:
        holder = PortHolder.hold(host, port)
    except OSError as exc:
        log.error(exc)
        sys.exit(STARTUP_FAILURE)
    log.info("Uvicorn running on http://%s:%d (Press CTRL+C to quit)", host, port)
    try:
        Multiprocess(config, sockets=[holder]).run()
    except KeyboardInterrupt:
        pass
    finally:
        holder.close()


def _reuse_port_socket(host: str, port: int) -> socket.socket:
    """Bound with ``SO_REUSEPORT`` (a worker's: asyncio calls ``listen`` on it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class PortHolder(socket.socket):
    """The supervisor's socket: it keeps the port (no other program can take it while kam-bot
    runs) and, pickled for a worker, becomes that worker's own socket on the same address."""

    @classmethod
    def hold(cls, host: str, port: int) -> PortHolder:
        """Bound with ``SO_REUSEPORT``, after checking that nothing listens on the port yet: a
        second ``serve`` of the same user would otherwise join this one's workers silently."""
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))  # EADDRINUSE while any socket listens there
        plain = _reuse_port_socket(host, port)
        return cls(plain.family, plain.type, plain.proto, fileno=plain.detach())

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        host, port = self.getsockname()[:2]
        return (_reuse_port_socket, (host, port))
