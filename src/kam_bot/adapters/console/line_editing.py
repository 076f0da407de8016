"""Line editing and history for the interactive console (GNU readline through ``input()``).

Arrow keys move and recall, Ctrl+R searches; the history survives sessions in
``~/.kam_bot_history``. Piped input is never touched.
"""

from __future__ import annotations

import atexit
import contextlib
from pathlib import Path

HISTORY_LINES = 1000


def history_path() -> Path:
    return Path.home() / ".kam_bot_history"


def enable(path: Path) -> bool:
    """Turn on editing and load ``path``; saved at exit. False where readline is missing (Windows)."""
    try:
        import readline
    except ImportError:
        return False
    readline.set_history_length(HISTORY_LINES)
    if path.exists():
        with contextlib.suppress(OSError):
            readline.read_history_file(path)
    atexit.register(save, path)
    return True


def save(path: Path) -> None:
    import readline

    with contextlib.suppress(OSError):
        readline.write_history_file(path)
