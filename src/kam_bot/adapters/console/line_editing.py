"""Line editing and history for the interactive console (GNU readline through ``input()``).

Arrow keys move and recall, Ctrl+R searches; the history survives sessions in
``~/.kam_bot_history``. Only the lines typed at the ``>`` prompt are kept — the answers to
"Save? [Y/n]" and to follow-up questions are not — and each is written to the file as it is
typed, so a session that is killed or crashes keeps its lines. Piped input is never touched.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import ModuleType

HISTORY_LINES = 1000
LINE_PROMPT = "> "


def history_path() -> Path:
    return Path.home() / ".kam_bot_history"


def _readline() -> ModuleType | None:
    try:
        import readline
    except ImportError:  # Windows
        return None
    return readline


def enable(path: Path) -> bool:
    """Turn on editing and load ``path`` (trimmed to ``HISTORY_LINES``). False without readline."""
    readline = _readline()
    if readline is None:
        return False
    readline.set_auto_history(False)  # ``remember`` decides what is kept
    readline.set_history_length(HISTORY_LINES)
    if path.exists():
        with contextlib.suppress(OSError):
            readline.read_history_file(path)
            readline.write_history_file(path)  # trimmed to the last HISTORY_LINES
    return True


def remember(path: Path, prompt: str, line: str) -> None:
    """Keep ``line`` in the history (memory and file, now) when it was typed at the line prompt."""
    readline = _readline()
    if readline is None or prompt != LINE_PROMPT or not line.strip():
        return
    count = readline.get_current_history_length()
    if count and readline.get_history_item(count) == line:
        return  # the same line again: recalled once is enough
    readline.add_history(line)
    with contextlib.suppress(OSError):
        if not path.exists():
            path.touch()
        readline.append_history_file(1, path)
