"""The digest's insight sections on the demo team, as a manager reads them, in both languages."""

from __future__ import annotations

from datetime import date

import pytest

from kam_bot.adapters.console.render import render_text
from kam_bot.adapters.slack.blocks import MESSAGE_BLOCKS, reply_blocks
from kam_bot.bootstrap import App
from kam_bot.domain.enums import Locale
from kam_bot.domain.models import Team
from kam_bot.jobs.digest import compute
from kam_bot.jobs.digest_render import build_digest
from kam_bot.jobs.previews import preview_digest
from kam_bot.services import demo

W47 = date(2026, 11, 16)  # the demo is seeded on Monday 23 Nov 2026: last week is full


@pytest.fixture
def team(app: App) -> Team:
    demo.seed(app.uow, app.clock())
    [team] = app.users.teams()
    return team


def _sections(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in text.split("\n-- ")[1:]:
        title, _, body = chunk.partition("\n")
        out[title] = body
    return out


def test_a_manager_sees_risk_time_promises_stalls_prices_and_stock(app: App, team: Team) -> None:
    reply = preview_digest(app.jobs_context, team, W47).to_reply()
    parts = _sections(render_text(reply, Locale.EN))
    risk = parts["Accounts at risk (tier A first)"].splitlines()
    assert risk[0].startswith("Baoshan Iron & Steel Co., Ltd. (A, Alex Chen): no decision maker met")
    assert "opponent in a deciding role" in risk[0]
    assert "Sinochem" not in parts["Accounts at risk (tier A first)"]  # its chain is covered
    time = parts["Time against the priority grid"]
    assert "Baoshan Iron & Steel Co., Ltd.: focus · visits in 8 weeks: 1 (expected at least 4)" in time
    assert "Sinochem Coatings: park · visits in 8 weeks: 5 (expected at most 3)" in time
    assert "Li Na: ours 2/2 (100%)" in parts["Promise record (kept on time, last 90 days)"]
    assert "confirm trial volume — overdue 2 d" in parts["Customer promises to chase"]
    assert (
        "Sinochem Coatings (A, Li Na): negotiation for 62 days · visits since: 5 · stalled"
        in (parts["Stalled deals"])
    )
    assert "coil-7 575.00 USD/t (our invoice) ⚠ -7.3% vs list 620.00" in parts["Prices off policy"]
    assert "likely stock-out" in parts["Stock alerts"]
    # each of these sections links to its accounts
    linked = {s.title: s.actions for s in reply.sections}
    assert {a.action_id for a in linked["Stalled deals"]} == {"account.open"}
    assert [a.label for a in linked["Prices off policy"]] == ["Acme Industrial Supply"]
    assert "weiqi" not in render_text(reply) and "Zhang Min" not in render_text(reply)  # no person named
    assert len(reply_blocks(reply, Locale.EN)) <= MESSAGE_BLOCKS


def test_the_chinese_digest_has_the_same_sections(app: App, team: Team) -> None:
    with app.jobs.transaction() as tx:
        data = compute(tx, team, W47, app.clock(), app.settings.price_deviation_threshold)
    text = build_digest(data, Locale.ZH_HANS).to_reply().plain_text()
    for title in (
        "风险客户（A类优先）",
        "时间分配与优先级",
        "承诺记录（按时兑现，近90天）",
        "需催办的客户承诺",
        "停滞的商机",
    ):
        assert title in text
    assert "未见决策者" in text and "停滞" in text and "应至少 4 次" in text
    assert "{" not in text
