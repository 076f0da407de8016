"""The authorization matrix: five people × every read and write, through the neutral handlers
(what every platform's commands, forms, buttons and card actions call) and the services.

Rita (rep) owns Baosteel; Tom is her teammate; Max manages their team; Olga manages another
team; Ada is an admin. Each operation runs once per person on fresh records of Rita's, and
the outcome the person would notice is compared with the table: ``yes`` (done), ``no``
(refused, saying why: "not yours", "Only an admin" ...), and for the decision chain whether
personal notes are shown.
A button's payload can be forged, so buttons are rows here too: their handlers check again.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from factories import Seed, seed_team

from kam_bot.bootstrap import App
from kam_bot.domain.drafts import PromiseDraft
from kam_bot.domain.enums import PromiseStatus, StageKind
from kam_bot.domain.models import PriceObservation, Promise, User, Visit
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.prefill import Prefill, prefill_price, prefill_promise, prefill_stock, prefill_visit
from kam_bot.handlers.replies import Reply
from kam_bot.services.errors import ForbiddenError
from kam_bot.services.inputs import PriceInput, PromiseInput, VisitInput
from kam_bot.services.transfer import export_all

ROLES = ("rep", "teammate", "manager", "other_manager", "admin")
Y, N = "yes", "no"


@dataclass
class Records:
    """Rita's records made fresh for one person's attempt."""

    promise: Promise
    done_promise: Promise
    price: PriceObservation
    visit: Visit


def _records(app: App, s: Seed) -> Records:
    due = app.clock().date() + timedelta(days=3)
    promise = app.promises.add(s.rep, s.baosteel.id, PromiseInput(text="quote", due_date=due))
    done = app.promises.add(s.rep, s.baosteel.id, PromiseInput(text="samples", due_date=due))
    app.promises.complete(s.rep, done.id)
    price, _ = app.observations.record_price(
        s.rep, s.baosteel.id, PriceInput(product="HRC", price=Decimal("4.2"), currency="USD")
    )
    visit = app.visits.log(s.rep, VisitInput(account_id=s.baosteel.id, visited_at=app.clock())).visit
    return Records(promise, done, price, visit)


REFUSALS = ("not allowed", "is not yours", "Only an admin", "only for", "someone else's")
"""How a refusal reads: it says why (someone else's promise or account, an admin's job)."""


def _reply(reply: Reply) -> str:
    """A handler's answer: refused when it says why it is refused."""
    text = reply.plain_text()
    if not reply.ok and any(words in text for words in REFUSALS):
        return N
    assert reply.ok, text  # any other refusal is not what this row tests
    return Y


def _admins_only(reply: Reply) -> str:
    """A team setting in chat: refused when it says only admins may."""
    text = reply.plain_text()
    if not reply.ok and text == "Only admins may see or change a team's settings.":
        return N
    assert reply.ok, text
    return Y


def _typed(prefill: Prefill, save: Callable[[], Reply]) -> str:
    """A typed line: refused at the prefill, before the user confirms: "not allowed" when the
    account cannot be seen, "read only" when it can but not be written. Never only at saving."""
    if prefill.account is None:
        assert prefill.account_error is not None
        assert prefill.account_error.message in {"access.denied_account", "access.read_only"}
        return N
    assert not prefill.blocking, prefill.blocking
    reply = save()
    assert reply.ok, f"refused only after confirming: {reply.plain_text()}"
    return Y


Op = Callable[[App, Commands, Seed, User, Records], object]


def _line(make: Callable[..., Prefill], save: str, text: str) -> Op:
    def op(app: App, c: Commands, s: Seed, who: User, r: Records) -> str:
        prefill = make(app, who, text)
        return _typed(prefill, lambda: getattr(c, save)(who, prefill))

    return op


def _notes(app: App, c: Commands, s: Seed, who: User, r: Records) -> str:
    [wang] = app.contacts.list(who, s.baosteel.id)
    return "notes" if wang.personal_notes == Seed.NOTES else "hidden"


def _offered(found: list[tuple[int, str]], s: Seed) -> str:
    """An option list: offered when Baosteel is among its choices."""
    return Y if s.baosteel.id in {account_id for account_id, _ in found} else N


