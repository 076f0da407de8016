"""`kam-bot rates`: exchange rates for comparing prices with the list."""

MESSAGES: dict[str, dict[str, str]] = {
    "rates.usage": {
        "en": "Usage: kam-bot rates set FROM TO RATE   (e.g. kam-bot rates set CNY USD 0.14)",
        "zh-Hans": "用法:kam-bot rates set 源币种 目标币种 汇率   (例如 kam-bot rates set CNY USD 0.14)",
    },
    "rates.set": {
        "en": "Set: 1 {source} = {rate} {target}. Prices in {source} now compare with {target} list prices.",
        "zh-Hans": "已设置:1 {source} = {rate} {target}。以 {source} 记录的价格现可与 {target} 价目表比较。",
    },
    "rates.none": {
        "en": "No exchange rates set: prices in another currency than the list are shown as not comparable.",
        "zh-Hans": "尚未设置汇率:与价目表币种不同的价格将显示为无法比较。",
    },
    "rates.bad_currency": {
        "en": "“{value}” is not a currency code; use three letters such as USD or CNY.",
        "zh-Hans": "“{value}”不是币种代码,请使用三个字母,例如 USD 或 CNY。",
    },
    "rates.same_currency": {
        "en": "The two currencies are the same ({value}).",
        "zh-Hans": "两个币种相同({value})。",
    },
    "rates.bad_rate": {
        "en": "“{value}” is not a rate; give a positive number such as 0.14.",
        "zh-Hans": "“{value}”不是有效汇率,请输入正数,例如 0.14。",
    },
}
