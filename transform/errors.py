"""The newsetl error tree. Every failure of one document is one of these, never a bare exception.

    NewsetlError
    ├── TransientError        the world may answer differently later: retry (timeouts, 5xx, locks)
    │   ├── WarehouseBusyError    (warehouse/connection.py) another run holds the writer or commit lock
    │   └── CatalogUnreachableError (warehouse/connection.py) a lake's catalog database does not answer
    ├── TerminalError         this input will never work: record a reject with the reason, move on
    │   ├── ReadError         the bytes are not a readable document (empty, binary, too large, undecodable)
    │   ├── ExtractError      the bytes were read but hold no usable article (bad JSON, no main text)
    │   │   └── FeedError, SitemapError, ListingError   (extract/) an index page that cannot be read
    │   └── CleanError        cleaning left nothing worth keeping
    ├── SourcesError          (extract/sources.py) the sources file cannot be used: names file and key
    ├── EmbeddingsUnavailableError (transform/embeddings.py) story embeddings asked for without the
    │                         optional extra: says how to install it
    ├── WarehouseError        (warehouse/connection.py) the warehouse cannot be used as configured: it
    │   │                     says which one and what to do (the two above are kinds of it too)
    │   └── ExportError       (warehouse/exports.py) the export folder cannot take an export
    └── ClusterError          (flows/postgres_server.py) a local PostgreSQL, Prefect server or worker of
                              `make cluster-up` cannot start or stop: names the log to read

A fetch never raises: its failure is a `FetchResult` with an error code (extract/http.py) that becomes
a reject with that code as its kind.

Prefect retries only TransientError; a TerminalError becomes a row in `rejects` with `stage`, `kind` and
`reason`. Any other exception raised while processing one document is a defect in newsetl or a hostile
input: the pipeline still turns it into a reject of that document (kind "unexpected:<ExceptionType>")
rather than let it fail the batch, so one page can never block the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass


class NewsetlError(Exception):
    """Base of every error newsetl raises on purpose."""


class TransientError(NewsetlError):
    """A failure that may go away if the same work is tried again."""


class TerminalError(NewsetlError):
    """A failure that retrying cannot fix: the input itself is at fault."""

    stage = "process"
    # A short stable word for counting rejects by cause; `reason` is the sentence for people.
    kind = "terminal"


class ReadError(TerminalError):
    stage = "read"
    kind = "unreadable"


class ExtractError(TerminalError):
    stage = "extract"
    kind = "no_article"


class CleanError(TerminalError):
    stage = "clean"
    kind = "empty_after_cleaning"


@dataclass(frozen=True, slots=True)
class Reject:
    """A document (or a path that never became one) that could not be processed, and why."""

    uri: str
    stage: str
    reason: str
    doc_id: str | None = None
    # What kind of failure: a TerminalError's `kind`, a fetch's error code ("timeout", "http_status"),
    # or "unexpected:<ExceptionType>" for an exception newsetl did not anticipate.
    kind: str = "terminal"

    @classmethod
    def from_error(cls, uri: str, error: TerminalError, doc_id: str | None = None) -> Reject:
        return cls(uri=uri, stage=error.stage, reason=str(error), doc_id=doc_id, kind=error.kind)

    @classmethod
    def from_exception(cls, uri: str, stage: str, error: BaseException, doc_id: str | None = None) -> Reject:
        """Any exception met while processing one document: a TerminalError keeps its own stage and
        kind; anything else is recorded as unexpected, with its type and message (capped in length)."""
        if isinstance(error, TerminalError):
            return cls.from_error(uri, error, doc_id)
        message = str(error) or "no message"
        if len(message) > _MAX_REASON_CHARS:
            message = message[:_MAX_REASON_CHARS] + "..."
        name = type(error).__name__
        return cls(uri, stage, f"unexpected {name}: {message}", doc_id, kind=f"unexpected:{name}")


_MAX_REASON_CHARS = 500
