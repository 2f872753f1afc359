"""The CJK evaluation set builds as its README says, and the ingest meets the targets on it."""

from __future__ import annotations

from bench import cjk_eval


def test_copies_are_their_originals_with_the_listed_edits() -> None:
    documents = {d.doc_id: d for d in cjk_eval.load_set()}
    original = documents["zh-qwen-release"]
    copy = documents["zh-qwen-release-syndicated"]
    assert copy.group == original.group == "zh-qwen-release"
    assert copy.text.startswith("记者 张三\n\n阿里巴巴周二在杭州发布")
    assert "\n\n广告\n\n" in copy.text and "成交量较前一交易日明显增加" in copy.text
    assert copy.planted[:2] == ("记者 张三", "广告")
    truncated = documents["zh-qwen-release-truncated"]
    assert truncated.text.count("\n\n") == 4  # four paragraphs and the prompt line
    flat = documents["zh-huawei-chip-flattened"]
    assert "\n" not in flat.text and "。 广告 " in flat.text
    lead = documents["ko-alibaba-korea-syndicated"]
    assert lead.text.startswith("(서울=한빛뉴스) 박지훈 기자 = 중국 알리바바그룹이")
    assert len(documents) == 33 and {d.language for d in documents.values()} == {"zh", "ja", "ko"}


def test_the_ingest_meets_the_cjk_targets() -> None:
    figures = cjk_eval.main()
    assert figures["rejects"] == []
    assert figures["duplicate_pair_precision"] >= 0.95, figures["false_pairs"]
    assert figures["duplicate_pair_recall"] >= 0.95, figures["missed_pairs"]
    assert figures["furniture_residue"] == 0, figures["residue_lines"]
    assert figures["probes_all_found"] == figures["probes"], figures["probe_results"]


def test_the_cjk_rows_of_the_bench_table() -> None:
    from bench import run

    figures = {
        "documents": 27,
        "duplicate_pairs": 18,
        "duplicate_pair_precision": 1.0,
        "duplicate_pair_recall": 1.0,
        "planted_lines": 44,
        "furniture_residue": 0,
        "probes": 32,
        "probes_all_found": 32,
    }
    table = run.render(run.cjk_eval_rows(figures))
    assert "CJK evaluation set, 27 docs" in table and "32 / 32" in table
