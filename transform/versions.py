"""Article versions: when the page behind a canonical URL changes (a correction, an update), keep both.

A change that cleaning erases (a new ad line, a new share bar) leaves the body hash as it was, so it is
no new version: only what a reader would see as a different article counts.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from transform.fingerprints import word_count


@dataclass(frozen=True, slots=True)
class ArticleVersion:
    """One version of an article: version 1 is the article as first loaded."""

    article_id: str
    version: int
    doc_id: str
    title: str | None
    body: str
    body_hash: str
    word_count: int
    change_summary: str | None = None


def describe_change(old: ArticleVersion, new_title: str | None, new_body: str) -> str:
    """A short, readable summary of what changed between two versions of an article."""
    parts = []
    if (old.title or "") != (new_title or ""):
        parts.append(f"title {old.title!r} → {new_title!r}")
    delta = word_count(new_body) - old.word_count
    parts.append(f"body {'+' if delta >= 0 else ''}{delta} words")
    old_lines, new_lines = old.body.splitlines(), new_body.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    changed = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if changed:
        tag, i1, _, j1, j2 = changed[0]
        first = (new_lines[j1] if j1 < j2 else old_lines[i1])[:80]
        parts.append(f"{len(changed)} passage(s) changed, first: {tag} {first!r}")
    return "; ".join(parts)
