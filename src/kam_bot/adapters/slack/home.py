"""The App Home tab: my day (open promises with buttons, my accounts by how overdue their visit is,
and the visits I planned). Published when the tab opens and after every change made in the app.

Budget (a Home tab holds 100 blocks): promises take 2 blocks each and get at most
``PROMISE_BLOCKS``; each account is one section with an Open button, at most ``ACCOUNTS``;
planned visits are lines of one section.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack.blocks import (
    VIEW_BLOCKS,
    button,
    clip,
    context,
    escape,
    mrkdwn_section,
    promise_blocks,
)
from kam_bot.adapters.slack.forms.builder import FormBuilder
from kam_bot.adapters.slack.plain import plain
from kam_bot.domain.enums import Locale
from kam_bot.domain.models import User
from kam_bot.handlers.my_day import AccountStatus, MyDay, account_status_text, load_my_day
from kam_bot.handlers.replies import Action
from kam_bot.i18n import format_date, t
from kam_bot.services.container import Services

PROMISE_BLOCKS = 50
ACCOUNTS = 25
PLANNED = 15


def home_view(data: MyDay) -> dict[str, Any]:
    loc = data.user.locale
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=clip(t("my_day.promises", loc), 150)))]
    if data.promises:
        blocks += promise_blocks(data.promises, data.promise_accounts, data.today, loc, PROMISE_BLOCKS)
    else:
        blocks.append(context(t("promises.none", loc)))
    blocks += [DividerBlock(), HeaderBlock(text=PlainTextObject(text=t("my_day.accounts", loc)))]
    if not data.accounts:
        blocks.append(context(t("my_day.no_accounts", loc)))
    room = VIEW_BLOCKS - len(blocks) - 5
    for status in data.accounts[: min(ACCOUNTS, room)]:
        blocks.append(_account_section(status, loc))
    if len(data.accounts) > min(ACCOUNTS, room):
        blocks.append(context(t("common.and_more", loc, count=len(data.accounts) - min(ACCOUNTS, room))))
    blocks += [DividerBlock(), HeaderBlock(text=PlainTextObject(text=t("my_day.planned", loc)))]
    if data.planned:
        lines = [
            f"*{escape(format_date(p.day, loc))}* · {escape(p.account.name)}"
            + (f" — {escape(t('visit.next_step', loc))} {escape(p.next_step)}" if p.next_step else "")
            for p in data.planned
        ]
        blocks.append(mrkdwn_section("\n".join(lines)))
    else:
        blocks.append(context(t("my_day.none_planned", loc)))
    return dict(plain(View(type="home", blocks=blocks[:VIEW_BLOCKS])))


def _account_section(status: AccountStatus, loc: Locale) -> SectionBlock:
    text = f"*{escape(status.account.name)}* · {escape(account_status_text(status, loc))}"
    open_button: ButtonElement = button(
        Action(action_id="account.open", label=t("action.open_account", loc), value=str(status.account.id))
    )
    return SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)), accessory=open_button)


def home_for(app: Services, user: User) -> dict[str, Any]:
    """The person's Home tab as it stands (built by ``FormBuilder``: it reads a lot)."""
    return home_view(load_my_day(app, user, PLANNED))


async def publish_home(forms: FormBuilder, client: AsyncWebClient, slack_user_id: str, user: User) -> None:
    """Built in the form process where there is one (off the processes that acknowledge: a save
    refreshes its rep's Home tab after the save's reply), else in a thread."""
    view = await forms.build(home_for, user)
    await client.views_publish(user_id=slack_user_id, view=view)
