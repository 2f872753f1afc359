"""Near-duplicates: MinHash (one-permutation) signatures of word shingles, LSH band keys, verified candidates.

The scheme (permutations, bands, shingle size, seed, tokens) is data: it is stored beside every signature,
so signatures made by one version stay comparable with the next. Finding candidates is the warehouse's job
(a join of band keys); this module computes signatures and band keys and judges candidates.

Shingles are runs of `shingle_words` tokens. Under the "words" tokens of the first scheme a token was a run
of word characters, so a Chinese or Japanese clause with no space in it was one giant "word" and a copy
with one changed character shared no shingle with its original. The "cjk-chars" tokens (the default) cut
Han, kana and Hangul into single characters (`transform.segmentation.shingle_tokens`): shingles there are
character 5-grams, which need no dictionary and cost a fraction of a segmenter (docs/cjk.md). Text in
other scripts gives the same tokens, so the same signature, under both schemes.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from transform.fingerprints import matching_words
from transform.segmentation import CHAR_TOKEN_RANGES, SHINGLE_WORD, fold, has_char_tokens, shingle_tokens

_EMPTY = np.uint32(0xFFFFFFFF)
Signature = npt.NDArray[np.uint32]


@dataclass(frozen=True, slots=True)
class MinHashScheme:
    """How signatures are made. Change any field and old signatures are no longer comparable."""

    num_perm: int = 128
    bands: int = 32
    shingle_words: int = 5
    seed: int = 20250213
    # What a shingle's tokens are: "words" (runs of word characters, the first scheme) or "cjk-chars"
    # (the same, but each Han, kana or Hangul character a token of its own).
    tokens: str = "words"

    @property
    def scheme_id(self) -> str:
        base = f"oph-minhash-p{self.num_perm}-b{self.bands}-k{self.shingle_words}-s{self.seed}"
        # The first scheme's id had no tokens part: signatures stored under it keep their id.
        return base if self.tokens == "words" else f"{base}-{self.tokens}"

    @property
    def rows_per_band(self) -> int:
        return self.num_perm // self.bands


# The scheme of the first version ("words" tokens): its signatures of text without Han, kana or Hangul are
# the default scheme's, bit for bit (migration 013 relabels those stored under it).
WORDS_SCHEME = MinHashScheme()
DEFAULT_SCHEME = MinHashScheme(tokens="cjk-chars")
# What each tokens rule cuts a text into (`shingle_hashes` computes the same hashes faster).
TOKENIZERS = {"words": matching_words, "cjk-chars": shingle_tokens}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a verified candidate counts as a near-duplicate.

    Jaccard catches copies with other boilerplate or lost periods; containment (how much of the shorter
    text lies inside the longer) catches copies cut short, whose Jaccard falls with the cut.
    """

    jaccard: float = 0.7
    containment: float = 0.85
    # A very short text is contained in anything that quotes it: require some substance.
    min_shingles: int = 20


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A stored article's signature, with the group it belongs to."""

    article_id: str
    signature: Signature
    shingle_count: int
    group_id: str


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    article_id: str
    group_id: str
    matched_article_id: str
    similarity: float
    containment: float


