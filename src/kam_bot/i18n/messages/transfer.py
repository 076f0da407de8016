"""Messages of import, export and restore (``kam-bot import`` / ``export``).

Row errors carry ``column`` and ``value`` (the cell as typed) besides the placeholders named
here; the command line prefixes each with its line (``transfer.error_at``).
"""

MESSAGES: dict[str, dict[str, str]] = {
    # reporting
    "transfer.error_at": {"en": "Line {line}: {message}", "zh-Hans": "第 {line} 行:{message}"},
    "transfer.imported": {
        "en": "Imported {written} of {total} rows: {created} new, {updated} updated.",
        "zh-Hans": "已导入 {total} 行中的 {written} 行:新增 {created} 行,更新 {updated} 行。",
    },
    "transfer.nothing_written": {
        "en": (
            "Nothing was imported. Fix the rows above and run again, "
            "or use --skip-bad to import the rows that are fine."
        ),
        "zh-Hans": "未导入任何数据。请修正以上各行后重试,或使用 --skip-bad 只导入没有问题的行。",
    },
    "transfer.exported": {
        "en": "Exported {count} records to {path}.",
        "zh-Hans": "已导出 {count} 条记录到 {path}。",
    },
    "transfer.restored": {"en": "Restored {count} records.", "zh-Hans": "已恢复 {count} 条记录。"},
    # the file as a whole
    "transfer.not_utf8": {
        "en": "Line {line} is not UTF-8 text. Save the file as “CSV UTF-8” and try again.",
        "zh-Hans": "第 {line} 行不是 UTF-8 文本。请将文件另存为“CSV UTF-8”格式后重试。",
    },
    "transfer.empty_file": {"en": "The file is empty.", "zh-Hans": "文件是空的。"},
    "transfer.no_rows": {
        "en": "The file has a header but no rows.",
        "zh-Hans": "文件只有表头,没有数据行。",
    },
    "transfer.bad_csv": {
        "en": "This is not readable CSV ({detail}).",
        "zh-Hans": "无法按 CSV 格式读取({detail})。",
    },
    "transfer.unknown_column": {
        "en": "Unknown column “{column}”. The columns are: {expected}.",
        "zh-Hans": "未知的列“{column}”。可用的列为:{expected}。",
    },
    "transfer.unnamed_column": {
        "en": "A column has no name in the header. The columns are: {expected}.",
        "zh-Hans": "表头中有一列没有名称。可用的列为:{expected}。",
    },
    "transfer.missing_column": {
        "en": "The column “{column}” is required. The columns are: {expected}.",
        "zh-Hans": "缺少必需的列“{column}”。可用的列为:{expected}。",
    },
    "transfer.duplicate_column": {
        "en": "The column “{column}” appears twice in the header.",
        "zh-Hans": "表头中“{column}”列出现了两次。",
    },
    "transfer.too_many_cells": {
        "en": "This row has more cells than the header's {count} columns.",
        "zh-Hans": "该行的单元格多于表头的 {count} 列。",
    },
    "transfer.unknown_entity": {
        "en": "Cannot import “{value}”: choose one of {choices}.",
        "zh-Hans": "无法导入“{value}”:请选择 {choices} 之一。",
    },
    "transfer.entity_from_name": {
        "en": "Cannot tell what {name} holds: start its name with one of {choices} (e.g. accounts.csv).",
        "zh-Hans": "无法判断 {name} 的内容:请以 {choices} 之一作为文件名开头(如 accounts.csv)。",
    },
    "transfer.unknown_file_kind": {
        "en": "Cannot import {name}: give a .csv file or a .jsonl export.",
        "zh-Hans": "无法导入 {name}:请提供 .csv 文件或 .jsonl 导出文件。",
    },
    # cells
    "transfer.required": {"en": "{column} is required.", "zh-Hans": "“{column}”为必填项。"},
    "transfer.invalid_choice": {
        "en": "{column}: “{value}” is not one of {choices}.",
        "zh-Hans": "{column}:“{value}”不是以下之一:{choices}。",
    },
    "transfer.invalid_integer": {
        "en": "{column}: “{value}” is not a whole number.",
        "zh-Hans": "{column}:“{value}”不是整数。",
    },
    "transfer.invalid_number": {
        "en": "{column}: “{value}” is not a number (write 1234.50, without thousands separators).",
        "zh-Hans": "{column}:“{value}”不是数字(请写作 1234.50,不要千位分隔符)。",
    },
    "transfer.too_precise": {
        "en": "{column}: “{value}” has too many digits.",
        "zh-Hans": "{column}:“{value}”位数过多。",
    },
    "transfer.out_of_range": {
        "en": "{column}: {value} is out of range (must be {bound}).",
        "zh-Hans": "{column}:{value} 超出范围(须 {bound})。",
    },
    "transfer.invalid_date": {
        "en": "{column}: “{value}” is not a date (YYYY-MM-DD).",
        "zh-Hans": "{column}:“{value}”不是日期(格式 YYYY-MM-DD)。",
    },
    "transfer.invalid_time": {
        "en": "{column}: “{value}” is not a time of day (HH:MM).",
        "zh-Hans": "{column}:“{value}”不是时间(格式 HH:MM)。",
    },
    "transfer.invalid_email": {
        "en": "{column}: “{value}” is not an email address.",
        "zh-Hans": "{column}:“{value}”不是电子邮件地址。",
    },
    "transfer.bad_timezone": {
        "en": "{column}: “{value}” is not a known time zone (e.g. Asia/Shanghai).",
        "zh-Hans": "{column}:“{value}”不是有效的时区(如 Asia/Shanghai)。",
    },
    "transfer.too_long": {
        "en": "{column} is longer than {max} characters.",
        "zh-Hans": "“{column}”超过 {max} 个字符。",
    },
    "transfer.invalid_value": {
        "en": "{column}: “{value}” is not valid here.",
        "zh-Hans": "{column}:“{value}”无效。",
    },
    # rows against each other and the database
    "transfer.duplicate_in_file": {
        "en": "{column} “{value}” already appears on line {first_line}.",
        "zh-Hans": "{column}“{value}”已在第 {first_line} 行出现。",
    },
    "transfer.self_manager": {
        "en": "“{value}” cannot be their own manager.",
        "zh-Hans": "“{value}”不能是自己的上级。",
    },
    "transfer.unknown_manager": {
        "en": "Manager “{value}” is neither a user nor a valid row of this file.",
        "zh-Hans": "上级“{value}”既不是现有用户,也不在本文件的有效行中。",
    },
    "transfer.identity_taken": {
        "en": "{column} {value} already belongs to another user ({email}).",
        "zh-Hans": "{column} {value} 已属于另一位用户({email})。",
    },
    "transfer.unknown_owner": {
        "en": "no user “{value}”. Give the owner's email (a new one becomes a pending user), "
        "or a slack:ID or teams:ID already known.",
        "zh-Hans": "找不到用户“{value}”。请填写负责人的邮箱(新邮箱将创建待激活用户),"
        "或已知的 slack:ID、teams:ID。",
    },
    "transfer.unknown_team": {
        "en": "no team “{value}” (--strict-teams: teams are not created). Check the spelling, "
        "or run without --strict-teams to create it.",
        "zh-Hans": "找不到团队“{value}”(--strict-teams:不新建团队)。"
        "请检查拼写,或去掉 --strict-teams 以新建。",
    },
    "transfer.users_created": {
        "en": "{count} new owners created as pending users "
        "(linked when they first talk to the bot): {emails}",
        "zh-Hans": "新建 {count} 位待激活用户(首次与机器人对话时关联):{emails}",
    },
    "transfer.teams_created": {
        "en": "{count} new teams created (no digest channel yet, time zone UTC): {names}",
        "zh-Hans": "新建 {count} 个团队(尚未设置周报频道,时区 UTC):{names}",
    },
    "transfer.skipped_lines": {
        "en": "{count} rows with errors were skipped (lines {lines}); the other rows were imported.",
        "zh-Hans": "已跳过 {count} 行有错误的数据(第 {lines} 行);其余行已导入。",
    },
    "transfer.unknown_user": {
        "en": "{column}: no user “{value}”. Import users first, or give an email, slack:ID or teams:ID.",
        "zh-Hans": "{column}:找不到用户“{value}”。请先导入用户,或填写邮箱、slack:ID 或 teams:ID。",
    },
    "transfer.invalid_name": {
        "en": "“{value}” is not usable as an account name: it has no letters or digits.",
        "zh-Hans": "“{value}”不能作为客户名称:其中没有文字或数字。",
    },
    "transfer.name_not_unique": {
        "en": "Several existing accounts are named “{value}”; rename one in the bot first.",
        "zh-Hans": "已有多个名为“{value}”的客户;请先在机器人中重命名其中一个。",
    },
    "transfer.alias_is_other_name": {
        "en": "Alias “{value}” is the name of another account ({name}).",
        "zh-Hans": "别名“{value}”是另一个客户({name})的名称。",
    },
    "transfer.unknown_account": {
        "en": "No account is named “{value}” (name or alias, as written).",
        "zh-Hans": "没有名为“{value}”的客户(按名称或别名精确匹配)。",
    },
    "transfer.ambiguous_account": {
        "en": "“{value}” names several accounts: {names}. Use the full name.",
        "zh-Hans": "“{value}”对应多个客户:{names}。请使用完整名称。",
    },
    # restore
    "transfer.restore_not_empty": {
        "en": "Restore needs an empty database; this one already holds {count} records.",
        "zh-Hans": "恢复需要一个空数据库;当前数据库已有 {count} 条记录。",
    },
    "transfer.bad_json": {
        "en": "This line is not a JSON object.",
        "zh-Hans": "该行不是 JSON 对象。",
    },
    "transfer.unknown_type": {
        "en": "Unknown record type “{value}”.",
        "zh-Hans": "未知的记录类型“{value}”。",
    },
    "transfer.unknown_fields": {
        "en": "Unknown fields for a {type}: {fields}.",
        "zh-Hans": "{type} 记录中有未知字段:{fields}。",
    },
    "transfer.naive_datetime": {
        "en": "{column} has no UTC offset.",
        "zh-Hans": "{column} 缺少 UTC 时差。",
    },
    "transfer.duplicate_id": {
        "en": "{type} id {value} already appears on line {first_line}.",
        "zh-Hans": "{type} 的 id {value} 已在第 {first_line} 行出现。",
    },
    "transfer.dangling_reference": {
        "en": "{column} {value} refers to a {target} that is not in the file.",
        "zh-Hans": "{column} {value} 指向的 {target} 不在文件中。",
    },
}
