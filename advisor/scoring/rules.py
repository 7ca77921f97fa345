"""The rules put together: from answers to scores, a next step, blockers and the reasons why.

They follow the four-step framework: prompting is the default; fine-tuning only when prompting
was tried, the gap is one that tuning fixes, and the prerequisites hold. Each factor (factors.py)
adds weights to some approaches' scores and says why in plain words; the stage comes from the
framework's steps (stages.py), and the primary approach is the best-scoring one the stage allows.

Change a weight, threshold or rule and you must bump RULESET_VERSION: stored
recommendations name the rules that produced them.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from advisor.scoring.answers import Answers
from advisor.scoring.blockers import fine_tuning_blockers
from advisor.scoring.confidence import confidence
from advisor.scoring.factors import Factor, factors
from advisor.scoring.hybrid import HybridPart, hybrid
from advisor.scoring.outcomes import Approach, Blocker, Confidence, Stage
from advisor.scoring.prices import Assumptions, default_assumptions
from advisor.scoring.stages import primary_approach, stages
from advisor.scoring.tco import ApproachCost, approach_costs

RULESET_VERSION: Final = "2026.11.3"

# Raw totals map onto 0-100 along a logistic curve: order is kept, nothing saturates.
SCORE_MIDPOINT: Final = 50  # a raw total of 50 (a neutral fit) shows as 50
SCORE_SPREAD: Final = 25  # about one strong reason moves a middling score by 20 points

# Where each approach starts: prompting is the default, and full tuning costs the most to keep.
BASE_SCORES: Final[Mapping[Approach, int]] = {
    Approach.ZERO_SHOT: 50,
    Approach.FEW_SHOT: 50,
    Approach.SYSTEM_PROMPT: 55,
    Approach.RAG: 40,
    Approach.ADAPTER: 40,
    Approach.FULL_FINE_TUNE: 30,
}


@dataclass(frozen=True, slots=True)
class Scoring:
    """The outcome of the rules for one set of answers (everything but sensitivity and TCO)."""

    ruleset_version: str
    stage: Stage
    primary_approach: Approach
    later_stages: tuple[Stage, ...]
    hybrid: tuple[HybridPart, ...]
    scores: Mapping[Approach, int]
    confidence: Confidence
    confidence_notes: tuple[str, ...]
    blockers: tuple[Blocker, ...]
    blocker_notes: Mapping[Blocker, str]
    factors: tuple[Factor, ...]
    costs: Mapping[Approach, ApproachCost]

    @property
    def fine_tuning_feasible(self) -> bool:
        """True when no prerequisite of fine-tuning is missing."""
        return not self.blockers


def _displayed(total: int) -> int:
    """Map a raw total onto 0-100, keeping order."""
    return round(100 / (1 + math.exp(-(total - SCORE_MIDPOINT) / SCORE_SPREAD)))


def score(answers: Answers, *, assumptions: Assumptions | None = None) -> Scoring:
    """Apply the rules to one project's answers (no sensitivity, no horizon)."""
    costs = approach_costs(answers, assumptions or default_assumptions())
    found = factors(answers, costs)
    totals = dict(BASE_SCORES)
    for factor in found:
        for approach, weight in factor.weights:
            totals[approach] += weight
    blockers = fine_tuning_blockers(answers)
    stage, *later = stages(answers, blockers)
    primary = primary_approach(stage, totals)
    level, notes = confidence(answers, stage, primary, totals, costs)
    return Scoring(
        ruleset_version=RULESET_VERSION,
        stage=stage,
        primary_approach=primary,
        later_stages=tuple(later),
        hybrid=hybrid(answers, stage, primary),
        scores={approach: _displayed(total) for approach, total in totals.items()},
        confidence=level,
        confidence_notes=notes,
        blockers=tuple(blockers),
        blocker_notes=blockers,
        factors=found,
        costs=costs,
    )
