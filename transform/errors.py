"""The newsetl error tree. Every failure of one document is one of these, never a bare exception.

    NewsetlError
    ├── TransientError        the world may answer differently later: retry (timeouts, 5xx, locks)
    └── TerminalError         this input will never work: record a reject with the reason, move on
        ├── ReadError         the bytes are not a readable document (empty, binary, too large, undecodable)
        ├── ExtractError      the bytes were read but hold no usable article (bad JSON, no main text)
        └── CleanError        cleaning left nothing worth keeping

Prefect retries only TransientError; a TerminalError becomes a row in `rejects` with `stage` and `reason`.
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


class ReadError(TerminalError):
    stage = "read"


class ExtractError(TerminalError):
    stage = "extract"


class CleanError(TerminalError):
    stage = "clean"


@dataclass(frozen=True, slots=True)
class Reject:
    """A document (or a path that never became one) that could not be processed, and why."""

    uri: str
    stage: str
    reason: str
    doc_id: str | None = None

    @classmethod
    def from_error(cls, uri: str, error: TerminalError, doc_id: str | None = None) -> Reject:
        return cls(uri=uri, stage=error.stage, reason=str(error), doc_id=doc_id)
