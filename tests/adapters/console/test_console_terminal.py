"""The console at a real terminal: line editing and history; Ctrl+C and quit give the line back."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kam_bot.adapters.console.bot import ConsoleBot
from kam_bot.bootstrap import App
from kam_bot.services import demo

UP = "\x1b[A"


@pytest.fixture
def demo_app(sqlite_engine: Engine, make_app: Callable[[Engine], App]) -> App:
    app = make_app(sqlite_engine)
    demo.seed(app.uow, app.clock())
    return app


def _bot(app: App, answers: list[str | type[BaseException]], said: list[str]) -> ConsoleBot:
    """A console whose questions get ``answers`` in order; an exception class is raised there."""

    def ask(prompt: str) -> str | None:
        said.append(prompt)
        if not answers:
            return None
        answer = answers.pop(0)
        if isinstance(answer, str):
            return answer
        raise answer()

    me = app.users.by_identity("console", demo.DEMO_IDENTITY)
    assert me is not None
    return ConsoleBot(app, me, ask=ask, say=said.append)


def _count_promises(app: App) -> int:
    with app.uow() as uow:
        return len(uow.repo.promises_where())


def test_ctrl_c_at_save_gives_the_line_back_and_the_console_goes_on(demo_app: App) -> None:
    said: list[str] = []
    before = _count_promises(demo_app)
    line = "promise Baosteel send the price sheet by Friday"
    _bot(demo_app, [line, KeyboardInterrupt, "promises", "quit"], said).run()
    after_save = "\n".join(said[said.index("Save? [Y/n] ") + 1 :]).splitlines()
    assert after_save[1:3] == ["Not saved. Here is what you typed, to paste again:", line]
    assert "== Your open promises ==" in "\n".join(said)  # still running after Ctrl+C
    assert _count_promises(demo_app) == before


def test_quit_at_a_follow_up_question_cancels_instead_of_answering(demo_app: App) -> None:
    said: list[str] = []
    line = "promise Baosteel call back by Fooday"
    _bot(demo_app, [line, "quit", "promises", "quit"], said).run()
    out = "\n".join(said)
    assert "Not saved. Here is what you typed, to paste again:\n" + line in out
    assert "couldn't place “quit”" not in out
    assert "== Your open promises ==" in out  # quit left the question, not the console


def test_a_visit_described_at_its_prompt_is_given_back_whole(demo_app: App) -> None:
    said: list[str] = []
    _bot(demo_app, ["visit", "Baosteel met Li Wei", KeyboardInterrupt], said).run()
    shown = "\n".join(said).splitlines()
    assert shown[-2:] == ["visit Baosteel met Li Wei", "> "]  # given back, then the next prompt


def _terminal_session(tmp_path: Path, keys: str) -> str:
    """Run ``kam-bot shell`` on a pseudo-terminal, type ``keys``, return what the terminal showed."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'tty.db'}", "HOME": str(tmp_path)}
    env.pop("PYTHONSTARTUP", None)
    run = [sys.executable, "-m", "kam_bot"]
    subprocess.run([*run, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=tmp_path)
    main, child = pty.openpty()
    proc = subprocess.Popen([*run, "shell"], stdin=child, stdout=child, stderr=child, env=env, cwd=tmp_path)
    os.close(child)
    shown = b""
    try:
        for chunk in keys.split("\r"):
            shown += _read_until(main, b"> ", proc)
            os.write(main, chunk.encode() + b"\r")
        shown += _read_until(main, None, proc)
    finally:
        proc.wait(timeout=30)
        os.close(main)
    return shown.decode(errors="replace")


def _read_until(fd: int, marker: bytes | None, proc: subprocess.Popen[bytes]) -> bytes:
    """Read until ``marker`` ends the output (the next prompt), or until the process has ended."""
    got = b""
    deadline = time.monotonic() + 30  # a bound on a hung child, not a wait for ordering
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return got
            if not data:
                return got
            got += data
            if marker is not None and got.rstrip(b" ").endswith(marker.rstrip(b" ")):
                return got
        elif proc.poll() is not None:
            return got
    raise AssertionError(f"no {marker!r} from the console; it showed {got!r}")


def test_up_arrow_recalls_the_last_line_and_history_is_kept_between_sessions(tmp_path: Path) -> None:
    first = _terminal_session(tmp_path, f"account Baosteel\r{UP}\rquit\r")
    assert first.count("== Baoshan Iron & Steel Co., Ltd. ==") == 2
    assert "^[[A" not in first
    assert "account Baosteel" in (tmp_path / ".kam_bot_history").read_text()
    second = _terminal_session(tmp_path, f"{UP}{UP}\rquit\r")  # quit, then account Baosteel
    assert second.count("== Baoshan Iron & Steel Co., Ltd. ==") == 1


def test_history_is_written_as_you_go_and_holds_lines_not_answers(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'tty.db'}", "HOME": str(tmp_path)}
    env.pop("PYTHONSTARTUP", None)
    run = [sys.executable, "-m", "kam_bot"]
    subprocess.run([*run, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=tmp_path)
    main, child = pty.openpty()
    proc = subprocess.Popen([*run, "shell"], stdin=child, stdout=child, stderr=child, env=env, cwd=tmp_path)
    os.close(child)
    line = "promise Baosteel send the price sheet by Friday"
    try:
        for prompt, typed in ((b"> ", line), (b"[Y/n] ", "y"), (b"> ", "account Baosteel")):
            _read_until(main, prompt, proc)
            os.write(main, typed.encode() + b"\r")
        _read_until(main, b"> ", proc)
        proc.kill()  # no quit, no exit handler: what is on disk was written as it was typed
    finally:
        proc.wait(timeout=30)
        os.close(main)
    kept = (tmp_path / ".kam_bot_history").read_text().splitlines()
    assert kept[-2:] == [line, "account Baosteel"] and "y" not in kept
