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
from transform.glue import split_glued_sentences
from transform.language import detect_language
from transform.lexicon import PROTECTED_NAMES
from transform.records import Article, CleaningAudit, ExtractedDocument
from transform.sentences import restore_lost_stops, split_flattened_lines
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
_FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False, fix_character_width=False, normalization="NFC", explain=False
)


# The characters ftfy leaves alone, alone or in any mix: printable ASCII but "&", tab, and typographic
# quotes, dashes and the ellipsis. Mojibake needs a UTF-8 lead byte read as a character, and no encoding
# ftfy tries reads a lead byte as one of these and a continuation byte as another. A line without any
# other character skips ftfy, which costs some 70 microseconds a line. (A property test checks the claim.)
# Chinese, Japanese and Korean text too: ftfy only knows single-byte encodings, none of which decodes to
# CJK punctuation, kana, Han, Hangul syllables or full-width forms, so a line of those and the characters
# above cannot be mojibake; without them every CJK line took ftfy's slow path (cleaning ran at a fifth
# of the Latin speed). Left out: characters NFC changes or combines (compatibility ideographs, conjoining
# jamo, the combining kana voicing marks and ideographic tone marks), which go through ftfy as before.
FTFY_NEEDED = re.compile(
    r"[^\t\n\x20-\x25\x27-\x7e\u2013\u2014\u2018\u2019\u201c\u201d\u2026"
    r"\u3000-\u3029\u3030-\u303f\u3041-\u3096\u309b-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uff01-\uffee]"
)


def fix_unicode(text: str) -> StepResult:
    """Repair mojibake (UTF-8 read as Windows-1252, for example) and bring the text to NFC."""
    if "<" in text:
        # ftfy stops unescaping HTML entities for the rest of a text once a line has a "<": whole text.
        fixed = ftfy.fix_text(text, _FTFY_CONFIG)
    else:
        # ftfy fixes each line on its own, so only lines that can need it go through its slow path.
        lines = text.split("\n")
        fixed = "".join(
            _fix_line(line + "\n" if number < len(lines) else line) for number, line in enumerate(lines, 1)
        )
    fixed = unicodedata.normalize("NFC", fixed)
    return StepResult(fixed, int(fixed != text))


def _fix_line(line: str) -> str:
    return ftfy.fix_text(line, _FTFY_CONFIG) if FTFY_NEEDED.search(line) else line


_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_whitespace(text: str) -> StepResult:
    """One space between words, no trailing spaces, at most one blank line between paragraphs.

    Every horizontal space (tabs, no-break and other Unicode spaces, a stray carriage return) becomes a
    plain space: `str.split` knows them all and is much faster than a regex over the text.
    """
    joined = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    cleaned = (_BLANK_LINES.sub("\n\n", joined) if "\n\n\n" in joined else joined).strip()
    return StepResult(cleaned, int(cleaned != text))


# Bump when a step changes what it does: stored with every article, so `newsetl reprocess` and analysts
# can tell which rules produced a body.
RULES_VERSION = "4"  # 4: CJK ad and prompt lines dropped, CJK bylines and credits moved to fields

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
