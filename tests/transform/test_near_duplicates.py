from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from transform.near_duplicates import (
    DEFAULT_SCHEME,
    Fingerprint,
    MinHashScheme,
    band_key_rows,
    band_keys,
    estimated_containment,
    estimated_jaccard,
    group_batch,
    judge,
    shingle_hashes,
    signature,
)

VOCABULARY = [f"term{i}" for i in range(3000)]


def text(words: int, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCABULARY) for _ in range(words))


ORIGINAL = text(500, 1)


def test_signatures_are_deterministic_and_sized_by_the_scheme() -> None:
    a, count = signature(ORIGINAL)
    b, _ = signature(ORIGINAL)
    assert a.dtype == np.uint32 and a.shape == (DEFAULT_SCHEME.num_perm,)
    assert np.array_equal(a, b)
    assert count == shingle_hashes(ORIGINAL, 5).size


def test_the_scheme_id_names_every_parameter() -> None:
    assert (
        MinHashScheme(num_perm=64, bands=16, shingle_words=4, seed=7).scheme_id == "oph-minhash-p64-b16-k4-s7"
    )


def test_cosmetic_differences_do_not_change_the_signature() -> None:
    respaced = ORIGINAL.upper().replace(" ", "  \n")
    assert estimated_jaccard(signature(ORIGINAL)[0], signature(respaced)[0]) == 1.0


def test_copy_with_boilerplate_is_similar_and_unrelated_text_is_not() -> None:
    with_boilerplate = f"Advertisements Follow us on WeChat {ORIGINAL} Share this story Advertisements"
    assert estimated_jaccard(signature(ORIGINAL)[0], signature(with_boilerplate)[0]) > 0.85
    assert estimated_jaccard(signature(ORIGINAL)[0], signature(text(500, 2))[0]) < 0.1


def test_truncated_copy_has_low_jaccard_but_full_containment() -> None:
    words = ORIGINAL.split()
    cut = " ".join(words[: int(len(words) * 0.6)])
    (a, na), (b, nb) = signature(ORIGINAL), signature(cut)
    jaccard = estimated_jaccard(a, b)
    assert 0.45 < jaccard < 0.75
    assert estimated_containment(jaccard, na, nb) > 0.9


def test_similar_texts_share_a_band_key() -> None:
    edited = ORIGINAL.replace("term1 ", "termX ", 3)
    assert set(band_keys(signature(ORIGINAL)[0])) & set(band_keys(signature(edited)[0]))
    assert not set(band_keys(signature(ORIGINAL)[0])) & set(band_keys(signature(text(500, 3))[0]))


def test_empty_and_tiny_texts_are_never_judged_duplicates() -> None:
    _, count = signature("")
    assert count == 0
    tiny, tiny_count = signature("Qwen on iPhone")
    stored = Fingerprint("old", tiny, tiny_count, "old")
    assert judge("new", tiny, tiny_count, [stored]) is None


def test_group_batch_groups_copies_in_the_batch_and_with_stored_articles() -> None:
    words = ORIGINAL.split()
    stored_sig, stored_count = signature(ORIGINAL)
    stored = Fingerprint("stored", stored_sig, stored_count, "stored-group")
    truncated = " ".join(words[:350])
    other = text(400, 9)
    other_copy = other + " Advertisements"
    batch = [
        (name, *signature(body))
        for name, body in [("cut", truncated), ("other", other), ("copy", other_copy)]
    ]
    near, fingerprints = group_batch(batch, {"cut": [stored]})
    assert {(n.article_id, n.group_id, n.matched_article_id) for n in near} == {
        ("cut", "stored-group", "stored"),
        ("copy", "other", "other"),
    }
    assert [f.group_id for f in fingerprints] == ["stored-group", "other", "other"]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_estimated_jaccard_is_symmetric_and_bounded(seed_a: int, seed_b: int) -> None:
    a, b = signature(text(80, seed_a))[0], signature(text(80, seed_b))[0]
    assert estimated_jaccard(a, b) == estimated_jaccard(b, a)
    assert 0.0 <= estimated_jaccard(a, b) <= 1.0


def test_band_keys_stay_those_stored_warehouses_hold() -> None:
    # Stored articles' band keys were written by earlier releases: new ones must be computed the same way
    # (a change would make every stored article invisible to near-duplicate lookups). Values from the
    # release before band_key_rows.
    sig = (np.arange(128, dtype=np.uint64) * 2654435761 % 2**32).astype(np.uint32)
    keys = band_keys(sig)
    assert len(keys) == DEFAULT_SCHEME.bands
    assert keys[:3] == [966968376391065387, 6510382364343486135, 6890691934393787569]
    assert keys[-1] == 4036439737002385232


def test_band_key_rows_give_each_signature_its_band_keys() -> None:
    signatures = [signature(text(300, seed))[0] for seed in range(5)]
    rows = band_key_rows(signatures)
    assert rows.shape == (5, DEFAULT_SCHEME.bands)
    assert [row.tolist() for row in rows] == [band_keys(sig) for sig in signatures]
    assert band_key_rows([]).shape == (0, DEFAULT_SCHEME.bands)
