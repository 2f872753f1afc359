"""The default topic rule keeps every one of the user's five articles (read in place, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEEDS
from transform.topics import DEFAULT_TOPIC, decide_topic

if not SEEDS.is_dir():
    pytest.skip(
        f"the user's seed articles are not at {SEEDS} (a clone without ../shared)", allow_module_level=True
    )


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_every_seed_is_on_the_default_topic(seed: Path) -> None:
    decision = decide_topic(DEFAULT_TOPIC, seed.read_text(encoding="utf-8"))
    assert decision.relevant, f"{seed.name}: {decision.explanation}"
    assert "AI" in decision.matched
