from __future__ import annotations

from transform.structure import drop_citation_markers, drop_repeated_lead, unfold_summary_scaffolding


def test_citation_markers_are_removed_from_prose() -> None:
    result = drop_citation_markers("Qwen leads the ranking [2]. Alibaba invests more[4][5] and grows [12]")
    assert result.text == "Qwen leads the ranking. Alibaba invests more and grows"
    assert result.details == ("[2]", "[4][5]", "[12]")


def test_other_brackets_stay() -> None:
    text = "He wrote [sic] that the [Reuters] report and items[i] stay.\n[1] A reference list entry."
    assert drop_citation_markers(text).text == text


def test_scaffolding_becomes_headings_and_lines() -> None:
    text = (
        "Core Viewpoint - Alibaba shares rose sharply [1] Group 1: Cloud Growth - Revenue rose [2] "
        '- Margins improved on "scale - price - demand" effects [3] Group 2: Outlook - More to come'
    )
    result = unfold_summary_scaffolding(text)
    assert result.text == (
        "Core Viewpoint\nAlibaba shares rose sharply [1]\n\nCloud Growth\nRevenue rose [2]\n"
        'Margins improved on "scale - price - demand" effects [3]\n\nOutlook\nMore to come'
    )
    assert result.details == (
        "heading: Core Viewpoint",
        "heading: Cloud Growth",
        "heading: Outlook",
        "bullet",
    )


def test_dashes_in_ordinary_prose_stay() -> None:
    text = "Apple - The company said it would wait. Group talks - Friday."
    assert unfold_summary_scaffolding(text).changed == 0


def test_repeated_lead_at_the_end_is_dropped() -> None:
    lead = "Apple picked Alibaba for AI in China."
    ending = "Meanwhile, apple picked Alibaba for AI in China."
    text = f"{lead}\nThe deal was confirmed in Dubai.\nShares rose.\n{ending}"
    result = drop_repeated_lead(text)
    assert result.text == f"{lead}\nThe deal was confirmed in Dubai.\nShares rose."
    assert result.changed == 1


def test_short_texts_and_different_endings_stay() -> None:
    assert drop_repeated_lead("Apple rose.\nApple rose.").changed == 0
    text = "Apple rose.\nAlibaba fell.\nBaidu waited."
    assert drop_repeated_lead(text).changed == 0
