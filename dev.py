#!/usr/bin/env python3
"""Set-up and the two everyday commands, needing nothing but Python 3.11+.

    python3 dev.py run [SHELL ARGS]   # the bot in the terminal on SQLite, demo data on first run
    python3 dev.py test [PYTEST ARGS] # the whole test suite

Both create ``.venv`` and install the project (with its dev extras) from the hashed lock file
``requirements.lock`` when missing or when pyproject.toml or the lock changed since the last
install: one line per step, and pip's own output only when a step fails.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


LOCK = ROOT / "requirements.lock"
"""Every dependency pinned with its hashes (pip-compile --generate-hashes --all-extras); pyproject.toml
keeps the bounds. Regenerate after changing them: see the comment at the top of the file."""


def step(title: str, cmd: list[str]) -> None:
    """One progress line per step; the tool's own output only when the step fails."""
    print(f"{title} ...", end=" ", flush=True)
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        print("failed:", flush=True)
        sys.stderr.write(done.stdout + done.stderr)
        sys.exit(f"dev.py: {title.lower()} failed (exit {done.returncode}); the output above says why.")
    print("done", flush=True)


def ensure_env() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"kam-bot needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    inputs = (ROOT / "pyproject.toml").read_bytes() + LOCK.read_bytes()
    stamp = VENV / f".installed-{hashlib.sha256(inputs).hexdigest()[:16]}"
    if stamp.exists():
        return
    if not PY.exists():
        print("Creating .venv ...", end=" ", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
        print("done", flush=True)
    pip = [str(PY), "-m", "pip", "--disable-pip-version-check", "--no-input"]
    step(
        "Installing the locked dependencies into .venv",
        [*pip, "install", "--require-hashes", "--no-deps", "-r", str(LOCK)],
    )
    step("Installing kam-bot itself (editable)", [*pip, "install", "--no-deps", "-e", str(ROOT)])
    for old in VENV.glob(".installed-*"):
        old.unlink()
    stamp.touch()


def child(cmd: list[str], cwd: Path | None = None) -> int:
    """Run ``cmd`` and return its exit code. Ctrl+C reaches the child too (the terminal signals
    the whole foreground group): the child decides what it means (the console gives the line back
    or leaves), and this process waits for it instead of dying with a traceback."""
    proc = subprocess.Popen(cmd, cwd=cwd)
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            continue


def run(args: list[str]) -> int:
    kam = [str(PY), "-m", "kam_bot"]
    code = child([*kam, "db", "upgrade"])
    if code:
        return code
    return child([*kam, "shell", *args])


def test(args: list[str]) -> int:
    cmd = [str(PY), "-m", "pytest", *args]
    if not os.environ.get("KAM_TEST_POSTGRES_URL"):
        print(
            "PostgreSQL suite not run here: set KAM_TEST_POSTGRES_URL (e.g. "
            "postgresql://postgres@127.0.0.1:5432/test) to include it.",
            flush=True,
        )
        cmd += ["-m", "not postgres"]
    return child(cmd, cwd=ROOT)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        print(__doc__)
        return 2
    ensure_env()
    action, rest = sys.argv[1], sys.argv[2:]
    return run(rest) if action == "run" else test(rest)


if __name__ == "__main__":
    raise SystemExit(main())
