"""Topic relevance: does a text belong to the topic a source is watched for? Pure, no I/O.

A rule is a conjunction of groups: every `all_of` group must be mentioned (any one of its terms), and no
`none_of` term may be. A term matches itself or any of its aliases, case-insensitively and as whole words
(entities.find_mentions: CJK spellings need no word boundary, and a version number may follow a Latin
one, as in "Qwen3"). The decision keeps the matched terms so a run can count and explain why an article
was kept or set aside.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from transform.entities import DEFAULT_WATCHLIST, find_mentions


@dataclass(frozen=True, slots=True)
class TopicRule:
    """(any of group 1) AND (any of group 2) ... AND NOT (any of none_of).

    `aliases` maps a term to other spellings that count as it (e.g. "Qwen" → "通义千问"). `labels` names
    the groups, in order, for the reason a decision gives ("no mention of AI" instead of every term of the
    group). A rule with no groups accepts every text that no `none_of` term excludes.
    """

    all_of: tuple[tuple[str, ...], ...] = ()
    none_of: tuple[str, ...] = ()
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    labels: tuple[str, ...] = ()

    def label(self, index: int) -> str:
        """The name of group `index`: its label, else its terms joined by "or"."""
        if index < len(self.labels):
            return self.labels[index]
        return " or ".join(self.all_of[index])

    def __reduce__(self) -> tuple[Callable[..., TopicRule], tuple[object, ...]]:
        # Rules travel to the pipeline's worker processes. A read-only view of the aliases (the default
        # rule's) cannot be pickled: a copy travels and is made read-only again on arrival.
        read_only = isinstance(self.aliases, MappingProxyType)
        return (_rule, (self.all_of, self.none_of, dict(self.aliases), self.labels, read_only))


def _rule(
    all_of: tuple[tuple[str, ...], ...],
    none_of: tuple[str, ...],
    aliases: dict[str, tuple[str, ...]],
    labels: tuple[str, ...],
    read_only: bool,
) -> TopicRule:
    return TopicRule(all_of, none_of, MappingProxyType(aliases) if read_only else aliases, labels)


@dataclass(frozen=True, slots=True)
class TopicDecision:
    """Whether a text is on topic, and the evidence: terms found (with counts), groups missing, excluders.

    `missing_labels` names the missing groups as the rule labels them (see TopicRule.labels).
    """

    relevant: bool
    matched: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]
    missing: tuple[tuple[str, ...], ...] = ()
    excluded_by: tuple[str, ...] = ()
    missing_labels: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """One line for a log or a rejects row."""
        if self.excluded_by:
            return f"excluded by {', '.join(self.excluded_by)}"
        if self.missing:
            labels = self.missing_labels or tuple(" or ".join(group) for group in self.missing)
            return "no mention of " + " / ".join(labels)
        return f"mentions {', '.join(self.matched)}" if self.matched else "no topic rules"

    @property
    def explanation(self) -> str:
        """The decision with every term that decided it and how often it was found, for a person to read:
        "on topic: mentions Alibaba (3), Qwen (2), AI (5)" or "off topic: no mention of AI; mentions
        Apple (2)"."""
        found = ", ".join(f"{term} ({count})" for term, count in self.counts)
        if self.relevant:
            return f"on topic: mentions {found}" if found else "on topic: no topic rules"
        return f"off topic: {self.reason}" + (f"; mentions {found}" if found else "")


