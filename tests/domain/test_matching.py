"""domain.matching: what a rep types finds the account it means, or admits it is unsure."""

from __future__ import annotations

import pytest

from kam_bot.domain.matching import EXACT, Match, clear_winner, fold, rank, score

BAOSTEEL = 1
SINOPEC = 2
COSCO = 3
HAIER = 4

CANDIDATES: list[tuple[int, str]] = [
    (BAOSTEEL, "Baoshan Iron & Steel Co., Ltd."),
    (BAOSTEEL, "Baosteel"),
    (BAOSTEEL, "宝钢"),
    (SINOPEC, "China Petroleum & Chemical Corporation"),
    (SINOPEC, "Sinopec"),
    (SINOPEC, "中国石化"),
    (COSCO, "COSCO Shipping Holdings Co., Ltd."),
    (COSCO, "COSCO"),
    (HAIER, "Haier Smart Home Co., Ltd."),
    (HAIER, "Haier"),
    (HAIER, "海尔"),
]


def winner(query: str, candidates: list[tuple[int, str]] = CANDIDATES) -> Match | None:
    return clear_winner(rank(query, candidates))


# -- fold ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Baoshan Iron & Steel Co., Ltd.", "baoshanironsteel"),
        ("BAOSHAN IRON AND STEEL", "baoshanironandsteel"),
        ("  Baosteel  ", "baosteel"),
        ("BAOSTEEL", "baosteel"),
        ("Bao-Steel", "baosteel"),
        ("Bao Steel", "baosteel"),
        ("Baosteel, Inc.", "baosteel"),
        ("Baosteel Group Co., Ltd.", "baosteel"),  # several legal suffixes, all removed
        ("Shell plc", "shell"),
        ("Siemens AG", "siemens"),
        ("Haier Holdings Limited", "haier"),
        ("ＢＡＯＳＴＥＥＬ", "baosteel"),  # full-width letters, as Chinese IMEs type them
        ("Société Générale", "societegenerale"),  # accents folded
        ("宝钢集团", "宝钢"),
        ("宝钢（集团）公司", "宝钢"),
        ("中国石油化工股份有限公司", "中国石油化工"),
        ("宝 钢", "宝钢"),
        ("Group", "group"),  # a name made only of a suffix keeps it
        ("Holdings Group Ltd", "holdings"),
    ],
)
def test_fold(name: str, key: str) -> None:
    assert fold(name) == key


def test_fold_strips_stacked_chinese_suffixes() -> None:
    assert fold("宝钢集团有限公司") == "宝钢"
    assert fold("中国石油化工集团有限公司") == "中国石油化工"


@pytest.mark.parametrize(("dotted", "plain"), [("Acme S.A.", "Acme SA"), ("Acme L.L.C.", "Acme LLC")])
def test_fold_dotted_legal_forms(dotted: str, plain: str) -> None:
    assert fold(dotted) == fold(plain) == "acme"


# -- score ---------------------------------------------------------------------------------


def test_score_exact_prefix_and_nothing() -> None:
    assert score("baosteel", "baosteel") == EXACT
    assert score("bao", "baosteel") == pytest.approx(95.0 - 5 / 4)
    assert score("", "baosteel") == 0.0
    assert score("baosteel", "") == 0.0
    assert score("tesla", "baosteel") < 60


# -- rank and clear_winner -----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "Baosteel",
        "baosteel",
        "BAOSTEEL",
        "  baosteel!!",
        "Bao Steel",
        "Baosteel Co., Ltd.",
        "Baoshan Iron & Steel",
        "baoshan-iron and steel",
        "ＢＡＯＳＴＥＥＬ",
        "宝钢",
        "宝钢集团",
    ],
)
def test_variants_of_a_name_find_the_account(query: str) -> None:
    match = winner(query)
    assert match is not None
    assert match.account_id == BAOSTEEL


def test_case_spacing_punctuation_and_suffixes_are_exact_matches() -> None:
    best = rank("bao steel, co. ltd", CANDIDATES)[0]
    assert best == Match(EXACT, BAOSTEEL, "Baosteel")


