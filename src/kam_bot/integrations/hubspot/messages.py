"""What kam-bot writes into HubSpot records (titles, body labels)."""

MESSAGES = {
    "hubspot.label.whose": {"en": "Whose promise", "zh-Hans": "承诺方"},
    "hubspot.whose.ours": {"en": "ours", "zh-Hans": "我方"},
    "hubspot.whose.theirs": {"en": "the customer's", "zh-Hans": "客户"},
    "hubspot.label.contact": {"en": "Contact", "zh-Hans": "联系人"},
}
