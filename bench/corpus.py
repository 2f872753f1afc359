"""A seeded generator of realistic synthetic news corpora about our topic, with the truth attached.

Events (a deal, an earnings report, a model launch...) get several original articles written by
different outlets (different sentences, the same entities, numbers and dates). Originals get copies:
exact, syndicated (other boilerplate), truncated (60-80%), periods lost, reflowed onto one line, byline
added. Every document knows its original (duplicate truth) and its event (story truth).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

COMPANIES = ["Alibaba", "Apple", "Baidu", "Tencent", "ByteDance", "DeepSeek", "Huawei", "Xiaomi", "Zhipu"]
PRODUCTS = ["Qwen", "Apple Intelligence", "the iPhone", "Ernie", "Hunyuan", "Doubao", "HarmonyOS", "Kimi"]
ACTIONS = [
    "signed a partnership with",
    "released a new model to compete with",
    "cut prices to undercut",
    "reported quarterly revenue ahead of",
    "won regulatory approval alongside",
    "opened a data centre near",
    "hired senior researchers from",
    "announced a chip deal with",
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
# Story-specific vocabulary: made-up names of people, places and products, a few per event.
EVENT_WORDS = [
    f"{a}{b}"
    for a in ("zan", "lor", "mei", "tak", "qir", "vel", "dun", "sho")
    for b in ("bay", "tech", "ford", "nova", "line", "port", "wen", "ming", "stone", "field", "hua", "lake")
]
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
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]


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
    # Words only this event's coverage uses: the people, places and product names of the story.
    keywords: tuple[str, ...]


def _event(rng: random.Random, index: int, start: datetime) -> Event:
    subject, partner = rng.sample(COMPANIES, 2)
    date = start + timedelta(days=rng.randrange(0, 300), hours=rng.randrange(24))
    facts = (
        f"{rng.randrange(1, 30)}.{rng.randrange(10, 99)}%",
        f"HK${rng.randrange(50, 300)}",
        f"{rng.randrange(2, 900)} billion yuan",
        f"{MONTHS[date.month - 1]} {date.day}",
    )
    keywords = tuple(rng.sample(EVENT_WORDS, 8))
    return Event(
        f"e{index}", subject, partner, rng.choice(PRODUCTS), rng.choice(ACTIONS), date, facts, keywords
    )


def _sentence(rng: random.Random, event: Event) -> str:
    words = [rng.choice(FILLER) for _ in range(rng.randrange(8, 16))]
    words[rng.randrange(len(words))] = rng.choice(event.keywords)
    filler = " ".join(words)
    kind = rng.randrange(5)
    if kind == 0:
        return f"{event.subject} {event.action} {event.partner} on {event.facts[3]}, {filler}."
    if kind == 1:
        return f"Shares of {event.subject} moved {event.facts[0]} to {event.facts[1]} as {filler}."
    if kind == 2:
        return f"The plan involves {event.facts[2]} for {event.product}, and {filler}."
    return filler[0].upper() + filler[1:] + f" around {event.product}."


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
) -> Iterator[Document]:
    """Yield `originals` original articles (grouped `outlets_per_event` per event) and their copies.

    About `copy_rate` copies per original, of a random variant. Deterministic for a given seed.
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
        published = event.date + timedelta(hours=rng.randrange(0, 48))
        title = f"{event.subject} and {event.partner}: {event.product} update {index}"
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
