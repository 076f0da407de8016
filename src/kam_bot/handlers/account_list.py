"""``accounts [TEXT]`` as a neutral reply: one line per account, tier, stage, days since the visit."""

from __future__ import annotations

from kam_bot.domain.enums import Locale
from kam_bot.handlers.render import enum_label
from kam_bot.handlers.replies import Action, Line, Reply, Section, bold, user
from kam_bot.i18n import t
from kam_bot.services.account_list import AccountRow


def account_row_line(row: AccountRow, loc: Locale) -> Line:
    a = row.account
    if row.days_since_visit is None:
        visited = t("card.never_visited", loc)
    elif row.days_since_visit == 0:
        visited = t("accounts.today", loc)
    else:
        visited = t("accounts.days_since", loc, days=row.days_since_visit)
    overdue = f" · {t('card.overdue', loc, days=row.days_overdue)}" if row.days_overdue else ""
    return Line.of(
        bold(f"#{a.id}"),
        " ",
        user(a.name),
        " · ",
        t("card.tier", loc, tier=a.tier.value),
        " · ",
        enum_label("funnel_stage", a.funnel_stage.value, loc),
        " · ",
        visited,
        overdue,
    )


def account_list(rows: list[AccountRow], query: str, loc: Locale) -> Reply:
    query = query.strip()
    if not rows:
        key = "accounts.none_matching" if query else "accounts.none_mine"
        return Reply.text(t(key, loc, query=query), ok=bool(not query))
    title = t("accounts.matching", loc, query=query) if query else t("accounts.mine", loc)
    lines = [account_row_line(r, loc) for r in rows]
    actions = [
        Action(action_id="account.open", label=r.account.name, value=str(r.account.id)) for r in rows[:5]
    ]
    return Reply(
        title=title,
        sections=[Section(lines=lines)],
        actions=actions,
    )
