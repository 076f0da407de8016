"""The README's first console session, typed as written on a fresh database, does what it says."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_session() -> list[str]:
    """The lines the README has the user type: after ``> ``, and the ``y`` at ``Save? [Y/n] y``."""
    text = README.read_text(encoding="utf-8")
    block = text.split("A first session in the console", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    typed = []
    for line in block.splitlines():
        if line.startswith("> "):
            typed.append(line[2:])
        elif line.startswith("Save? [Y/n] "):
            typed.append(line.removeprefix("Save? [Y/n] "))
    return typed


def test_the_readme_console_session_works_as_written(tmp_path: Path) -> None:
    typed = readme_session()
    assert typed[0].startswith("visit Baosteel") and typed[1] == "y"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'kam_bot.db'}"}
    run = [sys.executable, "-m", "kam_bot"]
    subprocess.run([*run, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=tmp_path)
    shell = subprocess.run(
        [*run, "shell"], input="\n".join(typed) + "\n", env=env, capture_output=True, text=True, cwd=tmp_path
    )
    out = shell.stdout
    assert shell.returncode == 0, shell.stderr
    assert "Visit of" in out and "saved: Baoshan Iron & Steel Co., Ltd." in out
    # the number the README closes is the promise its visit made
    (done,) = [line for line in typed if line.startswith("done ")]
    number = done.split()[1]
    made = re.search(r"We promised: #(\d+) quote", out)
    assert made is not None and made.group(1) == number
    assert f"Done: #{number} quote" in out
    for line in typed:
        if line != "y":
            assert f"> {line}" in out
    for sloppy in ("I don't know", "There is no promise", "No account matches", "Traceback"):
        assert sloppy not in out
    assert "== Your accounts ==" in out and "Good morning" in out and "Weekly digest" in out
    assert "kam-bot — what you can type" in out
