# ruff: noqa: RUF001  (the text under test is Unicode on purpose: CJK punctuation, full-width forms)
"""The full-text index's tokenizer: one function for articles and queries, in every script."""

from __future__ import annotations

import threading

import pytest

from transform.search_terms import STOP_WORDS, SearchDocument, query_terms, search_document, search_terms


def test_english_words_are_casefolded_stemmed_and_stop_words_dropped() -> None:
    assert search_terms("The Models are running on iPhones, and Apple's chips") == [
        "model",
        "run",
        "iphon",
        "appl",
        "chip",
    ]


def test_a_plural_and_a_singular_meet() -> None:
    assert search_terms("model") == search_terms("models") == search_terms("MODELS")


def test_nfkc_full_width_and_accents_fold() -> None:
    assert search_terms("ＱＷＥＮ３") == search_terms("Qwen3") == ["qwen3"]
    assert search_terms("Café Zürich") == search_terms("cafe zurich")
    assert search_terms("Straße") == search_terms("strasse")


def test_us_is_not_a_stop_word_but_the_is() -> None:
    assert "us" not in STOP_WORDS and "the" in STOP_WORDS
    assert search_terms("US chips") == ["us", "chip"]


def test_cyrillic_words_are_kept_as_words() -> None:
    assert search_terms("Привет, мир") == ["привет", "мир"]


def test_chinese_runs_become_overlapping_bigrams() -> None:
    assert search_terms("阿里巴巴集团") == ["阿里", "里巴", "巴巴", "巴集", "集团"]
    # A one-character run is that character; punctuation and Latin words split runs.
    assert search_terms("京，Qwen模型") == ["京", "qwen", "模型"]


def test_a_chinese_query_matches_the_name_inside_a_longer_run() -> None:
    document = set(search_terms("阿里巴巴发布通义千问"))
    assert set(query_terms("阿里巴巴")) <= document
    assert set(query_terms("通义千问")) <= document


def test_japanese_kana_and_kanji_become_bigrams() -> None:
    assert search_terms("アップルは東京で") == ["アッ", "ップ", "プル", "ルは", "は東", "東京", "京で"]
    # Half-width katakana is the same word after NFKC; the middle dot separates.
    assert search_terms("ｱｯﾌﾟﾙ") == search_terms("アップル")
    assert search_terms("東京・大阪") == ["東京", "大阪"]


def test_korean_words_and_their_bigrams() -> None:
    assert search_terms("애플은 새 아이폰을") == [
        "애플은",
        "애플",
        "플은",
        "새",
        "아이폰을",
        "아이",
        "이폰",
        "폰을",
    ]
    # The bare word a user types matches the word with its particle through the bigrams.
    assert set(query_terms("아이폰")) - set(search_terms("아이폰을")) == {"아이폰"}
    assert set(query_terms("애플")) <= set(search_terms("애플은"))


def test_query_terms_are_distinct_in_order() -> None:
    assert query_terms("Qwen qwen QWEN iPhone the") == ["qwen", "iphon"]
    assert query_terms("the and of") == []
    assert query_terms("") == []


def test_search_document_counts_title_and_body_together() -> None:
    document = search_document("a1", "Qwen models", "Alibaba's Qwen model. 阿里")
    assert document == SearchDocument("a1", 6, (("alibaba", 1), ("model", 2), ("qwen", 2), ("阿里", 1)))
    assert search_document("a2", None, "Qwen").terms == (("qwen", 1),)


@pytest.mark.parametrize(
    "text", ["", "   ", "!!!", "---", "\u200b", "🙂🙂", "_", "a_b", "\x00\x01", "ー", "々"]
)
def test_odd_text_never_fails(text: str) -> None:
    terms = search_terms(text)
    assert all(terms) and all(term == term.strip() for term in terms)


def test_threads_share_no_stemmer_state() -> None:
    words = " ".join(f"running{i} models{i} connections" for i in range(300))
    expected = search_terms(words)
    results: list[list[str]] = []

    def work() -> None:
        for _ in range(5):
            results.append(search_terms(words))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results and all(result == expected for result in results)
