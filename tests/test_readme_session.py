"""The README's first console session, typed as written on a fresh database, does what it says,
on the day it was written and on any later day (the clock is set; today's date never is).

The README's examples type no absolute date: a date that is in the future the day it is
written is in the past a few weeks later, and the session would be refused from then on.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import FrozenClock

from kam_bot import cli
from kam_bot.bootstrap import App, bootstrap
from kam_bot.cli import shell as cli_shell
from kam_bot.config import Settings

README = Path(__file__).resolve().parents[1] / "README.md"

ABSOLUTE_DATE = re.compile(
    r"\b\d{1,4}[/-]\d{1,2}(?:[/-]\d{1,4})?\b|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b"  # 12/5, 2026-12-05, 5.12.2026
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b"  # Dec 5
    r"|\b\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)"  # 5 Dec
    r"|\d{1,2}月\d{1,2}[日号]|\d{1,2}[日号]",  # 12月5日, 5号
    re.IGNORECASE,
)
"""A date a chat line could type that names a day of the calendar rather than one relative to today."""

CHAT_VERBS = ("visit", "/visit", "promise", "/promise", "price", "/price", "stock", "/stock", "拜访", "承诺")


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


def readme_chat_lines() -> list[str]:
    """Every line the README has someone type to the bot: console ``> `` lines and the
    backticked ``/visit …``, ``promise …`` examples in the prose."""
    text = README.read_text(encoding="utf-8")
    lines = [line[2:] for line in text.splitlines() if line.startswith("> ")]
    # a snippet may wrap across lines of the Markdown source
    lines += [" ".join(s.split()) for s in re.findall(r"`([^`]+)`", text)]
    return [line for line in lines if line.split(" ", 1)[0].lower() in CHAT_VERBS]


def test_readme_chat_lines_type_no_absolute_date() -> None:
    lines = readme_chat_lines()
    assert any(line.startswith("visit Baosteel") for line in lines)  # the check reads the examples
    dated = {line: m.group(0) for line in lines if (m := ABSOLUTE_DATE.search(line.split(" ", 1)[1]))}
    assert not dated, (
        f"README examples type absolute dates (they rot; use 'by Friday', 'in 2 weeks'): {dated}"
    )


def test_the_date_check_finds_absolute_dates() -> None:
    for typed in (
        "PO by 12/5",
        "by 2026-12-05",
        "by Dec 5",
        "by 5th of December",
        "by 5.12.2026",
        "12月5日前",
        "5号",
    ):
        assert ABSOLUTE_DATE.search(typed), typed
    for relative in (
        "by Friday",
        "in 2 weeks",
        "end of month",
        "下周三",
        "widget-42 4.20 USD/kg",
        "Q3 order",
    ):
        assert not ABSOLUTE_DATE.search(relative), relative


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 12, 6, 9, 0, tzinfo=UTC),  # the day the README's old "by 12/5" broke
        datetime(2027, 2, 26, 16, 0, tzinfo=UTC),  # a Friday: "by Friday" is today
        datetime(2027, 12, 31, 23, 30, tzinfo=UTC),  # the last hour of a year
        datetime(2028, 2, 29, 7, 0, tzinfo=UTC),  # a leap day
    ],
    ids=lambda d: d.date().isoformat(),
)
def test_the_readme_console_session_works_as_written(
    now: datetime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = readme_session()
    assert typed[0].startswith("visit Baosteel") and typed[1] == "y"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kam_bot.db'}")
    monkeypatch.chdir(tmp_path)
    clock = FrozenClock(now)

    def open_app(settings: Settings) -> App:
        return bootstrap(settings, clock=clock)

    monkeypatch.setattr(cli_shell, "open_app", open_app)
    assert cli.main(["db", "upgrade"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(typed) + "\n"))
    capsys.readouterr()
    assert cli.main(["shell"]) == 0
    out = capsys.readouterr().out

    assert "Visit of" in out and "saved: Baoshan Iron & Steel Co., Ltd." in out
    assert "already past" not in out and "Please fix before saving" not in out
    # the number the README closes is the promise its visit made
    (done,) = [line for line in typed if line.startswith("done ")]
    number = done.split()[1]
    made = re.search(r"We promised: #(\d+) quote", out)
    assert made is not None and made.group(1) == number
    assert f"Done: #{number} quote" in out
    for line in typed:
        if line != "y":
            assert f"> {line}" in out
    for sloppy in ("I don't know", "There is no promise", "No account matches", "Traceback", "Not saved"):
        assert sloppy not in out
    assert "== Your accounts ==" in out and "Good morning" in out and "Weekly digest" in out
    assert "kam-bot — what you can type" in out
