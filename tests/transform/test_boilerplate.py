# ruff: noqa: RUF001  (the text under test is Unicode on purpose: curly quotes, CJK, full-width forms)
from __future__ import annotations

import pytest

from transform.boilerplate import (
    drop_boilerplate_lines,
    drop_known_lines,
    is_boilerplate_line,
    learn_boilerplate,
    line_keys,
    normalise_line,
)


@pytest.mark.parametrize(
    "line",
    [
        "Advertisements",
        "Advertisement",
        "ADVERTISEMENT",
        "  advertisement  ",
        "Sponsored",
        "Sponsored content",
        "Continue reading",
        "Continue reading…",
        "Read more",
        "Read more »",
        "Read more: Alibaba opens a new data center",
        "Share this article",
        "Follow us on WeChat",
        "Follow us on X and LinkedIn",
        "— Advertisement —",
    ],
)
def test_prompts_are_boilerplate(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "",
        "Advertisements for the new iPhone ran on every channel in Shanghai.",
        "Readers followed the launch closely.",
        "Sponsored by the city, the event drew thousands of developers.",
        "Apple said it would share more details later.",
    ],
)
def test_prose_is_not_boilerplate(line: str) -> None:
    assert not is_boilerplate_line(line)


def test_drops_prompt_lines_anywhere_and_records_them() -> None:
    text = (
        "Advertisements\nAlibaba rose.\nAdvertisements\nApple fell.\nRead more\nADVERTISEMENT\nADVERTISEMENT"
    )
    result = drop_boilerplate_lines(text)
    assert result.text == "Alibaba rose.\nApple fell."
    assert result.changed == 5
    assert result.details == (
        "Advertisements",
        "Advertisements",
        "Read more",
        "ADVERTISEMENT",
        "ADVERTISEMENT",
    )


def test_drops_a_standalone_advertisements_word_inside_a_flattened_line() -> None:
    filler = "Qwen models gained users in many countries this quarter. " * 4
    text = f"{filler}Alibaba reported strong growth. Advertisements The cloud unit led the gains."
    result = drop_boilerplate_lines(text)
    assert result.text == f"{filler}Alibaba reported strong growth. The cloud unit led the gains."
    assert result.details == ("inline Advertisements",)


def test_keeps_advertisements_used_as_a_word_in_a_short_line() -> None:
    text = "Advertisements Matter to the platform."
    assert drop_boilerplate_lines(text).text == text


def test_normalise_line_ignores_case_width_and_spacing() -> None:
    assert normalise_line("  Subscribe   to  OUR  Newsletter ") == "subscribe to our newsletter"
    assert normalise_line("ＡＢＣ") == "abc"


def test_line_keys_are_the_distinct_short_lines() -> None:
    text = "Share on Weibo\nA long line of text " + "word " * 30 + "\n\nShare on Weibo\n2025\n"
    assert line_keys(text) == frozenset({"share on weibo"})


def test_learn_boilerplate_needs_enough_documents_and_share() -> None:
    counts = {"share on weibo": 40, "core viewpoint": 2, "rare line": 3, "x" * 100: 50}
    assert learn_boilerplate(counts, 100) == frozenset({"share on weibo"})
    assert learn_boilerplate(counts, 5) == frozenset({"share on weibo", "rare line"})
    assert learn_boilerplate(counts, 0) == frozenset()
    assert learn_boilerplate(counts, 100, min_share=0.5) == frozenset()


def test_drop_known_lines_matches_normalised_lines() -> None:
    known = frozenset({"scan the qr code to follow us"})
    text = "Alibaba rose.\n  Scan the QR code  to follow us \nApple fell."
    result = drop_known_lines(text, known)
    assert result.text == "Alibaba rose.\nApple fell."
    assert result.details == ("Scan the QR code  to follow us",)


def test_drop_known_lines_without_known_lines_changes_nothing() -> None:
    assert drop_known_lines("a\nb", frozenset()).changed == 0
