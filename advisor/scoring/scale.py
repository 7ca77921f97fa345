"""The fit scale: raw totals of the rules' weights, and the 0-100 scores a reader sees."""

import math
from typing import Final

# Raw totals map onto 0-100 along a logistic curve: order is kept, nothing saturates.
SCORE_MIDPOINT: Final = 50  # a raw total of 50 (a neutral fit) shows as 50
SCORE_SPREAD: Final = 25  # about one strong reason moves a middling score by 20 points
CLOSE_SCORE_MARGIN: Final = 5  # raw points: a lead this small is within the rules' precision
# On the chart the curve squeezes the top and the bottom: a reader sees scores this close as a
# tie, whatever the raw totals behind them.
CLOSE_DISPLAY_MARGIN: Final = 5


def displayed(total: int) -> int:
    """A raw total on the 0-100 scale, keeping order."""
    return round(100 / (1 + math.exp(-(total - SCORE_MIDPOINT) / SCORE_SPREAD)))


def close(leader: int, other: int) -> bool:
    """Whether `other` fits about as well as `leader`, raw or as the chart shows them."""
    return (
        leader - other < CLOSE_SCORE_MARGIN
        or displayed(leader) - displayed(other) < CLOSE_DISPLAY_MARGIN
    )


def clearly_behind(leader: int) -> int:
    """The highest raw total that the chart shows clearly behind `leader`: at least twice the
    close-call margin on the raw scale and the display margin on the chart (or at zero)."""
    total = leader - 2 * CLOSE_SCORE_MARGIN - 1
    while displayed(total) > max(0, displayed(leader) - CLOSE_DISPLAY_MARGIN):
        total -= 1
    return total