# Our first users' topic: AI news about Alibaba or Apple. A text is on topic when it names the Alibaba
# group (its units, products and people) or Apple (its products and people), and AI (models, assistants,
# chips for AI, in English or Chinese). An iPhone price cut or Alibaba's shopping-festival sales without
# AI are off topic. Qwen, Tongyi and Apple Intelligence are in both groups: each is a company's AI.
# Terms that name a watched entity take its spellings from the entity watchlist (阿里云 is Alibaba Cloud,
# "iPhones" is iPhone); the rest carry their own. Whole words, case-insensitive (entities.find_mentions).
_COMPANY_TERMS: dict[str, tuple[str, ...]] = {
    # The Alibaba group, its units and products
    "Alibaba": ("阿里", "阿里集团", "Alibaba Group Holding"),
    "Alibaba Cloud": ("阿里云",),
    "Qwen": ("千问",),
    "Tongyi": (),
    "Taobao": ("淘宝",),
    "Tmall": ("天猫",),
    "AliExpress": ("速卖通",),
    "DingTalk": ("钉钉",),
    "Quark": ("夸克",),
    "T-Head": ("平头哥",),
    "DAMO Academy": ("达摩院",),
    # Alibaba's people
    "Jack Ma": (),
    "Joe Tsai": (),
    "Eddie Wu": ("Wu Yongming",),
    "Daniel Zhang": (),
    # Apple, its products and people
    "Apple": ("苹果", "苹果公司"),
    "iPhone": (),
    "Apple Intelligence": (),
    "iPad": ("iPads",),
    "Mac": ("Macs", "MacBook", "MacBooks", "iMac", "Mac mini", "Mac Studio"),
    "Apple Watch": (),
    "AirPods": (),
    "Vision Pro": (),
    "Siri": (),
    "iOS": ("iPadOS", "macOS", "visionOS"),
    "App Store": (),
    "Tim Cook": ("库克",),
    "Craig Federighi": (),
    "John Giannandrea": (),
}
_AI_TERMS: dict[str, tuple[str, ...]] = {
    "AI": ("A.I.", "人工智能", "AIGC", "GenAI", "generative AI", "生成式", "人工知能", "生成AI", "인공지능"),
    "artificial intelligence": (),
    "machine learning": ("deep learning", "机器学习", "深度学习", "neural network", "neural networks"),
    # Models ("model" alone is not one: an iPhone model is a phone)
    "large language model": (
        "large language models",
        "language model",
        "language models",
        "foundation model",
        "foundation models",
        "reasoning model",
        "reasoning models",
        "multimodal",
        "LLM",
        "LLMs",
        "大模型",
        "大语言模型",
        "语言模型",
        "基础模型",
        "多模态",
        "大規模言語モデル",
        "言語モデル",
        "대규모 언어 모델",
        "언어 모델",
        "언어모델",
    ),
    "Qwen": (),
    "Tongyi": (),
    "Apple Intelligence": ("Apple 智能", "苹果智能"),
    "ChatGPT": ("GPT-4", "GPT-4o", "GPT-5", "OpenAI"),
    "DeepSeek": (),
    "Ernie": (),
    "Gemini": (),
    # Assistants and agents
    "AI assistant": (
        "AI assistants",
        "voice assistant",
        "virtual assistant",
        "digital assistant",
        "智能助手",
        "语音助手",
        "chatbot",
        "chatbots",
        "聊天机器人",
        "AI agent",
        "AI agents",
        "agentic",
        "智能体",
        "AIアシスタント",
        "AI 비서",
        "AI비서",
    ),
    # Chips for AI and the computing behind them
    "AI chip": (
        "AI chips",
        "AI accelerator",
        "AI accelerators",
        "Neural Engine",
        "NPU",
        "NPUs",
        "Hanguang",
        "含光",
        "推理芯片",
        "算力",
    ),
}


def _default_topic() -> TopicRule:
    aliases: dict[str, tuple[str, ...]] = {}
    for terms in (_COMPANY_TERMS, _AI_TERMS):
        for term, own in terms.items():
            spellings = (*DEFAULT_WATCHLIST.get(term, ()), *own, *aliases.get(term, ()))
            aliases[term] = tuple(dict.fromkeys(s for s in spellings if s != term))
    return TopicRule(
        all_of=(tuple(_COMPANY_TERMS), tuple(_AI_TERMS)),
        aliases=MappingProxyType(aliases),
        labels=("Alibaba or Apple", "AI"),
    )


DEFAULT_TOPIC = _default_topic()


def decide_topic(rule: TopicRule, *texts: str | None) -> TopicDecision:
    """Apply `rule` to the texts (e.g. title and body) taken together."""
    spellings: dict[str, set[str]] = {}
    terms = [term for group in rule.all_of for term in group] + list(rule.none_of)
    for term in terms:
        for spelling in (term, *rule.aliases.get(term, ())):
            spellings.setdefault(spelling.casefold(), set()).add(term)
    # One entry per spelling, so a spelling shared by two terms (Tongyi: a term and a Qwen alias) counts
    # for both instead of being claimed by whichever was listed last.
    watchlist = {spelling: (spelling,) for spelling in spellings}
    text = "\n".join(t for t in texts if t)
    found: Counter[str] = Counter()
    for mention in find_mentions(text, watchlist, versioned=True) if watchlist else []:
        for term in spellings[mention.entity.casefold()]:
            found[term] += 1
    missing_indexes = [i for i, group in enumerate(rule.all_of) if not any(term in found for term in group)]
    missing = tuple(rule.all_of[i] for i in missing_indexes)
    excluded_by = tuple(term for term in rule.none_of if term in found)
    matched = tuple(dict.fromkeys(term for group in rule.all_of for term in group if term in found))
    return TopicDecision(
        relevant=not missing and not excluded_by,
        matched=matched,
        counts=tuple((term, found[term]) for term in matched),
        missing=missing,
        excluded_by=excluded_by,
        missing_labels=tuple(rule.label(i) for i in missing_indexes) if rule.labels else (),
    )
