"""Replies as terminal text. User text is printed as typed; control characters are made visible."""

from __future__ import annotations

from kam_bot.domain.enums import Locale
from kam_bot.handlers.replies import Action, Reply, SpanKind
from kam_bot.i18n import t

_CONTROL = {i: f"^{chr(i + 64)}" for i in range(32) if chr(i) not in "\n\t"}


def _clean(text: str) -> str:
    return text.translate(_CONTROL)


def action_hint(action: Action) -> str | None:
    """The console command that does what a button does."""
    verb = {
        "promise.done": "done",
        "promise.reopen": "reopen",
        "promise.cancel": "cancel",
        "promise.snooze_1": "snooze {v} 1",
        "promise.snooze_3": "snooze {v} 3",
        "promise.snooze_7": "snooze {v} 7",
        "account.open": "account #{v}",
        "undo.price": "undo price {v}",
        "undo.stock": "undo stock {v}",
        "undo.visit": "undo visit {v}",
    }.get(action.action_id)
    if verb is None:
        return None
    return verb.format(v=action.value) if "{v}" in verb else f"{verb} {action.value}"


def render_text(reply: Reply, locale: Locale = Locale.EN) -> str:
    out: list[str] = []
    if reply.title:
        out.append(f"== {_clean(reply.title)} ==")
    for section in reply.sections:
        if section.title:
            out.append(f"-- {_clean(section.title)}")
        for line in section.lines:
            out.append("".join(_clean(s.text) if s.kind is SpanKind.USER else s.text for s in line.spans))
        if section.more:
            out.append(t("common.and_more", locale, count=section.more))
        hints = [f"{a.label}: {h}" for a in section.actions if (h := action_hint(a))]
        if hints:
            out.append("   [" + " | ".join(hints) + "]")
    hints = [f"{a.label}: {h}" for a in reply.actions if (h := action_hint(a))]
    if hints:
        out.append("[" + " | ".join(hints) + "]")
    return "\n".join(out)
