"""Paired statistics against answers worked out by hand."""

import math
from fractions import Fraction

import pytest

from advisor.scoring.paired_stats import (
    bootstrap_mean_intervals,
    cases_for_half_width,
    discordant_pairs_needed,
    mcnemar_exact_p,
    preference_rate,
    spread,
    wilson_interval,
)

# McNemar's exact test: under "no difference" each of the n = b + c discordant cases is a fair
# coin, so the two-sided p is 2 * P(Binomial(n, 1/2) <= min(b, c)), capped at 1.


@pytest.mark.parametrize(
    ("first_only", "second_only", "expected"),
    [
        # Six discordant cases, all one way: 2 * (1/2)**6 = 2/64.
        (0, 6, Fraction(1, 32)),
        # Five all one way is not enough at 5 %: 2/32 = 0.0625.
        (5, 0, Fraction(1, 16)),
        # n = 8, k = 1: 2 * (C(8,0) + C(8,1)) / 2**8 = 2 * 9/256 = 0.0703.
        (1, 7, Fraction(9, 128)),
        # n = 10, k = 2: 2 * (1 + 10 + 45) / 1024 = 112/1024 = 0.109.
        (2, 8, Fraction(7, 64)),
        # n = 20, k = 4: 2 * (1 + 20 + 190 + 1140 + 4845) / 2**20 = 12392/1048576 = 0.0118.
        (16, 4, Fraction(1549, 131072)),
        # An even split is no evidence: 2 * P(X <= 5) = 2 * 638/1024 > 1, capped at 1.
        (5, 5, Fraction(1)),
        # No discordant case at all: nothing to go on.
        (0, 0, Fraction(1)),
    ],
)
def test_mcnemar_exact_p_matches_the_hand_computed_value(
    first_only: int, second_only: int, expected: Fraction
) -> None:
    assert mcnemar_exact_p(first_only, second_only) == expected


def test_mcnemar_exact_p_agrees_with_the_binomial_definition_for_every_small_table() -> None:
    for first_only in range(15):
        for second_only in range(15):
            n, k = first_only + second_only, min(first_only, second_only)
            tail = sum(math.comb(n, i) for i in range(k + 1))
            expected = min(Fraction(1), Fraction(2 * tail, 2**n))
            assert mcnemar_exact_p(first_only, second_only) == expected
            assert mcnemar_exact_p(second_only, first_only) == expected


def test_mcnemar_exact_p_is_exact_at_the_largest_pilot() -> None:
    lopsided = mcnemar_exact_p(2_000, 3_000)
    even = mcnemar_exact_p(2_500, 2_500)
    assert 0 < lopsided < Fraction(1, 10**40)  # exact: no underflow to zero as a fraction
    assert even == 1


def test_mcnemar_refuses_negative_counts() -> None:
    with pytest.raises(ValueError, match="negative"):
        mcnemar_exact_p(-1, 3)


# The bootstrap on datasets small enough to reason about.


def test_a_constant_difference_has_an_interval_of_one_point() -> None:
    assert bootstrap_mean_intervals([[1.0, 1.0, 1.0]]) == [(1.0, 1.0)]


def test_two_cases_give_the_whole_range_between_them() -> None:
    # Resampled means of [0, 1] are 0, 0.5 and 1 with chances 1/4, 1/2 and 1/4: both tails hold
    # far more than 2.5 % of the resamples, so the interval runs from 0 to 1.
    assert bootstrap_mean_intervals([[0.0, 1.0]]) == [(0.0, 1.0)]


def test_one_gain_in_ten_cases_gives_the_binomial_quantiles() -> None:
    # The resampled mean is K/10 with K ~ Binomial(10, 0.1): P(K = 0) = 0.35, so the lower end is
    # 0; P(K <= 2) = 0.930 and P(K <= 3) = 0.987, so the 97.5th percentile is 3/10.
    assert bootstrap_mean_intervals([[0.0] * 9 + [1.0]]) == [(0.0, pytest.approx(0.3))]


def test_the_interval_is_reproducible_and_depends_on_the_seed() -> None:
    values = [0.1, -0.4, 0.3, 0.9, 0.0, 0.2, -0.1, 0.5, 0.7, -0.2, 0.05, 0.33]
    first = bootstrap_mean_intervals([values])
    assert bootstrap_mean_intervals([values]) == first
    other = bootstrap_mean_intervals([values], seed=7)
    assert other != first
    assert other[0] == pytest.approx(first[0], abs=0.05)  # a different seed moves it a little


