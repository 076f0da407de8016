"""Messages of the quick-entry parser (problems it reports).

Every problem carries ``text`` (what was typed); ``parser.unknown_stage`` also ``valid``.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "parser.bad_date": {
        "en": "I couldn't place “{text}” on a calendar. Try a date like Friday, 12/5 or in 2 weeks.",
        "zh-Hans": "无法识别日期“{text}”。可以写成 周五、12月5日 或 两周后。",
    },
    "parser.bad_number": {
        "en": "“{text}” is not a number I can read. Write it like 4.20 or 1,200.",
        "zh-Hans": "无法识别数字“{text}”。请写成 4.20 或 1,200 这样的格式。",
    },
    "parser.bad_percent": {
        "en": "“{text}” is not a share between 0 and 100 %.",
        "zh-Hans": "“{text}”不是 0 到 100 之间的占比。",
    },
    "parser.missing_account": {
        "en": "Which account? Start with its name, e.g. “Baosteel: …”.",
        "zh-Hans": "是哪个客户？请以客户名称开头，例如“宝钢：……”。",
    },
    "parser.missing_competitor": {
        "en": "Which competitor? Name it after “competitor”.",
        "zh-Hans": "是哪个竞争对手？请在“竞品”后写上名称。",
    },
    "parser.missing_price": {
        "en": "No price found in “{text}”. Add it like 4.20 USD/kg.",
        "zh-Hans": "“{text}”中没有价格。请写成 30元/吨 这样的格式。",
    },
    "parser.missing_product": {
        "en": "Which product? None found in “{text}”.",
        "zh-Hans": "是哪个产品？“{text}”中没有产品。",
    },
    "parser.missing_text": {
        "en": "What was promised? Add it, e.g. “quote by Friday”.",
        "zh-Hans": "承诺了什么？请补充，例如“周五前报价”。",
    },
    "parser.not_understood": {
        "en": "I didn't understand “{text}”; it is kept as typed.",
        "zh-Hans": "未能理解“{text}”，已按原文保留。",
    },
    "parser.unknown_stage": {
        "en": "Unknown stage “{text}”. Valid stages: {valid}.",
        "zh-Hans": "未知阶段“{text}”。可选阶段：{valid}。",
    },
    "parser.empty": {
        "en": "Nothing to save yet: type the account and what happened after the command.",
        "zh-Hans": "还没有内容：请在命令后写上客户名称和具体内容。",
    },
}
