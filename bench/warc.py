"""Web archive figures on a generated WARC file (warcio, gzipped per record, like CC-NEWS).

- topic prefilter records/s on one core: reading every record (fastwarc), decoding its page, its cheap
  text (lexbor) and the prefilter of the default topic rule (transform/topic_prefilter.py), as
  `newsetl warc` does before any extraction; target >= 2,000 records/s;
- full extraction (trafilatura + cleaning + the topic rule) of the pages that pass, with 1 and with 2
  worker processes (flows/warc_chunks.py `extract_in_processes`, the flow's own function); target >= 1.7x.

The archive: 10,000 records (2,000 with --quick), 5% on topic. Pages are made up here and sized like
news pages (about 60-90 KB of HTML: navigation, inline scripts and styles, 8-20 paragraphs); off-topic
pages sometimes name Apple pie, a Mac and cheese, a John or a large language of a report, so the
prefilter's second stage is exercised too.

    python -m bench.warc [--quick]
"""

from __future__ import annotations

import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extract.warc import WarcCapture, cheap_text, read_archive
from flows.warc_chunks import extract_in_processes
from transform.topic_prefilter import prefilter_for
from transform.topics import DEFAULT_TOPIC

RECORDS = 10_000
QUICK_RECORDS = 2_000
ON_TOPIC_SHARE = 0.05
_WORDS = tuple(
    " ".join(
        (
            "the council market prices rose government officials met capital tuesday budget weather league",
            "season players coach minister election voters schools hospital river bridge traffic police",
            "court report researchers university climate energy company shares investors quarter profit",
            "retail city festival museum artists film music travel airport rail workers union strike rents",
        )
    ).split()
)
_OFF_TOPIC_HINTS = (
    "An apple pie contest drew bakers from three counties.",
    "The Mac and cheese stall sold out by noon.",
    "John said the large language of the contract confused the tenants.",
    "Tim cooked for the volunteers after the meeting.",
)
_ON_TOPIC = (
    "Apple said its AI assistant Siri will summarise messages on the iPhone.",
    "Alibaba Cloud released new Qwen large language models for developers.",
    "阿里巴巴发布了通义千问大模型的新版本。苹果公司正在评估人工智能合作。",
)


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def _page(rng: random.Random, number: int, on_topic: bool) -> bytes:
    paragraphs = [
        " ".join(_sentence(rng, rng.randint(12, 24)) for _ in range(4)) for _ in range(rng.randint(8, 20))
    ]
    if on_topic:
        paragraphs.insert(rng.randint(0, len(paragraphs)), rng.choice(_ON_TOPIC))
    elif rng.random() < 0.3:
        paragraphs.insert(rng.randint(0, len(paragraphs)), rng.choice(_OFF_TOPIC_HINTS))
    nav = "".join(f'<li><a href="/section/{i}">{rng.choice(_WORDS).title()}</a></li>' for i in range(60))
    script = (
        "<script>"
        + "".join(f"window.cfg{i}={{id:{i},flag:true,name:'{rng.choice(_WORDS)}'}};" for i in range(700))
        + "</script>"
    )
    style = (
        "<style>"
        + "".join(f".c{i}{{margin:{i % 9}px;color:#{i % 999:03d}}}" for i in range(500))
        + "</style>"
    )
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_sentence(rng, 8)}</title>"
        f"{style}{script}</head><body><header><nav><ul>{nav}</ul></nav></header><main><article>"
        f"<h1>Story {number}</h1>{body}</article></main><footer><ul>{nav}</ul></footer>{script}</body></html>"
    ).encode()


def write_archive(path: Path, records: int, seed: int = 7) -> int:
    """A gzipped WARC of `records` HTML response records, ON_TOPIC_SHARE of them on topic; its size."""
    rng = random.Random(seed)
    on_topic = set(rng.sample(range(records), int(records * ON_TOPIC_SHARE)))
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for number in range(records):
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            url = f"https://news{number % 40}.example.com/2024/01/{number:06d}.html"
            body = _page(rng, number, number in on_topic)
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
            )
    return path.stat().st_size


def measure_prefilter(path: Path, rounds: int = 2) -> tuple[dict[str, Any], list[WarcCapture]]:
    """Read and prefilter every record in this process, `rounds` times (the fastest counts: on a shared
    machine the others are slowed by other work); the pages that pass."""
    prefilter = prefilter_for(DEFAULT_TOPIC)
    prefilter.may_match("Apple AI")  # the matcher's pattern compiled once per process, before timing
    best: tuple[float, float] = (float("inf"), float("inf"))
    for _ in range(rounds):
        passed: list[WarcCapture] = []
        records = pages = html_bytes = 0
        started, cpu = time.perf_counter(), time.process_time()
        for item in read_archive(path, path.as_uri()):
            records += 1
            if isinstance(item, WarcCapture):
                pages += 1
                html_bytes += len(item.html)
                if prefilter.may_match(cheap_text(item.html)):
                    passed.append(item)
        timed = (time.perf_counter() - started, time.process_time() - cpu)
        best = (min(best[0], timed[0]), min(best[1], timed[1]))
    seconds, cpu_seconds = best
    return {
        "records": records,
        "pages": pages,
        "passed": len(passed),
        "mean_page_kb": round(html_bytes / max(pages, 1) / 1024, 1),
        "rounds": rounds,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "records_per_s": round(records / seconds),
        "records_per_cpu_s": round(records / cpu_seconds),
    }, passed


