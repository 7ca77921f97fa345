"""The entry point: answers in, a recommendation an agency can defend out."""

from dataclasses import dataclass

from advisor.scoring.answers import Answers, parse_answers
from advisor.scoring.contract import RecommendationDict
from advisor.scoring.labels import APPROACH_LABELS, BLOCKER_ACTIONS
from advisor.scoring.outcomes import Stage
from advisor.scoring.prices import Assumptions, default_assumptions
from advisor.scoring.rules import Scoring, score
from advisor.scoring.sensitivity import SensitivityItem, sensitivity
from advisor.scoring.tco import (
    DEFAULT_HORIZON_MONTHS,
    MAX_HORIZON_MONTHS,
    CostOfOwnership,
    total_cost_of_ownership,
)
from advisor.scoring.wording import listing


@dataclass(frozen=True, slots=True)
class Recommendation:
    """Everything the result page, the PDF and the CLI show for one project: the rules'
    scoring, a headline, what would change it and the costs over a horizon."""

    scoring: Scoring
    headline: str
    sensitivity: tuple[SensitivityItem, ...]
    tco: CostOfOwnership

    @property
    def horizon_months(self) -> int:
        """The months the total cost of ownership covers."""
        return self.tco.horizon_months

    def to_dict(self) -> RecommendationDict:
        """Return JSON-ready data in the output contract; money in USD rounded to cents."""
        scoring = self.scoring
        return {
            "ruleset_version": scoring.ruleset_version,
            "headline": self.headline,
            "stage": str(scoring.stage),
            "primary_approach": str(scoring.primary_approach),
            "later_stages": [str(stage) for stage in scoring.later_stages],
            "hybrid": [part.to_dict() for part in scoring.hybrid],
            "scores": {str(approach): value for approach, value in scoring.scores.items()},
            "confidence": str(scoring.confidence),
            "confidence_notes": list(scoring.confidence_notes),
            "fine_tuning": {
                "feasible": scoring.fine_tuning_feasible,
                "blockers": [str(blocker) for blocker in scoring.blockers],
                "notes": {str(b): note for b, note in scoring.blocker_notes.items()},
            },
            "factors": [factor.to_dict() for factor in scoring.factors],
            "sensitivity": [item.to_dict() for item in self.sensitivity],
            "horizon_months": self.horizon_months,
            "tco": self.tco.to_dict(),
        }


def headline(answers: Answers, scoring: Scoring) -> str:
    """One sentence: the next step and the primary approach."""
    approach = APPROACH_LABELS[scoring.primary_approach]
    lowered = approach.lower()
    match scoring.stage:
        case Stage.START_WITH_PROMPTING:
            return (
                f"Start with {lowered}: build it, evaluate it against the quality bar, and "
                "consider fine-tuning only if it falls short."
            )
        case Stage.SHIP_PROMPTING:
            return (
                f"Ship the {lowered} solution: it meets the quality bar, so fine-tuning would "
                "add cost without a gain."
            )
        case Stage.IMPROVE_PROMPT if not answers.gaps:
            return (
                f"Improve the prompt ({lowered}) and find out why it falls short before "
                "spending on any other remedy."
            )
        case Stage.IMPROVE_PROMPT:
            return (
                f"Improve the prompt: clearer instructions in {lowered} fix inconsistent "
                "results for the cost of an edit."
            )
        case Stage.ADD_RETRIEVAL:
            return (
                "Add retrieval: the model lacks the client's domain knowledge, and retrieval "
                "supplies it on every request without any training."
            )
        case Stage.TRY_STRUCTURED_OUTPUT:
            return (
                f"Try structured output with {lowered}: schema enforcement fixes most format "
                "problems without any training."
            )
        case Stage.MEET_PREREQUISITES:
            todo = listing([BLOCKER_ACTIONS[blocker] for blocker in scoring.blockers])
            return f"Fine-tuning is indicated, but first {todo}; keep {lowered} running meanwhile."
        case Stage.PILOT_FINE_TUNING:
            return (
                f"Pilot {lowered} on a subset and compare it with the best prompt on the same "
                "held-out test set."
            )


def recommend(
    answers: Answers,
    *,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    assumptions: Assumptions | None = None,
) -> Recommendation:
    """Score the answers, find what would change the result, and cost every approach.

    Deterministic: the same answers and assumptions give the same recommendation.
    """
    if not 1 <= horizon_months <= MAX_HORIZON_MONTHS:
        raise ValueError(f"horizon_months must be from 1 to {MAX_HORIZON_MONTHS}")
    figures = assumptions or default_assumptions()
    scoring = score(answers, assumptions=figures)
    return Recommendation(
        scoring=scoring,
        headline=headline(answers, scoring),
        sensitivity=sensitivity(answers, scoring, assumptions=figures),
        tco=total_cost_of_ownership(
            answers, horizon_months=horizon_months, assumptions=figures, costs=scoring.costs
        ),
    )


def recommend_from_input(
    data: object,
    *,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    base_assumptions: Assumptions | None = None,
) -> Recommendation:
    """Validate raw input (answers plus optional `assumptions` overrides) and recommend.

    Raises `InvalidAnswers` naming every bad field.
    """
    answers, overrides = parse_answers(data)
    figures = (base_assumptions or default_assumptions()).with_overrides(overrides)
    return recommend(answers, horizon_months=horizon_months, assumptions=figures)