@pytest.mark.parametrize(("typo", "expected"), [("Baostel", BAOSTEEL), ("Baosteeel", BAOSTEEL),
                                                ("Sinopek", SINOPEC), ("Cosko Shipping", COSCO)])  # fmt: skip
def test_typos_still_find_the_account(typo: str, expected: int) -> None:
    match = winner(typo)
    assert match is not None
    assert match.account_id == expected
    assert 85 <= match.score < EXACT


def test_chinese_name_with_group_suffix_finds_the_short_alias() -> None:
    matches = rank("宝钢集团", CANDIDATES)
    assert matches[0] == Match(EXACT, BAOSTEEL, "宝钢")
    assert [m.account_id for m in matches] == [BAOSTEEL]


def test_chinese_full_legal_name_still_resolves_by_similarity() -> None:
    match = winner("宝钢集团有限公司")
    assert match is not None
    assert match.account_id == BAOSTEEL


def test_one_match_per_account_best_first() -> None:
    matches = rank("Baoshan Iron Steel", CANDIDATES)
    assert matches[0] == Match(EXACT, BAOSTEEL, "Baoshan Iron & Steel Co., Ltd.")
    assert len({m.account_id for m in matches}) == len(matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_unrelated_query_matches_nothing() -> None:
    assert rank("Tesla", CANDIDATES) == []
    assert winner("Tesla") is None
    assert rank("", CANDIDATES) == []
    assert rank("!!!", CANDIDATES) == []


def test_limit() -> None:
    many = [(i, f"Shougang Plant {i:02d}") for i in range(1, 21)]
    assert len(rank("Shougang", many)) == 10
    assert len(rank("Shougang", many, limit=3)) == 3


SIMILAR = [
    (10, "Shougang Beijing Steel"),
    (11, "Shougang Jingtang Steel"),
    (12, "Sinopec"),
    (13, "Sinopac"),
    (14, "Acme GmbH"),
    (15, "ACME AG"),
    (16, "宝钢"),
    (17, "鞍钢"),
]


@pytest.mark.parametrize(
    ("query", "ranked"),
    [
        ("Shougang", [10, 11]),  # a shared prefix: two close candidates
        ("Acme", [15, 14]),  # two exact keys (legal suffix differs only): equal, by name
        ("钢", [16, 17]),  # one shared character
    ],
)
def test_ambiguous_query_has_no_clear_winner(query: str, ranked: list[int]) -> None:
    matches = rank(query, SIMILAR)
    assert [m.account_id for m in matches] == ranked
    assert clear_winner(matches) is None


def test_exact_match_beats_a_near_twin() -> None:
    match = clear_winner(rank("Sinopec", SIMILAR))
    assert match is not None
    assert match.account_id == 12


def test_longer_query_picks_the_right_twin() -> None:
    match = clear_winner(rank("Shougang Jingtang", SIMILAR))
    assert match is not None
    assert match.account_id == 11


def test_short_alias_inside_the_query_is_no_rival() -> None:
    with_short_alias = [*CANDIDATES, (5, "Sinotrans Limited"), (5, "ST")]
    match = winner("Baostel", with_short_alias)
    assert match is not None
    assert match.account_id == BAOSTEEL


def test_clear_winner_rules() -> None:
    assert clear_winner([]) is None
    assert clear_winner([Match(85.0, 1, "a")]) == Match(85.0, 1, "a")
    assert clear_winner([Match(84.9, 1, "a")]) is None  # too weak on its own
    assert clear_winner([Match(90.0, 1, "a"), Match(75.0, 2, "b")]) == Match(90.0, 1, "a")
    assert clear_winner([Match(90.0, 1, "a"), Match(75.1, 2, "b")]) is None  # not far enough ahead
    assert clear_winner([Match(EXACT, 1, "a"), Match(99.0, 2, "b")]) == Match(EXACT, 1, "a")
    assert clear_winner([Match(EXACT, 1, "a"), Match(EXACT, 2, "b")]) is None
