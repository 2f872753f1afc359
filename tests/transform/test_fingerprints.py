import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from transform import segmentation
from transform.fingerprints import body_hash, matching_words, normalise_for_matching, word_count
from transform.segmentation import has_han_or_kana


def test_copies_differing_in_case_spacing_and_punctuation_hash_alike() -> None:
    a = "Alibaba's Qwen  powers Apple Intelligence.\n\nShares rose 8%."
    b = "alibaba's qwen powers apple intelligence shares rose 8"
    assert body_hash(a) == body_hash(b)


def test_different_words_hash_differently() -> None:
    assert body_hash("Apple picks Qwen") != body_hash("Apple picks Ernie")


def test_normalisation_folds_width_and_case_but_keeps_cjk() -> None:
    assert normalise_for_matching("\uff31\uff37\uff25\uff2e, 通义千问!") == "qwen 通义千问"


def test_word_count() -> None:
    assert word_count("Alibaba Cloud, 2025: Qwen-Max!") == 5
    # Segmented words, not one "word" per clause: 阿里巴巴 / 发布 / 了 / 新 / 模型 / ...
    assert word_count("阿里巴巴发布了新模型，调用量翻了一番。") >= 8  # noqa: RUF001


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_the_fast_word_split_matches_the_word_regex(text: str) -> None:
    words = re.compile(r"\w+")
    assert matching_words(text) == words.findall(unicodedata.normalize("NFKC", text).casefold())
    # Chinese and Japanese are counted in segmented words (transform.segmentation); every other script
    # in runs of word characters, as before.
    if has_han_or_kana(text):
        assert word_count(text) == len(segmentation.words(text))
    else:
        assert word_count(text) == len(words.findall(text))
