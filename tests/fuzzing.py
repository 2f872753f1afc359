"""How hard the property and fuzz tests push: a small budget in CI, a large one under `make fuzz`.

`make fuzz` sets NEWSETL_FUZZ=1, which multiplies every fuzz test's example count by 20.
"""

from __future__ import annotations

import os

SCALE = 20 if os.environ.get("NEWSETL_FUZZ") == "1" else 1


def examples(ci: int) -> int:
    """The number of examples for a fuzz test that runs `ci` of them in CI."""
    return ci * SCALE
