"""DingTalk as kam-bot registers it (no DingTalk SDK imported here: ``build`` imports it when used)."""

from __future__ import annotations

from kam_bot.adapters.dingtalk import INVALID_USER, NAME
from kam_bot.adapters.dingtalk.settings import DingTalkSettings, check_settings
from kam_bot.adapters.platform import ChatPlatform, PlatformServices, Registration, Unreachable
from kam_bot.services.conversations import ConversationRefs


def _build(app: PlatformServices, settings: DingTalkSettings) -> ChatPlatform:
    from kam_bot.adapters.dingtalk.app import DingTalkPlatform

    return DingTalkPlatform.build(app, settings)


def _one_worker(settings: DingTalkSettings) -> str:
    """DingTalk hands each Stream push to one random connection of the app: a connection per
    process would each get a share, and a redelivery may land on another process."""
    return "DingTalk Stream mode is one connection per deployment" if settings.mode == "stream" else ""


def _reachable(refs: ConversationRefs, external_id: str) -> bool:
    """DingTalk lets a robot write first to any member (``oToMessages/batchSend`` takes any
    userId); only an id DingTalk already refused (``invalidStaffIdList``) is not reachable."""
    ref = refs.get(NAME, external_id)
    return ref is None or ref.conversation_id != INVALID_USER


def _check_token(settings: DingTalkSettings) -> None:
    from kam_bot.adapters.dingtalk.api import check_credentials

    check_credentials(settings)


REGISTRATION = Registration(
    name=NAME,
    settings=DingTalkSettings,
    enabled=lambda settings: bool(settings.client_id),
    check=check_settings,
    build=_build,
    how_to_enable="for DingTalk set DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET (and DINGTALK_ROBOT_CODE)",
    reachable=_reachable,
    unreachable=Unreachable(
        reason=INVALID_USER,
        one="is not a member DingTalk knows in this organisation",
        many="are not members DingTalk knows in this organisation",
        advice="check their dingtalk_id in users.csv (the DingTalk userId)",
    ),
    one_worker=_one_worker,
    check_token=_check_token,
    serve_note=lambda settings: "dingtalk over stream mode, " if settings.mode == "stream" else "",
)
