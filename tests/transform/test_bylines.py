from __future__ import annotations

import pytest

from transform.bylines import Bylines, bylines_from_fields, merge_names, move_bylines


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("By Anna Lee", [("author", "Anna Lee")]),
        ("by Song Wei", [("author", "Song Wei")]),
        ("BY J. R. Hart", [("author", "J. R. Hart")]),
        ("By Anna Lee and Tom Park", [("author", "Anna Lee"), ("author", "Tom Park")]),
        ("By Anna Lee, Tom Park", [("author", "Anna Lee"), ("author", "Tom Park")]),
        ("Author | Gao Yun Editor | Xu Ming", [("author", "Gao Yun"), ("editor", "Xu Ming")]),
        ("Author: Gao Yun", [("author", "Gao Yun")]),
        ("Edited by Xu Ming", [("editor", "Xu Ming")]),
        ("Photo by Kuang Ming", [("credit", "Photo by Kuang Ming")]),
        ("Photo: Reuters", [("credit", "Photo: Reuters")]),
        ("(Photo: Alibaba Group)", [("credit", "Photo: Alibaba Group")]),
        ("Image credit: Getty Images", [("credit", "Image credit: Getty Images")]),
        ("Source: Wall Street Journal", [("credit", "Source: Wall Street Journal")]),
    ],
)
def test_byline_lines_move_to_fields(line: str, fields: list[tuple[str, str]]) -> None:
    result = move_bylines(f"{line}\nAlibaba shares rose on Monday.")
    assert result.text == "Alibaba shares rose on Monday."
    assert list(result.fields) == fields
    assert result.changed == len(fields)
    assert result.details == tuple(f"{field}: {value}" for field, value in fields)


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the trading day, Alibaba had gained 8%.",
        "By teaming up with Alibaba, Apple hopes to win back buyers.",
        "by the way",
        "By Monday Morning Apple Had Agreed To The Deal",
        "Sources close to the talks said Apple tested several models.",
        "Photographers waited outside the campus.",
    ],
)
def test_sentences_that_look_like_bylines_stay(line: str) -> None:
    result = move_bylines(line)
    assert result.text == line
    assert result.changed == 0


def test_inline_author_and_editor_at_the_start_of_a_one_line_article() -> None:
    text = "Author | Gao Yun Editor | Xu Ming Two weeks ago, Alibaba released a new Qwen model."
    result = move_bylines(text)
    assert result.text == "Two weeks ago, Alibaba released a new Qwen model."
    assert result.fields == (("author", "Gao Yun"), ("editor", "Xu Ming"))


def test_inline_name_followed_by_a_capitalised_first_word() -> None:
    result = move_bylines("Author | Gao Yun Apple picked Alibaba as its partner in China.")
    assert result.text == "Apple picked Alibaba as its partner in China."
    assert result.fields == (("author", "Gao Yun"),)


def test_inline_role_is_only_read_at_the_very_start() -> None:
    text = "Apple said the author | of the report was not named."
    assert move_bylines(text).text == text


def test_bylines_from_fields_groups_and_deduplicates() -> None:
    fields = (("author", "Gao Yun"), ("editor", "Xu Ming"), ("author", "gao  yun"), ("credit", "Photo: AP"))
    assert bylines_from_fields(fields) == Bylines(("Gao Yun",), ("Xu Ming",), ("Photo: AP",))


def test_merge_names_keeps_order_and_drops_repeats() -> None:
    assert merge_names(("Anna Lee",), ["anna lee", "Tom Park"]) == ("Anna Lee", "Tom Park")
