"""Which known contact a mention means when it is a surname with a title: ``李总``, ``Mr Li``.

Reps name people the way they address them: ``李总`` (general manager Li), ``王经理``,
``张先生``, ``Ms Ortiz``, ``Dr. Chen``. Such a mention matches the account's contacts by
surname, across scripts: ``李总`` finds ``Li Wei`` and ``李伟``; ``Mr Li`` finds both too.
A stored Latin name may be in Chinese order (``Li Wei``) or Western order (``Sam Ortiz``),
so its first and its last word both count as a surname. More than one fit is for the user
to choose; the caller asks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, TypeVar

from kam_bot.domain.matching import fold
from kam_bot.domain.parsing.text import has_cjk

CJK_TITLES = (
    "董事长",
    "总经理",
    "副总",
    "总监",
    "经理",
    "主任",
    "厂长",
    "部长",
    "处长",
    "科长",
    "主管",
    "老板",
    "先生",
    "女士",
    "小姐",
    "老师",
    "博士",
    "教授",
    "总",
    "董",
    "工",
)
"""Titles written after a Chinese surname; longest first matters (总经理 before 经理 before 总)."""
CJK_PREFIXES = ("老", "小")
"""``老李``, ``小王``: familiar forms, surname after."""
LATIN_TITLES = ("mr", "mrs", "ms", "miss", "mister", "madam", "dr", "prof", "professor")

SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "仇": "qiu",
    "解": "xie",
    "区": "ou",
    "查": "zha",
    "盖": "ge",
    "朴": "piao",
    "覃": "qin",
    "乐": "yue",
    "缪": "miao",
    "种": "chong",
    "尉迟": "yuchi",
    "万俟": "moqi",
}
"""Surnames read differently from the character's everyday reading (pinyin's default)."""
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "万俟", "令狐", "慕容", "夏侯")

_LATIN_TITLE = re.compile(r"^(?:" + "|".join(LATIN_TITLES) + r")\.?\s+(\S+)$", re.IGNORECASE)


class Named(Protocol):
    @property
    def name(self) -> str: ...


C = TypeVar("C", bound=Named)


def _reading(surname: str) -> str:
    known = SURNAME_READINGS.get(surname)
    if known:
        return known
    # pypinyin's dictionaries (~55 MB) load on its import: the first name that needs a reading
    # pays for it, not every idle worker.
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(surname))


def titled_surname(mention: str) -> str | None:
    """The surname in ``李总``, ``老李``, ``Mr Li``, ``Dr. Chen``; None when no title is there."""
    text = mention.strip()
    latin = _LATIN_TITLE.match(text)
    if latin is not None:
        return latin.group(1)
    if not has_cjk(text):
        return None
    for prefix in CJK_PREFIXES:
        if text.startswith(prefix) and 2 <= len(text) <= 3:
            return text[len(prefix) :]
    for title in CJK_TITLES:
        surname = text[: -len(title)]
        if text.endswith(title) and 1 <= len(surname) <= 2 and surname not in CJK_TITLES:
            return surname
    return None


def surname_keys(surname: str) -> set[str]:
    """``李`` -> {``李``, ``li``}; ``Li`` -> {``li``}."""
    if has_cjk(surname):
        return {surname, _reading(surname)}
    return {fold(surname)}


def _contact_surnames(name: str) -> set[str]:
    text = name.strip()
    if has_cjk(text):
        compound = next((c for c in COMPOUND_SURNAMES if text.startswith(c)), None)
        first = compound or text[:1]
        return surname_keys(first)
    words = [fold(w) for w in text.split() if fold(w)]
    return {words[0], words[-1]} if words else set()


def by_surname(mention: str, contacts: Sequence[C]) -> list[C] | None:
    """The contacts a titled mention may mean (possibly none); None when ``mention`` has no title."""
    surname = titled_surname(mention)
    if not surname:
        return None
    keys = surname_keys(surname)
    return [c for c in contacts if keys & _contact_surnames(c.name)]
