"""A seeded generator of realistic synthetic news corpora about our topic, with the truth attached.

Events (a deal, an earnings report, a model launch...) get several original articles written by
different outlets (different sentences and headlines, the same entities, names, numbers and dates).
The world is large enough for story precision to mean something: 50 companies (the watched giants
named most), 30 products, 20 kinds of action, and for each event its own people, place and code name
drawn from pools of hundreds, over about two events a day. Originals get copies:
exact, syndicated (other boilerplate), truncated (60-80%), periods lost, reflowed onto one line, byline
added. Every document knows its original (duplicate truth) and its event (story truth).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# The world. Companies are drawn unevenly (the first ones, the watched giants, make most of the news),
# so different events of one week share companies, as real news does.
COMPANIES = [
    "Alibaba", "Apple", "Baidu", "Tencent", "ByteDance", "DeepSeek", "Huawei", "Xiaomi", "Zhipu", "OpenAI",
    "Samsung", "Nvidia", "Microsoft", "Google", "Amazon", "Meta", "Moonshot", "MiniMax", "SenseTime",
    "JD.com", "Meituan", "PDD", "NetEase", "Lenovo", "Foxconn", "TSMC", "SMIC", "BYD", "CATL", "Nio",
    "Kuaishou", "Ant Group", "iFlytek", "Cambricon", "Hikvision", "Oppo", "Vivo", "Honor", "Sony", "Intel",
    "AMD", "Qualcomm", "Arm", "Dell", "Oracle", "Salesforce", "SoftBank", "Rakuten", "LG", "SK Hynix",
]  # fmt: skip
PRODUCTS = [
    "Qwen", "Apple Intelligence", "the iPhone", "Ernie", "Hunyuan", "Doubao", "HarmonyOS", "Kimi", "ChatGPT",
    "Gemini", "Copilot", "Llama", "Galaxy AI", "the Vision Pro", "the Mate series", "the Pixel", "Alexa",
    "DeepSeek-R1", "GLM", "Abab", "the Ascend chips", "the Blackwell GPUs", "Snapdragon",
    "the M-series chips", "Azure", "AWS Bedrock", "Alibaba Cloud", "WeChat", "Taobao", "Douyin",
]  # fmt: skip
ACTIONS = [
    "signed a partnership with",
    "released a new model to compete with",
    "cut prices to undercut",
    "reported quarterly revenue ahead of",
    "won regulatory approval alongside",
    "opened a data centre near",
    "hired senior researchers from",
    "announced a chip deal with",
    "filed a lawsuit against",
    "settled a patent dispute with",
    "agreed to buy a stake in",
    "recalled devices supplied by",
    "was fined by regulators after a complaint from",
    "laid off staff as it lost ground to",
    "raised new funding to catch up with",
    "launched a phone to rival",
    "won a government contract over",
    "paused a project with",
    "published benchmark results against",
    "formed a joint venture with",
]
# Words that carry no event: the filler every article of the topic shares.
FILLER = (  # noqa: SIM905
    "analysts investors market growth cloud computing model models developers customers users platform "
    "strategy competition industry revenue quarter shares stock price demand supply chips servers training "
    "inference capacity launch features services enterprise consumer smartphone software hardware data "
    "centre region regulators approval partnership deal talks sources report statement executives board "
    "outlook forecast expectations pressure margin spending investment budget research team engineers "
    "open-source ecosystem applications agents assistant search advertising commerce payments logistics"
).split()
# What makes an event itself: the people, places and product names of the story, drawn from pools
# large enough that two events rarely share them (a company's own chief executive they do share).
FIRST_NAMES = [
    "Wei", "Lin", "Mei", "Jun", "Hao", "Yan", "Ming", "Li", "Chen", "Xiu", "Anna", "David", "Sarah", "Tom",
    "Priya", "Ravi", "Elena", "Marco", "Yuki", "Kenji", "Sofia", "Omar", "Ines", "Lukas", "Grace", "Daniel",
    "Aiko", "Min-jun", "Ji-woo", "Fatima",
]  # fmt: skip
LAST_NAMES = [
    "Zhang", "Wang", "Liu", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun", "Ma", "Hart", "Ruiz", "Okafor",
    "Novak", "Tanaka", "Sato", "Kim", "Park", "Rossi", "Becker", "Dubois", "Silva", "Khan", "Mendes", "Walsh",
    "Larsen", "Moreau", "Iyer", "Cohen", "Nakamura",
]  # fmt: skip
PLACES = [
    "Hangzhou", "Shenzhen", "Beijing", "Shanghai", "Guangzhou", "Chengdu", "Wuhan", "Suzhou", "Hefei",
    "Xi'an", "Hong Kong", "Singapore", "Tokyo", "Osaka", "Seoul", "Taipei", "Bangalore", "Dubai", "Riyadh",
    "Jakarta",
    "Kuala Lumpur", "Bangkok", "Sydney", "Frankfurt", "Munich", "Paris", "London", "Dublin", "Amsterdam",
    "Stockholm", "Warsaw", "Madrid", "Milan", "Zurich", "Austin", "Seattle", "Cupertino", "Toronto",
    "Vancouver", "Sao Paulo", "Mexico City", "Nairobi", "Lagos", "Cairo", "Istanbul", "Tel Aviv", "Hanoi",
    "Manila", "Auckland", "Lisbon",
]  # fmt: skip
_CODE_STEMS = ["Zan", "Lor", "Mei", "Tak", "Qir", "Vel", "Dun", "Sho", "Kav", "Ryn", "Tol", "Pex"]
_CODE_ENDS = ["bay", "tech", "ford", "nova", "line", "port", "wen", "ming", "stone", "field", "hua", "lake"]
# Product and project code names ("Velnova 7"): 144 stems times 20 numbers.
CODE_NAMES = [f"{a}{b}" for a in _CODE_STEMS for b in _CODE_ENDS]
COUNT_UNITS = ["jobs", "engineers", "stores", "devices", "servers", "vehicles", "customers", "patents"]
BOILERPLATE = [
    "Advertisements",
    "Follow us on WeChat for more technology news",
    "Share this article",
    "Subscribe to our daily newsletter",
    "Copyright 2025 all rights reserved",
    "Read more: related coverage",
]
OUTLETS = [
    "techwire.example",
    "asiabiz.example",
    "marketdesk.example",
    "cloudnews.example",
    "phonebeat.example",
    "chinadesk.example",
    "wirefeed.example",
    "capitalpost.example",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
MONTHS += ["November", "December"]


@dataclass(frozen=True, slots=True)
class Document:
    doc_id: str
    url: str
    title: str
    text: str
    published_at: datetime
    original_id: str  # the original this document copies (its own id for an original)
    event_id: str
    variant: str  # original, exact, syndicated, truncated, lost_periods, reflowed, byline


@dataclass(frozen=True, slots=True)
class Event:
    event_id: str
    subject: str
    partner: str
    product: str
    action: str
    date: datetime
    facts: tuple[str, ...]
    # The event's own names: its spokesperson or counterpart, its place, its product code name, and
    # the subject's chief executive (shared by every event of that company).
    keywords: tuple[str, ...]


def _company(rng: random.Random) -> str:
    # Zipf-like: the first companies are named far more often than the last.
    return COMPANIES[
        min(int(rng.paretovariate(1.0)) - 1, len(COMPANIES) - 1)
        if rng.random() < 0.6
        else rng.randrange(len(COMPANIES))
    ]


def _chief(company: str) -> str:
    # A fixed chief executive per company, so one company's events share a name.
    index = sum(map(ord, company))
    return f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[(index // 7) % len(LAST_NAMES)]}"


def _event(rng: random.Random, index: int, start: datetime) -> Event:
    subject = _company(rng)
    partner = rng.choice([c for c in COMPANIES if c != subject])
    date = start + timedelta(days=rng.randrange(0, 300), hours=rng.randrange(24))
    facts = (
        f"{rng.randrange(1, 30)}.{rng.randrange(10, 99)}%",
        f"HK${rng.randrange(50, 300)}",
        f"{rng.randrange(2, 900)} billion yuan",
        f"{MONTHS[date.month - 1]} {date.day}",
        f"{rng.randrange(2, 99)},{rng.randrange(100, 999)} {rng.choice(COUNT_UNITS)}",
    )
    keywords = (
        f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        rng.choice(PLACES),
        f"{rng.choice(CODE_NAMES)} {rng.randrange(1, 21)}",
        _chief(subject),
    )
    return Event(
        f"e{index}", subject, partner, rng.choice(PRODUCTS), rng.choice(ACTIONS), date, facts, keywords
    )


def _sentence(rng: random.Random, event: Event) -> str:
    words = [rng.choice(FILLER) for _ in range(rng.randrange(8, 16))]
    filler = " ".join(words)
    person, place, code, chief = event.keywords
    kind = rng.randrange(9)
    if kind == 0:
        return f"{event.subject} {event.action} {event.partner} on {event.facts[3]}, {filler}."
    if kind == 1:
        return f"Shares of {event.subject} moved {event.facts[0]} to {event.facts[1]} as {filler}."
    if kind == 2:
        return f"The plan involves {event.facts[2]} for {event.product}, and {filler}."
    if kind == 3:
        return f"{person} said in {place} that {filler}."
    if kind == 4:
        return f"The {code} project covers {event.facts[4]}, while {filler}."
    if kind == 5:
        return f"Chief executive {chief} told {filler} in {place}."
    return filler[0].upper() + filler[1:] + f" around {event.product}."


_TITLES = [
    "{subject} {action} {partner}",
    "{subject} and {partner}: what the {code} deal means",
    "{person} on {subject}'s {code} plan",
    "{subject} shares move {pct} after {partner} news",
    "{subject} bets {money} on {product}",
    "Inside {subject}'s {code} project in {place}",
]


def _title(rng: random.Random, event: Event) -> str:
    person, place, code, _ = event.keywords
    return rng.choice(_TITLES).format(
        subject=event.subject,
        action=event.action,
        partner=event.partner,
        code=code,
        person=person,
        pct=event.facts[0],
        money=event.facts[2],
        product=event.product,
        place=place,
    )


def _article(rng: random.Random, event: Event, words: int) -> str:
    paragraphs, count = [], 0
    while count < words:
        paragraph = " ".join(_sentence(rng, event) for _ in range(rng.randrange(3, 6)))
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(paragraphs)


def _variant(rng: random.Random, text: str, kind: str) -> str:
    if kind == "exact":
        return text
    if kind == "syndicated":
        top, bottom = rng.sample(BOILERPLATE, 2)
        return f"{top}\n\n{text}\n\n{bottom}\nAdvertisements"
    if kind == "truncated":
        words = text.split(" ")
        return " ".join(words[: int(len(words) * rng.uniform(0.6, 0.8))])
    if kind == "lost_periods":
        # A period and its space lost between sentences: "growth.Shares" glued as "growthShares".
        return text.replace(". S", "S").replace(". T", "T")
    if kind == "reflowed":
        return " ".join(text.split())
    if kind == "byline":
        return f"By {rng.choice(['Mei Lin', 'Tom Hart', 'Ana Ruiz'])}\nPhoto by Staff\n{text}"
    raise ValueError(kind)


VARIANTS = ("exact", "syndicated", "truncated", "lost_periods", "reflowed", "byline")


def generate(
    originals: int,
    seed: int = 7,
    copy_rate: float = 0.4,
    outlets_per_event: int = 3,
    words: int = 600,
    report_hours: int = 48,
) -> Iterator[Document]:
    """Yield `originals` original articles (grouped `outlets_per_event` per event) and their copies.

    About `copy_rate` copies per original, of a random variant; each report published within
    `report_hours` of its event's date, each copy up to a day after its original. Deterministic for a
    given seed.
    """
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    event = _event(rng, 0, start)
    for index in range(originals):
        if index % outlets_per_event == 0:
            event = _event(rng, index // outlets_per_event, start)
        doc_id = f"d{index}"
        outlet = OUTLETS[index % len(OUTLETS)]
        text = _article(rng, event, words)
        published = event.date + timedelta(hours=rng.randrange(0, report_hours))
        title = _title(rng, event)
        yield Document(
            doc_id, f"https://{outlet}/{doc_id}", title, text, published, doc_id, event.event_id, "original"
        )
        copies = int(copy_rate) + (1 if rng.random() < copy_rate - int(copy_rate) else 0)
        for number in range(copies):
            kind = rng.choice(VARIANTS)
            copy_outlet = rng.choice(OUTLETS)
            yield Document(
                f"{doc_id}-c{number}",
                f"https://{copy_outlet}/syndicated/{doc_id}-{number}",
                title,
                _variant(rng, text, kind),
                published + timedelta(hours=rng.randrange(1, 24)),
                doc_id,
                event.event_id,
                kind,
            )
