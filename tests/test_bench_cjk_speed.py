"""The CJK cases of the cleaning and signature benchmarks at tiny sizes, so they cannot rot. No timing."""

from __future__ import annotations

from bench import cjk_corpus, cleaning, dedup_speed
from transform.segmentation import has_han_or_kana, has_hangul


def test_the_cjk_corpus_is_seeded_and_in_its_script() -> None:
    for language in cjk_corpus.LANGUAGES:
        first = cjk_corpus.generate(3, language, seed=1)
        assert first == cjk_corpus.generate(3, language, seed=1) and len(set(first)) == 3
        assert all(len(text) >= cjk_corpus.CHARS[language] for text in first)
    assert all(has_han_or_kana(t) for t in cjk_corpus.generate(2, "zh") + cjk_corpus.generate(2, "ja"))
    assert all(has_hangul(t) for t in cjk_corpus.generate(2, "ko"))


def test_the_cjk_cleaning_and_signature_figures() -> None:
    figures = cleaning.cjk_figures(4, workers=(1,))
    assert figures["clean_docs_per_s_zh_1_process"] > 0 and figures["word_count_docs_per_s_ja"] > 0
    assert set(figures) >= {f"clean_{kind}_to_plain_1_process" for kind in cjk_corpus.LANGUAGES}
    signatures = dedup_speed.cjk_throughput(4)
    assert signatures["signature_docs_per_s_1_process_ko"] and "signature_zh_to_en" in signatures


def test_the_search_probe_comparison() -> None:
    figures = cjk_corpus.search_probe_recall(6)
    assert figures["bigrams_probe_recall"] == 1.0  # every article holding a probe word is found
    assert 0.0 <= figures["words_language_unknown_probe_recall"] <= 1.0
