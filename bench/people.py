"""Row builders for the company itself: teams, users, accounts, contacts, the price list."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from bench import vocab
from bench.generate import ADMINS, CONTACT_ROLES, FUNNEL, PROCUREMENT, TIERS, Row, _rng, _utc, _weighted
from kam_bot.domain.matching import fold

if TYPE_CHECKING:
    from bench.generate import Dataset


def teams(ds: Dataset) -> Iterator[Row]:
    for t, (zone, _) in enumerate(ds.team_zones):
        region, number = vocab.REGIONS[t % len(vocab.REGIONS)], t // len(vocab.REGIONS) + 1
        name = f"{region} {number:02d} ({zone.split('/')[-1]})"
        yield (t + 1, name, zone)


def team_destinations(ds: Dataset) -> Iterator[Row]:
    """Every team's digest goes to its own Slack channel."""
    for t in range(ds.n_teams):
        yield (t + 1, t + 1, "slack", f"C{t + 1:08d}")


def users(ds: Dataset) -> Iterator[Row]:
    rng = _rng(ds.cfg, "users")
    today = ds.cfg.as_of.date()
    for uid in range(1, ADMINS + 1):
        yield (
            uid,
            f"admin{uid}@example.com",
            f"Admin {uid}",
            "UTC",
            "en",
            "admin",
            None,
            None,
            None,
            time(8, 30),
        )
    for t, reps in enumerate(ds.team_reps):
        zone = ds.team_zones[t][0]
        manager = reps[0] - 1
        for uid in [manager, *reps]:
            first, last = rng.choice(vocab.FIRST_NAMES), rng.choice(vocab.LAST_NAMES)
            locale = "zh-Hans" if zone == "Asia/Shanghai" and rng.random() < 0.5 else "en"
            away = today + timedelta(days=rng.randint(1, 14)) if rng.random() < 0.02 else None
            remind = _weighted(rng, (time(8, 30), time(8, 0), time(9, 0)), (0.8, 0.1, 0.1))
            role = "manager" if uid == manager else "rep"
            boss = None if uid == manager else manager
            email = f"{first.lower()}.{last.lower()}.{uid}@example.com"
            yield (uid, email, f"{first} {last}", zone, locale, role, boss, t + 1, away, remind)


def identities(ds: Dataset) -> Iterator[Row]:
    for uid in range(1, ADMINS + ds.n_teams + ds.n_reps + 1):
        yield (uid, uid, "slack", slack_id(uid))


def slack_id(user_id: int) -> str:
    """The Slack user id the generator gives a user (``U`` and the zero-padded user id)."""
    return f"U{user_id:08d}"


def account_names(ds: Dataset) -> list[tuple[str, list[str]]]:
    """(name, aliases) per account; names fold to distinct keys, aliases may collide (as in life)."""
    rng = _rng(ds.cfg, "account-names")
    heads, places, trades = vocab.NAME_HEADS, vocab.NAME_PLACES, vocab.NAME_TRADES
    en_space = len(heads) * len(places) * len(trades)
    zh_space = len(vocab.ZH_PLACES) * len(vocab.ZH_HEADS) ** 2 * len(vocab.ZH_TAILS)
    en_codes = iter(rng.sample(range(en_space), min(en_space, ds.n_accounts)))
    zh_codes = iter(rng.sample(range(zh_space), min(zh_space, ds.n_accounts)))
    seen: set[str] = set()
    out: list[tuple[str, list[str]]] = []
    for i in range(ds.n_accounts):
        chinese = ds.team_zones[ds.accounts.team[i]][0] == "Asia/Shanghai" and rng.random() < 0.25
        name, aliases = (
            _zh_name(rng, next(zh_codes, None)) if chinese else _en_name(rng, next(en_codes, None))
        )
        while fold(name) in seen or not fold(name):
            name = f"{name} {rng.randint(2, 999)}"
        seen.add(fold(name))
        out.append((name, aliases))
    return out


