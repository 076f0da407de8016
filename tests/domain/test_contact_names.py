"""Titled surnames (``李总``, ``Mr Li``) match known contacts by surname, across scripts."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

import pytest

from kam_bot.domain.contact_names import by_surname, titled_surname


@dataclass(frozen=True)
class Person:
    name: str


CHAIN = [Person("Li Wei"), Person("Zhang Min"), Person("Sam Ortiz"), Person("陈杰"), Person("曾强")]


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        ("李总", ["Li Wei"]),
        ("李经理", ["Li Wei"]),
        ("张先生", ["Zhang Min"]),
        ("Mr Li", ["Li Wei"]),
        ("Ms. Ortiz", ["Sam Ortiz"]),
        ("Dr Chen", ["陈杰"]),
        ("老陈", ["陈杰"]),
        ("曾总", ["曾强"]),  # a surname read differently from the everyday character (zeng, not ceng)
        ("王总", []),
    ],
)
def test_a_titled_surname_finds_the_contacts_with_that_surname(mention: str, expected: list[str]) -> None:
    assert [p.name for p in by_surname(mention, CHAIN) or []] == expected


@pytest.mark.parametrize("mention", ["Li", "李伟", "Zhang Min", "总经理", "Mr", ""])
def test_names_without_a_title_are_not_surname_mentions(mention: str) -> None:
    assert by_surname(mention, CHAIN) is None


def test_two_people_with_one_surname_both_fit() -> None:
    assert [p.name for p in by_surname("李总", [*CHAIN, Person("李娜")]) or []] == ["Li Wei", "李娜"]
    assert titled_surname("Mrs. Li") == "Li"


IMPORT_ALL_THEN_MATCH = """
import importlib, pkgutil, sys
import kam_bot
for found in pkgutil.walk_packages(kam_bot.__path__, "kam_bot."):
    if not found.name.endswith("__main__") and ".migrations" not in found.name:
        importlib.import_module(found.name)
print("pypinyin" in sys.modules)
from kam_bot.domain.contact_names import by_surname
class Person:
    name = "Li Wei"
print(len(by_surname("李总", [Person()]) or []), "pypinyin" in sys.modules)
"""


def test_an_idle_worker_does_not_carry_the_pinyin_dictionaries() -> None:
    """pypinyin's dictionaries are ~55 MB of a worker's resident set (150 -> 100 MB idle without
    them): a process that imported all of kam_bot has not loaded them until a name needs them."""
    run = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", IMPORT_ALL_THEN_MATCH],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.split() == ["False", "1", "True"]
