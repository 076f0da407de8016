"""``python -m bench.prototypes.profile_visit_served SCHEMA [N] [--py-spy FILE]``: where the CPU goes
while kam-bot's served ``/visit`` answers the slack_visit bench's c=10 load (N requests, default
1000), on the loaded PostgreSQL schema, with the worker count ``kam-bot serve`` picks.

Prints the ack and time-to-modal percentiles and the CPU seconds each process used during the
load and until the forms were done: the server's workers, their form processes, the
PostgreSQL backends, the fake Slack and this load generator (from /proc). With ``--py-spy``
the server and its children are also sampled while holding the GIL (``py-spy record
--subprocesses --gil``, raw format).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.apps import BOT_TOKEN, SIGNING_SECRET
from bench.cases.slack_visit import serve_workers, visit_load
from bench.loaders import pg_schema_url
from bench.payloads import owned_accounts, visit_texts
from bench.slackfake import FakeSlackProcess
from bench.slackload import bench_server

BASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
SEED = 20261123
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def tree(pid: int) -> list[int]:
    out = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids = [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for kid in kids:
            out += tree(kid)
    return out


def label(pid: int) -> str:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:70]
        ppid = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
    except OSError:
        return "?"
    return f"(parent {ppid}) {cmd}"


def postgres_backends() -> list[int]:
    out = subprocess.run(["pgrep", "-f", "postgres: .* test "], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def snapshot(pids: list[int]) -> dict[int, float]:
    return {p: cpu_seconds(p) for p in pids}


def main() -> None:
    from bench.__main__ import _exclusive, _pg_exclusive

    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / "kam-bench"  # the bench's own lock: one run at a time
    lock, pg_lock = _exclusive(workdir / "bench.lock", print), _pg_exclusive(BASE_URL, print)
    try:
        measure()
    finally:
        pg_lock.close()
        lock.close()


def measure() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    spy = sys.argv[sys.argv.index("--py-spy") + 1] if "--py-spy" in sys.argv else None
    if spy in args:
        args.remove(spy)
    schema, n = args[0], int(args[1]) if len(args) > 1 else 1000
    url = pg_schema_url(BASE_URL, schema)
    texts = visit_texts(owned_accounts(url, 500, SEED), 40 + n, SEED)
    warm, texts = texts[:40], texts[40:]
    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / "kam-bench-profile"
    with FakeSlackProcess() as fake:
        common = {"api_url": fake.api_url, "token": BOT_TOKEN, "secret": SIGNING_SECRET, "workdir": workdir}
        kam = bench_server("kam", database_url=url, workers=serve_workers(url), **common)
        with kam:
            visit_load(kam, fake, warm, 5, "warm")
            time.sleep(3)
            assert kam.proc is not None
            server = tree(kam.proc.pid)
            watched = server + postgres_backends() + [os.getpid()]
            fake_pid = getattr(getattr(fake, "_proc", None), "pid", None)
            if fake_pid:
                watched.append(fake_pid)
            print(f"# load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            recorder = None
            if spy:
                cmd = [str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(kam.proc.pid)]
                cmd += ["--subprocesses", "--gil", "--rate", "200", "--format", "raw", "--nonblocking"]
                cmd += ["-o", spy]
                recorder = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(2)
            names = {pid: label(pid) for pid in watched}
            before, started = snapshot(watched), time.monotonic()
            _, facts = visit_load(kam, fake, texts, 10, "c10")
            elapsed = time.monotonic() - started
            after = snapshot(watched)
            if recorder is not None:
                recorder.send_signal(2)
                recorder.wait(timeout=60)
    print(f"# load average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"ack {facts['http']}\nto modal {facts['to_modal']}\nforms done {facts['busy_after_s']} s after")
    print(f"CPU seconds over {elapsed:.1f} s (the load, then until the forms were done), per {n} requests:")
    for pid in sorted(watched, key=lambda p: after[p] - before[p], reverse=True):
        used = after[pid] - before[pid]
        if used >= 0.01:
            print(f"  {used:7.2f} s  {used / n * 1000:6.2f} ms/req  {pid:>7}  {names[pid]}")


if __name__ == "__main__":
    main()
