"""Date strings as pages write them → aware UTC datetimes. Pure (no clock: relative dates are refused).

ISO 8601 first (fast, most pages); then RFC 2822 (feeds, some JSON-LD); then dateparser for what
newspapers really write ("Fri Apr 28 19:20:36 CEST 2023", "28. April 2023, 19:20 Uhr", "2023年4月28日").
dateparser is well kept but slow (milliseconds a value, a second to load a language on first use), so it
sees only short values that carry a year.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_MAX_TEXT_CHARS = 80
_HAS_YEAR = re.compile(r"(?<!\d)(?:19[89]\d|20\d\d)(?!\d)|^\d{10}(?:\d{3})?$")
# Day.month.year with dots is day first wherever it is written (dateparser guesses July for 07.12.2017).
_DOTTED = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d\d)(?:,?\s+(\d{1,2}):(\d\d)(?::(\d\d))?)?$")
_PREFIX = re.compile(r"^(?:published|updated|posted|date|veröffentlicht|publié le|publicado)\s*:?\s*", re.I)
# Absolute dates only: "yesterday" or "3 hours ago" would need the fetch time, and pages that say so in
# their metadata are rare enough to leave to the next source.
_DATEPARSER_SETTINGS = {
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TO_TIMEZONE": "UTC",
    "PARSERS": ["timestamp", "absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DAY_OF_MONTH": "first",
}


def parse_datetime(value: str | None) -> datetime | None:
    """ISO 8601 (with 'Z' or an offset, or a bare date) → aware UTC datetime; anything else → None.

    Implausible values still parse here (callers that want publication dates use `plausible_date`); a
    value whose conversion to UTC leaves the calendar (0001-01-01T00:00-05:00) is None, not an error.
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def parse_date_text(value: str | None) -> datetime | None:
    """A date as any page writes it → aware UTC datetime, or None. ISO, then RFC 2822, then dateparser."""
    if not value:
        return None
    text = " ".join(value.split())[: _MAX_TEXT_CHARS * 2]
    if (parsed := parse_datetime(text)) is not None:
        return parsed
    text = _PREFIX.sub("", text)
    if len(text) > _MAX_TEXT_CHARS or not _HAS_YEAR.search(text):
        return None
    if dotted := _DOTTED.match(text):
        day, month, year, hour, minute, second = (int(part or 0) for part in dotted.groups())
        try:
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except ValueError:
            return None
    try:
        rfc = parsedate_to_datetime(text)
        # Naive means a zone the email parser does not know ("CEST"): dateparser knows them.
        if rfc.tzinfo is not None:
            return rfc.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    return _dateparser(text)


def _dateparser(text: str) -> datetime | None:
    import dateparser  # imported on first need: it loads in ~0.1 s and most pages never need it

    try:
        parsed: datetime | None = dateparser.parse(text, settings=_DATEPARSER_SETTINGS)
    except (ValueError, TypeError, OverflowError, RecursionError, re.error):
        return None
    if parsed is None:
        return None
    try:
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
