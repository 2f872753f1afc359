"""Cleaning figures: throughput of the whole cleaning chain, and how well lost sentence breaks are repaired.

- documents per second through `transform.cleaning.clean_text` on generated ~600-word articles, with
  one and two worker processes, for three kinds of text: `plain` (the generated ASCII originals),
  `typographic` (the same with curly quotes, apostrophes and dashes in every paragraph, as real articles
  have: those lines go through ftfy), and `dirty` (originals mixed with their dirty copies: boilerplate,
  bylines, lost periods, flattened lines, so repairs run and cleaning takes a second round);
- precision and recall of glued-join repair on text where the truth is known: sentences of generated
  articles are glued by deleting ". " at random boundaries ("deploymentAs"), real camelCase names
  (iPhone, HarmonyOS, DeepSeek, ...) stay in the text, and every split cleaning reports is checked;
  false splits are also given per mixed-case name left in the text. The generator's sentences open
  with a few templates, so `tests/transform/test_sentences_glue_heldout.py` checks the same repair on
  hand-written joins and names.
- the same for Chinese, Japanese and Korean articles (`zh`, `ja`, `ko`, from `bench.cjk_corpus`: the
  same content as the ~600-word Latin ones, about 1,000 to 1,500 characters), with their ratio to the
  `plain` Latin figure; and the cost of counting segmented words on top (`word_count_docs_per_s_*`:
  jieba for Chinese, MeCab for Japanese, spaced words for Korean and Latin), which `clean_document` pays
  once per article.

`python -m bench.cleaning --quick` runs 1,000 documents of each kind; `--cjk` only the plain and CJK
throughput (one process), a minute's check; `--segmenters` what each way of cutting CJK text costs.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

from bench import cjk_corpus
from bench.corpus import generate
from transform.cleaning import clean_text
from transform.segmentation import word_count

# A boundary that copying can lose: a lowercase letter, ". ", then a capital letter.
_BOUNDARY = re.compile(r"(?<=[a-z])\. (?=[A-Z][a-z])")
# The whole glued token: the word before the lost stop and the word after it, hyphens and all.
_LEFT_PART = re.compile(r"[A-Za-z'\u2019-]*[A-Za-z]\Z")
_RIGHT_PART = re.compile(r"[A-Za-z](?:[A-Za-z'\u2019-]*[A-Za-z])?")
_MIXED_CASE = re.compile(r"[A-Za-z'\u2019-]*[a-z][A-Z][A-Za-z'\u2019-]*")
_NAMES = "DeepSeek, ByteDance, OpenAI, WeChat, YouTube, MacBook, LiveBench and the iPhone"
KINDS = ("plain", "typographic", "dirty")
CJK_KINDS = cjk_corpus.LANGUAGES


def _typographic(text: str) -> str:
    quote = " \u201cWe\u2019re ready \u2014 it\u2019s the plan,\u201d an executive\u2019s aide said."
    return "\n\n".join(paragraph + quote for paragraph in text.split("\n\n"))


def texts(documents: int, kind: str) -> list[str]:
    if kind in CJK_KINDS:
        return cjk_corpus.generate(documents, kind, seed=5)
    if kind == "dirty":
        return [d.text for d in generate(documents, seed=5, copy_rate=0.7, words=600)][:documents]
    plain = [d.text for d in generate(documents, seed=5, copy_rate=0, words=600)]
    return [_typographic(text) for text in plain] if kind == "typographic" else plain


def _clean_all(batch: list[str]) -> int:
    for text in batch:
        clean_text(text)
    return len(batch)


def throughput(documents: int, kind: str = "plain", workers: int = 1) -> float:
    """Documents per second through the whole cleaning chain (the process pool's start-up included)."""
    batch = texts(documents, kind)
    start = time.perf_counter()
    if workers == 1:
        _clean_all(batch)
    else:
        with ProcessPoolExecutor(workers) as pool:
            sum(pool.map(_clean_all, [batch[i::workers] for i in range(workers)]))
    return len(batch) / (time.perf_counter() - start)


def word_count_throughput(documents: int, kind: str) -> float:
    """Documents per second through `transform.segmentation.word_count` (the segmenters loaded first)."""
    batch = texts(documents, kind)
    word_count(batch[0])
    start = time.perf_counter()
    for text in batch:
        word_count(text)
    return len(batch) / (time.perf_counter() - start)


def cjk_figures(documents: int, workers: tuple[int, ...] = (1, 2)) -> dict[str, float]:
    """Cleaning and word counting docs/s of the CJK kinds, beside the plain Latin ones, and the ratios."""
    figures: dict[str, float] = {}
    for kind in ("plain", *CJK_KINDS):
        for count in workers:
            # One process: the best of three runs (on a shared machine the slowest measures the neighbours).
            runs = 3 if count == 1 else 1
            figures[f"clean_docs_per_s_{kind}_{count}_process"] = round(
                max(throughput(documents, kind, count) for _ in range(runs))
            )
        figures[f"word_count_docs_per_s_{kind}"] = round(word_count_throughput(documents, kind))
    for kind in CJK_KINDS:
        figures[f"clean_{kind}_to_plain_1_process"] = round(
            figures[f"clean_docs_per_s_{kind}_1_process"] / figures["clean_docs_per_s_plain_1_process"], 2
        )
    return figures


def segmenter_costs(documents: int) -> dict[str, float]:
    """Docs/s of each way to cut CJK text into tokens, on the same articles: the segmenters (jieba with and
    without its HMM, MeCab), the near-duplicate character tokens and the search index's bigrams."""
    from transform import segmentation
    from transform.search_terms import search_terms

    jieba = segmentation._jieba_tokenizer()

    def jieba_hmm(text: str) -> list[str]:
        return [w for run in segmentation._HAN_KANA_RUN.findall(text) for w in jieba.cut(run, HMM=True)]

    ways = {
        "segmented_words": segmentation.words,
        "jieba_with_hmm": jieba_hmm,
        "char_tokens": segmentation.shingle_tokens,
        "search_bigrams": search_terms,
    }
    figures: dict[str, float] = {}
    for kind in ("plain", *CJK_KINDS):
        batch = texts(documents, kind)
        for name, cut in ways.items():
            if name == "jieba_with_hmm" and kind != "zh":
                continue
            cut(batch[0])
            best = float("inf")
            for _ in range(3):  # the best of three: on a shared machine the slowest measures the neighbours
                start = time.perf_counter()
                for text in batch:
                    cut(text)
                best = min(best, time.perf_counter() - start)
            figures[f"{name}_docs_per_s_{kind}"] = round(len(batch) / best)
    return figures


def glued_repair(documents: int, glue_rate: float = 0.3, seed: int = 13) -> dict[str, float]:
    """Glue sentences of generated articles at random, clean them, and check every split against the truth.

    Joins and splits are compared as whole tokens, the way the audit names them ("growthByteDance",
    "open-sourceShares"), and counted with their repeats: a join glued twice in one text is two joins.
    The false split rate is over the mixed-case tokens that are not joins (the names left in the text).
    """
    rng = random.Random(seed)
    joins = hits = splits = names = 0
    for doc in generate(documents, seed=seed, copy_rate=0, words=300):
        text = f"{doc.text}\n\nAnalysts compared {_NAMES}. Nothing else changed."
        glued: Counter[str] = Counter()

        def glue(match: re.Match[str], glued: Counter[str] = glued, text: str = text) -> str:
            if rng.random() >= glue_rate:
                return match.group()
            left = _LEFT_PART.search(text, 0, match.start())
            right = _RIGHT_PART.match(text, match.end())
            if left and right:
                glued[left.group() + right.group()] += 1
            return ""

        dirty = _BOUNDARY.sub(glue, text)
        _, audit = clean_text(dirty)
        found = Counter(
            detail.split(" -> ")[0] for step, detail in audit.details if step == "split_glued_sentences"
        )
        joins += glued.total()
        splits += found.total()
        hits += (glued & found).total()
        names += len(_MIXED_CASE.findall(dirty)) - glued.total()
    return {
        "glued_joins": joins,
        "splits_made": splits,
        "precision": round(hits / splits, 4) if splits else 1.0,
        "recall": round(hits / joins, 4) if joins else 1.0,
        "false_splits": splits - hits,
        "name_tokens": names,
        "false_split_rate": round((splits - hits) / names, 4) if names else 0.0,
    }


def main(quick: bool = False) -> dict[str, float]:
    documents = 1_000 if quick else 10_000
    figures: dict[str, float] = {"documents": float(documents)}
    for kind in KINDS[1:]:
        for workers in (1, 2):
            figures[f"clean_docs_per_s_{kind}_{workers}_process"] = round(
                throughput(documents, kind, workers)
            )
    figures.update(cjk_figures(documents))
    figures.update({f"glued_{k}": v for k, v in glued_repair(200 if quick else 1_000).items()})
    return figures


if __name__ == "__main__":
    import sys

    if "--segmenters" in sys.argv:
        result = {"documents": 500.0, **segmenter_costs(500)}
    elif "--cjk" in sys.argv:
        result = {"documents": 1_000.0, **cjk_figures(1_000, workers=(1,))}
    else:
        result = main(quick="--quick" in sys.argv)
    for name, value in result.items():
        print(f"{name:34} {value}")
