"""A small story history loaded through `load_outcomes`, as runs load it: shared by the warehouse and CLI
tests of stories for people.

Run r1 loads a1 (Meridian, en) and a2 (East Brief, zh), which joins a1's story through a1, and a3, an
undated, untitled file that starts a story of its own. Run r2 loads a4 and a5, which join a1's story
through a2 (so a2, joined through twice, is its most central report), and b2, which starts a story; in
its second batch, b1 (published a day before b2) joins b2's story through b2 and b3 joins through b1:
b1 and b2 are each joined through once, and b1, seen first, gives that story its headline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from transform.analysis import ArticleAnalysis, EntityMention
from transform.article_rows import ArticleRows
from transform.fingerprints import body_hash
from transform.outcomes import BatchOutcome
from transform.records import Article
from transform.stories import StoryAssignment
from warehouse.connection import Warehouse, connect
from warehouse.loads import load_outcomes

R1_AT = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)
R2_AT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def day(month: int, dom: int, hour: int = 8) -> datetime:
    return datetime(2025, month, dom, hour, 0, tzinfo=UTC)


def article(
    article_id: str,
    url: str,
    title: str | None,
    published_at: datetime | None,
    language: str | None = "en",
    source: str = "web",
) -> Article:
    body = f"Body of {article_id}, long enough to be a report."
    return Article(
        article_id=article_id,
        doc_id=article_id,
        uri=url,
        canonical_url=url,
        source=source,
        title=title,
        authors=(),
        published_at=published_at,
        language=language,
        body=body,
        body_hash=body_hash(body),
        word_count=len(body.split()),
    )


def mentions(article_id: str, *entities: str) -> ArticleAnalysis:
    return ArticleAnalysis(
        article_id, ("One sentence.",), tuple(EntityMention(e, e, 0) for e in entities), ()
    )


A1 = article(
    "a1",
    "https://www.meridianwire.example/alibaba-apple",
    "Alibaba confirms AI partnership with Apple",
    day(2, 13),
)
A2 = article(
    "a2",
    "https://www.eastbrief.example/ali-apple",
    "阿里巴巴确认与苹果合作 | East Brief",
    day(2, 13, 12),
    language="zh",
)
A3 = article("a3", "file:///in/untitled.txt", None, None, language=None, source="files")
A4 = article("a4", "https://www.pacificcircuit.example/apple-qwen", "Apple picks Qwen for China", day(2, 14))
A5 = article(
    "a5",
    "https://www.meridianwire.example/apple-qwen-follow-up",
    "Apple and Alibaba: what the deal means",
    day(2, 15),
)
B2 = article("b2", "https://www.eastbrief.example/deepseek-cut", "DeepSeek cuts prices", day(3, 2))
B1 = article("b1", "https://www.meridianwire.example/deepseek", "DeepSeek halves API prices", day(3, 1))
B3 = article(
    "b3", "https://www.pacificcircuit.example/deepseek-rivals", "Rivals answer DeepSeek's cut", day(3, 2, 12)
)


def assign(article_id: str, story_id: str, matched: str | None = None) -> StoryAssignment:
    return StoryAssignment(article_id, story_id, 1.0 if matched is None else 0.7, matched)


def batch(
    articles: Sequence[Article],
    stories: Sequence[StoryAssignment],
    analyses: Sequence[ArticleAnalysis] = (),
) -> BatchOutcome:
    return BatchOutcome(
        articles=tuple((a, "test") for a in articles), stories=tuple(stories), rows=ArticleRows.of(analyses)
    )


def load_history(db: Warehouse | Path) -> None:
    """Run r1 (one batch), then run r2 (two batches)."""
    with connect(db) as con:
        load_outcomes(
            con,
            "r1",
            R1_AT,
            batch(
                [A1, A2, A3],
                [assign("a1", "a1"), assign("a2", "a1", "a1"), assign("a3", "a3")],
                [mentions("a1", "Alibaba", "Alibaba", "Apple"), mentions("a2", "Alibaba", "Qwen")],
            ),
        )
        load_outcomes(
            con,
            "r2",
            R2_AT,
            batch(
                [A4, A5, B2],
                [assign("a4", "a1", "a2"), assign("a5", "a1", "a2"), assign("b2", "b2")],
                [mentions("a4", "Apple"), mentions("a5", "Apple")],
            ),
        )
        # The second batch of run r2: b1 and b3 join the story b2 started in the first.
        load_outcomes(con, "r2", R2_AT, batch([B1, B3], [assign("b1", "b2", "b2"), assign("b3", "b2", "b1")]))


# Joins the rules flag (migration 019): c2, undated, joined c1's story on content alone; d1 matched a story
# that had reached the size limit ("full-story", not loaded here) and started the one that continues it;
# e1, two days after c1, started a story that follows c1's (migration 026).
C1 = article("c1", "https://www.meridianwire.example/kimi", "Moonshot opens Kimi to developers", day(4, 1))
C2 = article("c2", "file:///in/kimi.txt", "Kimi opens to developers", None, source="files")
D1 = article("d1", "https://www.eastbrief.example/summit", "Summit day three", day(4, 2))
E1 = article(
    "e1", "https://www.eastbrief.example/kimi-million", "Kimi passes a million developers", day(6, 3)
)


def load_flagged_joins(db: Warehouse | Path) -> None:
    with connect(db) as con:
        load_outcomes(
            con,
            "r3",
            R2_AT,
            batch(
                [C1, C2, D1, E1],
                [
                    assign("c1", "c1"),
                    dataclasses.replace(assign("c2", "c1", "c1"), undated=True),
                    dataclasses.replace(assign("d1", "d1"), overflow_of="full-story"),
                    dataclasses.replace(assign("e1", "e1"), follows="c1"),
                ],
            ),
        )
