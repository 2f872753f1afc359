"""The main text of a page: a precision-first reading, replaced by a fuller one only on evidence.

trafilatura's precision setting keeps navigation, teasers and comments out, which is most of what made
newsetl's bodies good; on some layouts it also stops after the lead. So the precision reading comes first
and is kept unless cheap evidence says it is short: the page's own article container (<article>,
itemprop=articleBody) or the JSON-LD articleBody holds clearly more text. Only then (a few pages in a
hundred) is the page read again, recall-first, and the candidates weighed on:
- length: a candidate must be clearly longer to displace the precision reading;
- overlap: it must contain most of the precision reading (it extends it, it is not another text);
- link density (containers) and boilerplate share (short lines, share/subscribe/cookie lines): a longer
  reading made of menus and teasers is not a better one.
Pure: an lxml tree in (only read; trafilatura copies what it changes), text out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from lxml.etree import XPath
from lxml.html import HtmlElement

# A reading this much longer than the precision one (in characters) makes the precision one look short.
SHORT_RATIO = 1.6
# ... and at least this many characters longer: a 200-character difference is a caption, not a body.
SHORT_MIN_GAIN = 400
# A candidate must hold this share of the precision reading's words to replace it.
MIN_OVERLAP = 0.7
# A candidate whose lines are boilerplate (or whose container text is links) beyond these shares is not
# an article body.
MAX_BOILERPLATE_SHARE = 0.3
MAX_LINK_DENSITY = 0.35
# Bodies cut by the precision setting are a lead or a few paragraphs: the page's article containers (a
# scan of the whole tree, some milliseconds on a large page) are weighed only below this length.
CONTAINER_CHECK_MAX_CHARS = 4_000
# The precision reading runs without trafilatura's comparison with readability and jusText (a third of
# its time); it is read again with the comparison when it is shorter than this and than this share of
# the page's text, as trafilatura's own recall escalation decides.
FALLBACK_MAX_CHARS = 1_000
FALLBACK_PAGE_SHARE = 0.3

_CONTAINERS = XPath(
    "//*[self::article or @itemprop='articleBody' or (@class and (contains(@class, 'article-body')"
    " or contains(@class, 'article__body') or contains(@class, 'story-body')))]"
)
_PAGE_TEXT = XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
)
_ALL_TEXT = XPath("string()")
_SKIPPED = frozenset({"script", "style", "nav", "aside", "footer", "form", "figure", "noscript", "button"})
_BLOCKS = frozenset({"p", "h2", "h3", "h4", "li", "blockquote", "pre"})
_BOILERPLATE = re.compile(
    r"\b(?:share|subscribe|newsletter|cookies?|sign up|log in|advertisement|read more|related|"
    r"follow us|all rights reserved|copyright|comments?)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_TABLE_RULE = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+[ \t]*\n?", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Reading:
    """A main text and the reading it came from: precision (precision-compared when trafilatura also
    compared it with readability and jusText), recall, container or json-ld."""

    text: str
    name: str


def read_main_text(tree: HtmlElement, article_body: str | None = None) -> Reading | None:
    """The page's main text by evidence (see the module docstring); None when trafilatura finds none."""
    precision, name = _trafilatura(tree), "precision"
    length = len(precision or "")
    if length < FALLBACK_MAX_CHARS and length < FALLBACK_PAGE_SHARE * _page_chars(tree):
        # Short against the page: what trafilatura's own comparison with readability and jusText is for.
        precision, name = _trafilatura(tree, fast=False), "precision-compared"
    first = Reading(precision or "", name)
    container = (
        _container_text(tree, min_chars=_shortness_threshold(len(first.text)))
        if len(first.text) < CONTAINER_CHECK_MAX_CHARS
        else None
    )
    evidence = max(len(container[0]) if container else 0, len(article_body or ""))
    if not _looks_short(first.text, evidence):
        return first if precision else None
    candidates = [first]
    if recall := _trafilatura(tree, recall=True):
        candidates.append(Reading(recall, "recall"))
    if container and container[1] <= MAX_LINK_DENSITY:
        candidates.append(Reading(container[0], "container"))
    if article_body:
        candidates.append(Reading(article_body, "json-ld"))
    return choose(candidates)


