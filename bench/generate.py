"""A deterministic, seeded large company: same config and seed, same rows, row for row.

At ``scale=1``: 100 teams, 2,000 reps (20 per team, each team with a manager), 20,000
accounts with 3-7 contacts each, 1,000,000 visits over three years, 300,000 promises in
both directions (most old ones kept, a realistic tail overdue, some snoozed), 1,200,000
price and 800,000 stock observations, competitor notes, stage changes and a price list.

``scale`` multiplies everything (company size); ``history`` multiplies only the history
(visits, promises, observations, notes, stage changes) by stretching the period back in
time, so that the open work of a day stays the same while the tables grow: that is the
growth a well-indexed reminder planner must not feel.

Rows are plain tuples in the column order of ``COLUMNS`` with Python values (aware UTC
datetimes, dates, Decimals, lists for JSON), in foreign-key order, ids from 1. Every random
choice comes from a ``random.Random`` seeded by (seed, stream name) and no set or dict of
strings is iterated, so the output does not depend on PYTHONHASHSEED.
"""

from __future__ import annotations

import hashlib
import inspect
import random
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from functools import cache, cached_property
from typing import Any

from bench import vocab
from kam_bot.domain.matching import fold

GENERATOR_VERSION = 4
AS_OF = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
"""The data's "now" (a Monday): the newest visit is before it, reminders are planned for this day."""

BASE = {
    "teams": 100,
    "reps": 2_000,
    "accounts": 20_000,
    "visits": 1_000_000,
    "promises": 300_000,
    "price_observations": 1_200_000,
    "inventory_observations": 800_000,
    "competitor_notes": 50_000,
    "stage_changes": 30_000,
}
HISTORY_TABLES = (
    "visits",
    "promises",
    "price_observations",
    "inventory_observations",
    "competitor_notes",
    "stage_changes",
)
YEARS = 3
ADMINS = 2
DAY = 86_400
_KEY = 4_194_304
"""Visits are sorted as ``ts * _KEY + account index`` (account indexes stay below it)."""
Row = tuple[Any, ...]

COLUMNS: dict[str, tuple[str, ...]] = {
    "teams": ("id", "name", "timezone"),
    "team_destinations": ("id", "team_id", "platform", "address"),
    "users": (
        "id",
        "email",
        "display_name",
        "timezone",
        "locale",
        "role",
        "manager_id",
        "team_id",
        "away_until",
        "reminder_time",
    ),
    "user_identities": ("id", "user_id", "platform", "external_id"),
    "accounts": (
        "id",
        "name",
        "search_key",
        "aliases",
        "owner_id",
        "team_id",
        "industry",
        "tier",
        "funnel_stage",
        "intention",
        "power",
        "procurement_stage",
        "visit_cadence_days",
        "created_at",
        "updated_at",
        "archived",
    ),
    "account_aliases": ("id", "account_id", "search_key"),
    "contacts": (
        "id",
        "account_id",
        "name",
        "title",
        "department",
        "role",
        "attitude",
        "relationship_strength",
        "last_met",
        "personal_notes",
    ),
    "price_list": ("id", "product", "price", "currency", "unit", "valid_from", "note"),
    "visits": (
        "id",
        "account_id",
        "rep_id",
        "visited_at",
        "kind",
        "contact_ids",
        "objectives",
        "goal",
        "goal_reached",
        "summary",
        "needs",
        "competitor_intel",
        "next_step",
        "next_visit_date",
        "created_at",
        "submission_key",
    ),
    "stage_changes": (
        "id",
        "account_id",
        "visit_id",
        "kind",
        "from_stage",
        "to_stage",
        "changed_by",
        "changed_at",
    ),
    "promises": (
        "id",
        "account_id",
        "visit_id",
        "direction",
        "owner_id",
        "contact_id",
        "text",
        "due_date",
        "status",
        "done_at",
        "snoozed_until",
        "created_at",
    ),
    "promise_events": ("id", "promise_id", "kind", "at", "actor_id", "detail"),
    "price_observations": (
        "id",
        "account_id",
        "product",
        "price",
        "currency",
        "unit",
        "kind",
        "competitor",
        "observed_at",
        "visit_id",
        "note",
        "recorded_by",
    ),
    "inventory_observations": (
        "id",
        "account_id",
        "product",
        "quantity",
        "unit",
        "our_share_pct",
        "movement",
        "observed_at",
        "visit_id",
        "recorded_by",
    ),
    "competitor_notes": (
        "id",
        "account_id",
        "competitor",
        "activity",
        "text",
        "observed_at",
        "visit_id",
        "recorded_by",
    ),
}
TABLE_ORDER = tuple(COLUMNS)
"""Foreign-key order: load in this order, delete in reverse."""

