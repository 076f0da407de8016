"""Working calendars: `kam-bot calendar`, the chat `calendar` command, days off in reminders."""

MESSAGES: dict[str, dict[str, str]] = {
    "calendar.usage": {
        "en": "Usage: calendar show [--team TEAM] [--from DATE] [--to DATE]\n"
        "       calendar set --team TEAM [--country CC] [--region R] [--weekend DAYS]   (admins)\n"
        "       calendar off|work DATE [--team TEAM] [--name NAME]   (admins: a company day)\n"
        "--weekend fri,sat for a Sunday–Thursday week, --weekend none for a seven-day week; "
        "--country '' clears the country. "
        "Company days: kam-bot calendar import FILE.csv (date,kind,team,name).",
        "zh-Hans": "用法：calendar show [--team 团队] [--from 日期] [--to 日期]\n"
        "      calendar set --team 团队 [--country 国家代码] [--region 地区] [--weekend 休息日]"
        "（仅管理员）\n"
        "      calendar off|work 日期 [--team 团队] [--name 名称]（仅管理员：公司自定日期）\n"
        "--weekend fri,sat 表示周日至周四上班，--weekend none 表示一周七天都上班；--country '' 清除国家。"
        "公司自定日期：kam-bot calendar import 文件.csv（列：date,kind,team,name）。",
    },
    "calendar.unknown_team": {
        "en": "No team called “{value}”. Teams: {known}. Write --team and the team's name.",
        "zh-Hans": "没有名为“{value}”的团队。现有团队：{known}。请在 --team 后写团队名称。",
    },
    "calendar.import_unknown_team": {
        "en": "no team “{value}” (teams: {known}); leave the cell empty for every team.",
        "zh-Hans": "没有名为“{value}”的团队（现有团队：{known}）；留空表示所有团队。",
    },
    "calendar.admins_only": {
        "en": "Only admins change a team's calendar; calendar show lists its days.",
        "zh-Hans": "只有管理员可以修改团队日历；用 calendar show 查看日期。",
    },
    "calendar.day_set_off": {
        "en": "{date} is now a day off for {team}",
        "zh-Hans": "{date} 已设为{team}的休息日",
    },
    "calendar.day_set_work": {
        "en": "{date} is now a working day for {team}",
        "zh-Hans": "{date} 已设为{team}的工作日",
    },
    "calendar.every_team": {"en": "every team", "zh-Hans": "所有团队"},
    "calendar.no_team": {
        "en": "Which team? Add --team and the team's name.",
        "zh-Hans": "哪个团队？请加上 --team 和团队名称。",
    },
    "calendar.bad_country": {
        "en": "“{value}” is not a country code the calendar knows; write two letters such as CN, US or SA "
        "(--country '' clears it).",
        "zh-Hans": "“{value}”不是可识别的国家代码；请写两个字母，例如 CN、US 或 SA（--country '' 可清除）。",
    },
    "calendar.bad_region": {
        "en": "“{value}” is not a region of that country; write one of: {regions}.",
        "zh-Hans": "“{value}”不是该国家的地区；请写其中之一：{regions}。",
    },
    "calendar.region_without_country": {
        "en": "A region needs a country: add --country (e.g. --country US --region CA).",
        "zh-Hans": "地区需要先设国家：请加上 --country（例如 --country US --region CA）。",
    },
    "calendar.bad_weekend": {
        "en": "“{value}” is not a weekend: write weekdays such as sat,sun or fri,sat, "
        "or none for a seven-day week.",
        "zh-Hans": "“{value}”不是有效的休息日：请写 sat,sun、fri,sat 这样的星期，"
        "或 none 表示一周七天都上班。",
    },
    "calendar.bad_date": {
        "en": "{option}: “{value}” is not a date; write it as 2026-02-14.",
        "zh-Hans": "{option}：“{value}”不是日期；请写成 2026-02-14 这样的格式。",
    },
    "calendar.bad_range": {
        "en": "--to ({end}) is before --from ({start}).",
        "zh-Hans": "--to（{end}）早于 --from（{start}）。",
    },
    "calendar.range_too_long": {
        "en": "--from to --to covers more than {days} days; show a year at a time.",
        "zh-Hans": "--from 到 --to 超过 {days} 天；请一次查看一年。",
    },
    "calendar.unknown_option": {
        "en": "“{value}” is not an option of calendar {action}; options: {options}.",
        "zh-Hans": "“{value}”不是 calendar {action} 的选项；可用选项：{options}。",
    },
    "calendar.nothing_to_set": {
        "en": "Nothing to change: give --country, --region or --weekend.",
        "zh-Hans": "没有要修改的内容：请给出 --country、--region 或 --weekend。",
    },
    "calendar.import_in_cli": {
        "en": "Company days are imported from a file: kam-bot calendar import FILE.csv "
        "(columns date,kind,team,name).",
        "zh-Hans": "公司自定日期需从文件导入：kam-bot calendar import 文件.csv（列：date,kind,team,name）。",
    },
    "calendar.title": {
        "en": "Working calendar of {team}: {start} – {end}",
        "zh-Hans": "{team} 的工作日历：{start} – {end}",
    },
    "calendar.follows": {
        "en": "Country: {country} · weekend: {weekend}",
        "zh-Hans": "国家：{country} · 休息日：{weekend}",
    },
    "calendar.no_country": {"en": "none (no public holidays)", "zh-Hans": "无（不计公众假日）"},
    "calendar.default_country": {"en": "{country} (the default)", "zh-Hans": "{country}（默认）"},
    "calendar.weekend_none": {"en": "none (a seven-day week)", "zh-Hans": "无（一周七天都上班）"},
    "calendar.no_days": {
        "en": "No holidays, make-up working days or company days in this range.",
        "zh-Hans": "此期间没有节假日、调休上班日或公司自定日期。",
    },
    "calendar.days_off": {"en": "Days off", "zh-Hans": "休息日"},
    "calendar.extra_days": {"en": "Extra working days", "zh-Hans": "额外工作日"},
    "calendar.day_line": {"en": "{date} · {name}", "zh-Hans": "{date} · {name}"},
    "calendar.counts": {
        "en": "{off} days off and {work} extra working days.",
        "zh-Hans": "共 {off} 个休息日，{work} 个额外工作日。",
    },
    "calendar.set_done": {
        "en": "{team} now follows: country {country} · weekend {weekend}.",
        "zh-Hans": "{team} 现按此日历：国家 {country} · 休息日 {weekend}。",
    },
    "calendar.schedule_missing": {
        "en": "⚠ The holiday library has no make-up working days for {country} in {year} yet: import the "
        "official schedule when it is published (kam-bot calendar import, kind work and off).",
        "zh-Hans": "⚠ 节假日库尚无 {country} {year} 年的调休上班安排：官方安排公布后请导入"
        "（kam-bot calendar import，kind 填 work 和 off）。",
    },
    "calendar.make_up_day": {"en": "make-up working day", "zh-Hans": "调休上班"},
    "calendar.company_off": {"en": "company day off", "zh-Hans": "公司休息日"},
    "calendar.company_work": {"en": "company working day", "zh-Hans": "公司工作日"},
    "calendar.public_holiday": {"en": "public holiday", "zh-Hans": "公众假日"},
    "calendar.weekend": {"en": "weekend", "zh-Hans": "周末"},
    "calendar.brief_ahead": {
        "en": "Visit on {date} (a day off comes first): {account}",
        "zh-Hans": "{date} 拜访（之前是休息日）：{account}",
    },
    "calendar.digest_moved": {
        "en": "This digest goes out on {date}, the team's first working day of the week ({monday}: {name}).",
        "zh-Hans": "本周报于 {date} 发出，这是团队本周第一个工作日（{monday}：{name}）。",
    },
    "calendar.due_day_off": {"en": " (a day off: {name})", "zh-Hans": "（休息日：{name}）"},
    "calendar.day_off_named": {
        "en": "{name}: no reminders today.",
        "zh-Hans": "{name}：今天不发提醒。",
    },
}
