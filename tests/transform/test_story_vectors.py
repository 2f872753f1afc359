import random
from collections.abc import Sequence

from transform.story_vectors import Fact, Figures, kinds_agree, shared_figure_masses

TOLERANCE, DAYS = 0.6, 2


def _agree(a: Fact, b: Fact) -> bool:
    """The rule, one pair at a time, as stories.py judged figures before they were compared at once."""
    if not kinds_agree(a[0], b[0]):
        return False
    if a[0] == "date":
        return abs(a[1] - b[1]) <= DAYS
    return abs(a[1] - b[1]) <= TOLERANCE * max(a[2], b[2]) * (1 + 1e-9)


def _pairwise(a: Sequence[Fact], b: Sequence[Fact]) -> float:
    if not a or not b:
        return 0.0
    one = sum(f[3] for f in a if any(_agree(f, g) for g in b))
    other = sum(g[3] for g in b if any(_agree(g, f) for f in a))
    return min(one, other)


def _masses(a: Sequence[Fact], others: Sequence[Sequence[Fact]]) -> list[float]:
    return shared_figure_masses(Figures.of(a), [Figures.of(o) for o in others], TOLERANCE, DAYS)


def test_figures_agree_within_rounding_and_across_kinds_that_may_be_compared() -> None:
    article: list[Fact] = [("pct", 8.48, 0.01, 0.7), ("money:USD", 2.81e9, 1e7, 0.9), ("date", 42, 1.0, 0.25)]
    others: list[list[Fact]] = [
        [("pct", 8.0, 1.0, 0.5)],  # 8.48% and 8%
        [("pct", 8.91, 0.01, 0.5)],  # too far: 8.48% and 8.91%
        [("num", 2.8e9, 1e8, 0.8)],  # money and a count
        [("money:EUR", 2.81e9, 1e7, 0.8)],  # another currency
        [("date", 44, 1.0, 0.25), ("pp", 8.5, 0.1, 1.0)],  # a date two days later; pct and points
        [("date", 45, 1.0, 0.25)],  # three days later
        [],
    ]
    masses = _masses(article, others)
    assert masses == [0.5, 0.0, 0.8, 0.0, 0.95, 0.0, 0.0]
    assert masses == [_pairwise(article, other) for other in others]


def test_one_number_cannot_count_for_several() -> None:
    # Three figures of one article agree with the single figure of the other: the smaller side counts.
    article = [("num", 31_200, 100.0, 1.0), ("num", 31_000, 1000.0, 1.0), ("num", 31_150, 10.0, 1.0)]
    assert _masses(article, [[("num", 31_000, 1000.0, 0.4)]]) == [0.4]
    assert _masses([], [[("num", 31_000, 1000.0, 0.4)]]) == [0.0]


def test_the_same_masses_as_pair_by_pair_to_the_last_bit() -> None:
    rng = random.Random(7)
    kinds = ["pct", "pp", "num", "money:USD", "money:CNY", "money:JPY", "date"]

    def figures() -> list[Fact]:
        found = []
        for _ in range(rng.randrange(0, 7)):
            kind = rng.choice(kinds)
            value = float(rng.randrange(1, 60)) if kind == "date" else rng.choice([8.0, 8.4, 8.48, 31_000.0])
            found.append((kind, value, rng.choice([0.01, 0.1, 1.0, 1000.0]), rng.random()))
        return found

    for _ in range(200):
        article, others = figures(), [figures() for _ in range(rng.randrange(1, 30))]
        assert _masses(article, others) == [_pairwise(article, other) for other in others]
