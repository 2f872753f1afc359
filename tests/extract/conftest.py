"""Fixtures for the web half of extract/: the local site, a test policy, and a sleep that does not wait."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from extract.http import HttpPolicy
from tests.extract.site import Site, serve

T = TypeVar("T")

# Short timeouts and loopback allowed: the site runs on 127.0.0.1.
TEST_POLICY = HttpPolicy(
    user_agent="newsetl-test/0.1",
    contact="mailto:tests@example.test",
    min_delay_seconds=0.0,
    connect_timeout_seconds=1.0,
    read_timeout_seconds=0.5,
    total_timeout_seconds=5.0,
    retries=2,
    backoff_base_seconds=0.01,
    allow_private_addresses=True,
)


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    running, stop = serve()
    yield running
    stop()


class RecordingSleep:
    """An injectable sleep that records each delay and returns at once, so pacing tests do not wait."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine to completion (no async test plugin is installed)."""
    return asyncio.run(coroutine)
