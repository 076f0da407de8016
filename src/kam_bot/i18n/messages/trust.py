"""Messages of refusals and records: a line too long to read, an unexpected failure in the
console, the audit log and erasing a contact's personal data (``kam-bot audit`` /
``kam-bot erase-contact``)."""

MESSAGES: dict[str, dict[str, str]] = {
    "console.unexpected": {
        "en": ("Something went wrong on my side; nothing was saved. Here is what you typed, to paste again:"),
        "zh-Hans": "系统出了问题,未保存任何内容。以下是你输入的内容,可复制后重新输入:",
    },
    "line.too_long": {
        "en": (
            "That line is {length} characters; I read lines of at most {limit}. "
            "Write the visit in short parts and put long notes in the form's Summary."
        ),
        "zh-Hans": (
            "这一行有 {length} 个字符,最多只能读取 {limit} 个。请分段简要输入,较长的记录写在表单的“纪要”里。"
        ),
    },
    "audit.header": {
        "en": "{count} audit entries (oldest first):",
        "zh-Hans": "共 {count} 条审计记录(按时间先后):",
    },
    "audit.none": {"en": "No audit entries match.", "zh-Hans": "没有符合条件的审计记录。"},
    "audit.line": {
        "en": "{at}  {who}  {action} {entity}{id}{fields}",
        "zh-Hans": "{at}  {who}  {action} {entity}{id}{fields}",
    },
    "audit.operator": {"en": "(command line)", "zh-Hans": "(命令行)"},
    "audit.action.created": {"en": "created", "zh-Hans": "创建了"},
    "audit.action.changed": {"en": "changed", "zh-Hans": "修改了"},
    "audit.action.deleted": {"en": "deleted", "zh-Hans": "删除了"},
    "audit.action.erased": {"en": "erased personal data of", "zh-Hans": "清除了个人数据:"},
    "audit.action.imported": {"en": "imported", "zh-Hans": "导入了"},
    "audit.action.restored": {"en": "restored", "zh-Hans": "恢复了"},
    "audit.bad_since": {
        "en": "--since: “{value}” is not a date or time; write it like 2026-12-01 or 2026-12-01T08:30.",
        "zh-Hans": "--since:“{value}”不是日期或时间,请写成 2026-12-01 或 2026-12-01T08:30。",
    },
    "audit.unknown_user": {
        "en": "--user: no user “{value}” (an email, a platform id like slack:U123, or a name).",
        "zh-Hans": "--user:找不到用户“{value}”(可填写邮箱、平台 ID 如 slack:U123,或姓名)。",
    },
    "audit.admins_only": {
        "en": "--as: {name} is not an admin; only admins read the audit log.",
        "zh-Hans": "--as:{name} 不是管理员,只有管理员可以查看审计记录。",
    },
    "erase.done": {
        "en": (
            "Erased the personal data of contact #{id} ({name}, {account}): {fields}. "
            "Recorded in the audit log."
        ),
        "zh-Hans": "已清除联系人 #{id}({name},{account})的个人数据:{fields}。已记入审计记录。",
    },
    "erase.nothing": {
        "en": "Contact #{id} ({name}, {account}) holds no personal data; recorded in the audit log.",
        "zh-Hans": "联系人 #{id}({name},{account})没有个人数据;已记入审计记录。",
    },
    "erase.not_found": {
        "en": "No contact #{id}. `kam-bot export --format csv` lists contacts with their ids.",
        "zh-Hans": "找不到联系人 #{id}。可用 `kam-bot export --format csv` 查看联系人及其 ID。",
    },
}
