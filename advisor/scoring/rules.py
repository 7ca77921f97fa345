"""The rules put together: from answers to scores, a next step, blockers and the reasons why.

They follow the four-step framework: prompting is the default; fine-tuning only when prompting
was tried, the gap is one that tuning closes, and the prerequisites hold. Each factor (factors.py)
adds weights to some approaches' scores and says why in plain words; the stage comes from the
framework's steps (stages.py), and the primary approach is the best-scoring one the stage allows.
An approach the stage does not allow never shows a better fit than the recommendation: the
framework's order is itself a factor, with its weight and its reason.

Change a weight, threshold or rule and you must bump RULESET_VERSION: stored
recommendations name the rules that produced them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from advisor.scoring.answers import Answers
from advisor.scoring.blockers import fine_tuning_blockers
from advisor.scoring.catalogue import Catalogue
from advisor.scoring.confidence import confidence
from advisor.scoring.currency import Currency
from advisor.scoring.factors import Factor, factors
from advisor.scoring.hybrid import HybridPart, hybrid
from advisor.scoring.outcomes import (
    PROMPTING_APPROACHES,
    TUNING_APPROACHES,
    Approach,
    Blocker,
    Confidence,
    Stage,
)
from advisor.scoring.prices import Assumptions, default_assumptions
from advisor.scoring.scale import clearly_behind, displayed
from advisor.scoring.stages import candidates, primary_approach, stages
from advisor.scoring.tco import (
    ApproachCost,
    PricingConstraints,
    approach_costs,
    pricing_constraints,
)

RULESET_VERSION: Final = "2026.12.4"

# Where each approach starts: prompting is the default, and full tuning costs the most to keep.
BASE_SCORES: Final[Mapping[Approach, int]] = {
    Approach.ZERO_SHOT: 50,
    Approach.FEW_SHOT: 50,
    Approach.SYSTEM_PROMPT: 55,
    Approach.RAG: 40,
    Approach.ADAPTER: 40,
    Approach.FULL_FINE_TUNE: 30,
}

# Why an approach the next step does not allow waits its turn, by the step.
_ORDER_REASONS: Final[Mapping[Stage, str]] = {
    Stage.START_WITH_PROMPTING: "Nothing is trained before the best prompt has been built and "
    "evaluated against the quality bar.",
    Stage.SHIP_PROMPTING: "The prompt already meets the quality bar, so nothing more is "
    "needed to ship.",
    Stage.IMPROVE_PROMPT: "The cheaper remedy comes first: work on the prompt before any training.",
    Stage.ADD_RETRIEVAL: "Missing domain knowledge is what retrieval supplies; it comes "
    "before anything else.",
    Stage.TRY_STRUCTURED_OUTPUT: "Structured output is tried before any training.",
    Stage.MEET_PREREQUISITES: "Until its prerequisites are met, fine-tuning waits and the "
    "prompting solution carries on.",
    Stage.PILOT_FINE_TUNING: "A pilot of an adapter comes first: it is the cheapest test of "
    "whether tuning closes the gap, and full fine-tuning follows only if it falls short.",
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
    runner_up: Approach
    costs: Mapping[Approach, ApproachCost]

    @property
    def currency(self) -> Currency:
        """The currency of every amount in the costs and the sentences."""
        return self.costs[Approach.SYSTEM_PROMPT].currency

    @property
    def fine_tuning_feasible(self) -> bool:
        """True when no prerequisite of fine-tuning is missing."""
        return not self.blockers


def raw_totals(found: tuple[Factor, ...]) -> dict[Approach, int]:
    """Each approach's base score plus the weights the factors gave it."""
    totals = dict(BASE_SCORES)
    for factor in found:
        for approach, weight in factor.weights:
            totals[approach] += weight
    return totals


def _framework_order(
    stage: Stage, primary: Approach, allowed: tuple[Approach, ...], totals: Mapping[Approach, int]
) -> Factor | None:
    """Puts every approach the stage does not allow clearly behind the recommendation, so the
    chart never shows it ahead or as a near tie."""
    ceiling = clearly_behind(totals[primary])
    weights = tuple(
        (approach, ceiling - totals[approach])
        for approach in Approach
        if approach not in allowed and totals[approach] > ceiling
    )
    if not weights:
        return None
    return Factor("framework_order", weights, _ORDER_REASONS[stage])


def score(
    answers: Answers,
    *,
    assumptions: Assumptions | None = None,
    constraints: PricingConstraints | None = None,
    today: date | None = None,
    catalogue: Catalogue | None = None,
) -> Scoring:
    """Apply the rules to one project's answers (no sensitivity, no horizon); the pricing
    constraints are the answers' unless given."""
    a = assumptions or default_assumptions()
    costs = approach_costs(
        answers,
        a,
        constraints=constraints or pricing_constraints(answers),
        today=today,
        catalogue=catalogue,
    )
    found = factors(answers, costs)
    raw = raw_totals(found)
    blockers = fine_tuning_blockers(answers, costs, a)
    stage, *later = stages(answers, blockers, costs)
    adapter_fell_short = answers.adapter_fell_short
    primary = primary_approach(stage, raw, adapter_fell_short=adapter_fell_short)
    allowed = (
        (Approach.ADAPTER,)
        if stage is Stage.PILOT_FINE_TUNING and not adapter_fell_short
        else candidates(stage)
    )
    order = _framework_order(stage, primary, allowed, raw)
    if order is not None:
        found = (*found, order)
    totals = raw_totals(found)
    # Tuning waiting its turn is the framework working; a better-fitting prompt overruled is
    # worth saying.
    overruled = tuple(
        approach
        for approach, _ in (order.weights if order else ())
        if raw[approach] > raw[primary] and approach not in TUNING_APPROACHES
    )
    level, notes = confidence(answers, stage, primary, allowed, totals, overruled, costs)
    # The client's question is prompting or tuning: the reasons weigh the recommendation
    # against the best approach of the other kind.
    other_kind = PROMPTING_APPROACHES if primary in TUNING_APPROACHES else TUNING_APPROACHES
    runner_up = max(other_kind, key=raw.__getitem__)
    return Scoring(
        ruleset_version=RULESET_VERSION,
        stage=stage,
        primary_approach=primary,
        later_stages=tuple(later),
        hybrid=hybrid(answers, stage, primary),
        scores={approach: displayed(total) for approach, total in totals.items()},
        confidence=level,
        confidence_notes=notes,
        blockers=tuple(blockers),
        blocker_notes=blockers,
        factors=found,
        runner_up=runner_up,
        costs=costs,
    )
