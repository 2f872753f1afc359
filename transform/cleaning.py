"""Cleaning: a list of small named steps, each a pure function from text to text plus what it changed.

The pipeline is data (`STEPS`), so a new repair is one function and one line in the list, and every
change lands in the article's `CleaningAudit` under the step's name. The steps live in modules by
subject (`boilerplate`, `bylines`, `structure`, `sentences`); the order here is what makes cleaning
idempotent: every step that can create a sentence start runs before `split_glued_sentences` reads them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import ftfy

from transform.boilerplate import drop_boilerplate_lines, drop_known_lines
from transform.bylines import bylines_from_fields, merge_names, move_bylines
from transform.errors import CleanError
from transform.fingerprints import body_hash, word_count
from transform.language import detect_language
from transform.lexicon import PROTECTED_NAMES
from transform.records import Article, CleaningAudit, ExtractedDocument
from transform.sentences import restore_lost_stops, split_flattened_lines, split_glued_sentences
from transform.steps import CleaningStep, StepResult
from transform.structure import drop_citation_markers, drop_repeated_lead, unfold_summary_scaffolding
from transform.urls import canonical_url

__all__ = [
    "STEPS",
    "CleanedText",
    "CleaningStep",
    "StepResult",
    "clean_document",
    "clean_text",
    "clean_title",
    "run_steps",
    "steps_for",
]

# Curly quotes and full-width CJK punctuation are part of the text as written: keep them.
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False, normalization="NFC")


# In ASCII text ftfy only touches HTML entities, control characters, escapes and carriage returns.
_ASCII_FTFY_WOULD_CHANGE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f&]")


def fix_unicode(text: str) -> StepResult:
    """Repair mojibake (UTF-8 read as Windows-1252, for example) and bring the text to NFC."""
    if text.isascii() and not _ASCII_FTFY_WOULD_CHANGE.search(text):
        return StepResult(text, 0)  # plain ASCII has no mojibake and is NFC already: skip the slow path
    fixed = ftfy.fix_text(text, _FTFY_CONFIG)
    fixed = unicodedata.normalize("NFC", fixed)
    return StepResult(fixed, int(fixed != text))


# Every horizontal space (tabs, no-break and other Unicode spaces) becomes a plain space.
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACE_AT_LINE_ENDS = re.compile(r" ?\n ?")


def normalise_whitespace(text: str) -> StepResult:
    """One space between words, no trailing spaces, at most one blank line between paragraphs."""
    spaced = _HORIZONTAL_SPACE.sub(" ", text.replace("\r\n", "\n"))
    cleaned = _BLANK_LINES.sub("\n\n", _SPACE_AT_LINE_ENDS.sub("\n", spaced)).strip()
    return StepResult(cleaned, int(cleaned != text))


# Bump when a step changes what it does: stored with every article, so `newsetl reprocess` and analysts
# can tell which rules produced a body.
RULES_VERSION = "2"

STEPS: tuple[CleaningStep, ...] = (
    CleaningStep("fix_unicode", fix_unicode),
    CleaningStep("unfold_summary_scaffolding", unfold_summary_scaffolding),
    CleaningStep("drop_citation_markers", drop_citation_markers),
    CleaningStep("drop_boilerplate_lines", drop_boilerplate_lines),
    CleaningStep("move_bylines", move_bylines),
    CleaningStep("split_glued_sentences", split_glued_sentences),
    CleaningStep("restore_lost_stops", restore_lost_stops),
    CleaningStep("drop_repeated_lead", drop_repeated_lead),
    CleaningStep("split_flattened_lines", split_flattened_lines),
    CleaningStep("normalise_whitespace", normalise_whitespace),
)
# A title is one short line: only encoding and spacing repairs apply ("By Design" is not a byline there).
TITLE_STEPS: tuple[CleaningStep, ...] = (STEPS[0], STEPS[-1])


def steps_for(
    known_boilerplate: frozenset[str] = frozenset(), protected: frozenset[str] = PROTECTED_NAMES
) -> tuple[CleaningStep, ...]:
    """`STEPS` adapted to one source: its learned boilerplate lines and extra protected names.

    `known_boilerplate` holds normalised lines (see `transform.boilerplate.learn_boilerplate`);
    `protected` replaces the default camelCase names, so pass `PROTECTED_NAMES | extra` to add some.
    """
    steps: list[CleaningStep] = []
    for step in STEPS:
        if step.name == "split_glued_sentences" and protected != PROTECTED_NAMES:
            step = CleaningStep(step.name, partial(split_glued_sentences, protected=protected))
        steps.append(step)
        if step.name == "drop_boilerplate_lines" and known_boilerplate:
            steps.append(CleaningStep("drop_known_lines", partial(drop_known_lines, known=known_boilerplate)))
    return tuple(steps)


@dataclass(frozen=True, slots=True)
class CleanedText:
    """The clean text, the audit, and the values steps moved out of the text (bylines, credits)."""

    text: str
    audit: CleaningAudit
    fields: tuple[tuple[str, str], ...] = ()


# One round almost always suffices; a second only runs when a step uncovered work for an earlier one
# (a byline removed from before a "Core Viewpoint - " label, say). Two rounds of a pure pipeline that
# end equal prove the result is a fixed point, which is what makes cleaning idempotent.
MAX_ROUNDS = 3


def run_steps(text: str, steps: Sequence[CleaningStep] = STEPS) -> CleanedText:
    """Run the steps in order, again until the text stops changing (at most `MAX_ROUNDS` times).

    Collects each step's changes (summed over rounds), details and moved fields.
    """
    changes: dict[str, int] = {}
    details: list[tuple[str, str]] = []
    fields: list[tuple[str, str]] = []
    for _ in range(MAX_ROUNDS):
        before = text
        for step in steps:
            result = step.apply(text)
            text = result.text
            fields.extend(result.fields)
            if result.changed:
                changes[step.name] = changes.get(step.name, 0) + result.changed
                details.extend((step.name, detail) for detail in result.details)
        if text == before:
            break
    return CleanedText(text, CleaningAudit(tuple(changes.items()), tuple(details)), tuple(fields))


def clean_text(text: str, steps: Sequence[CleaningStep] = STEPS) -> tuple[str, CleaningAudit]:
    """Run every step in order; return the clean text and the audit of what each step changed."""
    cleaned = run_steps(text, steps)
    return cleaned.text, cleaned.audit


def clean_title(title: str | None) -> str | None:
    """The title with encoding and spacing repaired; None when nothing is left."""
    if title is None:
        return None
    cleaned, _ = clean_text(title, TITLE_STEPS)
    return " ".join(cleaned.split()) or None


def clean_document(document: ExtractedDocument, steps: Sequence[CleaningStep] = STEPS) -> Article:
    """Clean an extracted document into an article. Raises CleanError when no text is left.

    Bylines found in the body join the extracted authors; the language is guessed from the body when
    extraction did not give one. Pass `steps_for(...)` to use a source's learned boilerplate.
    """
    cleaned = run_steps(document.text, steps)
    body = cleaned.text
    if not body:
        raise CleanError("no text left after cleaning")
    bylines = bylines_from_fields(cleaned.fields)
    return Article(
        article_id=document.doc_id,
        doc_id=document.doc_id,
        uri=document.uri,
        canonical_url=canonical_url(document.url or document.uri),
        source=document.source,
        title=clean_title(document.title),
        authors=merge_names(document.authors, bylines.authors),
        published_at=document.published_at,
        language=document.language or detect_language(body),
        body=body,
        body_hash=body_hash(body),
        word_count=word_count(body),
        audit=cleaned.audit,
        editors=bylines.editors,
        credits=bylines.credits,
    )
