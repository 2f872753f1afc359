"""The plain parts of the warc flow (flows/warc.py), no Prefect: an archive's records in chunks past the
topic prefilter, and extraction in worker processes. The bench calls them as the flow does."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from extract.warc import WarcCapture, WarcReject, WarcSkip, cheap_text
from flows import pipeline
from flows.pipeline import Processed, usable_cores
from transform.errors import Reject
from transform.records import RawDocument
from transform.topic_prefilter import TopicPrefilter
from transform.topics import TopicRule

# A chunk ends after this many records or this many pages that passed the prefilter: the progress saved
# after each chunk bounds what a killed run reads again, and the pages held in memory.
CHUNK_RECORDS = 5_000
CHUNK_PAGES = 400


@dataclass(frozen=True)
class Chunk:
    """Consecutive records of an archive: the pages that passed the prefilter, the rejects, the counts."""

    captures: list[WarcCapture] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    records: int = 0
    pages: int = 0
    off_topic: int = 0
    # Where the next chunk starts; None when this chunk ends the archive.
    next_offset: int | None = None


def chunks(
    items: Iterable[WarcCapture | WarcSkip | WarcReject],
    prefilter: TopicPrefilter | None,
    max_records: int | None = None,
    max_pages: int | None = None,
) -> Iterator[Chunk]:
    """Group an archive's records into chunks (of CHUNK_RECORDS records or CHUNK_PAGES pages unless
    given), keeping only the pages the prefilter lets through."""
    max_records = max_records or CHUNK_RECORDS
    max_pages = max_pages or CHUNK_PAGES
    captures: list[WarcCapture] = []
    rejects: list[Reject] = []
    records = pages = off_topic = 0
    for item in items:
        if records >= max_records or len(captures) >= max_pages:
            yield Chunk(captures, rejects, records, pages, off_topic, item.offset)
            captures, rejects, records, pages, off_topic = [], [], 0, 0, 0
        records += 1
        if isinstance(item, WarcReject):
            rejects.append(item.reject)
        elif isinstance(item, WarcCapture):
            pages += 1
            if prefilter is None or _may_match(prefilter, item.html):
                captures.append(item)
            else:
                off_topic += 1
    yield Chunk(captures, rejects, records, pages, off_topic, None)


def _may_match(prefilter: TopicPrefilter, html: str) -> bool:
    """The prefilter's answer; a page it fails on goes on to extraction, where any failure is a reject of
    that page (flows/pipeline.py), never the end of the run."""
    try:
        return prefilter.may_match(cheap_text(html))
    except Exception:
        return True


def extract_in_processes(
    documents: Sequence[RawDocument],
    topic_rules: Mapping[str, TopicRule] | None,
    learned: Mapping[str, frozenset[str]] | None,
    processes: int | None = None,
) -> Processed:
    """`pipeline.extract_and_clean` in `processes` worker processes (default: one per core the process
    may use), whatever the batch's size: the pipeline's own pool (`pipeline.map_chunks`), the outcome the
    same as in one process, in the same order."""
    return pipeline.extract_and_clean(documents, topic_rules, learned, workers=processes or usable_cores())
