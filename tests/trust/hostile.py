"""Hostile input for every form field and command line, and one function per adapter that
takes what was typed and returns what the user saw.

The strategies know nothing of any platform. ``console_says``, ``slack_*`` and ``teams_*`` below
are the adapters' side: what was typed or submitted in, what the user saw out.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from console_harness import ConsoleHarness
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from slack_harness import SlackDriver, texts, view_of
from teams_harness import TeamsDriver

from kam_bot.domain.enums import Locale
from kam_bot.i18n.catalog import CATALOG

BOUNDED = settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
"""Every hostile-input run: bounded and repeatable, so the suite stays fast and a failure replays."""
QUOTED = re.compile(r"“[^”]*”?|「[^」]*」?")
"""What the user typed, quoted back in a warning: not the bot's language."""

NASTY = [
    "<!channel>",
    "<!here|here>",
    "<@U0ADMIN>",
    "<http://x|y>",
    "<#C123|sales>",
    "9" * 28,
    "-5",
    "-0.0001",
    "1e30",
    "NaN",
    "Infinity",
    "１２３",  # full-width digits
    "٣٫١٤",  # Arabic-Indic digits
    "2026-02-30",
    "31/2",
    "0/0",
    "9999-99-99",
    "\u200b\u200c\u200d\ufeff",
    "\u202eevil\u202c",
    "שלום עולם",
    "مرحبا",
    "宝钢 李伟 报价",
    "😀🚀👍🏽",
    "'; DROP TABLE visits; --",
    '=HYPERLINK("http://x")',
    "\x00\x07",
    "  ",
    "x" * 3001,
    "长" * 3001,
    "<at>Rita Rep</at>",
    "<at>kam-bot</at> digest Steel East",
]
HUGE = ["x" * 100_000, "长" * 34_000]
"""About 100 kB: more than any client would send, not more than a forged request can."""
ALPHABET = st.sampled_from(list("ab Zz09.,;:-/#()<>@!|*_~宝钢李伟报价שלוםمرحبا😀\u200b\u200f\u202e\t"))


def hostile_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Nonsense and hostile text: fixed nasties, random mixes of scripts, and both joined."""
    mixed = st.text(alphabet=ALPHABET, max_size=max_size)
    fixed = st.sampled_from(NASTY)
    return st.one_of(fixed, mixed, st.tuples(fixed, mixed).map(" ".join))


def hostile_date() -> st.SearchStrategy[str]:
    """What a forged date picker could send."""
    return st.one_of(
        st.sampled_from(["2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31", "1900-01-01", "", "x"]),
        st.dates().map(lambda d: d.isoformat()),
    )


COMMANDS = {
    Locale.EN: [
        "visit",
        "promise",
        "price",
        "stock",
        "account",
        "done",
        "snooze",
        "settings",
        "undo",
        "today",
    ],
    Locale.ZH_HANS: ["拜访", "承诺", "价格", "库存", "客户", "done", "snooze", "settings", "今天"],
}
ACCOUNTS = {
    Locale.EN: ["Baosteel", "Sinopec", "Haier", "Nobody Ltd"],
    Locale.ZH_HANS: ["宝钢", "中国石化", "海尔"],
}
CLAUSES = {
    Locale.EN: [
        "met Li Wei",
        "goal: Q3 order - partly",
        "we promise quote by",
        "they promise PO by",
        "price w",
    ],
    Locale.ZH_HANS: ["见了李伟", "目标:三季度订单", "我们承诺", "客户承诺", "价格"],
}


@st.composite
def command_line(draw: st.DrawFn, loc: Locale) -> str:
    """A command as a careless or hostile user types it, in ``loc``'s words."""
    word = draw(st.sampled_from(COMMANDS[loc]))
    account = draw(st.one_of(st.sampled_from(ACCOUNTS[loc]), hostile_text(20)))
    parts = draw(
        st.lists(
            st.one_of(st.sampled_from(CLAUSES[loc]).map(lambda c: c + " "), st.just("")).flatmap(
                lambda c: hostile_text(30).map(lambda h: c + h)
            ),
            max_size=3,
        )
    )
    sep = "; " if loc is Locale.EN else ";"
    return f"{word} {account} {sep.join(parts)}".strip()


# -- what the user saw, and the properties every adapter's answer has ------------------------

