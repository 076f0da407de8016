"""Chinese punctuation in Chinese messages: ``我方承诺:`` reads ``我方承诺：``.

Messages are written by developers on ASCII keyboards; the catalog normalises each zh-Hans
template once as it loads, so every message, today's and tomorrow's, uses full-width
punctuation where it touches Chinese text: ``, ; : ? !`` next to a Chinese character (or a
full-width mark) become ``， ； ： ？ ！``, and a ``( … )`` pair becomes ``（ … ）`` when it
holds Chinese. Punctuation between Latin letters or digits (``USD/kg``, ``08:30``,
``4,300``, ``Asia/Shanghai``) and inside ``{placeholders}`` is left alone (a colon right
between two placeholders is a Chinese one), and the values that fill placeholders are never
touched.
"""

from __future__ import annotations

import re

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”"
_WIDE = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_MARK = re.compile(rf"(?<=[{_CJK}])\s*([,;:?!])|([,;:?!])(?=[{_CJK}])")
_PAIR = re.compile(r"\(([^(){}]*)\)")
_HAS_CJK = re.compile(rf"[{_CJK}]")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def chinese_punctuation(template: str) -> str:
    holes: list[str] = []

    def hide(match: re.Match[str]) -> str:
        holes.append(match.group(0))
        return f"\0{len(holes) - 1}\0"

    text = _PLACEHOLDER.sub(hide, template)
    text = _PAIR.sub(lambda m: f"（{m.group(1)}）" if _HAS_CJK.search(m.group(1)) else m.group(0), text)
    text = _MARK.sub(lambda m: _WIDE[m.group(1) or m.group(2)], text)
    text = re.sub("(?<=\0):(?=\0)", "：", text)  # {account}:{product}: two Chinese values
    return re.sub("\0(\\d+)\0", lambda m: holes[int(m.group(1))], text)
