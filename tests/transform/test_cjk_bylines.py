# ruff: noqa: RUF001  (the text under test is Chinese, Japanese and Korean on purpose, full-width forms too)
"""Chinese, Japanese and Korean bylines and credits move to fields; sentences that start alike stay."""

from __future__ import annotations

import pytest

from transform.bylines import move_bylines
from transform.cleaning import clean_document
from transform.records import ExtractedDocument

BODY = "阿里巴巴周二发布了新一代模型。"


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("记者 张三", [("author", "张三")]),
        ("记者张三", [("author", "张三")]),
        ("本报记者 张三 李四", [("author", "张三"), ("author", "李四")]),
        ("本报记者 张三 北京报道", [("author", "张三")]),
        ("（记者 张三）", [("author", "张三")]),
        ("编辑：李四", [("editor", "李四")]),
        ("责任编辑：王小明 SN225", [("editor", "王小明")]),
        ("文｜王五", [("author", "王五")]),
        ("文/王五 编辑/李四", [("author", "王五"), ("editor", "李四")]),
        ("记者：张三 编辑：李四 校对：王五", [("author", "张三"), ("editor", "李四"), ("editor", "王五")]),
        ("作者：Anna Lee", [("author", "Anna Lee")]),
        ("【来源】新华社", [("credit", "【来源】新华社")]),
        ("来源：第一财经", [("credit", "来源：第一财经")]),
        ("本文来源：华东商报", [("credit", "本文来源：华东商报")]),
        ("张三 摄", [("credit", "张三 摄")]),
        ("責任編集：山田太郎", [("editor", "山田太郎")]),
        ("記者：佐藤健", [("author", "佐藤健")]),
        ("記者 佐藤健", [("author", "佐藤健")]),
        ("编辑 李四", [("editor", "李四")]),
        ("来源 新华社", [("credit", "来源 新华社")]),
        ("写真：ロイター", [("credit", "写真：ロイター")]),
        ("（共同）", [("credit", "共同")]),
        ("【ニューヨーク=共同】", [("credit", "共同")]),
        ("【北京=山田太郎】", [("author", "山田太郎")]),
        ("김민준 기자", [("author", "김민준")]),
        ("김민준·이서연 기자 kim@hanbit.example", [("author", "김민준"), ("author", "이서연")]),
        ("기자 김민준", [("author", "김민준")]),
        ("사진=한빛뉴스", [("credit", "사진=한빛뉴스")]),
    ],
)
def test_cjk_byline_lines_move_to_fields(line: str, fields: list[tuple[str, str]]) -> None:
    result = move_bylines(f"{line}\n{BODY}")
    assert result.text == BODY
    assert list(result.fields) == fields


@pytest.mark.parametrize(
    "line",
    [
        "记者会上，张三表示公司将继续投资。",
        "记者 张三表示，阿里巴巴将加大投入。",
        "记者招待会",
        "编辑 推荐",
        "视频新闻",
        "摄影比赛获奖作品",
        "编辑部今天宣布新的计划。",
        "文化产业是阿里巴巴的新方向。",
        "来源于用户的反馈显示，新模型更受欢迎。",
        "图灵奖得主表示支持。",
        "写真は本文と関係ありません。",
        "김민준 기자는 이렇게 말했다.",
        "기자회견에서 애플은 새 기능을 발표했다.",
    ],
)
def test_cjk_sentences_that_start_like_bylines_stay(line: str) -> None:
    result = move_bylines(line)
    assert result.text == line
    assert result.fields == ()


def test_a_chinese_dateline_keeps_its_place_and_gives_its_reporters() -> None:
    result = move_bylines("新华社北京12月1日电（记者张三 李四）阿里巴巴1日宣布推出新模型。")
    assert result.text == "新华社北京12月1日电阿里巴巴1日宣布推出新模型。"
    assert result.fields == (("author", "张三"), ("author", "李四"))


def test_a_korean_agency_lead_gives_its_reporter_and_agency() -> None:
    result = move_bylines("(서울=한빛뉴스) 김민준 기자 = 애플이 새 아이폰을 공개했다.")
    assert result.text == "애플이 새 아이폰을 공개했다."
    assert result.fields == (("author", "김민준"), ("credit", "한빛뉴스"))


def test_a_japanese_lead_gives_its_reporter_or_agency() -> None:
    assert move_bylines("【北京=山田太郎】アリババは1日、新モデルを発表した。").fields == (
        ("author", "山田太郎"),
    )
    result = move_bylines("【ワシントン=共同】アップルは新機能を発表した。")
    assert result.text == "アップルは新機能を発表した。"
    assert result.fields == (("credit", "共同"),)


def test_cleaning_puts_chinese_credits_in_the_article_fields() -> None:
    document = ExtractedDocument(
        doc_id="d1",
        uri="file:///a.txt",
        source="local",
        title="阿里巴巴发布新模型",
        text=f"记者 张三\n{BODY}\n广告\n该模型支持中文和英文。\n【来源】华东商报\n责任编辑：李四",
    )
    article = clean_document(document)
    assert article.body == f"{BODY}\n该模型支持中文和英文。"
    assert article.authors == ("张三",)
    assert article.editors == ("李四",)
    assert article.credits == ("【来源】华东商报",)
