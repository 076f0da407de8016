"""Word lists for the generated company: plausible names, products and texts.

Kept apart from ``generate.py`` so that the generator reads as logic. Changing a list
changes the data a seed gives (bump ``generate.GENERATOR_VERSION`` when you do).
"""

from __future__ import annotations

NAME_HEADS = (
    "Apex", "Atlas", "Aurora", "Beacon", "Blue", "Bright", "Cedar", "Central", "Coastal", "Crown",
    "Delta", "Eagle", "East", "Emerald", "Empire", "Evergreen", "Falcon", "First", "Frontier", "Golden",
    "Granite", "Great", "Harbor", "Highland", "Horizon", "Imperial", "Iron", "Jade", "Keystone", "Lake",
    "Liberty", "Lotus", "Meridian", "Metro", "Midland", "Mountain", "National", "Nova", "Oak", "Ocean",
    "Orient", "Pacific", "Peak", "Phoenix", "Pine", "Pioneer", "Prime", "Red", "River", "Royal",
    "Silver", "Sky", "Solar", "South", "Star", "Summit", "Sun", "Titan", "Union", "United",
    "Valley", "Vanguard", "Vertex", "Victory", "West", "Zenith", "Alpha", "Bay", "Capital", "Dragon",
    "Everest", "Fortune", "Global", "Heritage", "Jubilee", "Kingdom", "Lion", "Maple", "North", "Olympic",
)  # fmt: skip

NAME_PLACES = (
    "Anhui", "Beijing", "Bremen", "Busan", "Chengdu", "Chicago", "Chongqing", "Dalian", "Dallas", "Denver",
    "Dongguan", "Dortmund", "Foshan", "Fuzhou", "Guangzhou", "Hamburg", "Hangzhou", "Harbin", "Hefei",
    "Houston", "Jinan", "Kunming", "Lanzhou", "Leipzig", "Lyon", "Madrid", "Milan", "Nanjing", "Nanning",
    "Ningbo", "Osaka", "Phoenix", "Porto", "Qingdao", "Rotterdam", "Seattle", "Shenyang", "Shenzhen",
    "Suzhou", "Taiyuan",
    "Tianjin", "Toledo", "Turin", "Urumqi", "Valencia", "Wuhan", "Wuxi", "Xiamen", "Xian", "Yantai",
    "Zhengzhou", "Zhuhai", "Atlanta", "Boston", "Cologne", "Detroit", "Essen", "Geneva", "Lille", "Munich",
    "Nagoya", "Oslo", "Perth", "Quebec", "Riga", "Sapporo", "Tampa", "Utrecht", "Vienna", "Warsaw",
    "Yokohama", "Zurich", "Austin", "Bergen", "Calgary", "Dublin", "Graz", "Halle", "Incheon", "Kobe",
)  # fmt: skip

NAME_TRADES = (
    "Steel", "Chemical", "Shipping", "Logistics", "Machinery", "Electronics", "Energy", "Foods", "Textiles",
    "Paper", "Plastics", "Glass", "Cement", "Motors", "Pharma", "Mining", "Packaging", "Retail", "Appliances",
    "Construction", "Metals", "Polymers", "Tools", "Foundry", "Grain", "Beverages", "Furniture", "Optics",
    "Cables", "Tyres", "Aluminium", "Copper", "Fertilizer", "Ceramics", "Solar", "Batteries", "Valves",
    "Pumps", "Bearings", "Coatings",
)  # fmt: skip

LEGAL_SUFFIXES = ("Co., Ltd.", "Group", "Inc.", "GmbH", "Ltd.", "Corporation", "Holdings", "LLC", "AG", "")

ZH_PLACES = ("上海", "北京", "广州", "深圳", "天津", "重庆", "武汉", "南京", "杭州", "成都")
ZH_HEADS = (
    "华",
    "中",
    "东",
    "南",
    "北",
    "西",
    "金",
    "宏",
    "鑫",
    "瑞",
    "恒",
    "盛",
    "泰",
    "隆",
    "丰",
    "海",
    "天",
    "新",
)
ZH_TAILS = (
    "钢铁",
    "化工",
    "物流",
    "机械",
    "电子",
    "能源",
    "食品",
    "纺织",
    "建材",
    "汽车",
    "医药",
    "矿业",
    "包装",
)
ZH_SUFFIXES = ("有限公司", "集团", "股份有限公司", "")

INDUSTRIES = (
    "steel", "chemicals", "shipping", "machinery", "electronics", "energy", "food", "textiles",
    "construction", "automotive", "pharma", "mining", "retail", "packaging",
)  # fmt: skip

FIRST_NAMES = (
    "Wei", "Fang", "Li", "Jing", "Min", "Lei", "Yan", "Hui", "Tao", "Xin", "Anna", "Ben", "Carla", "David",
    "Elena", "Felix", "Grace", "Hans", "Ines", "Jonas", "Karin", "Lukas", "Maria", "Nils", "Olga", "Paul",
    "Rosa", "Sven", "Tina", "Uwe", "Vera", "Walter", "Yuki", "Zoe", "Omar", "Priya", "Raj", "Sara", "Tom",
    "Lina",
)  # fmt: skip

