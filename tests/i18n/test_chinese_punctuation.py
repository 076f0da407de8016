"""Chinese messages use Chinese punctuation (，；：？！（）) wherever it touches Chinese text."""

from __future__ import annotations

import re

import pytest

from kam_bot.i18n import t
from kam_bot.i18n.catalog import CATALOG
from kam_bot.i18n.punctuation import chinese_punctuation

CJK = r"[\u4e00-\u9fff]"
ASCII_NEXT_TO_CHINESE = re.compile(rf"{CJK}\s*[,;:?!]|[,;:?!]{CJK}|\([^()]*{CJK}[^()]*\)")


def test_no_chinese_message_keeps_ascii_punctuation_beside_chinese() -> None:
    found = {
        k: v["zh-Hans"] for k, v in CATALOG.items() if ASCII_NEXT_TO_CHINESE.search(v.get("zh-Hans", ""))
    }
    assert not found, found


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("我方承诺:", "我方承诺："),
        ("什么时候到期?请加上日期,例如“周五前”", "什么时候到期？请加上日期，例如“周五前”"),
        ("风险客户(A类优先)", "风险客户（A类优先）"),
        ("{name},早上好", "{name}，早上好"),
        ("tz Asia/Shanghai | lang en | hour 08:30", "tz Asia/Shanghai | lang en | hour 08:30"),
        ("widget-42 4.20 USD/kg, 4,300 (list)", "widget-42 4.20 USD/kg, 4,300 (list)"),
        ("价格 {a}:{b}", "价格 {a}：{b}"),
        ("{a}: {b}", "{a}: {b}"),
    ],
)
def test_latin_text_numbers_and_placeholders_keep_theirs(written: str, shown: str) -> None:
    assert chinese_punctuation(written) == shown


def test_values_put_into_a_message_are_never_changed() -> None:
    said = t("promise.snoozed_until", "zh-Hans", date="12/5 (Fri), soon")
    assert said.startswith("（") and "12/5 (Fri), soon" in said
