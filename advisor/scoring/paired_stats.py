"""Paired statistics: the same test cases under two approaches, compared case by case.

Standard library only (no NumPy or SciPy in the project): a percentile bootstrap over cases for
the interval of a mean difference, McNemar's exact test for pass/fail metrics (exact integer
arithmetic), a normal-approximation estimate of how many cases would settle a question, and
Wilson's score interval for a proportion (a blind comparison's preference rate).
"""

import math
import random
from collections.abc import Sequence
from fractions import Fraction
from typing import Final

CONFIDENCE: Final = 0.95
Z_95: Final = 1.959963984540054  # the standard normal's 97.5th percentile
BOOTSTRAP_RESAMPLES: Final = 2_000
"""Percentile intervals need about a thousand resamples for steady 2.5 % tails (Efron and
Tibshirani, An Introduction to the Bootstrap, 1993); with 2,000, an interval's ends move by a
few hundredths of its width from seed to seed, and 500 cases take a tenth of a second."""
BOOTSTRAP_SEED: Final = 20_261_113
"""Fixed, so the same results always give the same interval (and the same verdict)."""
_MIN_RESAMPLES: Final = 100  # fewer leave no resample beyond the 2.5 % tails


def mcnemar_exact_p(first_only: int, second_only: int) -> Fraction:
    """McNemar's exact test, two-sided: the chance of discordant pairs split at least this
    unevenly if neither approach were better.

    `first_only` cases passed under the first approach only, `second_only` under the second only;
    cases both passed or both failed say nothing about which is better. Under no difference each
    discordant case is a fair coin, so with n = b + c and k = min(b, c),
    p = min(1, 2 * sum(C(n, i) for i <= k) / 2**n), computed exactly.
    """
    if first_only < 0 or second_only < 0:
        raise ValueError("discordant counts cannot be negative")
    discordant = first_only + second_only
    if discordant == 0:
        return Fraction(1)
    tail, term = 0, 1  # term is C(n, i), updated in place: linear in k, no factorials
    for i in range(min(first_only, second_only) + 1):
        tail += term
        term = term * (discordant - i) // (i + 1)
    return min(Fraction(2 * tail, 2**discordant), Fraction(1))


def discordant_pairs_needed(second_share: float, *, most: int, alpha: float = 0.05) -> int | None:
    """The fewest discordant pairs at which McNemar's exact test reaches p < `alpha`, if they
    keep splitting as observed (`second_share` of them for the second approach); None when more
    than `most` would be needed. A binary search: p falls as pairs are added at a fixed split."""

    def significant(pairs: int) -> bool:
        second = round(second_share * pairs)
        return mcnemar_exact_p(pairs - second, second) < alpha

    if most < 1 or not significant(most):
        return None
    low, high = 1, most
    while low < high:
        middle = (low + high) // 2
        if significant(middle):
            high = middle
        else:
            low = middle + 1
    return low


def bootstrap_mean_intervals(
    series: Sequence[Sequence[float]],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> list[tuple[float, float]]:
    """The 95 % percentile bootstrap interval of the mean of each series.

    Every series has one value per case (say, each case's difference between two approaches);
    each resample draws cases with replacement, the same cases for every series, as a paired
    comparison must. The interval runs from the 51st smallest to the 51st largest of 2,000
    resampled means (in general the `round(resamples * 0.025)`-th from each end, counted from
    0), so negating a series exactly negates and swaps its interval's ends.
    """
    if resamples < _MIN_RESAMPLES:
        raise ValueError(f"a bootstrap needs at least {_MIN_RESAMPLES} resamples")
    columns = [list(values) for values in series]
    if not columns:
        return []
    cases = len(columns[0])
    if cases == 0 or any(len(column) != cases for column in columns):
        raise ValueError("every series needs the same number of cases, at least one")
    rng = random.Random(seed)  # noqa: S311 (resampling, not secrets: it must be reproducible)
    population = range(cases)
    sums: list[list[float]] = [[] for _ in columns]
    for _ in range(resamples):
        picked = rng.choices(population, k=cases)
        for column, column_sums in zip(columns, sums, strict=True):
            column_sums.append(math.fsum(map(column.__getitem__, picked)))
    tail = round(resamples * (1 - CONFIDENCE) / 2)
    intervals = []
    for column_sums in sums:
        column_sums.sort()
        intervals.append((column_sums[tail] / cases, column_sums[-1 - tail] / cases))
    return intervals


def mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def spread(values: Sequence[float]) -> float:
    """The standard deviation of the values (as a population: the cases at hand). For pass/fail
    differences (-1, 0, 1) its square is the discordant rate minus the squared mean difference."""
    centre = mean(values)
    return math.sqrt(math.fsum((value - centre) ** 2 for value in values) / len(values))


def cases_for_half_width(spread_per_case: float, half_width: float) -> int:
    """Cases needed for a 95 % interval of a mean difference to be `half_width` either side, by
    the normal approximation: n = (1.96 * spread / half_width) ** 2."""
    if half_width <= 0:
        raise ValueError("the half-width must be positive")
    return math.ceil((Z_95 * spread_per_case / half_width) ** 2)


def wilson_interval(successes: float, trials: int, *, z: float = Z_95) -> tuple[float, float]:
    """Wilson's score interval for a proportion: `successes` of `trials` (95 % by default).

    Unlike the textbook p ± z·√(p(1-p)/n), it stays inside 0..1 and keeps its coverage at
    small n and at proportions near 0 or 1 (Newcombe, Statistics in Medicine 17, 1998).
    `successes` may be fractional (a tie counted as half); with p = successes / trials:
    centre = (p + z²/2n) / (1 + z²/n), half-width = z·√(p(1-p)/n + z²/4n²) / (1 + z²/n).
    """
    if trials < 1:
        raise ValueError("a proportion needs at least one trial")
    if not 0 <= successes <= trials:
        raise ValueError("successes must be from 0 to the number of trials")
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def preference_rate(
    preferred: int, other: int, equal: int
) -> tuple[float, tuple[float, float]] | None:
    """The share of blind judgements that preferred one side, a judgement of "equal" counted
    as half for each side (as pairwise win rates are usually reported), with its Wilson 95 %
    interval; None with no judgements."""
    if min(preferred, other, equal) < 0:
        raise ValueError("counts cannot be negative")
    judged = preferred + other + equal
    if judged == 0:
        return None
    wins = preferred + equal / 2
    return wins / judged, wilson_interval(wins, judged)
