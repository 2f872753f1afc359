"""The analysis and index rows of many articles, in columns (`transform.article_rows`)."""

from __future__ import annotations

import pickle

from transform.analysis import ArticleAnalysis, EntityMention, NumericFact, analysis_of, find_in_sentences
from transform.article_rows import NO_ROWS, ArticleRows
from transform.search_terms import SearchDocument, search_document

QWEN = ArticleAnalysis(
    "a1",
    ("Alibaba's Qwen team grew.", "Revenue rose 8%."),
    (EntityMention("Alibaba", "Alibaba", 0),),
    (NumericFact(1, "percent", "pct:8", "8%", 8.0, "%", None),),
)
ERNIE = ArticleAnalysis("a2", ("Baidu showed Ernie.",), (), ())


def test_each_record_becomes_one_row_per_sentence_mention_fact_and_term() -> None:
    rows = ArticleRows.of([QWEN, ERNIE], [SearchDocument("a1", 3, (("qwen", 2), ("team", 1)))])
    assert rows.sentences.to_pylist() == [
        {"article_id": "a1", "sentence_index": 0, "sentence": "Alibaba's Qwen team grew."},
        {"article_id": "a1", "sentence_index": 1, "sentence": "Revenue rose 8%."},
        {"article_id": "a2", "sentence_index": 0, "sentence": "Baidu showed Ernie."},
    ]
    assert rows.mentions.to_pylist() == [
        {"article_id": "a1", "entity": "Alibaba", "alias": "Alibaba", "sentence_index": 0}
    ]
    assert rows.facts.to_pylist() == [
        {
            "article_id": "a1",
            "sentence_index": 1,
            "kind": "percent",
            "fact_key": "pct:8",
            "fact_text": "8%",
            "value": 8.0,
            "unit": "%",
            "entity": None,
        }
    ]
    assert rows.search_documents.to_pylist() == [{"article_id": "a1", "length": 3}]
    assert rows.postings.to_pylist() == [
        {"article_id": "a1", "term": "qwen", "tf": 2, "doc_length": 3},
        {"article_id": "a1", "term": "team", "tf": 1, "doc_length": 3},
    ]
    assert rows.indexed() == {"a1"}  # a2's tokenizing failed: the load tokenizes it again


def test_rows_of_some_articles_are_kept_and_joined_as_records_would_be() -> None:
    documents = [search_document("a1", "Qwen", "Qwen grew."), search_document("a2", None, "Ernie.")]
    both = ArticleRows.of([QWEN], documents[:1]) + ArticleRows.of([ERNIE], documents[1:])
    assert both == ArticleRows.of([QWEN, ERNIE], documents)
    assert both.only({"a2"}) == ArticleRows.of([ERNIE], documents[1:])
    assert both.only(set()) == NO_ROWS and (NO_ROWS + both) == both


def test_rows_cross_processes_whole() -> None:
    # What the workers send back: a pickle of the tables, equal once read again, empty ones included.
    found = find_in_sentences("Apple shares rose 3% on Tuesday. Alibaba said Qwen grew.", "Qwen grows")
    rows = ArticleRows.of([analysis_of("a1", found)], [search_document("a1", "Qwen grows", "Qwen grew.")])
    assert pickle.loads(pickle.dumps(rows)) == rows and rows.facts.num_rows and rows.mentions.num_rows
    assert pickle.loads(pickle.dumps(NO_ROWS)) == NO_ROWS