def measure_extraction(captures: list[WarcCapture], rounds: int = 3) -> dict[str, Any]:
    """Extraction of the pages that passed in one process and in two worker processes (the pipeline's
    own pool, forked per batch: its start is part of the time, as in a run), alternated `rounds` times;
    the fastest of each counts."""
    documents = [capture.to_raw_document() for capture in captures]
    rules = {"warc": DEFAULT_TOPIC}
    extract_in_processes(documents[:16], rules, None, 1)  # imports and caches warm, as a fork inherits them
    timings: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
    results = {}
    for _ in range(rounds):
        for processes in (1, 2):
            started, cpu = time.perf_counter(), _cpu_seconds()
            results[processes] = extract_in_processes(documents, rules, None, processes)
            timings[processes].append((time.perf_counter() - started, _cpu_seconds() - cpu))
    one, two = results[1], results[2]
    assert [a.article_id for a, _ in one.articles] == [a.article_id for a, _ in two.articles]
    one_seconds, one_cpu = (min(t[i] for t in timings[1]) for i in (0, 1))
    two_seconds, two_cpu = (min(t[i] for t in timings[2]) for i in (0, 1))
    return {
        "documents": len(documents),
        "articles": len(one.articles),
        "off_topic_after_extraction": len(one.off_topic),
        "rejects": len(one.rejects),
        "rounds": rounds,
        "one_process_seconds": round(one_seconds, 2),
        "two_processes_seconds": round(two_seconds, 2),
        "one_process_pages_per_s": round(len(documents) / one_seconds, 1),
        "two_processes_pages_per_s": round(len(documents) / two_seconds, 1),
        "speedup": round(one_seconds / two_seconds, 2),
        # On a shared machine the wall-clock speed-up says how many cores were free as much as how well
        # the work splits: CPU seconds (this process and its workers) say the second. 1.0 = no cost of
        # going parallel; two free cores would then give about 2 x efficiency.
        "one_process_cpu_seconds": round(one_cpu, 2),
        "two_processes_cpu_seconds": round(two_cpu, 2),
        "parallel_efficiency": round(one_cpu / two_cpu, 2),
    }


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the pool's workers, once joined)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(quick: bool = False, records: int | None = None) -> dict[str, Any]:
    small = quick or records is not None
    records = records or (QUICK_RECORDS if quick else RECORDS)
    with tempfile.TemporaryDirectory(prefix="newsetl-bench-warc-") as folder:
        path = Path(folder) / "generated.warc.gz"
        started = time.perf_counter()
        size = write_archive(path, records)
        generated = time.perf_counter() - started
        prefilter, passed = measure_prefilter(path, rounds=1 if small else 2)
    extraction = measure_extraction(passed, rounds=1 if small else 3)
    return {
        "archive": {"records": records, "mb": round(size / 1e6, 1), "generated_seconds": round(generated, 1)},
        "prefilter": prefilter,
        "extraction": extraction,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
    }


def rows(figures: dict[str, Any]) -> list[tuple[str, str, str]]:
    archive, prefilter, extraction = figures["archive"], figures["prefilter"], figures["extraction"]
    name = f"warc {archive['records']:,} records ({archive['mb']} MB gz)"
    return [
        (name, "prefilter records/s, one core (target >= 2,000)", f"{prefilter['records_per_s']:,}"),
        (name, "  records per CPU-second", f"{prefilter['records_per_cpu_s']:,}"),
        (name, "  pages past the prefilter", f"{prefilter['passed']:,} of {prefilter['pages']:,}"),
        (name, "extraction pages/s, 1 process", f"{extraction['one_process_pages_per_s']}"),
        (name, "extraction pages/s, 2 processes", f"{extraction['two_processes_pages_per_s']}"),
        (name, "extraction speed-up, 2 processes (target >= 1.7x)", f"{extraction['speedup']}x"),
        (
            name,
            "  parallel efficiency (CPU-s, 1 process / 2 processes)",
            f"{extraction['parallel_efficiency']}",
        ),
        (name, "  load average while measured (1 min)", f"{figures['load_average'][0]}"),
    ]


if __name__ == "__main__":
    import json

    result = main(quick="--quick" in sys.argv)
    print(json.dumps(result, indent=2))
    for row in rows(result):
        print(" | ".join(row))
