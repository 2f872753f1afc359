# ruff: noqa: RUF001  (the text under test is Unicode on purpose: curly quotes, CJK, full-width forms)
from __future__ import annotations

import pytest

from transform.glue import split_glued_sentences
from transform.lexicon import PROTECTED_NAMES
from transform.sentences import restore_lost_stops, split_flattened_lines, split_sentences


def test_split_sentences_respects_abbreviations_and_numbers() -> None:
    text = (
        "Apple Inc. and Alibaba agreed. Mr. Cook spoke in the U.S. Senate. Shares rose 8.48% to a high. "
        "Qwen2.5 leads No. 2 in the ranking! Was it enough? J. Smith thinks so."
    )
    assert split_sentences(text) == [
        "Apple Inc. and Alibaba agreed.",
        "Mr. Cook spoke in the U.S. Senate.",
        "Shares rose 8.48% to a high.",
        "Qwen2.5 leads No. 2 in the ranking!",
        "Was it enough?",
        "J. Smith thinks so.",
    ]


def test_split_sentences_handles_quotes_lines_and_cjk() -> None:
    text = 'He said "it is ready." Then he left.\n阿里巴巴宣布合作。苹果确认了消息！Apple agreed.'
    assert split_sentences(text) == [
        'He said "it is ready."',
        "Then he left.",
        "阿里巴巴宣布合作。",
        "苹果确认了消息！",
        "Apple agreed.",
    ]


def test_split_sentences_of_empty_text() -> None:
    assert split_sentences("") == []
    assert split_sentences("\n \n") == []


@pytest.mark.parametrize(
    ("glued", "repaired"),
    [
        ("confidenceShortly", "confidence. Shortly"),
        ("deploymentAs", "deployment. As"),
        ("iPhoneThis", "iPhone. This"),
        ("ChinaThis", "China. This"),
        ("IncJust", "Inc. Just"),
        ("dollarsIn", "dollars. In"),
        ("game-changerApple's", "game-changer. Apple's"),
        ("GPUsThe", "GPUs. The"),
        ("growthOpen-source", "growth. Open-source"),
    ],
)
def test_glued_sentences_are_split(glued: str, repaired: str) -> None:
    text = f"Apple talked to Alibaba for a long time about the {glued} deal went ahead."
    result = split_glued_sentences(text)
    assert result.text == text.replace(glued, repaired)
    assert result.details == (f"{glued} -> {repaired}",)


@pytest.mark.parametrize(
    "prefix", ["", "(", "(" * 100, "x" * 100 + " (", "https://example.com/" + "a" * 80 + " "]
)
def test_glued_tokens_are_found_after_long_runs_without_spaces(prefix: str) -> None:
    # The scan looks a short way back from a glue for the start of its chunk, then all the way.
    text = f"Sales grew {prefix}confidenceShortly after, then iPhoneThis and ChinaThis rose."
    result = split_glued_sentences(text)
    assert result.text == (
        f"Sales grew {prefix}confidence. Shortly after, then iPhone. This and China. This rose."
    )


@pytest.mark.parametrize(
    "name",
    [
        *sorted(PROTECTED_NAMES),
        "iPhones",
        "iPhone's",
        "DeepSeek’s",
        "Qwen2.5-Max",
        "Qwen2.5Max",
        "LinkedIn",
        "CheckIn",
        "McDonald's",
        "getElementById",
    ],
)
def test_protected_names_survive(name: str) -> None:
    text = f"The company spoke about {name} on Monday."
    assert split_glued_sentences(text).text == text


def test_a_capitalised_glue_seen_twice_is_a_name() -> None:
    text = "StarOne racks arrived. The StarOne racks host Qwen."
    assert split_glued_sentences(text).changed == 0


def test_extra_protected_names_come_from_the_caller() -> None:
    text = "Alibaba uses ModelThe to host models."
    assert split_glued_sentences(text).changed == 1
    assert split_glued_sentences(text, PROTECTED_NAMES | {"ModelThe"}).changed == 0


def test_no_split_without_evidence() -> None:
    for text in ("It runs on inThe box.", "It ran on ofThis.", "A blueBerry grew.", "see example.comThe"):
        assert split_glued_sentences(text).changed == 0, text


def test_a_word_seen_opening_a_sentence_elsewhere_is_evidence() -> None:
    text = "Baidu waited. Apple chose Alibaba over BaiduFew expected it."
    assert split_glued_sentences(text).changed == 0
    text = "Few expected it. Apple chose Alibaba over BaiduFew expected it."
    assert (
        split_glued_sentences(text).text
        == "Few expected it. Apple chose Alibaba over Baidu. Few expected it."
    )


