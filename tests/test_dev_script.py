"""`python3 dev.py`: one progress line per step, the tool's output only on failure, the locked install."""

from __future__ import annotations

import importlib.util
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def dev_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_step_that_works_prints_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    noisy = [
        sys.executable,
        "-c",
        "import sys; print('WARNING: Location ignored'); print('x', file=sys.stderr)",
    ]
    dev_script().step("Installing things", noisy)
    captured = capsys.readouterr()
    assert captured.out == "Installing things ... done\n"
    assert captured.err == ""


def test_a_step_that_fails_shows_the_tools_output_and_stops(capsys: pytest.CaptureFixture[str]) -> None:
    failing = [sys.executable, "-c", "import sys; print('ERROR: no matching distribution'); sys.exit(3)"]
    with pytest.raises(SystemExit) as stopped:
        dev_script().step("Installing things", failing)
    captured = capsys.readouterr()
    assert captured.out == "Installing things ... failed:\n"
    assert "ERROR: no matching distribution" in captured.err
    assert "installing things failed (exit 3)" in str(stopped.value)


def _pins() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of every pin in requirements.lock."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = {}
    for block in re.split(r"\n(?=\S)", text):
        head = re.match(r"([A-Za-z0-9_.\-]+)==([^\s\\]+)", block)
        if head:
            pins[head.group(1).lower().replace("_", "-")] = (
                head.group(2),
                re.findall(r"--hash=sha256:\w+", block),
            )
    return pins


def test_the_lock_pins_every_dependency_with_hashes_within_the_pyproject_bounds() -> None:
    from packaging.requirements import Requirement

    pins = _pins()
    assert all(hashes for _, hashes in pins.values())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for line in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        requirement = Requirement(line)
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not in requirements.lock"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), (name, pins[name][0])


def test_dev_installs_from_the_lock_with_hashes() -> None:
    source = (ROOT / "dev.py").read_text(encoding="utf-8")
    assert '"--require-hashes"' in source and "requirements.lock" in source


def _as_from_a_terminal() -> None:
    """A shell starts dev.py with Ctrl+C's signal neither ignored nor blocked, whatever the test
    process holds at that moment (a Python started with SIGINT ignored keeps it ignored: the
    console then sat at its prompt after Ctrl+C, in 3 of 6 full runs)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def test_ctrl_c_under_dev_run_ends_cleanly(tmp_path: Path) -> None:
    """Ctrl+C at the console's prompt: the terminal signals dev.py and the shell alike; the shell
    leaves and dev.py exits with it, with no KeyboardInterrupt traceback of its own."""
    script = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('dev', {str(ROOT / 'dev.py')!r})\n"
        "dev = importlib.util.module_from_spec(spec); spec.loader.exec_module(dev)\n"
        "dev.PY = sys.executable\n"
        "sys.exit(dev.run([]))\n"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.db'}", "HOME": str(tmp_path)}
    main, tty = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdin=tty, stdout=tty, stderr=tty, env=env, cwd=tmp_path,
        start_new_session=True, preexec_fn=_as_from_a_terminal,
    )  # fmt: skip
    os.close(tty)
    shown = b""
    try:
        deadline = time.monotonic() + 60  # a bound on a hung child, not a wait for ordering
        # the console's own prompt after its welcome: a ">" at the end of any other output is not it
        while not (b"console" in shown and shown.endswith(b"> ")) and time.monotonic() < deadline:
            if select.select([main], [], [], 0.5)[0]:
                shown += os.read(main, 4096)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl+C at a terminal does
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            while select.select([main], [], [], 0.2)[0]:
                shown += os.read(main, 4096)
            left = subprocess.run(
                ["ps", "-o", "pid,ppid,pgid,stat,wchan:20,args", "-g", str(proc.pid)],
                capture_output=True,
                text=True,
            ).stdout
            raise AssertionError(
                f"still running 30 s after Ctrl+C; the terminal showed:\n"
                f"{shown.decode(errors='replace')}\nits processes:\n{left}"
            ) from None
        while select.select([main], [], [], 0.2)[0]:
            try:
                data = os.read(main, 4096)
            except OSError:
                break
            if not data:
                break
            shown += data
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)
    text = shown.decode(errors="replace")
    assert code == 0 and "Traceback" not in text and "KeyboardInterrupt" not in text, text