def _did_you_mean(query: str) -> Op:
    """A typed line naming the account loosely: Baosteel offered when it is understood (even
    read-only) or among the suggestions."""

    def op(app: App, c: Commands, s: Seed, who: User, r: Records) -> str:
        prefill = prefill_visit(app, who, f"{query} met Li Wei")
        error = prefill.account_error
        if prefill.account is not None and prefill.account.id == s.baosteel.id:
            return Y
        if (
            error is not None
            and error.message == "access.read_only"
            and error.params["query"] == s.baosteel.name
        ):
            return Y
        return _offered(list(getattr(error, "suggestions", [])), s)

    return op


def _export(app: App, c: Commands, s: Seed, who: User, r: Records) -> None:
    export_all(app, io.StringIO(), fmt="jsonl", actor=who)


OPS: dict[str, tuple[Op, tuple[str, ...]]] = {
    # reading
    "read account card": (lambda a, c, s, w, r: _reply(c.account_by_id(w, s.baosteel.id)), (Y, Y, Y, N, Y)),
    "read account by name": (lambda a, c, s, w, r: _reply(c.account(w, "Baosteel")), (Y, Y, Y, N, Y)),
    "read decision chain": (_notes, ("notes", "hidden", "notes", N, "notes")),
    "read recent visits": (lambda a, c, s, w, r: a.visits.recent(w, s.baosteel.id), (Y, Y, Y, N, Y)),
    "read a promise": (lambda a, c, s, w, r: a.promises.get(w, r.promise.id), (Y, Y, Y, N, Y)),
    "read promise history": (lambda a, c, s, w, r: a.promises.history(w, r.promise.id), (Y, Y, Y, N, Y)),
    # option lists: type-ahead in the forms (Slack, Teams) and "did you mean" after a typo
    "type-ahead 'Bao'": (
        lambda a, c, s, w, r: _offered(a.accounts.suggestions(w, "Bao", 20), s),
        (Y, Y, Y, N, Y),
    ),
    "type-ahead with a typo": (
        lambda a, c, s, w, r: _offered(a.accounts.suggestions(w, "Baostel", 20), s),
        (Y, Y, Y, N, Y),
    ),
    "did you mean (typo in a line)": (_did_you_mean("Baostel"), (Y, Y, Y, N, Y)),
    "did you mean (several match)": (_did_you_mean("S"), (Y, Y, Y, N, Y)),
    "did you mean (account card)": (
        lambda a, c, s, w, r: Y if "Baoshan" in c.account(w, "S").plain_text() else N,
        (Y, Y, Y, N, Y),
    ),
    # typed lines and forms
    "log a visit (line)": (_line(prefill_visit, "save_visit", "Baosteel met Li Wei"), (Y, N, N, N, Y)),
    "add a promise (line)": (
        _line(prefill_promise, "save_promise", "Baosteel send quote by Friday"),
        (Y, N, N, N, Y),
    ),
    "record a price (line)": (
        _line(prefill_price, "save_price", "Baosteel HRC 4.20 USD/kg"),
        (Y, N, N, N, Y),
    ),
    "record stock (line)": (_line(prefill_stock, "save_stock", "Baosteel HRC 12 t"), (Y, N, N, N, Y)),
    "promise form submitted": (
        lambda a, c, s, w, r: _reply(
            c.save_entry_form(
                w, "promise", s.baosteel.id, PromiseDraft(text="call", due_date=date(2026, 12, 1))
            )
        ),
        (Y, N, N, N, Y),
    ),
    "edit a visit": (
        lambda a, c, s, w, r: a.visits.edit(
            w, r.visit.id, goal_reached=None, summary="fixed", next_step=None, next_visit_date=None
        ),
        (Y, N, N, N, Y),
    ),
    "change the stage": (
        lambda a, c, s, w, r: a.accounts.change_stage(w, s.baosteel.id, StageKind.FUNNEL, "customer"),
        (Y, N, N, N, Y),
    ),
    "add a contact's notes": (
        lambda a, c, s, w, r: a.contacts.update(w, s.contact.id, personal_notes="likes tea"),
        (Y, N, N, N, Y),
    ),
    # buttons and card actions (their payloads can be forged)
    "button: done": (
        lambda a, c, s, w, r: _reply(c.promise_action(w, "done", r.promise.id)),
        (Y, N, Y, N, Y),
    ),
    "button: cancel": (
        lambda a, c, s, w, r: _reply(c.promise_action(w, "cancel", r.promise.id)),
        (Y, N, Y, N, Y),
    ),
    "button: snooze 3 d": (
        lambda a, c, s, w, r: _reply(c.promise_action(w, "snooze", r.promise.id, 3)),
        (Y, N, Y, N, Y),
    ),
    "button: reopen": (
        lambda a, c, s, w, r: _reply(c.promise_action(w, "reopen", r.done_promise.id)),
        (Y, N, Y, N, Y),
    ),
    "button: undo price": (lambda a, c, s, w, r: _reply(c.undo(w, "price", r.price.id)), (Y, N, N, N, Y)),
    "button: log visit / add promise": (
        lambda a, c, s, w, r: a.accounts.writable(w, s.baosteel.id),
        (Y, N, N, N, Y),
    ),
    "button: edit visit": (lambda a, c, s, w, r: a.visits.for_edit(w, r.visit.id), (Y, N, N, N, Y)),
    # managing
    "reassign a promise": (
        lambda a, c, s, w, r: a.promises.reassign(w, r.promise.id, s.teammate.id),
        (N, N, Y, N, Y),
    ),
    # administering
    "erase a contact's personal data": (
        lambda a, c, s, w, r: a.contacts.erase_personal_data(w, s.contact.id),
        (N, N, N, N, Y),
    ),
    "export everything": (_export, (N, N, N, N, Y)),
    "read the audit log": (lambda a, c, s, w, r: a.audit.entries(w), (N, N, N, N, Y)),
    "set a digest channel": (
        lambda a, c, s, w, r: a.users.set_team_destination(w, s.team.id, "slack", "C-NEW"),
        (N, N, N, N, Y),
    ),
    "see the teams' settings": (lambda a, c, s, w, r: a.teams.settings(w), (N, N, N, N, Y)),
    "change a team's time zone, digest language or destination": (
        lambda a, c, s, w, r: a.teams.update(w, s.team.name, timezone="Asia/Tokyo", language="zh"),
        (N, N, N, N, Y),
    ),
    "settings team in chat": (
        lambda a, c, s, w, r: _admins_only(c.settings(w, f"team {s.team.name} digest teams 19:x@thread")),
        (N, N, N, N, Y),
    ),
}