def test_a_lowercase_word_before_a_plain_capitalised_word_is_a_glue_between_two_sentences() -> None:
    text = "Prices of cobalt have fallen since the spring of last yearMiners plan to cut output."
    assert split_glued_sentences(text).details == ("yearMiners -> year. Miners",)
    # Too short to be two sentences; a word no English word starts like ("bioRxiv") is a name.
    for text in ("A blueBerry grew.", "The preprint is on bioRxiv and medRxiv since the spring."):
        assert split_glued_sentences(text).changed == 0, text


@pytest.mark.parametrize(
    "text",
    [
        "In the app, useState and fetchData run first, then userName and pageSize are read.",
        "The script calls setTimeout and reads localStorage before the page is shown to readers.",
        "Then the handler calls findAll and checkIn for every row of the table it was given.",
    ],
)
def test_code_names_in_prose_are_not_glues(text: str) -> None:
    assert split_glued_sentences(text).changed == 0


def test_a_pronoun_after_a_code_word_is_still_a_glue() -> None:
    text = "The team said it would stop the rollout for general useThe company did not say when."
    assert split_glued_sentences(text).details == ("useThe -> use. The",)


def test_a_repeated_glue_before_an_opener_is_split_every_time() -> None:
    text = "Sales rose around KimiThe plan grew. Costs fell around KimiThe plan held."
    assert split_glued_sentences(text).changed == 2


def test_a_token_that_opens_a_sentence_is_not_a_glue() -> None:
    text = "Flights were added. easyJet said demand was strong in the summer months."
    assert split_glued_sentences(text).changed == 0


def test_two_names_glued_make_a_name_unless_the_second_opens_sentences() -> None:
    text = "The lab trained DeepSeekMoE and compared it with other models in the paper."
    assert split_glued_sentences(text).changed == 0
    text = "The chatbot won ten million users within a weekDeepSeek took two months to do so."
    assert split_glued_sentences(text).details == ("weekDeepSeek -> week. DeepSeek",)


def test_a_capitalised_common_word_needs_the_text_to_use_it_as_a_name() -> None:
    text = "Users can now call each other on FaceTime from a phone. Time will tell if they do."
    assert split_glued_sentences(text).changed == 0
    text = (
        "Buyers watched Kimi, and its investment plans were large. The team built Kimi with care. "
        "Usage grew fast around KimiInvestment budgets rose again in the quarter."
    )
    assert split_glued_sentences(text).details == ("KimiInvestment -> Kimi. Investment",)


def test_lost_stops_before_strong_openers_are_restored() -> None:
    text = (
        "Alibaba stood out According to sources. It showed strength This technology leads. "
        "It fell However, not much."
    )
    result = restore_lost_stops(text)
    assert result.text == (
        "Alibaba stood out. According to sources. It showed strength. This technology leads. "
        "It fell. However, not much."
    )
    assert result.changed == 3


@pytest.mark.parametrize(
    "text",
    [
        "The show called This Is Us aired.",
        "A film titled This week in AI.",
        "He said the However clause applies.",
        "Read the report This Year In Review.",
    ],
)
def test_lost_stops_stay_when_unsure(text: str) -> None:
    assert restore_lost_stops(text).changed == 0


def test_a_flattened_article_is_split_into_paragraphs() -> None:
    sentences = [
        f"Alibaba sentence number {n} talks about the Qwen models and the iPhone deal." for n in range(23)
    ]
    line = " ".join(sentences)
    result = split_flattened_lines(line)
    paragraphs = result.text.split("\n\n")
    assert [len(split_sentences(p)) for p in paragraphs] == [4, 4, 4, 4, 4, 3]
    assert " ".join(paragraphs) == line
    assert result.details == ("23 sentences -> 6 paragraphs",)


def test_a_lone_last_sentence_joins_the_previous_paragraph() -> None:
    line = " ".join(
        f"Apple sentence {n} is about the long partnership with Alibaba in China." for n in range(25)
    )
    paragraphs = split_flattened_lines(line).text.split("\n\n")
    assert [len(split_sentences(p)) for p in paragraphs] == [4, 4, 4, 4, 4, 5]


def test_normal_paragraphs_are_not_split() -> None:
    text = "Short paragraph. With two sentences.\nAnother line."
    assert split_flattened_lines(text).changed == 0


@pytest.mark.parametrize("budget", [0, 1_000_000])
def test_the_evidence_is_the_same_read_word_by_word_or_in_one_pass(
    budget: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Questions about a few words look at their occurrences; after a budget the text is read in one pass.
    text = (
        "Few expected it. Sales rose around Kimi, and its investment plans grew.\n\n"
        "Demand grew around KimiInvestment budgets rose. Buyers waited in Dublin for it.\n"
        "Costs fell in DublinChips were scarce as chips ran out. "
        "Apple chose Alibaba over BaiduFew expected it. “Kimi’s rivals” said nothing. "
        "The chatbot won users within a weekDeepSeek took longer."
    )
    expected = split_glued_sentences(text).details
    monkeypatch.setattr("transform.glue._WORDS_BEFORE_PASS", budget)
    assert split_glued_sentences(text).details == expected
    assert len(expected) == 4
