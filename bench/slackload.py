"""Signed Slack requests against a server on 127.0.0.1: start it, load it, measure it, stop it.

Bodies are signed as Slack signs them (``SignatureVerifier.generate_signature`` over
``v0:{timestamp}:{body}``) at the moment they are sent. Loads are closed loops of
``concurrency`` workers over a fixed list of bodies, with a deadline: every run is bounded
in requests and time and only ever talks to the loopback interface.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.signature import SignatureVerifier

from bench.slackfake import ROOT

FORM = "application/x-www-form-urlencoded"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> dict[str, float]:
    """Resident memory now (VmRSS) and at its peak (VmHWM), in MiB, from /proc."""
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in {"VmRSS", "VmHWM"}:
                out["rss_mb" if key == "VmRSS" else "peak_mb"] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return out


def _children(pid: int) -> list[int]:
    """The worker processes ``pid`` started (uvicorn's, through multiprocessing), from /proc."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in cmdline:  # not multiprocessing's resource tracker
                out.append(child)
    return out


@dataclass
class Server:
    """A server child process on 127.0.0.1:``port``; its output goes to ``log``."""

    name: str
    cmd: list[str]
    port: int
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path = ROOT
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def start(self, timeout: float = 60.0) -> Server:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = self.log.open("wb")
        env = {**os.environ, **self.env}
        self.proc = subprocess.Popen(self.cmd, cwd=self.cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"{self.name} did not listen on {self.port} within {timeout:.0f} s; see {self.log}"
        )

    def memory(self) -> dict[str, Any]:
        """The server's memory; with worker processes, the largest worker's (and each one's)."""
        if self.proc is None:
            return {}
        own = rss_mb(self.proc.pid)
        workers = [rss_mb(pid) for pid in _children(self.proc.pid)]
        workers = [w for w in workers if w]
        if not workers:
            return own
        biggest = max(workers, key=lambda w: w.get("rss_mb", 0.0))
        return {
            **biggest,
            "workers": len(workers),
            "each_rss_mb": [w.get("rss_mb") for w in workers],
            "supervisor_rss_mb": own.get("rss_mb"),
            "form_processes_rss_mb": self._form_processes(),
        }

    def _form_processes(self) -> list[float | None]:
        """The Slack form processes' resident sets (each serving process's ``spawn`` child)."""
        assert self.proc is not None
        pids = [child for pid in _children(self.proc.pid) for child in _children(pid)]
        return [rss_mb(pid).get("rss_mb") for pid in pids]

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def bench_server(
    kind: str,
    *,
    database_url: str | None,
    api_url: str,
    token: str,
    secret: str,
    workdir: Path,
    workers: int = 1,
) -> Server:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "bench.servers",
        kind,
        "--port",
        str(port),
        "--token",
        token,
        "--secret",
        secret,
        "--api-url",
        api_url,
    ]
    if database_url:
        cmd += ["--database-url", database_url]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    return Server(kind, cmd, port, workdir / f"server-{kind}.log")


def kam_serve(
    *, database_url: str, api_url: str, token: str, secret: str, workdir: Path, workers: int = 1
) -> Server:
    """``kam-bot serve --workers N`` itself (scheduler and all), configured through the environment."""
    port = free_port()
    exe = Path(sys.executable).with_name("kam-bot")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "kam_bot"]
    env = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": token,
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_API_URL": api_url,
        "PORT": str(port),
    }
    workdir.mkdir(parents=True, exist_ok=True)
    return Server(
        "kam-bot serve",
        [*cmd, "serve", "--host", "127.0.0.1", "--port", str(port), *_workers_flag(cmd, workers)],
        port,
        workdir / "kam-bot-serve.log",
        env=env,
        cwd=workdir,
    )


def _workers_flag(cmd: list[str], workers: int) -> list[str]:
    """``--workers N`` where this kam-bot knows the flag (a tree from before it says no)."""
    probe = subprocess.run([*cmd, "serve", "--help"], capture_output=True, text=True, timeout=60)
    return ["--workers", str(workers)] if "--workers" in probe.stdout else []


# -- load --------------------------------------------------------------------------------


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    """Seconds from sending to the complete response, per finished request."""
    sent_at: dict[str, float] = field(default_factory=dict)
    """Request key (a trigger or view id) -> wall-clock send time, to match the fake's records."""
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    elapsed: float = 0.0
    unfinished: int = 0

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


async def _load(
    url: str, bodies: Sequence[tuple[str, bytes]], concurrency: int, secret: str, deadline_s: float
) -> Load:
    verifier = SignatureVerifier(secret)
    result = Load()
    queue = iter(bodies)
    stop_at = time.monotonic() + deadline_s
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def worker() -> None:
            for key, body in queue:
                if time.monotonic() > stop_at:
                    result.unfinished += 1
                    continue
                ts = str(int(time.time()))
                headers = {
                    "Content-Type": FORM,
                    "X-Slack-Request-Timestamp": ts,
                    "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body) or "",
                }
                result.sent_at[key] = time.time()
                t0 = time.perf_counter()
                try:
                    async with session.post(url, data=body, headers=headers) as response:
                        await response.read()
                        status = response.status
                except (aiohttp.ClientError, TimeoutError):
                    result.errors += 1
                    continue
                result.latencies.append(time.perf_counter() - t0)
                result.statuses[status] = result.statuses.get(status, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        result.elapsed = time.perf_counter() - t0
    return result


def run_load(
    url: str, bodies: Sequence[tuple[str, bytes]], concurrency: int, secret: str, deadline_s: float = 120.0
) -> Load:
    """Send every body (key, form-encoded bytes) with ``concurrency`` workers; stops at the deadline."""
    return asyncio.run(_load(url, bodies, concurrency, secret, deadline_s))


def time_to(opened: dict[str, Any], load: Load) -> list[float]:
    """Seconds from sending each request to the fake receiving its ``views.open`` (same key)."""
    return [float(opened[k]) - sent for k, sent in load.sent_at.items() if k in opened]
