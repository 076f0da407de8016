"""Promises: who promised (``we promise`` / ``they promise``), what, and by when."""

from __future__ import annotations

import re
from datetime import date

from kam_bot.domain.drafts import ParseProblem, PromiseDraft
from kam_bot.domain.enums import PromiseDirection
from kam_bot.domain.parsing.dates import WorkingDay, find_due_date, monday_to_friday
from kam_bot.domain.parsing.problems import BAD_DATE, MISSING_TEXT, problem
from kam_bot.domain.parsing.text import keyword_regex, trim

OURS_KEYWORDS = (
    "we promise",
    "we promised",
    "we will",
    "we'll",
    "we shall",
    "we commit to",
    "we committed to",
    "i promise",
    "i promised",
    "i will",
    "i'll",
    "our promise",
    "promise",
    "promised",
    "我们承诺",
    "我方承诺",
    "我承诺",
    "我们会",
    "我会",
    "承诺",
)
THEIRS_KEYWORDS = (
    "they promise",
    "they promised",
    "they will",
    "they'll",
    "customer promises",
    "customer promised",
    "customer promise",
    "customer will",
    "client promises",
    "client promised",
    "client will",
    "their promise",
    "他们承诺",
    "客户承诺",
    "对方承诺",
    "他们会",
    "客户会",
    "对方会",
)
FILLER_WORDS = ("to", "and", "并且", "而且", "且")
ENTRY_OURS_WORDS = ("we", "i", "us", "我们", "我方", "我")
ENTRY_THEIRS_WORDS = ("they", "customer", "client", "他们", "客户", "对方")
"""Bare direction words, read only where a promise is certain (the `/promise` entry): in a visit
line ``they want a lower price`` is no promise, but ``/promise Acme they send samples`` is theirs."""

SUBJECT_KEYWORDS = tuple(
    word
    for word in OURS_KEYWORDS + THEIRS_KEYWORDS
    if word.split()[0] in ("we", "we'll", "i", "i'll", "they", "they'll", "customer", "client")
    or "承诺" in word[1:]
)
"""Keywords that start a further promise inside one line (``... and they promise PO by 12/5``)."""

OURS = keyword_regex(OURS_KEYWORDS)
THEIRS = keyword_regex(THEIRS_KEYWORDS)
ANY_DIRECTION = keyword_regex(OURS_KEYWORDS + THEIRS_KEYWORDS)
ENTRY_OURS = keyword_regex(OURS_KEYWORDS + ENTRY_OURS_WORDS)
ENTRY_THEIRS = keyword_regex(THEIRS_KEYWORDS + ENTRY_THEIRS_WORDS)
ENTRY_DIRECTION = keyword_regex(OURS_KEYWORDS + THEIRS_KEYWORDS + ENTRY_OURS_WORDS + ENTRY_THEIRS_WORDS)
_NEXT_PROMISE = keyword_regex(SUBJECT_KEYWORDS)
_JOINER_WORDS = FILLER_WORDS[1:]
_LEADING_TO = re.compile(r"^to\s+", re.IGNORECASE)


def split_direction(text: str, *, entry: bool = False) -> tuple[PromiseDirection | None, str]:
    """A leading ``we promise`` / ``they promise`` ...: its direction and the rest.

    With ``entry`` (a `/promise` line) the bare words count too: ``they``, ``customer``, ``他们``.
    """
    text = text.strip()
    best: tuple[PromiseDirection, re.Match[str]] | None = None
    patterns = (
        ((PromiseDirection.OURS, ENTRY_OURS), (PromiseDirection.THEIRS, ENTRY_THEIRS))
        if entry
        else (
            (PromiseDirection.OURS, OURS),
            (PromiseDirection.THEIRS, THEIRS),
        )
    )
    for direction, pattern in patterns:
        match = pattern.match(text)
        if match is not None and (best is None or match.end() > best[1].end()):
            best = (direction, match)
    if best is None:
        return None, text
    return best[0], text[best[1].end() :].lstrip(" :：")


def _strip_joiners(head: str) -> str:
    """Drop a trailing ``and``/``,``/``并且`` that joined two promises."""
    while True:
        stripped = head.rstrip(" \t,，、")
        for word in _JOINER_WORDS:
            before = stripped[-len(word) - 1 : -len(word)]
            if stripped.casefold().endswith(word) and not (word.isascii() and before.isalnum()):
                stripped = stripped[: -len(word)]
                break
        if stripped == head:
            return head
        head = stripped


def split_promises(body: str) -> tuple[str, str]:
    """Cut ``quote by Friday and they promise PO by 12/5`` before the second promise."""
    for match in _NEXT_PROMISE.finditer(body):
        if match.start() > 0 and trim(body[: match.start()]):
            return _strip_joiners(body[: match.start()]), body[match.start() :]
    return body, ""


def parse_promise_body(
    body: str, today: date, direction: PromiseDirection, working: WorkingDay = monday_to_friday
) -> tuple[PromiseDraft | None, list[ParseProblem]]:
    """``quote by Friday`` -> text ``quote``, due the next Friday, ``due_text`` ``Friday``.

    Problem fields are relative to the promise (``due_date``, ``text``).
    """
    body = trim(body)
    if not body:
        return None, [problem("", "", MISSING_TEXT)]
    span = find_due_date(body, today, working)
    problems: list[ParseProblem] = []
    if span is None:
        text, due_date, due_text = body, None, None
    else:
        text = body[: span.start] + " " + body[span.end :]
        due_date, due_text = span.value, span.text
        if span.value is None:
            problems.append(problem("due_date", span.text, BAD_DATE))
    text = trim(_LEADING_TO.sub("", trim(text)))
    if not text:
        problems.append(problem("text", body, MISSING_TEXT))
    draft = PromiseDraft(text=text, direction=direction, due_date=due_date, due_text=due_text)
    return draft, problems
