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
    StoryRules,
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


# Full-length reports of one company's week recap each other: the price cut, the rival's launch, the same
# prices, market shares and analyst. The rules' evidence saturates (every pair scores about 1.0).
PRICE_CUT = (
    "Corvane cuts Nimbus 7 prices by up to 900 yuan on Tmall and JD.com",
    "Corvane has cut the prices of its Nimbus 7 phones in China by up to 900 yuan on Tmall and JD.com, "
    "the steepest discount the company has offered on a new model, as it fights to win back buyers. The "
    "base Nimbus 7 now sells for 4,599 yuan, and the Nimbus 7 Pro for 6,899 yuan, according to the "
    "stores' listings on Tuesday. Corvane's share of China's phone market fell to 14.2% in the first "
    "quarter from 17.8% a year earlier, Quillmark Research estimates, while Hestia's rose to 19.6%. "
    "Hestia launches its Astra 12 flagship on Thursday, at a price analysts expect near 4,999 yuan. "
    "Tobias Renner, an analyst at Quillmark, said the discount showed how hard the Astra line had hit "
    "Corvane in cities such as Chengdu and Wuhan.",
)
PRICE_CUT_RETOLD = (
    "Corvane slashes Nimbus 7 phone prices in China ahead of a rival's launch",
    "Shoppers in China can now buy a Nimbus 7 for 900 yuan less on Tmall and JD.com after Corvane lowered "
    "its prices on Tuesday, with the base model at 4,599 yuan and the Pro at 6,899 yuan. The markdown "
    "comes two days before Hestia unveils its Astra 12, expected at about 4,999 yuan. Quillmark Research "
    "puts Corvane's share of the market at 14.2% in the first quarter, down from 17.8%, against Hestia's "
    "19.6%. Tobias Renner of Quillmark said Corvane was losing buyers in Chengdu and Wuhan to the Astra "
    "phones and had little choice but to cut.",
)
RIVAL_LAUNCH = (
    "Hestia launches Astra 12 flagships with satellite calling, from 4,999 yuan",
    "Hestia unveiled its Astra 12 phones on stage in Shenzhen on Thursday: a periscope camera, satellite "
    "calling when there is no signal, a battery the company says lasts two days, and an assistant that "
    "books taxis and orders food by voice. The base model costs 4,999 yuan and the folding Astra 12 Fold "
    "9,999 yuan; orders open on Saturday. The launch follows Corvane's cut of up to 900 yuan to its Nimbus "
    "7 prices on Tmall and JD.com, which put the base Nimbus 7 at 4,599 yuan and the Pro at 6,899 yuan. "
    "Quillmark Research estimates Hestia's share of China's phone market at 19.6% in the first quarter and "
    "Corvane's at 14.2%, down from 17.8%. Tobias Renner, an analyst at Quillmark, said the Astra 12 would "
    "test whether Corvane's discount in Chengdu and Wuhan could hold buyers.",
)


def test_embeddings_far_apart_keep_a_rival_s_launch_out_of_a_story_its_background_retells() -> None:
    articles = (PRICE_CUT, PRICE_CUT_RETOLD, RIVAL_LAUNCH)
    plain = [
        story_features(f"a{i}", body, T0 + timedelta(hours=5 * i), title=title)
        for i, (title, body) in enumerate(articles)
    ]
    # The rules alone: the launch shares the cut's prices, shares and analyst, and joins it.
    assert [s.story_id for s in assign_stories(plain, [])] == ["a0", "a0", "a0"]
    # The model reads what each report puts first: the launch is another event (cosines about 0.3-0.4,
    # the two reports of the cut about 0.9).
    assert [s.story_id for s in assign_stories(_embedded(plain, *articles), [])] == ["a0", "a0", "a2"]


def _at_cosine(cosine: float) -> tuple[bytes, bytes]:
    """Two stored vectors whose cosine is `cosine` (within the int8 rounding)."""
    first, other = np.zeros(384), np.zeros(384)
    first[0], other[0], other[1] = 1.0, cosine, (1.0 - cosine**2) ** 0.5
    return tuple(np.rint(v * 127).astype(np.int8).tobytes() for v in (first, other))  # type: ignore[return-value]


@pytest.mark.parametrize(("cosine", "joined"), [(0.2, False), (0.39, False), (0.45, True), (0.9, True)])
def test_a_cosine_under_meaning_apart_counts_for_less_when_an_article_joins(
    cosine: float, joined: bool
) -> None:
    cut, retold = _features(PRICE_CUT, PRICE_CUT_RETOLD)
    first, other = _at_cosine(cosine)
    assert StoryRules().meaning_apart == 0.4
    stories = assign_stories(
        [dataclasses.replace(cut, meaning=first), dataclasses.replace(retold, meaning=other)], []
    )
    assert (stories[1].story_id == "a0") is joined
    # Without a vector on one side (stored with the setting off) the rules' evidence decides alone.
    assert assign_stories([dataclasses.replace(cut, meaning=first), retold], [])[1].story_id == "a0"


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


def test_only_english_reports_take_an_embedding() -> None:
    def takes(text: str) -> bool:
        return takes_embedding(story_features("x", text, T0), text)

    assert takes(RULING[1])
    # The English model reads these no better than Chinese: no vector, no CPU spent on them. German reports
    # of one event and English ones sit at cosines of 0.1-0.7, where a cosine under `meaning_apart` says two
    # events: German takes none either.
    assert not takes("Die Münchner Café-Besitzer protestieren gegen neue Liefergebühren der Plattform. " * 5)
    assert not takes("أعلنت شركة علي بابا عن نموذج جديد للذكاء الاصطناعي للهواتف " * 10)
    assert not takes(
        "Компания Яндекс представила новую модель искусственного интеллекта для смартфонов. " * 5
    )
    assert not takes("阿里巴巴表示，通义千问将为国行iPhone提供人工智能功能，并在上海发布会上展示。" * 5)
    assert not takes("Photo: couriers in the rain.")  # a brief joins no story