def _attempt(op: Op, app: App, commands: Commands, s: Seed, who: User) -> str:
    records = _records(app, s)
    try:
        outcome = op(app, commands, s, who, records)
    except ForbiddenError:
        return N
    return outcome if isinstance(outcome, str) else Y


@pytest.mark.parametrize("name", list(OPS))
def test_authorization_matrix(app: App, name: str) -> None:
    s = seed_team(app)
    commands = Commands(app)
    people = {"rep": s.rep, "teammate": s.teammate, "manager": s.manager, "other_manager": s.other_manager}
    people["admin"] = s.admin
    op, expected = OPS[name]

    outcomes = {role: _attempt(op, app, commands, s, people[role]) for role in ROLES}

    assert outcomes == dict(zip(ROLES, expected, strict=True))


def test_the_matrix_covers_every_person_and_both_directions() -> None:
    rows = list(OPS.values())
    assert len(rows) * len(ROLES) >= 125
    assert all(len(expected) == len(ROLES) for _, expected in rows)
    assert any(N in expected and Y in expected for _, expected in rows)


def test_a_refused_write_changes_nothing(app: App) -> None:
    s = seed_team(app)
    r = _records(app, s)
    commands = Commands(app)
    for who in (s.teammate, s.other_manager):
        commands.promise_action(who, "done", r.promise.id)
        commands.undo(who, "price", r.price.id)
    assert app.promises.get(s.rep, r.promise.id).status is PromiseStatus.OPEN
    with app.uow() as uow:
        assert uow.repo.get(PriceObservation, r.price.id) is not None
    assert {e.actor_id for e in app.audit.entries(s.admin)} == {s.rep.id}  # only Rita's own writes
