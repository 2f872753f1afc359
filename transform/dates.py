"""Publication dates that can be believed, and date arithmetic that cannot overflow.

Pages carry placeholder dates (0001-01-01 in the metadata of a whole newspaper network, 1970-01-01 from
a zero timestamp, 9999-12-31): they are not publication dates, and `0001-01-01 - 7 days` raises
OverflowError. A date is plausible when it falls between the first news sites and a day after the
document was fetched (time zones and embargoed pages can run a few hours ahead, not more).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

# No news page predates the web; 1970-01-01 is what a zero Unix timestamp prints.
EARLIEST_PUBLISHED = datetime(1991, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)

# /2019/11/19/ or /2019-11-19/ in a URL path: the date most news sites put in their article URLs.
_PATH_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?=[/._-]|$)")


def plausible_published(value: datetime | None, reference: datetime) -> datetime | None:
    """`value` if it can be a publication date of a document fetched at `reference`, else None."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    latest = shifted(reference if reference.tzinfo else reference.replace(tzinfo=UTC), FUTURE_SLACK)
    return value if EARLIEST_PUBLISHED <= value <= latest else None


def date_from_url(url: str | None, reference: datetime) -> datetime | None:
    """The date in a URL's path (/2019/11/19/), midnight UTC, when there is a plausible one."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    for match in _PATH_DATE.finditer(path):
        year, month, day = (int(part) for part in match.groups())
        try:
            found = datetime(year, month, day, tzinfo=UTC)
        except ValueError:  # 2019/02/30
            continue
        if plausible := plausible_published(found, reference):
            return plausible
    return None


def shifted(value: datetime, delta: timedelta) -> datetime:
    """`value + delta`, held at the ends of the calendar instead of raising OverflowError."""
    try:
        return value + delta
    except OverflowError:
        end = datetime.max if delta > timedelta(0) else datetime.min
        return end.replace(tzinfo=value.tzinfo)
