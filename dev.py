#!/usr/bin/env python3
"""Set-up and the two everyday commands, needing nothing but Python 3.11+.

    python3 dev.py run [SHELL ARGS]   # the bot in the terminal on SQLite, demo data on first run
    python3 dev.py test [PYTEST ARGS] # the whole test suite

Both create ``.venv`` and install the project (with its dev extras) when missing or when
pyproject.toml changed since the last install.
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


def ensure_env() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"kam-bot needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{digest}"
    if stamp.exists():
        return
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing kam-bot and its dependencies into .venv (first run only) ...", flush=True)
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]"], check=True)
    for old in VENV.glob(".installed-*"):
        old.unlink()
    stamp.touch()


def run(args: list[str]) -> int:
    kam = [str(PY), "-m", "kam_bot"]
    code = subprocess.run([*kam, "db", "upgrade"]).returncode
    if code:
        return code
    return subprocess.run([*kam, "shell", *args]).returncode


def test(args: list[str]) -> int:
    cmd = [str(PY), "-m", "pytest", *args]
    if not os.environ.get("KAM_TEST_POSTGRES_URL"):
        print(
            "PostgreSQL suite not run here: set KAM_TEST_POSTGRES_URL (e.g. "
            "postgresql://postgres@127.0.0.1:5432/test) to include it.",
            flush=True,
        )
        cmd += ["-m", "not postgres"]
    return subprocess.run(cmd, cwd=ROOT).returncode


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        print(__doc__)
        return 2
    ensure_env()
    action, rest = sys.argv[1], sys.argv[2:]
    return run(rest) if action == "run" else test(rest)


if __name__ == "__main__":
    raise SystemExit(main())