def choose(candidates: list[Reading]) -> Reading | None:
    """The precision reading (the first), unless a later one is clearly longer, holds most of it and is
    not boilerplate; among those the recall reading wins over the longest (it keeps trafilatura's lines)."""
    first = candidates[0]
    accepted = [
        candidate
        for candidate in candidates[1:]
        if _looks_short(first.text, len(candidate.text))
        and overlap(first.text, candidate.text) >= MIN_OVERLAP
        and boilerplate_share(candidate.text) <= MAX_BOILERPLATE_SHARE
    ]
    if not accepted:
        return first if first.text else None
    recall = next((candidate for candidate in accepted if candidate.name == "recall"), None)
    return recall or max(accepted, key=lambda candidate: len(candidate.text))


def overlap(first: str, candidate: str) -> float:
    """The share of `first`'s words that `candidate` also has (1.0 for an empty `first`)."""
    words = _WORD.findall(first.lower())
    if not words:
        return 1.0
    present = set(_WORD.findall(candidate.lower()))
    return sum(word in present for word in words) / len(words)


def boilerplate_share(text: str) -> float:
    """The share of the text's characters on lines that look like page furniture, not prose: short lines
    naming share/subscribe/cookie/copyright and the like."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    total = sum(len(line) for line in lines)
    if not total:
        return 1.0
    furniture = sum(len(line) for line in lines if len(line) < 120 and _BOILERPLATE.search(line))
    return furniture / total


def _looks_short(text: str, other_length: int) -> bool:
    return other_length >= _shortness_threshold(len(text))


def _shortness_threshold(length: int) -> int:
    """How long another reading must be to make a reading of `length` characters look short."""
    return max(int(SHORT_RATIO * length), length + SHORT_MIN_GAIN)


def _trafilatura(tree: HtmlElement, *, recall: bool = False, fast: bool = True) -> str | None:
    # Tables are kept (results, figures, timelines are part of the article): one "| a | b |" line a row,
    # without the Markdown separator rows trafilatura writes under a header.
    text = trafilatura.extract(
        tree,
        include_comments=False,
        include_tables=True,
        favor_precision=not recall,
        favor_recall=recall,
        fast=fast,
    )
    return _TABLE_RULE.sub("", text) if isinstance(text, str) else None


def _page_chars(tree: HtmlElement) -> int:
    """Characters of visible text in the page's body (scripts and styles left out)."""
    return sum(len(text.strip()) for text in _PAGE_TEXT(tree))


def _container_text(tree: HtmlElement, min_chars: int) -> tuple[str, float] | None:
    """The text of the page's largest article container (paragraph-like blocks, no nav/aside/figure)
    and its link density, or None without one with at least `min_chars` characters."""
    best: tuple[str, float] | None = None
    for container in _CONTAINERS(tree)[:20]:
        # An upper bound first (all its text, scripts included, in one C call): most containers are
        # teasers or hold the text the precision reading already has, and need no closer look.
        bound = len(_ALL_TEXT(container))
        if bound < min_chars or (best and bound <= len(best[0])):
            continue
        lines: list[str] = []
        link_chars = 0
        for block in container.iter(*_BLOCKS):
            if _skipped(block, container):
                continue
            line = " ".join(block.text_content().split())
            if line:
                lines.append(line)
                link_chars += sum(len(" ".join(a.text_content().split())) for a in block.iter("a"))
        text = "\n".join(lines)
        if text and (best is None or len(text) > len(best[0])):
            best = (text, link_chars / len(text))
    return best


def _skipped(block: HtmlElement, container: HtmlElement) -> bool:
    """A block inside nav/aside/figure... of the container, or inside another block (a <p> in an <li>
    is read with its parent, not twice)."""
    for ancestor in block.iterancestors():
        if ancestor is container:
            return False
        if ancestor.tag in _SKIPPED or ancestor.tag in _BLOCKS:
            return True
    return False
