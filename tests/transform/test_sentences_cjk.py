# ruff: noqa: RUF001  (Chinese and Japanese text with its own punctuation, on purpose)
"""Sentences of Chinese, Japanese and Korean articles through the stages that use them: the analysts'
article_sentences, and the repeated-lead repair of cleaning."""

from __future__ import annotations

from transform.analysis import analysis_of, find_in_sentences
from transform.cleaning import clean_text
from transform.sentences import split_flattened_lines, split_sentences
from transform.structure import drop_repeated_lead

ZH = (
    "阿里巴巴周四公布季度业绩，营收同比增长百分之五。云计算收入增长最快！分析人士问：竞争会更激烈吗？\n\n"
    "公司表示将继续投资数据中心。"
)


def test_article_sentences_of_a_chinese_body() -> None:
    analysis = analysis_of("a1", find_in_sentences(ZH))
    assert analysis.sentences == (
        "阿里巴巴周四公布季度业绩，营收同比增长百分之五。",
        "云计算收入增长最快！",
        "分析人士问：竞争会更激烈吗？",
        "公司表示将继续投资数据中心。",
    )


def test_japanese_and_korean_sentences() -> None:
    assert split_sentences("新機種を発表した。価格は高い｡「生産は来月から」と話した。") == [
        "新機種を発表した。",
        "価格は高い｡",
        "「生産は来月から」と話した。",
    ]
    assert split_sentences("애플은 새 아이폰을 공개했다. 가격은 10% 높다.") == [
        "애플은 새 아이폰을 공개했다.",
        "가격은 10% 높다.",
    ]


def test_a_repeated_chinese_lead_is_dropped_and_a_short_one_is_not() -> None:
    lead = "阿里巴巴周四公布季度业绩，营收同比增长百分之五。"
    text = f"{lead}\n\n云计算收入增长最快，企业客户需求上升。\n\n分析人士认为竞争依然激烈。{lead}"
    result = drop_repeated_lead(text)
    assert result.changed == 1 and result.text.endswith("分析人士认为竞争依然激烈。")
    short = "涨了。\n\n中间一句。另一句。\n\n涨了。"  # two words: repeats by coincidence
    assert drop_repeated_lead(short).changed == 0
    cleaned, audit = clean_text(text)
    assert cleaned.count(lead) == 1 and audit.count("drop_repeated_lead") == 1


def test_a_flattened_chinese_article_is_cut_into_paragraphs() -> None:
    line = "".join(f"第{i}句说明公司在这个季度的业务进展和市场变化情况以及管理层的判断。" for i in range(40))
    result = split_flattened_lines(line)
    assert result.changed == 1 and result.text.count("\n\n") == 9
