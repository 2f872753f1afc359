"""The body by evidence (extract/readings.py), the lineage of each field, one shared parse, CJK pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from lxml import etree

from extract.documents import extract_document
from extract.pages import page_metadata, parse_page
from extract.readings import Reading, boilerplate_share, choose, overlap, read_main_text
from transform.records import RawDocument, SourceKind, sha256_hex

NOW = datetime(2026, 3, 1, tzinfo=UTC)

LEAD = (
    "The harbour bridge reopened to traffic on Monday morning after eleven months of repairs to its "
    "corroded cables, the city's transport office said."
)
REST = [
    "Engineers replaced all forty-two suspension cables and rebuilt the eastern approach, which had "
    "been closed since a routine inspection found cracks in two anchor blocks last spring.",
    "Ferry operators, who carried most commuters while the bridge was shut, said they would cut "
    "their timetables back to the winter schedule from next week.",
    "The final bill came to slightly more than the original estimate, mostly because steel prices "
    "rose during the second half of the project, according to the transport office.",
    "Cyclists get a separated lane on the northern side for the first time, a change that local "
    "groups had asked for since the bridge was first built in the nineteen-sixties.",
]


def raw(html: str, uri: str = "https://news.example/2026/02/bridge") -> RawDocument:
    content = html.encode()
    return RawDocument(
        "web", SourceKind.URL, uri, NOW, "text/html", content, sha256_hex(content), len(content)
    )  # fmt: skip


def lead_only_page_with_full_json_ld() -> str:
    data = {
        "@type": "NewsArticle",
        "headline": "Harbour bridge reopens",
        "datePublished": "2026-02-23T07:00:00Z",
        "author": {"@type": "Person", "givenName": "Ines", "familyName": "Okafor"},
        "articleBody": "\n\n".join([LEAD, *REST]),
    }
    return (
        "<html><head><title>Harbour bridge reopens</title>"
        f'<script type="application/ld+json">{json.dumps(data)}</script></head><body>'
        "<nav><a href='/'>Home</a> <a href='/city'>City</a></nav>"
        f"<article><h1>Harbour bridge reopens</h1><p>{LEAD}</p>"
        "<div class='paywall'>Subscribe to read the full story.</div></article>"
        "<footer>Copyright Daily Example</footer></body></html>"
    )


def test_a_body_cut_after_the_lead_is_replaced_by_the_fuller_reading_that_holds_it() -> None:
    document = extract_document(raw(lead_only_page_with_full_json_ld()))
    assert LEAD in document.text
    assert all(paragraph in document.text for paragraph in REST)
    # trafilatura's recall reading finds the full text here too; either is the fuller reading.
    assert "body=recall" in document.extractor or "body=json-ld" in document.extractor


def test_the_lineage_names_the_reading_and_the_source_of_each_field() -> None:
    document = extract_document(raw(lead_only_page_with_full_json_ld()))
    assert document.extractor.startswith("trafilatura-")
    assert "title=json-ld" in document.extractor
    assert "authors=json-ld" in document.extractor
    assert "published_at=json-ld" in document.extractor
    assert document.authors == ("Ines Okafor",)
    assert document.published_at == datetime(2026, 2, 23, 7, tzinfo=UTC)


def test_a_full_body_keeps_the_precision_reading() -> None:
    paragraphs = "".join(f"<p>{text}</p>" for text in [LEAD, *REST])
    html = f"<html><head><title>T</title></head><body><article>{paragraphs}</article></body></html>"
    document = extract_document(raw(html))
    assert "body=precision" in document.extractor
    assert all(paragraph in document.text for paragraph in REST)


def test_a_longer_reading_that_is_another_text_or_boilerplate_does_not_replace_the_first() -> None:
    first = Reading(LEAD, "precision")
    other_text = Reading(" ".join(REST[1:] * 3), "recall")
    assert overlap(first.text, other_text.text) < 0.7
    assert choose([first, other_text]) == first
    furniture = Reading(
        LEAD + "\n" + "\n".join(["Share on social media", "Subscribe to our newsletter"] * 20), "recall"
    )
    assert boilerplate_share(furniture.text) > 0.3
    assert choose([first, furniture]) == first
    fuller = Reading("\n".join([LEAD, *REST]), "container")
    recall = Reading("\n".join([LEAD, *REST[:3]]), "recall")
    assert choose([first, fuller]) == fuller
    assert choose([first, fuller, recall]) == recall  # trafilatura's lines, when it is also good


def test_the_shared_tree_is_read_not_changed() -> None:
    tree = parse_page(lead_only_page_with_full_json_ld())
    assert tree is not None
    before = etree.tostring(tree)
    meta = page_metadata(tree, "https://news.example/a", NOW)
    reading = read_main_text(tree, meta.article_body)
    assert reading is not None and reading.name in ("recall", "json-ld")
    assert etree.tostring(tree) == before


JAPANESE = [
    "港の橋が十一か月の補修工事を終え、月曜日の朝に通行を再開したと市の交通局が発表した。",
    "技術者たちは四十二本の吊りケーブルをすべて交換し、東側の取り付け道路も作り直した。",
    "橋が閉鎖されていた間、通勤客の多くを運んだフェリー会社は来週から冬のダイヤに戻すという。",
    "最終的な費用は当初の見積もりをわずかに上回ったが、主な理由は工事後半の鋼材価格の上昇だった。",
]


def test_a_japanese_page_is_not_rejected_for_having_no_spaces() -> None:
    paragraphs = "".join(f"<p>{text}</p>" for text in JAPANESE)
    html = (
        '<html lang="ja"><head><title>港の橋が通行再開</title>'
        '<meta property="article:published_time" content="2026-02-23T16:00:00+09:00"></head>'
        f"<body><article><h1>港の橋が通行再開</h1>{paragraphs}</article></body></html>"
    )
    assert sum(len(text.split()) for text in JAPANESE) < 10  # what the old check counted
    document = extract_document(raw(html))
    assert JAPANESE[0] in document.text
    assert document.language == "ja"
    assert document.published_at == datetime(2026, 2, 23, 7, tzinfo=UTC)


def test_a_table_in_the_article_is_kept_one_line_a_row() -> None:
    table = (
        "<table><tr><th>Span</th><th>Cables replaced</th></tr>"
        "<tr><td>Eastern</td><td>22</td></tr><tr><td>Western</td><td>20</td></tr></table>"
    )
    paragraphs = "".join(f"<p>{text}</p>" for text in [LEAD, REST[0]]) + table + f"<p>{REST[1]}</p>"
    html = f"<html><head><title>T</title></head><body><article>{paragraphs}</article></body></html>"
    document = extract_document(raw(html))
    assert "| Eastern | 22 |" in document.text
    assert "---" not in document.text
