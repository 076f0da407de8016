"""The message catalog: every user-facing string, in ``en`` and ``zh-Hans``.

Messages live in ``messages/<area>.py`` as ``MESSAGES = {key: {"en": ..., "zh-Hans": ...}}``
so that each feature keeps its strings beside the others of its area; this module merges
them into one catalog and refuses duplicate keys. Placeholders use ``str.format`` syntax.
"""

from __future__ import annotations

from typing import Any

from kam_bot.domain.enums import Locale
from kam_bot.i18n.messages import MESSAGE_MODULES
from kam_bot.i18n.punctuation import chinese_punctuation

Messages = dict[str, dict[str, str]]


class MissingMessageError(KeyError):
    pass


def _merge() -> Messages:
    merged: Messages = {}
    for module in MESSAGE_MODULES:
        for key, texts in module.items():
            if key in merged:
                raise ValueError(f"message key defined twice: {key}")
            merged[key] = (
                {**texts, "zh-Hans": chinese_punctuation(texts["zh-Hans"])} if "zh-Hans" in texts else texts
            )
    return merged


CATALOG: Messages = _merge()


def resolve_locale(locale: str | Locale | None) -> Locale:
    """Map whatever a platform reports (``zh-CN``, ``zh_Hans``, ``en-US``) to a catalog locale."""
    if isinstance(locale, Locale):  # already one (every message of a morning DM asks)
        return locale
    if locale is None:
        return Locale.EN
    value = str(locale).replace("_", "-").lower()
    if value.startswith("zh"):
        return Locale.ZH_HANS
    return Locale.EN


def t(key: str, locale: str | Locale | None = Locale.EN, /, **params: Any) -> str:
    try:
        texts = CATALOG[key]
    except KeyError:
        raise MissingMessageError(key) from None
    # a Locale is a StrEnum: it finds its text as its value would (without the enum's slow .value)
    template = texts.get(resolve_locale(locale)) or texts[Locale.EN.value]
    return template.format(**params) if params else template
