"""Evidence two reports share, weighed for one article against many at once: their figures.

`transform.stories` compares each new article with the members of its candidate stories (up to
12 stories of 16 members). Comparing their figures pair by pair in Python (every figure of one with
every figure of the other, `_facts_agree` per pair) was the largest cost of story assignment. Here
one article's figures meet all the candidates' figures in one numpy comparison, with the same rules
and the same floating-point operations in the same order, so the masses are the very same numbers:

- two figures agree when their kinds may be compared (the same kind, money and a count, a percentage
  and a change in points, yuan and yen written alike) and their values are within the rounding
  tolerance of the rounder one (dates: within a few days);
- the mass of one side is the sum, in the order of its figures, of the rarity of those that agree with
  some figure of the other side (a running sum: the same additions as Python's `sum`), and the mass of
  a pair is the smaller of its two sides, so one number cannot count for several.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Fact = tuple[str, float, float, float]  # kind, value, unit of its last written digit, rarity


@dataclass(frozen=True, slots=True)
class Figures:
    """An article's figures as arrays, in the order of its facts."""

    kinds: tuple[str, ...]
    values: npt.NDArray[np.float64]
    units: npt.NDArray[np.float64]
    rarity: npt.NDArray[np.float64]
    dates: npt.NDArray[np.bool_]

    @staticmethod
    def of(facts: Sequence[Fact]) -> Figures:
        return Figures(
            tuple(kind for kind, _, _, _ in facts),
            np.array([value for _, value, _, _ in facts], dtype=np.float64),
            np.array([unit for _, _, unit, _ in facts], dtype=np.float64),
            np.array([rarity for _, _, _, rarity in facts], dtype=np.float64),
            np.array([kind == "date" for kind, _, _, _ in facts], dtype=np.bool_),
        )


@functools.lru_cache(maxsize=4096)
def kinds_agree(kind_a: str, kind_b: str) -> bool:
    """Whether figures of these kinds may be compared: the same kind, or a sum one outlet writes as money
    ("38 billion yen") and another in a form the fact reader does not take for money ("380億円" before it
    learns Japanese), or a percentage and a change in percentage points ("a 0.5% cut" and "cut by 50
    basis points"); "¥" is written for both yuan and yen."""
    if kind_a == kind_b or {kind_a, kind_b} == {"money:CNY", "money:JPY"}:
        return True
    return {kind_a.partition(":")[0], kind_b.partition(":")[0]} in ({"money", "num"}, {"pct", "pp"})


def shared_figure_masses(
    article: Figures, others: Sequence[Figures], rounding_tolerance: float, date_tolerance_days: float
) -> list[float]:
    """For each of `others`, the rarity of the figures it shares with `article`: on each side the
    figures that agree with one of the other side, the smaller of the two sides. Figures agree within
    `rounding_tolerance` of the larger unit of their last written digits (dates: within
    `date_tolerance_days`)."""
    masses = [0.0] * len(others)
    present = [index for index, other in enumerate(others) if other.kinds]
    if not article.kinds or not present:
        return masses
    kinds = [kind for index in present for kind in others[index].kinds]
    counts = np.array([len(others[index].kinds) for index in present])
    values = np.concatenate([others[index].values for index in present])
    units = np.concatenate([others[index].units for index in present])
    rarity = np.concatenate([others[index].rarity for index in present])
    code = {kind: number for number, kind in enumerate(dict.fromkeys([*article.kinds, *kinds]))}
    comparable = np.array([[kinds_agree(a, b) for b in code] for a in code], dtype=np.bool_)
    rows = np.array([code[kind] for kind in article.kinds])
    columns = np.array([code[kind] for kind in kinds])
    apart = np.abs(article.values[:, None] - values[None, :])
    tolerance = rounding_tolerance * np.maximum(article.units[:, None], units[None, :]) * (1 + 1e-9)
    close = np.where(article.dates[:, None], apart <= date_tolerance_days, apart <= tolerance)
    agree = comparable[rows[:, None], columns[None, :]] & close
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    # The article's side: each of its figures agreeing with one of the other's, summed in order.
    agreeing = np.logical_or.reduceat(agree, starts, axis=1)
    article_side = np.cumsum(article.rarity[:, None] * agreeing, axis=0)[-1]
    # The other side: each of its figures agreeing with one of the article's, summed in order per article.
    padded = np.zeros((len(present), int(counts.max())))
    padded[np.repeat(np.arange(len(present)), counts), np.arange(len(kinds)) - np.repeat(starts, counts)] = (
        rarity * agree.any(axis=0)
    )
    other_side = np.cumsum(padded, axis=1)[:, -1]
    for slot, index in enumerate(present):
        masses[index] = min(float(article_side[slot]), float(other_side[slot]))
    return masses
