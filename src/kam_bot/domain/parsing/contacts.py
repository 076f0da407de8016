"""People met: ``Li Wei (purchasing) and Zhang``, ``李伟(采购)和张总``.

Names are separated by ``,`` ``，`` ``、`` ``&`` ``and`` ``及`` ``以及`` and ``和``; a title may
follow a name in brackets. ``和`` also occurs inside Chinese given names (王和平), so unless
spaced it only separates when every piece it would make is at least two characters long. A piece longer than
four words is not taken for a name: it is returned as unplaced text. A Chinese department
(``采购部``, ``技术中心``) right after a name belongs to that name's title.
"""

from __future__ import annotations

import re

from kam_bot.domain.drafts import ContactMention
from kam_bot.domain.parsing.text import LATIN_WORD_CHAR, trim

CONTACT_KEYWORDS = (
    "met",
    "met with",
    "meeting with",
    "saw",
    "spoke with",
    "spoke to",
    "talked to",
    "talked with",
    "contacts",
    "见了",
    "见到",
    "会见",
    "拜访了",
    "拜访",
    "联系人",
)
SEPARATOR_WORDS = ("and", "和", "及", "以及", "&", ",", "、")
DEPARTMENT = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:部门|部|科|处|室|中心)$")
"""``见了李总，采购部``: a department after a name is that person's department, not another person."""
MAX_NAME_WORDS = 4

_BRACKETS = re.compile(r"[(（]([^()（）]*)[)）]")
_SEPARATOR = re.compile(
    rf"\s*(?:[,，、&＆]|(?<!{LATIN_WORD_CHAR})and(?!{LATIN_WORD_CHAR})|以及|及)\s*|\s+和\s+", re.IGNORECASE
)


def _mask_brackets(text: str) -> str:
    """Same length, bracket contents blanked, so separators inside a title do not split."""
    return _BRACKETS.sub(lambda m: "(" + "_" * (len(m.group(0)) - 2) + ")", text)


def _cut(text: str, masked: str, pattern: re.Pattern[str]) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in pattern.finditer(masked):
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    return pieces


def _name_of(piece: str) -> str:
    return trim(_BRACKETS.sub(" ", piece))


def _split_he(piece: str) -> list[str]:
    masked = _mask_brackets(piece)
    parts = _cut(piece, masked, re.compile("和"))
    if len(parts) > 1 and all(len(_name_of(part)) >= 2 for part in parts):
        return parts
    return [piece]


def parse_contacts(text: str) -> tuple[list[ContactMention], list[str]]:
    """The people named in ``text`` and the pieces that did not look like names."""
    mentions: list[ContactMention] = []
    unplaced: list[str] = []
    for piece in _cut(text, _mask_brackets(text), _SEPARATOR):
        for part in _split_he(piece):
            part = trim(part)
            if not part:
                continue
            name = _name_of(part)
            titles = [trim(m.group(1)) for m in _BRACKETS.finditer(part)]
            title = ", ".join(t for t in titles if t) or None
            if not name or len(name.split()) > MAX_NAME_WORDS:
                unplaced.append(part)
            elif DEPARTMENT.match(name) and mentions and title is None:
                known = mentions[-1].title
                mentions[-1] = ContactMention(
                    name=mentions[-1].name, title=f"{known}, {name}" if known else name
                )
            else:
                mentions.append(ContactMention(name=name, title=title))
    return mentions, unplaced
