"""Structure: citation markers, summary scaffolding, and a lead sentence repeated at the end."""

from __future__ import annotations

import re

from transform.segmentation import char_count, has_han_or_kana
from transform.sentences import split_sentences
from transform.steps import StepResult

# "[2]", "[4][5]", "[12]" after a word or punctuation; "[sic]" and "[Reuters]" are not numbers.
_CITATIONS = re.compile(r"(?<=[^\s\[\]])(?:[ \t]*\[\d{1,3}\])+(?![\w(])")


def drop_citation_markers(text: str) -> StepResult:
    """Remove numeric citation markers such as "[2]" and "[4][5]" from prose."""
    if "[" not in text:  # the common case, and the regex's lookbehind is slow to fail everywhere
        return StepResult(text, 0)
    found = _CITATIONS.findall(text)
    return StepResult(_CITATIONS.sub("", text), len(found), tuple(marker.strip() for marker in found))


# Machine summaries: "Core Viewpoint - ...", "Group 1: Title - ...", then " - " bullets.
_LABELS = r"(?:Core\s+Viewpoints?|Key\s+Points?|Key\s+Takeaways?|Main\s+Points?|Summary|Overview)"
_LEADING_LABEL = re.compile(rf"^(?P<title>{_LABELS})\s+[-\u2013\u2014]\s+")
_GROUP_HEADING = re.compile(
    r"\s*\b(?:Group|Section|Part)\s+\d{1,2}\s*:\s*(?P<title>[^\n.!?\[\]]{1,80}?)\s+[-\u2013\u2014]\s+"
)
# Every line that `_LEADING_LABEL` or `_GROUP_HEADING` can match also matches this, so a text without it
# has no scaffolding at all.
_ANY_SCAFFOLDING = re.compile(rf"(?m)^{_LABELS}\s|\b(?:Group|Section|Part)\s+\d{{1,2}}\s*:")
# The first word of every `_ANY_SCAFFOLDING` match. A regex that starts with literal words skips
# through text about ten times faster than one that starts with `^` or `\b`.
_SCAFFOLDING_WORD = re.compile(r"Core|Key|Main|Summary|Overview|Group|Section|Part")
_BULLET = re.compile(r"(?<=\S)\s+[-\u2013\u2014]\s+(?=[A-Z\"\u201c])")


def unfold_summary_scaffolding(text: str) -> StepResult:
    """Turn "Core Viewpoint - " and "Group 1: Title - " into heading lines and " - " bullets into lines.

    Only lines that carry such scaffolding are touched, so a dash in ordinary prose stays.
    """
    if not any(_ANY_SCAFFOLDING.match(text, word.start()) for word in _SCAFFOLDING_WORD.finditer(text)):
        return StepResult(text, 0)
    lines: list[str] = []
    details: list[str] = []
    for line in text.split("\n"):
        label = _LEADING_LABEL.match(line)
        groups = _GROUP_HEADING.findall(line)
        if label is None and not groups:
            lines.append(line)
            continue
        details.extend(f"heading: {title}" for title in ([label.group("title")] if label else []) + groups)
        if label:
            line = f"{label.group('title')}\n{line[label.end() :]}"
        line = _GROUP_HEADING.sub(lambda m: f"\n\n{m.group('title')}\n", line)
        line, bullets = _BULLET.subn("\n", line)
        details.extend(["bullet"] * bullets)
        lines.append(line)
    return StepResult("\n".join(lines), len(details), tuple(details))


# Connectives a writer adds when reusing the lead as a closing line ("Meanwhile, the ...").
_CONNECTIVE = re.compile(r"^(?:meanwhile|finally|overall|in short|in summary|in conclusion|ultimately),\s*")
_MIN_SENTENCES = 3
# Short leads ("Shares rose.") repeat by coincidence; a repeated lead is a whole statement.
_MIN_LEAD_WORDS = 6


def drop_repeated_lead(text: str) -> StepResult:
    """Drop closing sentences that repeat the lead sentence (ignoring case, quotes, a connective)."""
    dropped: list[str] = []
    # Only the first and the last sentences matter: look at them before splitting the whole text. The
    # lead's last word is in the first line: when the text's last word is not, the lead is not repeated.
    first_line = text.lstrip().split("\n", 1)[0]
    words = text.rsplit(None, 1)
    # Chinese and Japanese have no spaces: their last "word" is a whole clause; its last characters do.
    last = words[-1][-6:] if words and has_han_or_kana(words[-1]) else words[-1] if words else ""
    if not last or _plain(last) not in _plain(first_line):
        return StepResult(text, 0)
    first = split_sentences(first_line)[:1]
    closing = split_sentences(text.rstrip().rsplit("\n", 1)[-1])[-1:]
    if not first or not closing or _comparable(first[0]) != _comparable(closing[0]):
        return StepResult(text, 0)
    sentences = split_sentences(text)
    while (
        len(sentences) >= _MIN_SENTENCES
        and _lead_words(sentences[0]) >= _MIN_LEAD_WORDS
        and _comparable(sentences[0]) == _comparable(sentences[-1])
    ):
        last = sentences.pop()
        text = text[: text.rstrip().rfind(last)].rstrip()
        dropped.append(f"repeated lead: {last}")
    return StepResult(text, len(dropped), tuple(dropped))


def _lead_words(sentence: str) -> int:
    # Spaced words as always; where there are no spaces (Chinese, Japanese), characters at ~1.7 a word:
    # a word count would load a segmenter into every cleaning for one sentence.
    return char_count(sentence) * 10 // 17 if has_han_or_kana(sentence) else len(sentence.split())


def _plain(text: str) -> str:
    return text.casefold().replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')


def _comparable(sentence: str) -> str:
    return " ".join(_CONNECTIVE.sub("", _plain(sentence)).split())
