"""Replies as DingTalk robot Markdown, buttons as links that answer the bot.

DingTalk renders a subset of Markdown in robot messages (headings, bold, links, images, lists,
quotes). A button becomes a ``dtmd://dingtalkclient/sendMessage?content=…`` link: tapping it
makes the person send that text to the bot (``done 12``, ``yes``), so it is answered like a
typed line, by the same conversation. It needs no card template. Sources: DingTalk's Markdown
robot-message samples (``com.dingtalk.chatbot`` Java SDK, ``MarkdownMessageTest``) and bot
frameworks that note it works in Markdown messages only (dingraia's README); not verified
against an official page.

User text shows as typed: Markdown punctuation is backslash-escaped, so it can never become a
link, an image or such a button; the bot's own text (which may quote a typed value) keeps its
brackets, and only what could become live is broken there. ``@`` before ``all``/``所有人`` is
broken with a zero-width space (a real mention also needs the message's ``at`` field, which
kam-bot never sets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from kam_bot.domain.enums import Locale
from kam_bot.handlers.replies import Action, Line, Reply, SpanKind
from kam_bot.i18n import t

MAX_TEXT = 5000
"""Characters of one Markdown message kam-bot sends (DingTalk's documented limit for a robot
message body is not stated; this keeps well under what clients render without folding)."""
MAX_TITLE = 64
"""The notification title (shown in the chat list): short."""
DTMD = "dtmd://dingtalkclient/sendMessage?content="

_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")
_LINE_START = re.compile(r"^(\s*)([-+>#]|\d+\.)", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_EVERYONE = re.compile(r"@(?=\s*(all|everyone|here|所有人|全体))", re.IGNORECASE)

PRESSES = {
    "promise.done": "done {v}",
    "promise.reopen": "reopen {v}",
    "promise.cancel": "cancel {v}",
    "promise.snooze_1": "snooze {v} 1",
    "promise.snooze_3": "snooze {v} 3",
    "promise.snooze_7": "snooze {v} 7",
    "account.open": "account #{v}",
    "undo.price": "undo price {v}",
    "undo.stock": "undo stock {v}",
    "undo.visit": "undo visit {v}",
    "draft.save": "{v}",
    "draft.edit": "{v}",
    "draft.cancel": "{v}",
}
"""A button is the line a person would type for it (the console's hints, the same verbs)."""


@dataclass(frozen=True)
class Markdown:
    title: str
    text: str

    def param(self) -> dict[str, str]:
        """``msgParam`` of ``sampleMarkdown`` (sent as a JSON string)."""
        return {"title": self.title, "text": self.text}


def escape(text: str) -> str:
    """User text as literal characters: no markup, no link, no mention of everyone."""
    inline = _SPECIAL.sub(r"\\\1", _CONTROL.sub("", text))
    return _EVERYONE.sub("@\u200b", _LINE_START.sub(r"\1\\\2", inline))


def neutral(text: str) -> str:
    """The bot's own text (which may quote what was typed): kept readable (``[unit]`` stays as
    written), only what could become live is broken: a link or image (``](``, ``![``), an HTML
    tag, a mention of everyone."""
    text = _CONTROL.sub("", text).replace("\\", "\\\\").replace("](", "\\](").replace("![", "!\\[")
    return _EVERYONE.sub("@\u200b", text.replace("<", "\\<"))


def line(line: Line) -> str:
    out = []
    for span in line.spans:
        if span.kind is SpanKind.USER:
            out.append(escape(span.text))
        elif span.kind is SpanKind.BOLD and span.text.strip():
            out.append(f"**{escape(span.text).strip()}**")
        else:
            out.append(neutral(span.text))
    return "".join(out)


def pressed(action: Action) -> str | None:
    """The text a button sends, or None for a button DingTalk cannot carry (it opens a form)."""
    pattern = PRESSES.get(action.action_id)
    return pattern.format(v=action.value) if pattern is not None else None


def button(action: Action) -> str | None:
    said = pressed(action)
    if said is None:
        return None
    return f"[{escape(action.label)}]({DTMD}{quote(said, safe='')})"


def _buttons(actions: list[Action]) -> str:
    links = [link for a in actions if (link := button(a))]
    return " · ".join(links)


def render(
    reply: Reply, locale: Locale, question: str | None = None, images: list[str] | None = None
) -> Markdown:
    """``reply`` as one Markdown message; ``images`` are uploaded media ids shown at the end."""
    parts: list[str] = []
    if reply.title:
        parts.append(f"### {escape(reply.title)}")
    for section in reply.sections:
        if section.title:
            parts.append(f"**{escape(section.title)}**")
        parts.extend(line(each) or "\u200b" for each in section.lines)
        if section.more:
            parts.append(neutral(t("common.and_more", locale, count=section.more)))
        if links := _buttons(section.actions):
            parts.append(links)
    if question:
        parts.append(neutral(question))
    if links := _buttons(reply.actions):
        parts.append(links)
    charts = [
        f"![{escape(t('dingtalk.chart', locale, title=str(n + 1)))}]({m})" for n, m in enumerate(images or [])
    ]
    text = _fit("\n\n".join(parts), "\n\n".join(charts), locale)
    return Markdown(title=_title(reply, locale), text=text)


def _fit(body: str, tail: str, locale: Locale) -> str:
    """Within ``MAX_TEXT``: the body cut at a paragraph with a note, the charts kept whole."""
    room = MAX_TEXT - len(tail) - 2
    if len(body) > room:
        note = neutral(t("dingtalk.cut", locale, limit=MAX_TEXT))
        cut = body[: max(0, room - len(note) - 2)]
        cut = cut.rsplit("\n\n", 1)[0] if "\n\n" in cut else cut.rstrip("\\")
        body = f"{cut}\n\n{note}"
    return f"{body}\n\n{tail}" if tail else body


def _title(reply: Reply, locale: Locale) -> str:
    first = reply.title or next((ln.plain for s in reply.sections for ln in s.lines if ln.plain.strip()), "")
    first = _CONTROL.sub("", first).strip() or "kam-bot"
    return first if len(first) <= MAX_TITLE else first[: MAX_TITLE - 1] + "…"
