"""A team's digest language and the time zone an import gives a new team."""

from __future__ import annotations

from kam_bot.domain.enums import Locale
from kam_bot.domain.teams import common_zone, digest_locale

EN, ZH = Locale.EN, Locale.ZH_HANS


def test_the_digest_speaks_the_chosen_language_else_the_members_and_a_tie_the_default() -> None:
    assert digest_locale(EN, [ZH, ZH, ZH], ZH) is EN
    assert digest_locale(None, [ZH, ZH, EN], EN) is ZH
    assert digest_locale(None, [ZH, EN], EN) is EN and digest_locale(None, [ZH, EN], ZH) is ZH
    assert digest_locale(None, [], ZH) is ZH


def test_a_new_team_lives_in_the_zone_most_rows_give_a_tie_going_to_the_first() -> None:
    assert common_zone(["Asia/Shanghai", None, "Europe/Berlin", "Europe/Berlin"]) == "Europe/Berlin"
    assert common_zone(["Asia/Tokyo", "Europe/Berlin", "Europe/Berlin", "Asia/Tokyo"]) == "Asia/Tokyo"
    assert common_zone([None, ""]) is None