TIERS = (("A", 0.2, 14, 4.3), ("B", 0.5, 30, 2.0), ("C", 0.3, 60, 1.0))
"""(tier, share of accounts, default cadence days, relative visit rate)."""
FUNNEL = ("target_market", "potential", "target_customer", "customer")
PROCUREMENT = (
    "need_identified",
    "info_gathering",
    "project_approved",
    "criteria_set",
    "evaluation",
    "preferred_supplier",
    "negotiation",
    "contract_signed",
    "delivery",
    "after_sales",
)
OBJECTIVES = (
    "increase_order",
    "introduce_product",
    "new_customer_order",
    "collect_payment",
    "handle_complaint",
    "convey_policy",
    "build_relationship",
)
CONTACT_ROLES = (
    "decision_maker",
    "influencer",
    "technical_evaluator",
    "purchaser",
    "user",
    "gatekeeper",
    "coach",
)


@dataclass(frozen=True)
class GenConfig:
    seed: int = 20261123
    scale: float = 1.0
    history: float = 1.0
    as_of: datetime = AS_OF

    def count(self, table: str) -> int:
        """Rows of a table given directly by the config (teams, reps, accounts and history)."""
        factor = self.scale * (self.history if table in HISTORY_TABLES else 1.0)
        return max(1, round(BASE[table] * factor))

    def recent_count(self, table: str) -> int:
        """Rows of a history table in the last three years: the same whatever ``history`` is."""
        return max(1, round(BASE[table] * self.scale))

    @property
    def span_days(self) -> int:
        return max(30, round(YEARS * 365 * max(1.0, self.history)))

    def fingerprint(self) -> str:
        """Names the data: generator version, seed, scale, history, day, and what the rows depend on
        outside this package (the schema revision and ``matching.fold``, which made the search keys)."""
        return (
            f"v{GENERATOR_VERSION}-seed{self.seed}-s{self.scale:g}-h{self.history:g}-{self.as_of:%Y%m%d}"
            f"-{_dependencies()}"
        )


@dataclass(frozen=True)
class TableData:
    name: str
    columns: tuple[str, ...]
    count: Callable[[], int]
    rows: Callable[[], Iterator[Row]]


@dataclass
class _Accounts:
    owner: array[int] = field(default_factory=lambda: array("i"))
    team: array[int] = field(default_factory=lambda: array("i"))
    tier: array[int] = field(default_factory=lambda: array("b"))
    cadence: array[int] = field(default_factory=lambda: array("i"))
    created: array[int] = field(default_factory=lambda: array("q"))
    first_contact: array[int] = field(default_factory=lambda: array("i"))
    n_contacts: array[int] = field(default_factory=lambda: array("i"))
    rate: array[float] = field(default_factory=lambda: array("d"))
    visit_end: array[int] = field(default_factory=lambda: array("q"))


@dataclass
class _Visits:
    ts: array[int] = field(default_factory=lambda: array("q"))
    account: array[int] = field(default_factory=lambda: array("i"))
    rep: array[int] = field(default_factory=lambda: array("i"))


@cache
def _dependencies() -> str:
    """A short digest of the schema's head revision and the source of ``kam_bot.domain.matching``."""
    from kam_bot.domain import matching
    from kam_bot.store.engine import head_revision

    source = inspect.getsource(matching)
    return hashlib.sha1(f"{head_revision()}|{source}".encode()).hexdigest()[:8]


def _rng(cfg: GenConfig, stream: str) -> random.Random:
    return random.Random(f"{cfg.seed}/{stream}")


