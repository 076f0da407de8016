"""The message catalog is complete in both languages and every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from kam_bot.i18n import CATALOG, MissingMessageError, t

SRC = Path(__file__).resolve().parents[2] / "src" / "kam_bot"
KEY_USE = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-zA-Z0-9_.]+)["']""")


def test_every_message_has_english_and_chinese_with_the_same_placeholders() -> None:
    for key, texts in CATALOG.items():
        assert set(texts) == {"en", "zh-Hans"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(v) if f} for v in texts.values()]
        assert fields[0] == fields[1], f"{key}: placeholders differ between languages"
        assert texts["en"] != "" and texts["zh-Hans"] != "", key


def test_every_literal_key_used_in_the_code_exists() -> None:
    missing = set()
    for path in SRC.rglob("*.py"):
        for key in KEY_USE.findall(path.read_text(encoding="utf-8")):
            if key not in CATALOG and not key.endswith("."):
                missing.add(f"{path.relative_to(SRC)}: {key}")
    assert not missing, sorted(missing)


def test_error_keys_raised_by_services_exist() -> None:
    raised = set()
    for path in (SRC / "services").rglob("*.py"):
        raised |= set(re.findall(r'Error\(\s*"([a-z_]+\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert raised, "the services raise keyed errors"
    assert raised <= set(CATALOG), sorted(raised - set(CATALOG))


def test_locale_picks_the_language_and_falls_back_to_english() -> None:
    assert t("card.decision_chain", "zh-CN") == "决策链"
    assert t("card.decision_chain", "en-GB") == "Decision chain"
    assert t("card.decision_chain", None) == "Decision chain"
    with pytest.raises(MissingMessageError):
        t("no.such.key")


def test_a_platform_or_crm_folder_brings_its_own_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new platform (adapters/<name>/) or CRM (integrations/<name>/) keeps its strings in its
    own messages.py; the catalog finds them without a line elsewhere."""
    from kam_bot.i18n.messages import folder_messages

    top = tmp_path / "kam_elsewhere"
    for package, name, key in (
        ("adapters", "pigeon", "pigeon.hello"),
        ("integrations", "ledger", "ledger.hi"),
    ):
        folder = top / package / name
        folder.mkdir(parents=True)
        for each in (top, top / package, folder):
            (each / "__init__.py").touch()
        (folder / "messages.py").write_text(f"MESSAGES = {{{key!r}: {{'en': 'Hi', 'zh-Hans': '你好'}}}}\n")
    (top / "adapters" / "no_strings").mkdir()
    (top / "adapters" / "no_strings" / "__init__.py").touch()
    monkeypatch.syspath_prepend(str(tmp_path))

    found = folder_messages(top, top="kam_elsewhere")

    assert found == [
        {"pigeon.hello": {"en": "Hi", "zh-Hans": "你好"}},
        {"ledger.hi": {"en": "Hi", "zh-Hans": "你好"}},
    ]
