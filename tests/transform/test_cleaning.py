# ruff: noqa: RUF001  (the text under test is Unicode on purpose: curly quotes, CJK, full-width forms)
from __future__ import annotations

import pytest

from transform.boilerplate import learn_boilerplate, line_keys
from transform.cleaning import STEPS, clean_document, clean_text, clean_title, steps_for
from transform.errors import CleanError
from transform.lexicon import PROTECTED_NAMES
from transform.records import ExtractedDocument


def document(text: str, **overrides: object) -> ExtractedDocument:
    fields: dict[str, object] = {"doc_id": "d1", "uri": "file:///a.txt", "source": "files", "text": text}
    fields.update(overrides)
    return ExtractedDocument(**fields)  # type: ignore[arg-type]


def test_step_names_are_unique() -> None:
    names = [step.name for step in STEPS]
    assert len(names) == len(set(names))


def test_every_change_is_in_the_audit() -> None:
    text = (
        "By Anna Lee\nAdvertisement\nAlibaba grew [3] fast in ChinaThe cloud unit led.\n\n\n\nApple waited."
    )
    cleaned, audit = clean_text(text)
    assert cleaned == "Alibaba grew fast in China. The cloud unit led.\n\nApple waited."
    assert dict(audit.changes) == {
        "drop_boilerplate_lines": 1,
        "move_bylines": 1,
        "drop_citation_markers": 1,
        "split_glued_sentences": 1,
        "normalise_whitespace": 1,
    }
    assert ("split_glued_sentences", "ChinaThe -> China. The") in audit.details
    assert ("move_bylines", "author: Anna Lee") in audit.details


def test_mojibake_is_repaired_and_curly_quotes_and_cjk_kept() -> None:
    cleaned, audit = clean_text("Appleâ€™s “deal” with é˜¿é‡Œ ends，今天。")
    assert cleaned == "Apple’s “deal” with 阿里 ends，今天。"
    assert audit.count("fix_unicode") == 1


def test_clean_text_of_clean_text_changes_nothing() -> None:
    text = "Author | Gao Yun Editor | Xu Ming Alibaba rose. " + "Apple waited for Qwen news. " * 70
    once, _ = clean_text(text)
    twice, audit = clean_text(once)
    assert twice == once
    assert audit.changes == ()


def test_clean_document_moves_bylines_into_fields() -> None:
    text = "By Anna Lee and Gao Yun\nPhoto: Reuters\nEditor | Xu Ming\nAlibaba shares rose on Monday."
    article = clean_document(document(text, authors=("Gao Yun", "Tom Park")))
    assert article.body == "Alibaba shares rose on Monday."
    assert article.authors == ("Gao Yun", "Tom Park", "Anna Lee")
    assert article.editors == ("Xu Ming",)
    assert article.credits == ("Photo: Reuters",)


def test_clean_document_guesses_the_language_only_when_missing() -> None:
    text = "Apple has chosen Alibaba as its partner for the AI features of the iPhone in China."
    assert clean_document(document(text)).language == "en"
    assert clean_document(document(text, language="fr")).language == "fr"
    assert clean_document(document("阿里巴巴与苹果合作开发人工智能功能。")).language == "zh"


def test_clean_document_rejects_an_empty_body() -> None:
    with pytest.raises(CleanError):
        clean_document(document("Advertisements\nBy Anna Lee\n"))


def test_titles_only_get_encoding_and_spacing_repairs() -> None:
    assert clean_title("  Appleâ€™s   Choice:\nWhy Alibaba? ") == "Apple’s Choice: Why Alibaba?"
    assert clean_title("By Design") == "By Design"
    assert clean_title("   ") is None
    assert clean_title(None) is None


def test_learned_boilerplate_flows_from_counts_to_cleaning() -> None:
    documents = [f"Scan the QR code to follow us\nAlibaba story {n} about Qwen." for n in range(4)]
    counts: dict[str, int] = {}
    for text in documents:
        for key in line_keys(text):
            counts[key] = counts.get(key, 0) + 1
    known = learn_boilerplate(counts, len(documents))
    assert known == frozenset({"scan the qr code to follow us"})

    cleaned, audit = clean_text(documents[0], steps_for(known_boilerplate=known))
    assert cleaned == "Alibaba story 0 about Qwen."
    assert audit.count("drop_known_lines") == 1
    article = clean_document(document(documents[1]), steps_for(known_boilerplate=known))
    assert article.body == "Alibaba story 1 about Qwen."


def test_steps_for_takes_extra_protected_names() -> None:
    text = "Alibaba launched ModelThe platform."
    assert clean_text(text)[0] == "Alibaba launched Model. The platform."
    steps = steps_for(protected=PROTECTED_NAMES | {"ModelThe"})
    assert clean_text(text, steps)[0] == text
    assert steps_for() == STEPS