def _utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _weighted(rng: random.Random, options: Sequence[Any], weights: Sequence[float]) -> Any:
    return rng.choices(options, weights)[0]


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, exactly (largest remainder)."""
    s = sum(weights)
    if s <= 0:
        return [0] * len(weights)
    raw = [total * w / s for w in weights]
    out = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


class Dataset:
    """The rows of one generated company; heavy parts are computed once, on first use."""

    def __init__(self, cfg: GenConfig) -> None:
        self.cfg = cfg
        self.as_of_ts = int(cfg.as_of.timestamp())
        self.start_ts = self.as_of_ts - YEARS * 365 * DAY
        """Start of the recent three years; older history (``history`` > 1) lies before it."""
        self.old_start_ts = self.as_of_ts - cfg.span_days * DAY
        self.n_teams = cfg.count("teams")
        self.n_reps = max(self.n_teams, cfg.count("reps"))
        self.n_accounts = max(self.n_reps, cfg.count("accounts"))
        self.n_recent_visits = 0

    # -- the plan: people and accounts ------------------------------------------------

    @cached_property
    def team_zones(self) -> list[tuple[str, int]]:
        rng = _rng(self.cfg, "teams")
        return [rng.choice(vocab.TEAM_ZONES) for _ in range(self.n_teams)]

    @cached_property
    def team_reps(self) -> list[list[int]]:
        """Rep user ids per team. Ids: admins, then per team its manager and its reps."""
        per_team = _allocate(self.n_reps, [1.0] * self.n_teams)
        out: list[list[int]] = []
        next_id = ADMINS + 1
        for n in per_team:
            out.append(list(range(next_id + 1, next_id + 1 + n)))
            next_id += 1 + n
        return out

    def manager_of_team(self, team: int) -> int:
        return self.team_reps[team][0] - 1

    @cached_property
    def user_team(self) -> dict[int, int]:
        return {uid: t for t, reps in enumerate(self.team_reps) for uid in [reps[0] - 1, *reps]}

    @cached_property
    def accounts(self) -> _Accounts:
        rng = _rng(self.cfg, "accounts")
        acc = _Accounts()
        reps = [(t, uid) for t, ids in enumerate(self.team_reps) for uid in ids]
        next_contact = 1
        for i in range(self.n_accounts):
            team, owner = reps[i % len(reps)] if i < len(reps) else rng.choice(reps)
            tier = _weighted(rng, range(len(TIERS)), [t[1] for t in TIERS])
            _, _, cadence, rate = TIERS[tier]
            created = self.as_of_ts - rng.randint(30, (YEARS + 2) * 365) * DAY
            n_contacts = rng.randint(3, 7)
            neglected = rng.random() < 0.06
            gap = rng.uniform(cadence * 2, 400) if neglected else rng.expovariate(1 / (0.3 * cadence))
            acc.owner.append(owner)
            acc.team.append(team)
            acc.tier.append(tier)
            acc.cadence.append(cadence)
            acc.created.append(created)
            acc.first_contact.append(next_contact)
            acc.n_contacts.append(n_contacts)
            acc.rate.append(rate * rng.lognormvariate(0, 0.3))
            acc.visit_end.append(self.as_of_ts - int(gap * DAY) - rng.randint(3600, 6 * 3600))
            next_contact += n_contacts
        return acc

    @cached_property
    def products(self) -> list[tuple[str, str, Decimal, str]]:
        """(product, unit, list price, currency) for the price list and the observations."""
        rng = _rng(self.cfg, "products")
        out = []
        for family, unit in vocab.PRODUCT_FAMILIES:
            base = rng.uniform(20, 8000)
            for grade in vocab.PRODUCT_GRADES:
                price = Decimal(round(base * rng.uniform(0.8, 1.3), 2)).quantize(Decimal("0.01"))
                out.append((f"{family} {grade}", unit, price, rng.choice(vocab.CURRENCIES)))
        return out

    # -- the plan: history ------------------------------------------------------------

    @cached_property
    def visits(self) -> _Visits:
        """Visits sorted by time: the recent three years, then the older history (if any).

        Recent visits follow each account's cadence over its active window (jittered), exactly
        as with ``history=1``; older ones are spread evenly over the years before, on accounts
        drawn by their visit rate (history imported when the company adopted the bot). So a
        dataset with more history holds the same recent rows, with the same ids, plus older ones.
        """
        rng = _rng(self.cfg, "visits-plan")
        acc = self.accounts
        windows = [
            (max(self.start_ts, acc.created[i] + DAY), acc.visit_end[i]) for i in range(self.n_accounts)
        ]
        weights = [acc.rate[i] * max(0, end - start) / DAY for i, (start, end) in enumerate(windows)]
        counts = _allocate(self.cfg.recent_count("visits"), weights)
        keys = array("q")
        for i, n in enumerate(counts):
            start, end = windows[i]
            offset = self.team_zones[acc.team[i]][1]
            step = (end - start) / max(1, n)
            for j in range(n):
                day = int(start + (j + 0.5 + rng.uniform(-0.4, 0.4)) * step) // DAY
                local = rng.randint(8 * 3600, 18 * 3600)
                ts = min(end, max(start, day * DAY + local - offset * 3600))
                keys.append(ts * _KEY + i)
        visits = _Visits()
        self._add_visits(visits, keys, rng)
        self.n_recent_visits = len(visits.ts)
        older = self.cfg.count("visits") - self.n_recent_visits
        if older > 0:
            rng = _rng(self.cfg, "visits-older")
            picks = rng.choices(range(self.n_accounts), weights=list(acc.rate), k=older)
            keys = array("q", (rng.randrange(self.old_start_ts, self.start_ts) * _KEY + i for i in picks))
            self._add_visits(visits, keys, rng)
        return visits

    def _add_visits(self, visits: _Visits, keys: array[int], rng: random.Random) -> None:
        acc = self.accounts
        for key in sorted(keys):
            ts, i = divmod(key, _KEY)
            visits.ts.append(ts)
            visits.account.append(i)
            owner = acc.owner[i]
            visits.rep.append(owner if rng.random() < 0.92 else rng.choice(self.team_reps[acc.team[i]]))

    def _history_points(self, table: str, stream: str, on_visit: float) -> list[tuple[int, int, int]]:
        """(ts, visit index or -1, account index) for a history table: the recent rows sorted by
        time, then the older ones. A row not on a visit is near one (same density over time)."""
        v = self.visits
        recent = self._points(
            _rng(self.cfg, stream),
            self.cfg.recent_count(table),
            on_visit,
            0,
            self.n_recent_visits,
            self.start_ts,
        )
        older = self.cfg.count(table) - len(recent)
        if older > 0 and len(v.ts) > self.n_recent_visits:
            rng = _rng(self.cfg, f"{stream}/older")
            recent += self._points(rng, older, on_visit, self.n_recent_visits, len(v.ts), self.old_start_ts)
        return recent

    def _points(
        self, rng: random.Random, total: int, on_visit: float, lo: int, hi: int, since: int
    ) -> list[tuple[int, int, int]]:
        v = self.visits
        points: list[tuple[int, int, int]] = []
        for _ in range(total):
            if hi <= lo:
                i = rng.randrange(self.n_accounts)
                points.append((self.as_of_ts - rng.randint(3600, 30 * DAY), -1, i))
                continue
            k = rng.randrange(lo, hi)
            i = v.account[k]
            if rng.random() < on_visit:
                points.append((v.ts[k] + rng.randint(60, 7200), k, i))
            else:
                ts = v.ts[k] + rng.randint(-15 * DAY, 15 * DAY)
                points.append((min(max(since, ts), self.as_of_ts - 3600), -1, i))
        points.sort()
        return points

    @cached_property
    def promise_rows(self) -> list[Row]:
        return list(_promises(self))

    # -- tables ------------------------------------------------------------------------

    def tables(self) -> list[TableData]:
        from bench import history, people  # the row builders; they need the plan above

        builders: dict[str, tuple[Callable[[], int], Callable[[], Iterator[Row]]]] = {
            "teams": (lambda: self.n_teams, lambda: people.teams(self)),
            "team_destinations": (lambda: self.n_teams, lambda: people.team_destinations(self)),
            "users": (lambda: ADMINS + self.n_teams + self.n_reps, lambda: people.users(self)),
            "user_identities": (lambda: ADMINS + self.n_teams + self.n_reps, lambda: people.identities(self)),
            "accounts": (lambda: self.n_accounts, lambda: people.accounts(self)),
            "account_aliases": (lambda: len(self.alias_rows), lambda: iter(self.alias_rows)),
            "contacts": (
                lambda: sum(self.accounts.n_contacts),
                lambda: people.contacts(self),
            ),
            "price_list": (lambda: 2 * len(self.products), lambda: people.price_list(self)),
            "visits": (lambda: self.cfg.count("visits"), lambda: history.visits(self)),
            "stage_changes": (lambda: self.cfg.count("stage_changes"), lambda: history.stage_changes(self)),
            "promises": (lambda: len(self.promise_rows), lambda: iter(self.promise_rows)),
            "promise_events": (
                lambda: history.promise_event_count(self),
                lambda: history.promise_events(self),
            ),
            "price_observations": (
                lambda: self.cfg.count("price_observations"),
                lambda: history.prices(self),
            ),
            "inventory_observations": (
                lambda: self.cfg.count("inventory_observations"),
                lambda: history.stocks(self),
            ),
            "competitor_notes": (
                lambda: self.cfg.count("competitor_notes"),
                lambda: history.competitor_notes(self),
            ),
        }
        return [TableData(name, COLUMNS[name], *builders[name]) for name in TABLE_ORDER]

    @cached_property
    def account_names(self) -> list[tuple[str, list[str]]]:
        from bench import people

        return people.account_names(self)

    @cached_property
    def alias_rows(self) -> list[Row]:
        rows: list[Row] = []
        for i, (name, aliases) in enumerate(self.account_names):
            key = fold(name)
            for alias_key in sorted({fold(a) for a in aliases} - {"", key}):
                rows.append((len(rows) + 1, i + 1, alias_key))
        return rows


def _promises(ds: Dataset) -> Iterator[Row]:
    """Promises in creation order, with a realistic status mix by how long ago they were due."""
    rng = _rng(ds.cfg, "promises")
    acc = ds.accounts
    today = ds.cfg.as_of.date()
    points = ds._history_points("promises", "promise-points", on_visit=0.8)
    for pid, (ts, visit, i) in enumerate(points, start=1):
        ts = min(ts, ds.as_of_ts - 60)
        created = _utc(ts)
        due = created.date() + timedelta(days=rng.choice((1, 2, 3, 5, 7, 7, 10, 14, 14, 21, 30)))
        age = (today - due).days
        if age > 365:  # a year overdue: every team has closed or cancelled it by now
            status = _weighted(rng, ("done", "cancelled"), (0.93, 0.07))
        elif age > 60:
            status = _weighted(rng, ("done", "cancelled", "open"), (0.93, 0.05, 0.02))
        elif age > 0:
            open_p = 0.6 - 0.5 * age / 60
            status = _weighted(
                rng, ("open", "done", "cancelled"), (open_p, 0.95 * (1 - open_p), 0.05 * (1 - open_p))
            )
        else:
            status = _weighted(rng, ("open", "done", "cancelled"), (0.85, 0.13, 0.02))
        done_at = None
        if status != "open":
            latest = min(ds.as_of_ts - 60, int(datetime.combine(due, time(18), UTC).timestamp()) + 10 * DAY)
            done_at = _utc(rng.randint(ts, max(ts, latest)))
        snoozed = None
        if status == "open" and age > 0:
            r = rng.random()
            if r < 0.10:
                snoozed = today + timedelta(days=rng.randint(1, 10))
            elif r < 0.15:
                snoozed = today - timedelta(days=rng.randint(1, 20))
        ours = rng.random() < 0.65
        text = rng.choice(vocab.PROMISE_OURS if ours else vocab.PROMISE_THEIRS)
        contact = acc.first_contact[i] + rng.randrange(acc.n_contacts[i]) if rng.random() < 0.6 else None
        yield (
            pid,
            i + 1,
            visit + 1 if visit >= 0 else None,
            "ours" if ours else "theirs",
            acc.owner[i],
            contact,
            text,
            due,
            status,
            done_at,
            snoozed,
            created,
        )
