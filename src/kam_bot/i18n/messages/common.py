MESSAGES: dict[str, dict[str, str]] = {
    "common.yes": {"en": "yes", "zh-Hans": "是"},
    "common.no": {"en": "no", "zh-Hans": "否"},
    "common.none": {"en": "none", "zh-Hans": "无"},
    "common.and_more": {"en": "… and {count} more", "zh-Hans": "…… 另有 {count} 条"},
}
