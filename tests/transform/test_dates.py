from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from transform.dates import date_from_url, plausible_published, shifted

FETCHED = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        (datetime(1, 1, 1, tzinfo=UTC), False),  # the placeholder of a large newspaper network
        (datetime(1970, 1, 1, tzinfo=UTC), False),  # a zero Unix timestamp
        (datetime(9999, 12, 31, tzinfo=UTC), False),
        (datetime(2026, 3, 3, tzinfo=UTC), False),  # two days after the fetch
        (datetime(2026, 3, 2, 6, tzinfo=UTC), True),  # hours ahead: time zones, embargoes
        (datetime(2019, 11, 19, tzinfo=UTC), True),
        (datetime(1996, 5, 1), True),  # naive values are read as UTC
    ],
)
def test_only_plausible_publication_dates_are_kept(value: datetime, kept: bool) -> None:
    assert (plausible_published(value, FETCHED) is not None) is kept


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/2019/11/19/storm-hits-coast/", datetime(2019, 11, 19, tzinfo=UTC)),
        ("https://news.example/world/2024-02-07/qwen.html", datetime(2024, 2, 7, tzinfo=UTC)),
        ("https://news.example/2019/02/30/no-such-day", None),
        ("https://news.example/0001/01/01/placeholder", None),
        ("https://news.example/2031/01/01/future", None),
        ("https://news.example/article?id=2019/11/19", None),  # only the path counts
        ("https://news.example/story-201911", None),
        (None, None),
    ],
)
def test_the_date_in_a_url_path(url: str | None, expected: datetime | None) -> None:
    assert date_from_url(url, FETCHED) == expected


def test_date_arithmetic_holds_at_the_ends_of_the_calendar() -> None:
    first = datetime(1, 1, 1, tzinfo=UTC)
    assert shifted(first, -timedelta(days=7)) == datetime.min.replace(tzinfo=UTC)
    assert shifted(datetime(9999, 12, 30, tzinfo=UTC), timedelta(days=7)) == datetime.max.replace(tzinfo=UTC)
    assert shifted(FETCHED, timedelta(days=1)) == FETCHED + timedelta(days=1)