def _mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64: a cheap, well-spread 64-bit bijection (uint64 overflow wraps the same everywhere)."""
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _crc32s(tokens: list[str]) -> npt.NDArray[np.uint64]:
    return np.fromiter(map(zlib.crc32, map(str.encode, tokens)), dtype=np.uint64, count=len(tokens))


# Every code point at or past this one is no character token (the last CJK extension ends before it).
_CHAR_TOKEN_LIMIT = 0x40000


class _CharHashes:
    """crc32 of each character token's UTF-8, by code point, filled as characters are first seen.

    The same value `zlib.crc32(char.encode())` gives, looked up for a whole text at once: hashing a
    Chinese text's thousand characters one call at a time cost more than the rest of its signature."""

    def __init__(self) -> None:
        self.is_token = np.zeros(_CHAR_TOKEN_LIMIT + 1, dtype=bool)
        for low, high in CHAR_TOKEN_RANGES:
            self.is_token[low : high + 1] = True
        self.crc = np.zeros(_CHAR_TOKEN_LIMIT + 1, dtype=np.uint64)
        self.known = np.zeros(_CHAR_TOKEN_LIMIT + 1, dtype=bool)
        self.lock = threading.Lock()

    def token_hashes(self, folded: str) -> npt.NDArray[np.uint64]:
        """The crc32 of every shingle token of a folded text, in order (`shingle_tokens`' tokens)."""
        codes = np.minimum(np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32), _CHAR_TOKEN_LIMIT)
        positions = np.flatnonzero(self.is_token[codes])
        chars = codes[positions]
        new = np.unique(chars[~self.known[chars]])
        if new.size:
            with self.lock:
                self.crc[new] = [zlib.crc32(chr(code).encode()) for code in new.tolist()]
                self.known[new] = True
        hashes = self.crc[chars]
        words = [(m.start(), m.group()) for m in SHINGLE_WORD.finditer(folded)]
        if not words:
            return hashes
        # Words and characters back in text order (a character token is never inside a word).
        order = np.argsort(np.concatenate([positions, [start for start, _ in words]]), kind="stable")
        return np.concatenate([hashes, _crc32s([word for _, word in words])])[order]


_CHAR_HASHES: _CharHashes | None = None


def _token_hashes(text: str, tokens: str) -> npt.NDArray[np.uint64]:
    """crc32 of each of the text's shingle tokens under the scheme's tokens rule, in order."""
    global _CHAR_HASHES
    if tokens == "words":
        return _crc32s(matching_words(text))
    folded = fold(text)
    if not has_char_tokens(folded):
        return _crc32s(shingle_tokens(folded))
    if _CHAR_HASHES is None:
        _CHAR_HASHES = _CharHashes()
    return _CHAR_HASHES.token_hashes(folded)


def shingle_hashes(
    text: str, shingle_words: int, tokens: str = DEFAULT_SCHEME.tokens
) -> npt.NDArray[np.uint64]:
    """Distinct 64-bit hashes of the text's overlapping n-grams of normalised tokens (see the scheme)."""
    word_hashes = _token_hashes(text, tokens)
    width = min(shingle_words, word_hashes.size)
    count = word_hashes.size - width + 1 if word_hashes.size else 0
    shingles = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(width):
            shingles = shingles * np.uint64(1_000_003) + word_hashes[offset : offset + count]
    return np.unique(shingles)


def signature(text: str, scheme: MinHashScheme = DEFAULT_SCHEME) -> tuple[Signature, int]:
    """The MinHash signature of a text and its number of distinct shingles.

    One-permutation hashing with densification (Shrivastava 2017): each shingle is hashed once and
    falls in one of `num_perm` bins, each bin keeps its minimum, empty bins borrow from the next full
    one. Same estimator as classic MinHash (share of equal positions ≈ Jaccard), about 20 times cheaper.
    """
    hashes = shingle_hashes(text, scheme.shingle_words, scheme.tokens)
    sig = np.full(scheme.num_perm, _EMPTY, dtype=np.uint32)
    if hashes.size == 0:
        return sig, 0
    mixed = _mix(hashes ^ np.uint64(scheme.seed))
    bins = (mixed % np.uint64(scheme.num_perm)).astype(np.intp)
    np.minimum.at(sig, bins, (mixed >> np.uint64(32)).astype(np.uint32))
    empty = np.flatnonzero(sig == _EMPTY)
    if empty.size:
        full = np.flatnonzero(sig != _EMPTY)
        source = full[np.searchsorted(full, empty) % full.size]
        distance = ((source - empty) % scheme.num_perm).astype(np.uint32)
        with np.errstate(over="ignore"):
            sig[empty] = sig[source] + distance * np.uint32(0x9E3779B1)
    return sig, int(hashes.size)


