"""Cleaning: a list of small named steps, each a pure function from text to text plus what it changed.

The pipeline is data (`STEPS`), so a new repair is one function and one line in the list, and every
change lands in the article's `CleaningAudit` under the step's name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ftfy

from transform.errors import CleanError
from transform.fingerprints import body_hash, word_count
from transform.records import Article, CleaningAudit, ExtractedDocument
from transform.urls import canonical_url


@dataclass(frozen=True, slots=True)
class StepResult:
    text: str
    changed: int
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CleaningStep:
    name: str
    apply: Callable[[str], StepResult]


# Curly quotes and full-width CJK punctuation are part of the text as written: keep them.
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False, normalization="NFC")


def fix_unicode(text: str) -> StepResult:
    """Repair mojibake (UTF-8 read as Windows-1252, for example) and bring the text to NFC."""
    fixed = ftfy.fix_text(text, _FTFY_CONFIG)
    fixed = unicodedata.normalize("NFC", fixed)
    return StepResult(fixed, int(fixed != text))


_BOILERPLATE_LINE = re.compile(r"^\s*advertisements?\s*$", re.IGNORECASE)


def drop_boilerplate_lines(text: str) -> StepResult:
    """Drop lines that are nothing but an ad marker such as "Advertisements"."""
    kept: list[str] = []
    dropped: list[str] = []
    for line in text.split("\n"):
        (dropped if _BOILERPLATE_LINE.match(line) else kept).append(line)
    return StepResult("\n".join(kept), len(dropped), tuple(line.strip() for line in dropped))


# Every horizontal space (tabs, no-break and other Unicode spaces) becomes a plain space.
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_whitespace(text: str) -> StepResult:
    """One space between words, no trailing spaces, at most one blank line between paragraphs."""
    lines = (_HORIZONTAL_SPACE.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n"))
    cleaned = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return StepResult(cleaned, int(cleaned != text))


STEPS: tuple[CleaningStep, ...] = (
    CleaningStep("fix_unicode", fix_unicode),
    CleaningStep("drop_boilerplate_lines", drop_boilerplate_lines),
    CleaningStep("normalise_whitespace", normalise_whitespace),
)


def clean_text(text: str, steps: Sequence[CleaningStep] = STEPS) -> tuple[str, CleaningAudit]:
    """Run every step in order; return the clean text and the audit of what each step changed."""
    changes: list[tuple[str, int]] = []
    details: list[tuple[str, str]] = []
    for step in steps:
        result = step.apply(text)
        text = result.text
        if result.changed:
            changes.append((step.name, result.changed))
            details.extend((step.name, detail) for detail in result.details)
    return text, CleaningAudit(tuple(changes), tuple(details))


def clean_title(title: str | None) -> str | None:
    if title is None:
        return None
    cleaned, _ = clean_text(title)
    return " ".join(cleaned.split()) or None


def clean_document(document: ExtractedDocument) -> Article:
    """Clean an extracted document into an article. Raises CleanError when no text is left."""
    body, audit = clean_text(document.text)
    if not body:
        raise CleanError("no text left after cleaning")
    return Article(
        article_id=document.doc_id,
        doc_id=document.doc_id,
        uri=document.uri,
        canonical_url=canonical_url(document.url or document.uri),
        source=document.source,
        title=clean_title(document.title),
        authors=document.authors,
        published_at=document.published_at,
        language=document.language,
        body=body,
        body_hash=body_hash(body),
        word_count=word_count(body),
        audit=audit,
    )
