"""`team` in the console on the demo data: the manager's view in Chinese, refused to a rep."""

from __future__ import annotations

from console_harness import ConsoleHarness

from kam_bot.bootstrap import App
from kam_bot.services import demo


def test_the_manager_sees_the_team_and_a_rep_is_refused(app: App) -> None:
    demo.seed(app.uow, app.clock())
    boss = app.users.by_identity("console", "wang")
    rep = app.users.by_identity("console", demo.DEMO_IDENTITY)
    assert boss is not None and rep is not None
    out = ConsoleHarness(app, boss).send("team")
    assert out.startswith("== 团队 East China · ")
    risk = out.split("-- 风险客户（A类优先）")[1].splitlines()
    assert risk[1].startswith("Baoshan Iron & Steel Co., Ltd. (A): 未见决策者")
    assert ": account #" in out  # each section's accounts open with `account #N`
    assert "Alex Chen: 逾期 1 条，最久 4 天" in out
    assert "Sinochem Coatings (A): 处于“谈判” 62 天 · 此后拜访 5 次 · 停滞" in out
    refused = ConsoleHarness(app, rep).send("team")
    assert refused == "The team view is for managers and admins."