def band_keys(sig: Signature, scheme: MinHashScheme = DEFAULT_SCHEME) -> list[int]:
    """One 63-bit key per band (its rows hashed together with the band's index): two texts sharing any
    key are candidates."""
    return band_key_rows([sig], scheme)[0].tolist()  # type: ignore[no-any-return]


def band_key_rows(
    signatures: Sequence[Signature], scheme: MinHashScheme = DEFAULT_SCHEME
) -> npt.NDArray[np.int64]:
    """`band_keys` of many signatures at once, a row each: one pass of numpy for a batch, where a call per
    signature cost ~0.1 ms (numpy's per-call overhead, paid for each of a row's four mixing rounds)."""
    if not len(signatures):
        return np.empty((0, scheme.bands), dtype=np.int64)
    rows = np.stack(signatures).reshape(len(signatures), scheme.bands, scheme.rows_per_band).astype(np.uint64)
    key = np.broadcast_to(np.arange(scheme.bands, dtype=np.uint64), (len(signatures), scheme.bands))
    for column in range(scheme.rows_per_band):
        key = _mix(key ^ rows[:, :, column])
    return (key >> np.uint64(1)).astype(np.int64)


def estimated_jaccard(a: Signature, b: Signature) -> float:
    return float(np.count_nonzero(a == b)) / a.size


def estimated_containment(jaccard: float, size_a: int, size_b: int) -> float:
    """How much of the smaller shingle set lies in the larger, from Jaccard and the two set sizes."""
    if min(size_a, size_b) == 0:
        return 0.0
    intersection = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(1.0, intersection / min(size_a, size_b))


def judge(
    article_id: str,
    sig: Signature,
    shingle_count: int,
    candidates: Iterable[Fingerprint],
    thresholds: Thresholds = Thresholds(),
) -> NearDuplicate | None:
    """The best verified near-duplicate among the candidates, or None."""
    if shingle_count < thresholds.min_shingles:
        return None
    best: NearDuplicate | None = None
    for candidate in candidates:
        if candidate.article_id == article_id or candidate.shingle_count < thresholds.min_shingles:
            continue
        jaccard = estimated_jaccard(sig, candidate.signature)
        containment = estimated_containment(jaccard, shingle_count, candidate.shingle_count)
        if jaccard < thresholds.jaccard and containment < thresholds.containment:
            continue
        found = NearDuplicate(article_id, candidate.group_id, candidate.article_id, jaccard, containment)
        if best is None or (found.similarity, found.containment) > (best.similarity, best.containment):
            best = found
    return best


def group_batch(
    batch: Sequence[tuple[str, Signature, int]],
    stored_candidates: dict[str, list[Fingerprint]],
    scheme: MinHashScheme = DEFAULT_SCHEME,
    thresholds: Thresholds = Thresholds(),
) -> tuple[list[NearDuplicate], list[Fingerprint]]:
    """Judge each new article against stored candidates and the batch's earlier articles.

    `stored_candidates` maps an article id of the batch to the stored fingerprints sharing a band key
    with it (found by the warehouse). Returns the near-duplicates and every new article's fingerprint
    (its group is its own id unless it joined one).
    """
    by_key: dict[int, list[Fingerprint]] = {}
    found: list[NearDuplicate] = []
    fingerprints: list[Fingerprint] = []
    key_rows = band_key_rows([sig for _, sig, _ in batch], scheme)
    for (article_id, sig, shingle_count), row in zip(batch, key_rows, strict=True):
        keys = row.tolist()
        in_batch = {fp.article_id: fp for key in keys for fp in by_key.get(key, [])}
        candidates = [*stored_candidates.get(article_id, []), *in_batch.values()]
        match = judge(article_id, sig, shingle_count, candidates, thresholds)
        group_id = match.group_id if match else article_id
        if match:
            found.append(match)
        fingerprint = Fingerprint(article_id, sig, shingle_count, group_id)
        fingerprints.append(fingerprint)
        for key in keys:
            by_key.setdefault(key, []).append(fingerprint)
    return found, fingerprints
