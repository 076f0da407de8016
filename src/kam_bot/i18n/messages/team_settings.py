"""A team's settings (time zone, digest language, digest destinations): `kam-bot team` and the
admins' `settings team NAME …` in chat."""

MESSAGES: dict[str, dict[str, str]] = {
    "team.admins_only": {
        "en": "Only admins may see or change a team's settings.",
        "zh-Hans": "只有管理员可以查看或修改团队设置。",
    },
    "team.unknown": {
        "en": "No team is called “{value}”; the teams are: {known}.",
        "zh-Hans": "没有名为“{value}”的团队；现有团队：{known}。",
    },
    "team.bad_timezone": {
        "en": "“{value}” is not a time zone; use a name like Asia/Shanghai or Europe/Berlin.",
        "zh-Hans": "“{value}”不是有效时区，请使用如 Asia/Shanghai 或 Europe/Berlin 的名称。",
    },
    "team.bad_language": {
        "en": "“{value}” is not a digest language; use en, zh or auto (the language most members use).",
        "zh-Hans": "“{value}”不是可用的周报语言，请用 en、zh 或 auto（多数成员使用的语言）。",
    },
    "team.unknown_platform": {
        "en": "“{value}” is not a chat platform here; use one of: {known}.",
        "zh-Hans": "“{value}”不是可用的聊天平台，请使用：{known}。",
    },
    "team.bad_digest": {
        "en": (
            "“{value}” is not PLATFORM=ADDRESS; write e.g. slack=C0123456789 (slack= stops the digest there)."
        ),
        "zh-Hans": (
            "“{value}”不是 PLATFORM=ADDRESS 格式，请写如 slack=C0123456789（slack= 表示不再发送到该平台）。"
        ),
    },
    "team.field_error": {"en": "{field}: {message}", "zh-Hans": "{field}：{message}"},
    "team.field.team": {"en": "Team", "zh-Hans": "团队"},
    "team.field.timezone": {"en": "Team time zone", "zh-Hans": "团队时区"},
    "team.field.locale": {"en": "Digest language", "zh-Hans": "周报语言"},
    "team.field.digest": {"en": "Digest destination", "zh-Hans": "周报发送位置"},
    "team.settings.line": {
        "en": "{team}: time zone {tz} · digest language {lang} ({how}) · digest to {where}",
        "zh-Hans": "{team}：时区 {tz} · 周报语言 {lang}（{how}） · 周报发送到 {where}",
    },
    "team.settings.chosen": {"en": "set by an admin", "zh-Hans": "由管理员设定"},
    "team.settings.auto": {
        "en": "auto: the language most of its {members} members use",
        "zh-Hans": "自动：{members} 名成员中多数人使用的语言",
    },
    "team.settings.nowhere": {"en": "nowhere (no digest)", "zh-Hans": "无（不发送周报）"},
    "team.settings.none": {
        "en": "No teams yet: importing users or accounts creates them.",
        "zh-Hans": "还没有团队：导入用户或客户时会创建团队。",
    },
    "team.settings.how": {
        "en": (
            "Change with: settings team NAME tz Asia/Shanghai | lang en, zh or auto | digest PLATFORM ADDRESS"
        ),
        "zh-Hans": (
            "修改方式：settings team NAME tz Asia/Shanghai | lang en、zh 或 auto | digest PLATFORM ADDRESS"
        ),
    },
    "team.settings.usage": {
        "en": (
            "Write: settings team NAME tz ZONE | lang en, zh or auto | digest PLATFORM ADDRESS "
            "(ADDRESS off stops the digest there)."
        ),
        "zh-Hans": (
            "请写：settings team NAME tz ZONE | lang en、zh 或 auto | digest PLATFORM ADDRESS"
            "（ADDRESS 写 off 表示不再发送到该平台）。"
        ),
    },
    "team.cli.nothing": {
        "en": "Nothing to change: give --timezone, --language or --digest.",
        "zh-Hans": "没有要修改的内容：请给出 --timezone、--language 或 --digest。",
    },
}
