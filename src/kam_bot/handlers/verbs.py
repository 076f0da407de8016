"""The command language, written once: every verb a person can type on any surface.

A typed line is ``VERB REST``; the verb is matched case-insensitively against each verb's
name and aliases (English and Chinese), with a leading ``/`` ignored (``/kam promises`` and
``promises`` are the same line). What a verb does with ``REST`` is its ``run``; the help lists
the verbs in table order, one catalog line each, in the reader's language.

Verb        aliases                   reads                          answers
----------  ------------------------  -----------------------------  -------------------------------
visit       拜访                       a visit line                   a visit to capture
promise     承诺                       a promise line; nothing: list  a promise to capture (the list
                                                                     when nothing follows)
price       价格                       a price line                   a price to capture
stock       库存                       a stock line                   a stock count to capture
account     客户                       NAME, #ID or new NAME          the account card, or a new one
accounts    客户列表                   [TEXT]                         your accounts, or the matches
promises    承诺列表                   nothing                        your open promises
today       day, 今天                  nothing                        my day
done        完成                       N                              promise N closed (with Undo)
reopen      重开                       N                              promise N open again
cancel      取消                       N                              promise N cancelled (with Undo)
snooze      推迟                       N [DAYS]                       promise N snoozed
undo        撤销                       [visit|promise|price|stock N]  the last save (or that one) undone
settings    setting, 设置              [tz|lang|hour|away|back V]     the settings, changed
                                      team [NAME [tz|lang|digest V]] a team's (admins)
team        团队                       [NAME]                         the team view (managers)
calendar    日历                       show|set|off|work …            the team's working calendar
help        kam, ?, 帮助               nothing                        this list

``promise`` alone lists the open promises (there is nothing to capture), the same as
``promises``: Slack's ``/kam promise`` always did, the console and Teams now do too.
Verbs that other layers add (``remind``, ``digest`` from the jobs) are appended by
``bootstrap`` through :meth:`VerbTable.extend`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from kam_bot.domain.models import User
from kam_bot.handlers.answers import Answer, Capture
from kam_bot.handlers.calendar import calendar
from kam_bot.handlers.commands import Commands
from kam_bot.handlers.prefill import prefill_price, prefill_promise, prefill_stock, prefill_visit
from kam_bot.handlers.replies import Line, Reply, Section
from kam_bot.handlers.team import team
from kam_bot.i18n import t
from kam_bot.services.container import Services
from kam_bot.services.drafts import PendingDrafts


@dataclass(frozen=True)
class Surface:
    """Where a line was typed: ``name`` keys its pending drafts. ``forms``: the surface shows a
    form (a Slack modal, a Teams card) for a capture; without forms the confirm-and-save
    conversation takes it. ``help_lines``: catalog keys of lines only this surface adds to the
    help (Slack's slash commands and shortcut)."""

    name: str
    forms: bool
    help_lines: tuple[str, ...] = ()
    local: bool = False
    """The person sits at this machine (the console): files such as charts may be written for them."""


@dataclass(frozen=True)
class Call:
    """One typed line on its way to a verb."""

    services: Services
    actor: User
    surface: Surface
    verb: str
    """The word as typed (``/kam``'s ``promises``, ``承诺``)."""
    rest: str
    line: str

    @property
    def commands(self) -> Commands:
        return Commands(self.services)


Run = Callable[[Call], Answer]


@dataclass(frozen=True)
class Verb:
    name: str
    aliases: tuple[str, ...]
    run: Run
    help: str
    """Catalog key of its help line."""
    capture: bool = False
    """Its line is captured (a visit, promise, price or stock): see :meth:`VerbTable.captures`."""


@dataclass
class VerbTable:
    verbs: list[Verb] = field(default_factory=list)

    def extend(self, more: Iterable[Verb]) -> VerbTable:
        return VerbTable([*self.verbs, *more])

    def find(self, word: str) -> Verb | None:
        word = word.lstrip("/").casefold()
        for verb in self.verbs:
            if word == verb.name or word in verb.aliases:
                return verb
        return None

    def captures(self, line: str) -> bool:
        """Whether ``line`` comes to a capture (a form to show, on a surface with forms), known
        before anything is parsed: ``visit`` always, ``promise``/``price``/``stock`` with text."""
        word, _, rest = line.strip().lstrip("/").partition(" ")
        verb = self.find(word) if word else None
        return verb is not None and verb.capture and (bool(rest.strip()) or verb.name == "visit")

    @property
    def words(self) -> frozenset[str]:
        return frozenset(w for v in self.verbs for w in (v.name, *v.aliases))

    def help(self, actor: User, surface: Surface) -> Reply:
        loc = actor.locale
        lines = [Line.of(t(v.help, loc)) for v in self.verbs]
        lines += [Line.of(t(key, loc)) for key in surface.help_lines]
        return Reply(title=t("help.title", loc), sections=[Section(lines=lines)])


# -- the verbs ---------------------------------------------------------------------------------


def _capture(kind: str, read: Callable[[Services, User, str], object]) -> Run:
    def run(call: Call) -> Answer:
        prefill = read(call.services, call.actor, call.rest)
        return Capture(kind=kind, prefill=prefill, line=call.line)  # type: ignore[arg-type]

    return run


def _promise(call: Call) -> Answer:
    if not call.rest:
        return call.commands.my_promises(call.actor)
    return _capture("promise", prefill_promise)(call)


NEW_WORDS = ("new", "新建", "新增")
"""``account new NAME`` / ``客户 新建 名称`` adds an account instead of opening one."""


def new_account_name(text: str) -> str | None:
    """The name in ``new NAME`` (``新建 宝钢``), or None when ``text`` does not ask for one."""
    word, _, name = text.strip().partition(" ")
    if word.casefold() in NEW_WORDS and name.strip():
        return name.strip()
    for prefix in NEW_WORDS[1:]:  # 新建宝钢: Chinese writes it without a space
        if text.startswith(prefix) and text[len(prefix) :].strip():
            return text[len(prefix) :].strip()
    return None


def _account(call: Call) -> Answer:
    rest = call.rest
    if (name := new_account_name(rest)) is not None:
        return call.commands.new_account(call.actor, name)
    if rest.startswith("#") and rest[1:].isdigit():
        return call.commands.account_by_id(call.actor, int(rest[1:]))
    return call.commands.account(call.actor, rest)


def _promise_action(action: str) -> Run:
    def run(call: Call) -> Answer:
        args = call.rest.replace("#", "").split()
        extra_ok = action == "snooze" and len(args) == 2 and args[1].isdigit()
        if not args or not args[0].isdigit() or (len(args) > 1 and not extra_ok):
            return Reply.text(t(f"verb.usage.{action}", call.actor.locale), ok=False)
        days = int(args[1]) if len(args) > 1 else None
        return call.commands.promise_action(call.actor, action, int(args[0]), days)

    return run


UNDO_KINDS = {"visit": "visit", "拜访": "visit", "promise": "promise", "承诺": "promise"}
UNDO_KINDS |= {"price": "price", "价格": "price", "stock": "stock", "库存": "stock"}


def _undo(call: Call) -> Answer:
    """``undo`` alone: the last save; ``undo visit 12`` (``price``, ``stock``, ``promise``): that one."""
    args = call.rest.replace("#", "").split()
    if not args:
        return call.commands.undo_last(call.actor)
    if len(args) != 2 or args[0].lower() not in UNDO_KINDS or not args[1].isdigit():
        return Reply.text(t("verb.usage.undo", call.actor.locale), ok=False)
    return call.commands.undo(call.actor, UNDO_KINDS[args[0].lower()], int(args[1]))


def _help(call: Call) -> Answer:
    raise AssertionError("dispatch answers help from its own table")  # pragma: no cover


CORE: Sequence[Verb] = (
    Verb("visit", ("拜访",), _capture("visit", prefill_visit), "help.verb.visit", capture=True),
    Verb("promise", ("承诺",), _promise, "help.verb.promise", capture=True),
    Verb("price", ("价格",), _capture("price", prefill_price), "help.verb.price", capture=True),
    Verb("stock", ("库存",), _capture("stock", prefill_stock), "help.verb.stock", capture=True),
    Verb("account", ("客户",), _account, "help.verb.account"),
    Verb("accounts", ("客户列表",), lambda c: c.commands.accounts(c.actor, c.rest), "help.verb.accounts"),
    Verb("promises", ("承诺列表",), lambda c: c.commands.my_promises(c.actor), "help.verb.promises"),
    Verb("today", ("day", "今天"), lambda c: c.commands.today(c.actor), "help.verb.today"),
    Verb("done", ("完成",), _promise_action("done"), "help.verb.done"),
    Verb("reopen", ("重开",), _promise_action("reopen"), "help.verb.reopen"),
    Verb("cancel", ("取消",), _promise_action("cancel"), "help.verb.cancel"),
    Verb("snooze", ("推迟",), _promise_action("snooze"), "help.verb.snooze"),
    Verb("undo", ("撤销",), _undo, "help.verb.undo"),
    Verb(
        "settings", ("setting", "设置"), lambda c: c.commands.settings(c.actor, c.rest), "help.verb.settings"
    ),
    Verb("team", ("团队",), lambda c: team(c.services, c.actor, c.rest), "help.verb.team"),
    Verb("calendar", ("日历",), lambda c: calendar(c.services, c.actor, c.rest), "help.verb.calendar"),
    Verb("help", ("kam", "?", "帮助"), _help, "help.verb.help"),
)

CORE_TABLE = VerbTable(list(CORE))
"""The verbs of the handlers alone; ``bootstrap`` extends it with the jobs' previews."""


class ChatServices(Services, Protocol):
    """What a chat surface uses beyond the services: the verbs and the pending drafts."""

    @property
    def verbs(self) -> VerbTable: ...

    @property
    def drafts(self) -> PendingDrafts: ...