LIBRARY_TEXT = re.compile(
    r"should (have|be)|Input should|validation error|pydantic|Decimal input|Value error|type=|Traceback|"
    r"Exception|errors\.pydantic\.dev",
    re.IGNORECASE,
)
CRASH = {t["en"] for k, t in CATALOG.items() if k in {"console.unexpected", "slack.error.unexpected"}} | {
    t["zh-Hans"] for k, t in CATALOG.items() if k in {"console.unexpected", "slack.error.unexpected"}
}
FIELD_LABELS = {
    loc: {
        t[loc.value]
        for k, t in CATALOG.items()
        if k.startswith(("field.", "form.")) and "{" not in t[loc.value]
    }
    for loc in Locale
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def crashed(said: str) -> bool:
    return any(c.split(";")[0].split("。")[0] in said for c in CRASH) or "Traceback" in said


def console_says(harness: ConsoleHarness, line: str, answers: list[str]) -> str:
    """The console adapter: a line and answers to its prompts in, everything printed out."""
    harness.output.clear()
    harness.prompts.clear()
    harness.answers.extend(answers)
    harness.bot.handle(line)
    harness.answers.clear()
    return "\n".join(harness.output)


MENTION = re.compile(r"<[!@#]|<https?:")


def mrkdwn_texts(payload: Any) -> list[str]:
    """Every text Slack would read as mrkdwn (mentions and links live): mrkdwn objects and the
    ``text`` of messages; plain_text and input values show ``<!channel>`` as typed."""
    out: list[str] = []
    if isinstance(payload, dict):
        if (payload.get("type") == "mrkdwn" and isinstance(payload.get("text"), str)) or (
            "blocks" in payload and isinstance(payload.get("text"), str)
        ):
            out.append(payload["text"])
        for key, value in payload.items():
            if key not in {"text", "initial_value"} or not isinstance(value, str):
                out += mrkdwn_texts(value)
    elif isinstance(payload, list):
        for item in payload:
            out += mrkdwn_texts(item)
    return out


def live_mentions(payload: Any) -> list[str]:
    """mrkdwn texts holding an unescaped mention or link the user typed."""
    return [t for t in mrkdwn_texts(payload) if MENTION.search(t)]


async def slack_command_says(slack: SlackDriver, command: str, text: str) -> str:
    """The Slack adapter, a slash command: what came back ephemerally, by DM or in a modal."""
    slack.fake.clear()
    before = asyncio.all_tasks()
    response = await slack.command(command, text)
    assert response.status == 200
    for _ in range(500):  # the listeners this request started, done (not the test's own tasks)
        if all(t.done() for t in asyncio.all_tasks() - before if t is not asyncio.current_task()):
            break
        await asyncio.sleep(0.01)
    seen: list[Any] = [c.args for c in slack.fake.responses]
    seen += [view_of(c) for c in slack.fake.calls_to("views.open") + slack.fake.calls_to("views.update")]
    seen += [c.args for c in slack.fake.calls_to("chat.postMessage")]
    slack.seen = seen  # type: ignore[attr-defined]
    return texts(seen)


_submissions = 0


async def slack_form_says(
    slack: SlackDriver, view: dict[str, Any], changes: dict[str, dict[str, Any]]
) -> tuple[int, dict[str, str]]:
    """The Slack adapter, a modal submitted with ``changes``: the status and the errors per field."""
    global _submissions
    _submissions += 1
    response = await slack.submit(view, changes=changes, view_id=f"V_HOSTILE{_submissions}")
    body = response.json() if response.body else {}
    return response.status, dict((body or {}).get("errors") or {})


# -- Teams: typed lines and card submissions, as signed activities ---------------------------


@dataclass
class TeamsSaid:
    """What one activity got back: the HTTP status and every card the user saw (posted, updated
    in place, or returned by the invoke)."""

    status: int
    cards: list[dict[str, Any]]

    @property
    def texts(self) -> list[str]:
        return [t for card in self.cards for t in card_texts(card)]

    def errors(self) -> dict[str, str]:
        """What to fix, by input id: the Attention text right below an input."""
        out: dict[str, str] = {}
        for card in self.cards:
            body = list(walk_body(card.get("body", [])))
            for before, after in itertools.pairwise(body):
                if str(before.get("type", "")).startswith("Input.") and after.get("color") == "Attention":
                    out[str(before["id"])] = str(after.get("text", ""))
        return out

    def labels(self) -> dict[str, str]:
        return {
            str(n["id"]): str(n.get("label", ""))
            for card in self.cards
            for n in walk_body(card.get("body", []))
            if "id" in n
        }


def walk_body(node: Any) -> Iterator[dict[str, Any]]:
    """A card's elements in document order (containers opened)."""
    if isinstance(node, dict):
        yield node
        for key in ("items", "columns", "body"):
            yield from walk_body(node.get(key, []))
    elif isinstance(node, list):
        for item in node:
            yield from walk_body(item)


def card_texts(card: dict[str, Any]) -> list[str]:
    """Every TextBlock's text (Markdown Teams renders); the inputs hold what was typed, as typed."""
    return [str(n.get("text", "")) for n in walk_body(card.get("body", [])) if n.get("type") == "TextBlock"]


TEAMS_LIVE = re.compile(r"(?<!\\)<(at|!|@)")
"""A mention Teams would read (``<at>``), or Slack syntax left unescaped, in a TextBlock."""


def _cards(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        dict(att["content"])
        for body in bodies
        for att in body.get("attachments") or []
        if att.get("contentType") == "application/vnd.microsoft.card.adaptive"
    ]


async def teams_says(teams: TeamsDriver, text: str) -> TeamsSaid:
    """The Teams adapter, a typed line in the personal chat: every card the bot posted."""
    teams.fake.clear()
    response = await teams.post(teams.activity("message", text=text, textFormat="plain"))
    return TeamsSaid(response.status_code, _cards([c.body for c in teams.fake.sent()]))


async def teams_submits(
    teams: TeamsDriver, data: dict[str, Any], reply_to: str, *, invoke: bool
) -> TeamsSaid:
    """A card's Save: an ``Action.Execute`` invoke (the card comes back in the response) or, from
    clients without it, ``Action.Submit`` (a message whose ``value`` is the data; the card is
    updated in place)."""
    teams.fake.clear()
    if invoke:
        value = {
            "action": {"type": "Action.Execute", "verb": "form.submit", "data": data},
            "trigger": "manual",
        }
        activity = teams.activity("invoke", name="adaptiveCard/action", value=value, replyToId=reply_to)
    else:
        activity = teams.activity("message", value={"verb": "form.submit", **data}, replyToId=reply_to)
    response = await teams.post(activity)
    bodies = [c.body for c in teams.fake.sent()]
    if invoke and response.status_code == 200:
        bodies.append({"attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                                        "content": response.json()["value"]}]})  # fmt: skip
    return TeamsSaid(response.status_code, _cards(bodies))
