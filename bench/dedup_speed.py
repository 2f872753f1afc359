"""Near-duplicate speed: signature + LSH throughput, and the incremental cost against a growing history.

- Throughput: documents per second to sign and band-key generated ~600-word articles, with one and two
  worker processes, beside datasketch's MinHash + MinHashLSH on the same texts; and on Chinese, Japanese
  and Korean articles of the same content (`bench.cjk_corpus`), shingled by characters under the
  default scheme, with their ratio to the Latin figure (`python -m bench.dedup_speed --cjk` alone).
- Incremental: time and peak memory to deduplicate 1,000 new documents against 10k, 100k and 1M stored
  ones in a real DuckDB file (the stored signatures and band keys are synthesised in SQL: the lookup
  cost depends on the table sizes, not on what the texts said). Each size runs in a fresh process,
  once with DuckDB's default memory limit and once with NEWSETL_MEMORY_LIMIT's 256MB: the lookup scans
  the band keys, and what grows with the stored count is DuckDB's cache of the blocks it read, which the
  limit bounds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench import cjk_corpus
from bench.corpus import generate
from bench.memory import peak_rss_mb, reset_peak_rss, rss_mb
from transform.near_duplicates import DEFAULT_SCHEME, band_keys, group_batch, shingle_hashes, signature


def _sign_all(texts: list[str]) -> int:
    for text in texts:
        band_keys(signature(text)[0])
    return len(texts)


def throughput(documents: int, workers: int, language: str = "en") -> float:
    """Documents per second signed and band-keyed: generated Latin articles, or CJK ones (zh, ja, ko)."""
    if language in cjk_corpus.LANGUAGES:
        texts = cjk_corpus.generate(documents, language, seed=3)
    else:
        texts = [d.text for d in generate(documents, seed=3, copy_rate=0)]
    start = time.perf_counter()
    if workers == 1:
        _sign_all(texts)
    else:
        chunks = [texts[i::workers] for i in range(workers)]
        with ProcessPoolExecutor(workers) as pool:
            sum(pool.map(_sign_all, chunks))
    return documents / (time.perf_counter() - start)


def datasketch_throughput(documents: int) -> float:
    from datasketch import MinHash, MinHashLSH

    texts = [d.text for d in generate(documents, seed=3, copy_rate=0)]
    lsh = MinHashLSH(
        num_perm=DEFAULT_SCHEME.num_perm, params=(DEFAULT_SCHEME.bands, DEFAULT_SCHEME.rows_per_band)
    )
    start = time.perf_counter()
    for index, text in enumerate(texts):
        minhash = MinHash(num_perm=DEFAULT_SCHEME.num_perm)
        minhash.update_batch([h.tobytes() for h in shingle_hashes(text, DEFAULT_SCHEME.shingle_words)])
        lsh.query(minhash)
        lsh.insert(str(index), minhash)
    return documents / (time.perf_counter() - start)


SYNTHESISE = """
INSERT INTO article_signatures
SELECT 'old' || i, $scheme,
       list_transform(range(128), p -> (hash(i, p) % 4294967295)::UINTEGER), 500, 'old' || i
FROM range($n) AS t(i);
INSERT INTO lsh_bands
SELECT $scheme, (hash(i, b) >> 1)::BIGINT, 'old' || i FROM range($n) AS t(i), range(32) AS u(b);
"""


def incremental_child(stored: int, memory_limit: str | None = None) -> dict[str, object]:
    """Run in a fresh process: build a warehouse with `stored` signatures, then dedup 1,000 new docs."""
    from warehouse.connection import Warehouse, connect
    from warehouse.queries import near_duplicate_candidates

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.duckdb"
        with connect(db) as con:
            for statement in SYNTHESISE.strip().split(";\n"):
                if statement.strip():
                    con.execute(statement, {"scheme": DEFAULT_SCHEME.scheme_id, "n": stored})
        texts = [(d.doc_id, d.text) for d in generate(1000, seed=5, copy_rate=0)]
        rss_before = rss_mb()
        reset_peak_rss()  # the synthesis above is not part of the dedup's cost
        start = time.perf_counter()
        with connect(Warehouse(db, memory_limit)) as con:  # as a run with NEWSETL_MEMORY_LIMIT does
            signed = [(doc_id, *signature(text)) for doc_id, text in texts]
            keys = {doc_id: band_keys(sig) for doc_id, sig, _ in signed}
            candidates = near_duplicate_candidates(con, DEFAULT_SCHEME.scheme_id, keys)
            group_batch(signed, candidates)
        seconds = time.perf_counter() - start
        peak_mb = peak_rss_mb()
        return {
            "stored": stored,
            "memory_limit": memory_limit,
            "seconds": round(seconds, 3),
            "peak_rss_mb": peak_mb,
            "rss_growth_mb": round(peak_mb - rss_before, 1) if peak_mb and rss_before else None,
        }


def incremental(stored: int, memory_limit: str | None = None) -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.dedup_speed", "--incremental-child", str(stored), memory_limit or ""],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def cjk_throughput(documents: int) -> dict[str, object]:
    """Signature docs/s, one process, of Latin and of each CJK language, and each CJK ratio to Latin.

    Each figure is the best of three runs: on a shared machine the slowest run measures the neighbours."""
    latin = round(max(throughput(documents, 1) for _ in range(3)))
    figures: dict[str, object] = {"signature_docs_per_s_1_process_en": latin}
    for language in cjk_corpus.LANGUAGES:
        rate = round(max(throughput(documents, 1, language) for _ in range(3)))
        figures[f"signature_docs_per_s_1_process_{language}"] = rate
        figures[f"signature_{language}_to_en"] = round(rate / latin, 2)
    return figures


def main(quick: bool = False) -> dict[str, object]:
    documents = 10_000 if quick else 100_000
    baseline_documents = 2_000 if quick else 10_000
    sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
    cjk = cjk_throughput(documents // 10)
    return {
        "signature_docs_per_s_1_process": round(throughput(documents, 1)),
        "signature_docs_per_s_2_processes": round(throughput(documents, 2)),
        "signature_documents": documents,
        "cjk_signature_documents": documents // 10,
        **cjk,
        "datasketch_docs_per_s_1_process": round(datasketch_throughput(baseline_documents)),
        "datasketch_documents": baseline_documents,
        "incremental_1k_new": [incremental(n, limit) for n in sizes for limit in (None, "256MB")],
    }


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--incremental-child":
        print(json.dumps(incremental_child(int(sys.argv[2]), sys.argv[3] or None)))
    elif "--cjk" in sys.argv:
        print(json.dumps({"documents": 2_000, **cjk_throughput(2_000)}, indent=2))
    else:
        print(json.dumps(main(quick="--quick" in sys.argv), indent=2))
