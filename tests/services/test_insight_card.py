"""The account card and the pre-visit brief show decision-chain coverage, the promise record
and how long the deal has sat in its procurement stage, in English and Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import Seed, add_contact, seed_team
from jobs_harness import add

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import Locale, ProcurementStage, PromiseDirection, PromiseStatus, StageKind
from kam_bot.domain.insight.coverage import ChainRule
from kam_bot.handlers.render import account_card
from kam_bot.jobs.briefs import brief_parts
from kam_bot.jobs.notifications import Notification


@pytest.fixture
def seed(app: App) -> Seed:
    return seed_team(app)


def _thin_chain_with_history(app: App, seed: Seed) -> None:
    """Baosteel: only the purchaser met lately, the plant director not for 4 months; two of our
    promises due (one kept, one late), the customer's PO overdue; in evaluation for 60 days with
    three visits since."""
    now, today, bao, rep = app.clock(), app.clock().date(), seed.baosteel, seed.rep
    add_contact(app, bao, "Zhang Min", role="decision_maker", last_met=today - timedelta(days=120))
    add_contact(app, bao, "Chen Jie", role="technical_evaluator", attitude="opponent")
    add(app, m.StageChange, account_id=bao.id, kind=StageKind.PROCUREMENT, from_stage="criteria_set",
        to_stage="evaluation", changed_at=now - timedelta(days=60))  # fmt: skip
    with app.uow() as uow:
        uow.repo.update(m.Account, bao.id, procurement_stage=ProcurementStage.EVALUATION)
        uow.repo.update(m.Contact, seed.contact.id, last_met=today - timedelta(days=10))
        uow.commit()
    for days in (50, 30, 10):
        add(app, m.Visit, account_id=bao.id, rep_id=rep.id, visited_at=now - timedelta(days=days),
            created_at=now)  # fmt: skip

    def promise(direction: PromiseDirection, due: int, done: int | None) -> None:
        add(app, m.Promise, account_id=bao.id, owner_id=rep.id, direction=direction, text="lab report",
            due_date=today - timedelta(days=due), created_at=now - timedelta(days=40),
            status=PromiseStatus.DONE if done is not None else PromiseStatus.OPEN,
            done_at=now - timedelta(days=done) if done is not None else None)  # fmt: skip

    promise(PromiseDirection.OURS, 20, 21)
    promise(PromiseDirection.OURS, 5, None)
    promise(PromiseDirection.THEIRS, 3, None)


def test_card_shows_coverage_record_and_stage_age(app: App, seed: Seed) -> None:
    _thin_chain_with_history(app, seed)
    card = app.accounts.card(seed.rep, seed.baosteel.id)
    assert card.insight is not None
    rules = card.insight.coverage.rules
    assert ChainRule.SINGLE_THREADED in rules and ChainRule.NO_DECISION_MAKER_MET in rules
    assert ChainRule.OPPONENT_DECIDING in rules and ChainRule.GONE_COLD not in rules
    assert (card.insight.promises.ours.due, card.insight.promises.ours.kept) == (2, 1)
    assert card.insight.stage is not None and card.insight.stage.stalled

    text = account_card(card, Locale.EN, app.clock().date()).plain_text()
    assert "no decision maker met, opponent in a deciding role, single-threaded, no coach" in text
    assert "ours 1/2 (50%) · theirs 0/1 (0%)" in text
    assert "evaluation for 60 days · visits since: 3 · stalled" in text
    zh = account_card(card, Locale.ZH_HANS, app.clock().date()).plain_text()
    assert "单线联系" in zh and "未见决策者" in zh and "停滞" in zh and "我方 1/2(50%)" in zh
    assert "{" not in text + zh


def test_brief_says_who_to_see_without_personal_notes(app: App, seed: Seed) -> None:
    _thin_chain_with_history(app, seed)
    card = app.accounts.card(seed.rep, seed.baosteel.id)
    note = Notification(kind="daily", locale=Locale.EN, today=app.clock().date(), title="brief",
                        parts=brief_parts(card, Locale.EN, app.clock().date()))  # fmt: skip
    text = note.to_reply().plain_text()
    section = text.split("Who to see this time")[1]
    first, second = section.splitlines()[2:4]
    assert first.startswith("Zhang Min · decision maker")  # the decision maker not met for 4 months
    assert second.startswith("Chen Jie · technical evaluator · opponent · never met")
    assert Seed.NOTES not in text