def test_negating_a_series_mirrors_its_interval_exactly() -> None:
    values = [0.13, -0.4, 0.31, 0.9, 0.0, 0.27, -0.11, 0.5]
    [(low, high)] = bootstrap_mean_intervals([values])
    [(mirrored_low, mirrored_high)] = bootstrap_mean_intervals([[-v for v in values]])
    assert (mirrored_low, mirrored_high) == (-high, -low)


def test_every_series_resamples_the_same_cases() -> None:
    values = [0.13, -0.4, 0.31, 0.9, 0.0, 0.27, -0.11, 0.5]
    plain, doubled = bootstrap_mean_intervals([values, [2 * v for v in values]])
    assert doubled == (2 * plain[0], 2 * plain[1])


def test_the_bootstrap_refuses_what_it_cannot_resample() -> None:
    with pytest.raises(ValueError, match="same number of cases"):
        bootstrap_mean_intervals([[1.0, 2.0], [1.0]])
    with pytest.raises(ValueError, match="same number of cases"):
        bootstrap_mean_intervals([[]])
    with pytest.raises(ValueError, match="at least 100 resamples"):
        bootstrap_mean_intervals([[1.0]], resamples=10)


# How many cases would settle a question.


def test_cases_for_half_width_is_the_normal_approximation() -> None:
    # (1.96 * 0.5 / 0.1) ** 2 = 96.04: 97 cases.
    assert cases_for_half_width(0.5, 0.1) == 97


def test_the_spread_of_pass_fail_differences_comes_from_the_discordant_rate() -> None:
    # 3 cases only the candidate passed, 1 only the baseline, 16 alike: the discordant rate is
    # 0.2 and the mean difference 0.1, so the variance is 0.2 - 0.1**2 = 0.19.
    differences = [1.0] * 3 + [-1.0] + [0.0] * 16
    assert spread(differences) == pytest.approx(math.sqrt(0.19))


def test_discordant_pairs_needed_for_mcnemar() -> None:
    assert discordant_pairs_needed(1.0, most=100) == 6  # 2/64 < 0.05, 2/32 is not
    assert discordant_pairs_needed(0.5, most=1_000) is None  # an even split never gets there
    assert discordant_pairs_needed(1.0, most=5) is None
    pairs = discordant_pairs_needed(0.8, most=1_000)
    assert pairs is not None
    second = round(0.8 * pairs)
    assert mcnemar_exact_p(pairs - second, second) < Fraction(1, 20)


# Wilson's score interval, against Newcombe (1998), "Two-sided confidence intervals for the
# single proportion", Statistics in Medicine 17: 857-872, Table I, method 3 (score, no
# continuity correction), to the four decimals printed there.
@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0000),
    ],
)
def test_wilson_interval_matches_newcombes_worked_examples(
    successes: int, trials: int, low: float, high: float
) -> None:
    found = wilson_interval(successes, trials)

    assert found == pytest.approx((low, high), abs=0.00005)


def test_wilson_interval_by_hand_for_half_counted_ties() -> None:
    # 7 wins and 2 ties of 10, a tie as half: p = 0.8, z² = 3.8415; centre = (0.8 + 0.19207)
    # / 1.38415 = 0.71674; half = 1.96 * sqrt(0.016 + 0.0096037) / 1.38415 = 0.22657.
    low, high = wilson_interval(8.0, 10)

    assert (low, high) == pytest.approx((0.4902, 0.9433), abs=0.0001)


def test_wilson_interval_mirrors_and_narrows() -> None:
    low, high = wilson_interval(3, 12)
    mirrored = wilson_interval(9, 12)
    assert mirrored == pytest.approx((1 - high, 1 - low))
    assert wilson_interval(30, 120)[1] - wilson_interval(30, 120)[0] < high - low


@pytest.mark.parametrize(("successes", "trials"), [(1, 0), (-1, 5), (6, 5)])
def test_wilson_interval_refuses_impossible_counts(successes: int, trials: int) -> None:
    with pytest.raises(ValueError, match=r"trial|successes"):
        wilson_interval(successes, trials)


def test_preference_rate_counts_an_equal_as_half() -> None:
    # 7 preferred, 1 not, 2 equal: (7 + 1) / 10 = 80 %, with the interval worked out above.
    rate, (low, high) = preference_rate(7, 1, 2)  # type: ignore[misc]

    assert rate == pytest.approx(0.8)
    assert (low, high) == pytest.approx((0.4902, 0.9433), abs=0.0001)
    assert preference_rate(0, 0, 4) == (0.5, wilson_interval(2, 4))
    assert preference_rate(0, 0, 0) is None
