"""Japanese and Korean text is told from Chinese by its kana and Hangul."""

from __future__ import annotations

import pytest

from transform.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("阿里巴巴周二在杭州发布了新一代通义千问大模型。", "zh"),
        ("アップルは新しいAI機能を年内に日本でも提供すると発表した。", "ja"),
        ("東邦電子の上期純利益", "ja"),
        ("애플이 새 아이폰에 인공지능 기능을 탑재한다고 밝혔다.", "ko"),
        ("苹果 iPhone 将使用阿里云的通义千问", "zh"),
    ],
)
def test_cjk_languages(text: str, language: str) -> None:
    assert detect_language(text) == language