def _en_name(rng: random.Random, code: int | None) -> tuple[str, list[str]]:
    heads, places, trades = vocab.NAME_HEADS, vocab.NAME_PLACES, vocab.NAME_TRADES
    if code is None:
        code = rng.randrange(len(heads) * len(places) * len(trades))
    code, h = divmod(code, len(heads))
    tr, p = divmod(code, len(places))
    head, place, trade = heads[h], places[p], trades[tr]
    name = f"{head} {place} {trade} {rng.choice(vocab.LEGAL_SUFFIXES)}".strip()
    aliases: list[str] = []
    r = rng.random()
    if r < 0.15:
        aliases = [f"{head} {trade}"]
    elif r < 0.25:
        aliases = [f"{head[0]}{place[0]}{trade[0]}"]
    elif r < 0.30:
        aliases = [f"{head} {trade}", f"{head}{place[:3]}"]
    return name, aliases


def _zh_name(rng: random.Random, code: int | None) -> tuple[str, list[str]]:
    places, heads, tails = vocab.ZH_PLACES, vocab.ZH_HEADS, vocab.ZH_TAILS
    if code is None:
        code = rng.randrange(len(places) * len(heads) ** 2 * len(tails))
    code, p = divmod(code, len(places))
    code, h1 = divmod(code, len(heads))
    tl, h2 = divmod(code, len(heads))
    short = f"{heads[h1]}{heads[h2]}{tails[tl]}"
    name = f"{places[p]}{short}{rng.choice(vocab.ZH_SUFFIXES)}"
    return name, [short] if rng.random() < 0.4 else []


def accounts(ds: Dataset) -> Iterator[Row]:
    rng = _rng(ds.cfg, "account-rows")
    acc = ds.accounts
    for i, (name, aliases) in enumerate(ds.account_names):
        tier = TIERS[acc.tier[i]][0]
        own_cadence = rng.choice((7, 10, 21, 45)) if rng.random() < 0.05 else None
        created = _utc(acc.created[i])
        updated = _utc(min(ds.as_of_ts - 60, max(acc.created[i], acc.visit_end[i])))
        industry = rng.choice(vocab.INDUSTRIES)
        funnel = _weighted(rng, FUNNEL, (0.1, 0.3, 0.25, 0.35))
        intention = _weighted(rng, ("clear", "unclear", "none", None), (0.35, 0.3, 0.1, 0.25))
        power = _weighted(rng, ("strong", "weak", "not_now", None), (0.35, 0.3, 0.1, 0.25))
        procurement = rng.choice(PROCUREMENT) if rng.random() < 0.6 else None
        archived = rng.random() < 0.02
        yield (
            i + 1,
            name,
            fold(name),
            aliases,
            acc.owner[i],
            acc.team[i] + 1,
            industry,
            tier,
            funnel,
            intention,
            power,
            procurement,
            own_cadence,
            created,
            updated,
            archived,
        )


def contacts(ds: Dataset) -> Iterator[Row]:
    rng = _rng(ds.cfg, "contacts")
    acc = ds.accounts
    for i in range(ds.n_accounts):
        for k in range(acc.n_contacts[i]):
            first, last = rng.choice(vocab.FIRST_NAMES), rng.choice(vocab.LAST_NAMES)
            met_ts = rng.randint(min(acc.created[i], acc.visit_end[i]), max(acc.created[i], acc.visit_end[i]))
            last_met = _utc(met_ts).date() if rng.random() < 0.8 else None
            yield (
                acc.first_contact[i] + k,
                i + 1,
                f"{first} {last}",
                rng.choice(vocab.TITLES),
                rng.choice(vocab.DEPARTMENTS),
                rng.choice(CONTACT_ROLES),
                _weighted(rng, ("supporter", "neutral", "opponent", None), (0.35, 0.35, 0.1, 0.2)),
                rng.randint(1, 5) if rng.random() < 0.8 else None,
                last_met,
                rng.choice(vocab.PERSONAL_NOTES),
            )


def price_list(ds: Dataset) -> Iterator[Row]:
    """Two entries per product: last year's price and this year's (valid from 1 January)."""
    year = ds.cfg.as_of.year
    n = len(ds.products)
    for k, (product, unit, price, currency) in enumerate(ds.products):
        old = (price * _OLD_FACTOR).quantize(price)
        yield (k + 1, product, old, currency, unit, date(year - 1, 1, 1), "last year's list")
        yield (n + k + 1, product, price, currency, unit, date(year, 1, 1), None)


_OLD_FACTOR = Decimal("0.95")