LAST_NAMES = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Schmidt", "Mueller",
    "Weber", "Fischer", "Meyer", "Smith", "Johnson", "Brown", "Garcia", "Martin", "Rossi", "Dubois",
    "Silva", "Tanaka", "Kim", "Novak", "Jensen", "Larsen", "Kowalski", "Horvat",
)  # fmt: skip

TITLES = (
    "Purchasing Manager", "Plant Director", "CFO", "CEO", "Head of Procurement", "Technical Lead",
    "Buyer", "Warehouse Supervisor", "Quality Manager", "Operations Manager", "Engineer", "Assistant",
)  # fmt: skip

DEPARTMENTS = ("Procurement", "Finance", "Production", "Engineering", "Logistics", "Management", "Quality")

PRODUCT_FAMILIES = (
    ("HR coil", "t"), ("CR sheet", "t"), ("Rebar", "t"), ("Wire rod", "t"), ("PVC resin", "t"),
    ("PE granules", "t"), ("Caustic soda", "t"), ("Lubricant", "l"), ("Hydraulic oil", "l"),
    ("Paint", "l"), ("Bearing", "pcs"), ("Valve", "pcs"), ("Pump", "pcs"), ("Cable", "m"), ("Pipe", "m"),
    ("Carton", "pcs"), ("Pallet", "pcs"), ("Fertilizer", "t"), ("Cement", "t"), ("Glass pane", "m2"),
)  # fmt: skip

PRODUCT_GRADES = ("A1", "B2", "C3", "S235", "S355", "Pro", "Max", "Eco", "HD", "LX")

CURRENCIES = ("CNY", "CNY", "CNY", "USD", "EUR")

COMPETITORS = (
    "Acme Industries", "Borealis Trading", "Cathay Supply", "Dynamo Works", "Everbright Metals",
    "Fortis Chemicals", "Greenfield Corp", "Hanwei Group",
)  # fmt: skip

PROMISE_OURS = (
    "Send the revised quotation", "Arrange a plant visit for their engineers", "Share the test report",
    "Confirm the delivery schedule", "Send samples of the new grade", "Check the credit limit with finance",
    "Prepare the annual rebate proposal", "Follow up on the complaint about damaged pallets",
    "Introduce our technical specialist", "Send the updated price list",
)  # fmt: skip

PROMISE_THEIRS = (
    "Send the PO", "Share next quarter's demand forecast", "Confirm the tender criteria",
    "Pay the overdue invoice", "Introduce us to the plant manager", "Return the signed contract",
    "Send the trial results", "Decide on the sample order",
)  # fmt: skip

GOALS = (
    "Get the trial order for the new grade", "Agree the Q3 volume", "Understand the tender process",
    "Collect the overdue payment", "Resolve the delivery complaint", "Meet the new purchasing manager",
    "Present the annual rebate scheme", "Learn the competitor's offer",
)  # fmt: skip

SUMMARIES = (
    "Met the purchasing team; they are reviewing suppliers for next year and asked for a revised offer.",
    "Plant visit went well, the engineers liked the test results and want a trial run next month.",
    "Customer unhappy about the last delivery delay; agreed on a corrective plan and weekly updates.",
    "Discussed volumes for the coming quarter; demand is flat but they want better payment terms.",
    "New decision maker in procurement; relationship still weak, need a dinner with the plant director.",
    "Competitor is pushing a 4 % discount; customer values our service but price pressure is real.",
    "Signed the framework agreement; next step is the delivery schedule with logistics.",
    "Quick call to confirm the sample shipment and the contact for quality questions.",
)  # fmt: skip

NEEDS = (
    "Shorter lead times", "Consignment stock at their site", "Technical support for the new line",
    "Longer payment terms", "A lower-grade alternative for cost reasons", None, None,
)  # fmt: skip

NEXT_STEPS = (
    "Send the offer by Friday", "Schedule the trial run", "Call the plant director", "Visit again next month",
    "Invite them to the trade fair", None,
)  # fmt: skip

COMPETITOR_TEXTS = (
    "Offering a volume discount for annual contracts", "New sales rep visiting weekly",
    "Launched a cheaper grade", "Cut list prices by 3 %", "Free logistics for the first quarter",
)  # fmt: skip

PERSONAL_NOTES = (
    "Two children, plays golf on weekends", "Studied in Shanghai, likes football", "Collects tea",
    "Runs marathons", "Daughter starts university this year", None, None, None,
)  # fmt: skip

TEAM_ZONES = (
    ("Asia/Shanghai", 8), ("Asia/Shanghai", 8), ("Asia/Shanghai", 8), ("Asia/Shanghai", 8),
    ("Asia/Singapore", 8), ("Europe/Berlin", 1), ("Europe/Berlin", 1), ("Europe/London", 0),
    ("America/New_York", -5), ("America/Chicago", -6),
)  # fmt: skip
"""(IANA zone, standard UTC offset in hours): the offset places visits in local working hours."""

REGIONS = ("North", "South", "East", "West", "Central", "Coast", "Inland", "Metro", "Export", "Key")
