"""Titled surnames (``李总``, ``Mr Li``) match known contacts by surname, across scripts."""

from __future__ import annotations

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
