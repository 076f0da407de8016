"""`/visit` text -> :class:`VisitDraft`.

The text is cut into segments on ``;`` ``；`` ``。`` and line breaks. The first segment starts
with the account (see :mod:`.account`), possibly after a date or visit kind (``yesterday``,
``phone``) or ``拜访``/``visited``. Each segment then starts with an optional keyword that says
what it is (``met``, ``goal:``, ``we promise``, ``price``, ``competitor``, ``stock``, ``stage:``,
``next visit`` ...; the longest keyword wins). A segment made only of dates, visit kinds and
objectives (``yesterday``, ``phone``, ``collect payment``) sets those. Anything else, and any
piece of a segment that was not understood, goes to ``unplaced`` and into ``summary``: nothing
typed is lost. When a single-valued field (visit date, kind, next visit, stage) is given twice,
the first wins and the later text is kept as unplaced.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from kam_bot.domain.drafts import (
    CompetitorNoteDraft,
    ContactMention,
    ParseProblem,
    PriceDraft,
    PromiseDraft,
    StageDraft,
    StockDraft,
    VisitDraft,
)
from kam_bot.domain.enums import GoalReached, Objective, PriceKind, PromiseDirection, StageKind, VisitKind
from kam_bot.domain.parsing.account import AccountLookup, split_account
from kam_bot.domain.parsing.contacts import CONTACT_KEYWORDS, SEPARATOR_WORDS, parse_contacts
from kam_bot.domain.parsing.dates import (
    DAY_OFFSETS,
    MONTH_NAMES,
    WEEKDAY_NAMES,
    WorkingDay,
    find_due_date,
    leading_date,
    monday_to_friday,
    trailing_date,
)
from kam_bot.domain.parsing.prices import (
    COMPETITOR_KEYWORDS,
    PRICE_KEYWORDS,
    competitor_activity,
    kind_modifier,
    mentions_activity,
    split_competitor_note,
    split_price,
)
from kam_bot.domain.parsing.problems import (
    BAD_DATE,
    MISSING_ACCOUNT,
    MISSING_COMPETITOR,
    MISSING_PRODUCT,
    problem,
    under,
)
from kam_bot.domain.parsing.promises import (
    OURS_KEYWORDS,
    THEIRS_KEYWORDS,
    parse_promise_body,
    split_direction,
    split_promises,
)
from kam_bot.domain.parsing.stages import STAGE_KEYWORDS, parse_stage
from kam_bot.domain.parsing.stock import SHARE_KEYWORDS, STOCK_KEYWORDS, parse_share, parse_stock_body
from kam_bot.domain.parsing.text import (
    LATIN_WORD_CHAR,
    alternation,
    has_cjk,
    keyword_regex,
    split_segments,
    trim,
)
from kam_bot.domain.parsing.visit_words import (
    GOAL_KEYWORDS,
    INTEL_KEYWORDS,
    INTRODUCERS,
    KINDS,
    LEADING_KINDS,
    NEEDS_COLON_KEYWORDS,
    NEEDS_KEYWORDS,
    NEXT_STEP_COLON_KEYWORDS,
    NEXT_STEP_KEYWORDS,
    NEXT_VISIT_KEYWORDS,
    OBJECTIVE_KEYWORDS,
    OBJECTIVES,
    OUTCOME_KEYWORDS,
    OUTCOMES,
    SUMMARY_KEYWORDS,
    find_objectives,
    split_goal,
)

_MODIFIER_SEPARATORS = " \t,，、:：&"
_SEPARATOR_WORDS = keyword_regex(SEPARATOR_WORDS)
_ON_OR_LAST = re.compile(r"(?:on|last)\s")


@dataclass(frozen=True)
class _Modifier:
    typed: str
    kind: VisitKind | None = None
    objective: Objective | None = None
    day: date | None = None


def _is_visit_date_phrase(text: str) -> bool:
    """Dates safe to take from the edge of a longer segment (``Mon`` in ``Mon Chemical`` is not)."""
    folded = text.casefold()
    return (
        _ON_OR_LAST.match(folded) is not None
        or folded in DAY_OFFSETS
        or has_cjk(folded)
        or any(char.isdecimal() for char in folded)
    )


class _Visit:
    """The draft being filled, segment by segment."""

    def __init__(self, today: date, working: WorkingDay = monday_to_friday) -> None:
        self.today = today
        self.working = working
        self.account_query: str | None = None
        self.contacts: list[ContactMention] = []
        self.kind: VisitKind | None = None
        self.visit_date: date | None = None
        self.objectives: list[Objective] = []
        self.goals: list[str] = []
        self.goal_reached: GoalReached | None = None
        self.summaries: list[str] = []
        self.needs: list[str] = []
        self.intel: list[str] = []
        self.next_steps: list[str] = []
        self.next_visit_date: date | None = None
        self.promises: list[PromiseDraft] = []
        self.prices: list[PriceDraft] = []
        self.stocks: list[StockDraft] = []
        self.competitor_notes: list[CompetitorNoteDraft] = []
        self.stage_change: StageDraft | None = None
        self.unplaced: list[str] = []
        self.problems: list[ParseProblem] = []

    # -- assembling -------------------------------------------------------------------

    def draft(self) -> VisitDraft:
        def joined(parts: list[str]) -> str | None:
            return "; ".join(parts) or None

        return VisitDraft(
            account_query=self.account_query,
            contacts=self.contacts,
            kind=self.kind,
            visit_date=self.visit_date,
            objectives=self.objectives,
            goal=joined(self.goals),
            goal_reached=self.goal_reached,
            summary=joined(self.summaries + self.unplaced),
            needs=joined(self.needs),
            competitor_intel=joined(self.intel),
            next_step=joined(self.next_steps),
            next_visit_date=self.next_visit_date,
            promises=self.promises,
            prices=self.prices,
            stocks=self.stocks,
            competitor_notes=self.competitor_notes,
            stage_change=self.stage_change,
            unplaced=self.unplaced,
            problems=self.problems,
        )

    def unplace(self, text: str) -> None:
        text = trim(text)
        if text:
            self.unplaced.append(text)

    def add_objectives(self, objectives: list[Objective]) -> None:
        self.objectives.extend(o for o in objectives if o not in self.objectives)

    def apply(self, modifiers: list[_Modifier]) -> None:
        for modifier in modifiers:
            if modifier.objective is not None:
                self.add_objectives([modifier.objective])
            elif modifier.kind is not None:
                if self.kind is None:
                    self.kind = modifier.kind
                elif self.kind is not modifier.kind:
                    self.unplace(modifier.typed)
            elif modifier.day is not None:
                if self.visit_date is None:
                    self.visit_date = modifier.day
                elif self.visit_date != modifier.day:
                    self.unplace(modifier.typed)

    def modifiers(self, text: str, *, leading: bool) -> tuple[list[_Modifier], str]:
        """Dates, kinds (and, for a whole segment, objectives) at the start of ``text``.

        ``leading``: only what is safe before more text (no bare ``call``, no bare weekday).
        """
        found: list[_Modifier] = []
        kinds = LEADING_KINDS if leading else KINDS
        rest = text
        while len(found) < MAX_MODIFIERS and (rest := rest.lstrip(_MODIFIER_SEPARATORS)):
            if match := kinds.pattern.match(rest):
                found.append(_Modifier(match.group(), kind=kinds.value_of(match.group())))
                rest = rest[match.end() :]
            elif not leading and (match := OBJECTIVES.pattern.match(rest)):
                found.append(_Modifier(match.group(), objective=OBJECTIVES.value_of(match.group())))
                rest = rest[match.end() :]
            elif (span := leading_date(rest, self.today, past=True)) is not None and (
                not leading or _is_visit_date_phrase(span.text)
            ):
                found.append(_Modifier(span.text, day=span.value))
                rest = rest[span.end :]
            else:
                break
        return found, rest

    # -- segments ---------------------------------------------------------------------

    def lead(self, first: str, is_account: AccountLookup | None, *, more: bool) -> str:
        """Take the account (and leading date or kind) off the first segment; return the rest."""
        text = first.strip()
        if text[:1] in ("@", "＠"):
            text = text[1:]
        modifiers, text = self.modifiers(text, leading=True)
        self.apply(modifiers)
        intro = _INTRODUCER.match(text)
        if intro is not None and trim(text[intro.end() :]):
            text = text[intro.end() :]
        split = split_account(text, is_account, keywords=_STOP, whole_text_if_no_keyword=more)
        self.account_query = split.account
        return split.rest

    def segment(self, text: str) -> None:
        text = trim(text)
        if not text or self.dispatch(text):
            return
        modifiers, rest = self.modifiers(text, leading=False)
        if modifiers and not trim(rest):
            self.apply(modifiers)
            return
        modifiers, rest = self.modifiers(text, leading=True)
        if modifiers:
            self.apply(modifiers)
            rest = trim(rest)
            if rest and not self.dispatch(rest):
                self.unplace(rest)
            return
        self.unplace(text)

    def dispatch(self, text: str) -> bool:
        best: tuple[_Rule, re.Match[str]] | None = None
        for rule in _RULES:
            match = rule.pattern.match(text)
            if match is not None and (best is None or match.end() > best[1].end()):
                best = (rule, match)
        if best is None:
            return False
        rule, match = best
        rule.handle(self, text[match.end() :], text)
        return True

    # -- handlers: (body after the keyword, whole segment) ---------------------------------

    def on_contacts(self, body: str, segment: str) -> None:
        span = trailing_date(body, self.today, past=True)
        if span is not None and _is_visit_date_phrase(span.text) and trim(body[: span.start]):
            self.apply([_Modifier(span.text, day=span.value)])
            body = body[: span.start]
        mentions, leftovers = parse_contacts(body)
        if not mentions:
            self.unplace(segment)
            return
        self.contacts.extend(mentions)
        for leftover in leftovers:
            self.unplace(leftover)

    def on_goal(self, body: str, segment: str) -> None:
        goal, outcome = split_goal(body)
        goal = trim(goal)
        if goal:
            self.goals.append(goal)
            self.add_objectives(find_objectives(goal))
        if outcome is not None:
            self.goal_reached = outcome
        if not goal and outcome is None:
            self.unplace(segment)

    def on_outcome(self, body: str, segment: str) -> None:
        outcome = OUTCOMES.value_of(trim(body))
        if outcome is None:
            self.unplace(segment)
        else:
            self.goal_reached = outcome

    def on_promise(self, body: str, segment: str, direction: PromiseDirection | None) -> None:
        """One promise, or several in one line: ``quote by Friday and they promise PO``."""
        while direction is not None:
            body, further = split_promises(body)
            draft, problems = parse_promise_body(body, self.today, direction, self.working)
            if draft is None:
                self.unplace(segment[: len(segment) - len(further)])
            else:
                self.problems.extend(under(f"promises.{len(self.promises)}", problems))
                self.promises.append(draft)
            segment = further
            direction, body = split_direction(further) if further else (None, "")

    def on_price(self, body: str, segment: str, kind: PriceKind) -> None:
        if not trim(body):
            self.unplace(segment)
            return
        modifier, body = kind_modifier(body)
        parts = split_price(body)
        problems = list(parts.problems)
        if not parts.before:
            problems.append(problem("product", trim(body), MISSING_PRODUCT))
        self.problems.extend(under(f"prices.{len(self.prices)}", problems))
        self.prices.append(
            PriceDraft(
                product=parts.before,
                price=parts.amount,
                currency=parts.currency,
                unit=parts.unit,
                kind=modifier or kind,
                note=parts.after or None,
            )
        )

    def on_competitor(self, body: str, segment: str) -> None:
        """``competitor Foo 3.95``: a price for the product of the previous price line.

        Without an amount, or when the words before it say what the competitor did
        (``Foo cut prices to 3.80``, ``巴斯夫降价到28元``), it is a competitor note.
        """
        body = trim(body)
        if not body:
            self.unplace(segment)
            return
        parts = split_price(body)
        if not parts.has_amount_text or len(parts.before.split()) > 4 or mentions_activity(parts.before):
            name, text = split_competitor_note(body)
            self.competitor_notes.append(
                CompetitorNoteDraft(competitor=name, activity=competitor_activity(body), text=text)
            )
            return
        previous = self.prices[-1] if self.prices else None
        product = previous.product if previous is not None else ""
        problems = list(parts.problems)
        if not product:
            problems.append(problem("product", body, MISSING_PRODUCT))
        if not parts.before:
            problems.append(problem("competitor", body, MISSING_COMPETITOR))
        self.problems.extend(under(f"prices.{len(self.prices)}", problems))
        self.prices.append(
            PriceDraft(
                product=product,
                price=parts.amount,
                currency=parts.currency or (previous.currency if previous is not None else None),
                unit=parts.unit or (previous.unit if previous is not None else None),
                kind=PriceKind.COMPETITOR,
                competitor=parts.before or None,
                note=parts.after or None,
            )
        )

    def on_stock(self, body: str, segment: str) -> None:
        parts = parse_stock_body(body)
        if parts.draft is None:
            self.unplace(segment)
            return
        self.problems.extend(under(f"stocks.{len(self.stocks)}", parts.problems))
        self.stocks.append(parts.draft)
        self.unplace(parts.leftover)

    def on_share(self, body: str, segment: str) -> None:
        """``share 30%`` on its own line: our share for the previous stock line."""
        value, problems, rest = parse_share(segment)
        last = self.stocks[-1] if self.stocks else None
        if problems and last is not None:
            self.problems.extend(under(f"stocks.{len(self.stocks) - 1}", problems))
        if value is None or last is None or last.our_share_pct is not None:
            self.unplace(segment)
            return
        last.our_share_pct = value
        self.unplace(rest)

    def on_stage(self, body: str, segment: str, kind: StageKind | None) -> None:
        draft, problems = parse_stage(body, kind)
        self.problems.extend(problems)
        if draft is None or self.stage_change is not None:
            self.unplace(segment)
        else:
            self.stage_change = draft

    def on_next_visit(self, body: str, segment: str) -> None:
        body = trim(body)
        span = find_due_date(body, self.today, self.working) if body else None
        if span is None or span.value is None:
            if body:
                self.problems.append(problem("next_visit_date", span.text if span else body, BAD_DATE))
            self.unplace(segment)
            return
        if self.next_visit_date is not None:
            self.unplace(segment)
            return
        self.next_visit_date = span.value
        rest = trim(body[: span.start] + " " + body[span.end :])
        if rest:
            self.next_steps.append(rest)

    def on_objectives(self, body: str, segment: str) -> None:
        found = find_objectives(body)
        if not found:
            self.unplace(segment)
            return
        self.add_objectives(found)
        leftover = _SEPARATOR_WORDS.sub(" ", OBJECTIVES.pattern.sub(" ", body))
        if re.search(r"\w", leftover):
            self.unplace(leftover)

    def text_field(self, body: str, segment: str, target: list[str]) -> None:
        if trim(body):
            target.append(trim(body))
        else:
            self.unplace(segment)


Handler = Callable[[_Visit, str, str], None]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    """The keyword at the start of a segment, with its optional colon and spaces."""
    anywhere: str
    """The keyword anywhere (where the account name ends in the first segment)."""
    handle: Handler


def _rule(keywords: tuple[str, ...], handle: Handler, *, colon: bool = False) -> _Rule:
    words = alternation(keywords)
    after = r"\s*[:：]" if colon else r"(?:\s*[:：])?"
    return _Rule(re.compile(rf"{words}{after}\s*", re.IGNORECASE), words + (after if colon else ""), handle)


def _text_rule(
    keywords: tuple[str, ...], field: Callable[[_Visit], list[str]], *, colon: bool = False
) -> _Rule:
    return _rule(keywords, lambda v, body, seg: v.text_field(body, seg, field(v)), colon=colon)


def _price_rule(kind: PriceKind) -> _Rule:
    return _rule(PRICE_KEYWORDS[kind], lambda v, body, seg: v.on_price(body, seg, kind))


def _stage_rule(kind: StageKind | None) -> _Rule:
    return _rule(STAGE_KEYWORDS[kind], lambda v, body, seg: v.on_stage(body, seg, kind))


def _promise_rule(keywords: tuple[str, ...], direction: PromiseDirection) -> _Rule:
    return _rule(keywords, lambda v, body, seg: v.on_promise(body, seg, direction))


_RULES: tuple[_Rule, ...] = (
    _rule(CONTACT_KEYWORDS, _Visit.on_contacts),
    _rule(GOAL_KEYWORDS, _Visit.on_goal),
    _rule(OUTCOME_KEYWORDS, _Visit.on_outcome),
    _promise_rule(OURS_KEYWORDS, PromiseDirection.OURS),
    _promise_rule(THEIRS_KEYWORDS, PromiseDirection.THEIRS),
    *(_price_rule(kind) for kind in PRICE_KEYWORDS),
    _rule(COMPETITOR_KEYWORDS, _Visit.on_competitor),
    _rule(STOCK_KEYWORDS, _Visit.on_stock),
    _rule(SHARE_KEYWORDS, _Visit.on_share),
    *(_stage_rule(kind) for kind in STAGE_KEYWORDS),
    _rule(NEXT_VISIT_KEYWORDS, _Visit.on_next_visit),
    _rule(OBJECTIVE_KEYWORDS, _Visit.on_objectives),
    _text_rule(NEEDS_KEYWORDS, lambda v: v.needs),
    _text_rule(NEEDS_COLON_KEYWORDS, lambda v: v.needs, colon=True),
    _text_rule(NEXT_STEP_KEYWORDS, lambda v: v.next_steps),
    _text_rule(NEXT_STEP_COLON_KEYWORDS, lambda v: v.next_steps, colon=True),
    _text_rule(SUMMARY_KEYWORDS, lambda v: v.summaries),
    _text_rule(INTEL_KEYWORDS, lambda v: v.intel),
)

_INTRODUCER = keyword_regex(INTRODUCERS)
_LWC = LATIN_WORD_CHAR
_STOP = re.compile(
    "|".join(
        [rule.anywhere for rule in _RULES]
        + [
            LEADING_KINDS.pattern.pattern,
            alternation(DAY_OFFSETS),
            rf"(?<!{_LWC})(?:on|last)\s+(?:{alternation([*WEEKDAY_NAMES, *MONTH_NAMES])}|\d)",
            r"(?:上|这|本|下)?(?:周|星期|礼拜)[一二三四五六日天]",
        ]
    ),
    re.IGNORECASE,
)
"""Where the account name ends in the first segment: the first keyword or date word."""


MAX_SEGMENTS = 40
MAX_MODIFIERS = 6
"""A visit line has a handful of parts and a date or two in front of each; past these bounds
the rest is kept as typed (in the summary), so a hostile line costs no more than a long one."""


def parse_visit(
    text: str, *, today: date, is_account: AccountLookup | None = None, working: WorkingDay = monday_to_friday
) -> VisitDraft:
    """Prefill a visit from what was typed after `/visit` (see the module docstring); ``working``
    tells the user's working days (``within 3 working days``)."""
    visit = _Visit(today, working)
    segments = split_segments(text)
    if not segments:
        return visit.draft()
    first, *others = segments
    visit.segment(visit.lead(first, is_account, more=bool(others)))
    for segment in others[:MAX_SEGMENTS]:
        visit.segment(segment)
    visit.unplace("; ".join(others[MAX_SEGMENTS:]))  # read as typed, kept in the summary
    if visit.account_query is None:
        visit.problems.insert(0, problem("account", "", MISSING_ACCOUNT))
    return visit.draft()
