"""The analyst rows and full-text index rows of many articles, in columns: what the processes that read
the articles hand to the load.

A worker reads each article into records (`ArticleAnalysis`, `SearchDocument`). Sent back as records,
the parent process unpickled them one Python object at a time, on one core (3,000 generated articles:
0.43 s), and the load then turned them into columns (0.25 s more). Turned into Arrow tables in the
worker, they cross as a few buffers (0.03 s to unpickle) and the load inserts them as they are.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from transform.analysis import ArticleAnalysis
from transform.search_terms import SearchDocument

# Each table's columns are those of the warehouse table of the same name, so the load inserts it whole.
SENTENCES = pa.schema(
    [("article_id", pa.string()), ("sentence_index", pa.int32()), ("sentence", pa.string())]
)
MENTIONS = pa.schema(
    [
        ("article_id", pa.string()),
        ("entity", pa.string()),
        ("alias", pa.string()),
        ("sentence_index", pa.int32()),
    ]
)
FACTS = pa.schema(
    [
        ("article_id", pa.string()),
        ("sentence_index", pa.int32()),
        ("kind", pa.string()),
        ("fact_key", pa.string()),
        ("fact_text", pa.string()),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("entity", pa.string()),
    ]
)
SEARCH_DOCUMENTS = pa.schema([("article_id", pa.string()), ("length", pa.int32())])
# The index's postings without their term key, which SQL computes as it inserts them.
POSTINGS = pa.schema(
    [("article_id", pa.string()), ("term", pa.string()), ("tf", pa.int32()), ("doc_length", pa.int32())]
)


@dataclass(frozen=True)
class ArticleRows:
    """The rows of articles for `article_sentences`, `entity_mentions`, `numeric_facts` (their analysis)
    and `search_documents` with its postings (their full-text index entries). An article may have one
    part and not the other: its analysis or its tokenizing failed."""

    sentences: pa.Table
    mentions: pa.Table
    facts: pa.Table
    search_documents: pa.Table
    postings: pa.Table

    @classmethod
    def of(
        cls, analyses: Sequence[ArticleAnalysis] = (), documents: Sequence[SearchDocument] = ()
    ) -> ArticleRows:
        """The rows of these analyses and index entries."""
        sentences = [(a.article_id, i, s) for a in analyses for i, s in enumerate(a.sentences)]
        mentions = [(a.article_id, m) for a in analyses for m in a.mentions]
        facts = [(a.article_id, f) for a in analyses for f in a.facts]
        return cls(
            _table(
                SENTENCES, [r[0] for r in sentences], [r[1] for r in sentences], [r[2] for r in sentences]
            ),
            _table(
                MENTIONS,
                [a for a, _ in mentions],
                [m.entity for _, m in mentions],
                [m.alias for _, m in mentions],
                [m.sentence_index for _, m in mentions],
            ),
            _table(
                FACTS,
                [a for a, _ in facts],
                [f.sentence_index for _, f in facts],
                [f.kind for _, f in facts],
                [f.key for _, f in facts],
                [f.text for _, f in facts],
                [f.value for _, f in facts],
                [f.unit for _, f in facts],
                [f.entity for _, f in facts],
            ),
            _table(SEARCH_DOCUMENTS, [d.article_id for d in documents], [d.length for d in documents]),
            _table(
                POSTINGS,
                [d.article_id for d in documents for _ in d.terms],
                [term for d in documents for term, _ in d.terms],
                [count for d in documents for _, count in d.terms],
                [d.length for d in documents for _ in d.terms],
            ),
        )

    def __add__(self, other: ArticleRows) -> ArticleRows:
        """These rows and `other`'s (of other articles)."""
        return ArticleRows(
            *(
                pa.concat_tables([mine, theirs])
                for mine, theirs in zip(self._tables(), other._tables(), strict=True)
            )
        )

    def only(self, article_ids: Collection[str]) -> ArticleRows:
        """The rows of these articles."""
        wanted = pa.array(list(article_ids), pa.string())
        return ArticleRows(
            *(table.filter(pc.is_in(table["article_id"], value_set=wanted)) for table in self._tables())
        )

    def indexed(self) -> frozenset[str]:
        """The articles with an index entry here."""
        return frozenset(self.search_documents["article_id"].to_pylist())

    def _tables(self) -> tuple[pa.Table, ...]:
        return (self.sentences, self.mentions, self.facts, self.search_documents, self.postings)


def _table(schema: pa.Schema, *columns: list[object]) -> pa.Table:
    return pa.table(
        [pa.array(column, field.type) for column, field in zip(columns, schema, strict=True)], schema=schema
    )


NO_ROWS = ArticleRows.of()
