# ruff: noqa: RUF001  (the text under test is Unicode on purpose: curly quotes, CJK, full-width forms)
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzzing import examples
from transform.language import _LETTER, _letter_count, detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Apple has chosen Alibaba as its partner for AI features in China.", "en"),
        ("阿里巴巴与苹果合作，为中国的iPhone用户提供人工智能功能。", "zh"),
        ("阿里巴巴股价上涨，Qwen2.5-Max 模型表现出色，市场关注度提升。", "zh"),
        ("Der Konzern hat seine Pläne für künstliche Intelligenz vorgestellt.", "de"),
        ("Mit dem neuen Modell will Alibaba die Konkurrenz von DeepSeek auf Abstand halten.", "de"),
        # German names in English text, English words in German text: the function words decide.
        ("The flood in the Ermstal hit Bad Urach and the Landkreis Reutlingen hardest.", "en"),
        ("Der Chef sprach von einem „Game Changer“ für die Cloud-Sparte des Konzerns.", "de"),
        ("La ciudad aprobó el presupuesto para el nuevo puente.", None),
        ("Qwen", None),
        ("", None),
        ("2025 — 8.48%", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


@settings(max_examples=examples(300), deadline=None)
@given(st.text(max_size=60) | st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_letters_are_counted_as_the_letter_pattern_finds_them(text: str) -> None:
    # `_letter_count` counts ASCII text's letters in C: the same count as listing every letter.
    assert _letter_count(text) == len(_LETTER.findall(text))
