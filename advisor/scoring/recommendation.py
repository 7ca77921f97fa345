"""The entry point: answers in, a recommendation an agency can defend out."""

from dataclasses import dataclass
from datetime import date

from advisor.scoring.advice import (
    Lever,
    Reason,
    Warning,
    levers,
    reasons,
    said_sentences,
    warnings,
)
from advisor.scoring.answers import Answers, Gap, parse_answers
from advisor.scoring.catalogue import Catalogue, load_catalogue
from advisor.scoring.contract import RecommendationDict
from advisor.scoring.labels import APPROACH_LABELS, BLOCKER_ACTIONS, PILOT_WAITS_FOR
from advisor.scoring.outcomes import PROMPTING_APPROACHES, TUNING_APPROACHES, Stage
from advisor.scoring.prices import Assumptions, default_assumptions
from advisor.scoring.rules import Scoring, score
from advisor.scoring.sensitivity import SensitivityItem, sensitivity
from advisor.scoring.stages import tuning_pays_back
from advisor.scoring.tco import (
    DEFAULT_HORIZON_MONTHS,
    MAX_HORIZON_MONTHS,
    PLANNING_MONTHS,
    CostOfOwnership,
    PricingConstraints,
    pricing_constraints,
    total_cost_of_ownership,
)
from advisor.scoring.wording import listing, money


@dataclass(frozen=True, slots=True)
class Recommendation:
    """Everything the result page, the PDF and the CLI show for one project: the rules'
    scoring, a headline, the decisive reasons, what would change it, the levers on cost and
    speed, the warnings about dates, and the costs over a horizon."""

    scoring: Scoring
    headline: str
    reasons: tuple[Reason, ...]
    sensitivity: tuple[SensitivityItem, ...]
    levers: tuple[Lever, ...]
    warnings: tuple[Warning, ...]
    tco: CostOfOwnership
    starts_on: date
    catalogue_checked_on: date

    @property
    def horizon_months(self) -> int:
        """The months the total cost of ownership covers."""
        return self.tco.horizon_months

    def to_dict(self) -> RecommendationDict:
        """Return JSON-ready data in the output contract; money rounded to cents."""
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
            "reasons": [reason.to_dict() for reason in self.reasons],
            "fine_tuning": {
                "feasible": scoring.fine_tuning_feasible,
                "blockers": [str(blocker) for blocker in scoring.blockers],
                "notes": {str(b): note for b, note in scoring.blocker_notes.items()},
            },
            "factors": [factor.to_dict() for factor in scoring.factors],
            "sensitivity": [item.to_dict() for item in self.sensitivity],
            "levers": [lever.to_dict() for lever in self.levers],
            "warnings": [warning.to_dict() for warning in self.warnings],
            "starts_on": self.starts_on.isoformat(),
            "catalogue_checked_on": self.catalogue_checked_on.isoformat(),
            "currency": scoring.currency.code,
            "exchange_rate": scoring.currency.to_dict(),
            "horizon_months": self.horizon_months,
            "tco": self.tco.to_dict(),
        }


def _tuning_saves(scoring: Scoring) -> float:
    """How much less the cheapest tuned approach costs than the cheapest prompting approach
    over the planning period (0 if it costs more): the figures of the cost table."""
    costs = scoring.costs
    prompting = min(costs[p].cumulative(PLANNING_MONTHS) for p in PROMPTING_APPROACHES)
    tuned = min(costs[p].cumulative(PLANNING_MONTHS) for p in TUNING_APPROACHES)
    return max(0.0, prompting - tuned)


def waiting_pilot(scoring: Scoring) -> str:
    """When the pilot in `later_stages` can happen, if it waits for money or time: "after
    launch, once the budget covers it"; empty if it waits for nothing."""
    return ", ".join(PILOT_WAITS_FOR[b] for b in PILOT_WAITS_FOR if b in scoring.blockers)


def headline(answers: Answers, scoring: Scoring) -> str:
    """One sentence: the next step and the primary approach, in agreement with the costs."""
    approach = APPROACH_LABELS[scoring.primary_approach]
    lowered = approach.lower()
    gaps = set(answers.gaps)
    match scoring.stage:
        case Stage.START_WITH_PROMPTING:
            return (
                f"Start with {lowered}: build it, evaluate it against the quality bar, and "
                "consider fine-tuning only if it falls short."
            )
        case Stage.SHIP_PROMPTING:
            saving = _tuning_saves(scoring)
            if saving > 0:
                return (
                    f"Ship the {lowered} solution: it meets the quality bar. Over "
                    f"{PLANNING_MONTHS} months a tuned model would cost "
                    f"{money(saving, scoring.currency.code)} less; "
                    "worth a pilot once the prompt's own savings are used."
                )
            return (
                f"Ship the {lowered} solution: it meets the quality bar, and over "
                f"{PLANNING_MONTHS} months fine-tuning would cost more without a gain in quality."
            )
        case Stage.IMPROVE_PROMPT:
            return _improve_prompt(lowered, gaps, scoring)
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
            return (
                f"Meet the fine-tuning prerequisites the gap calls for: {todo}; keep {lowered} "
                "running meanwhile."
            )
        case Stage.PILOT_FINE_TUNING:
            return (
                f"Pilot {lowered} on a subset and compare it with the best prompt on the same "
                "held-out test set."
            )
        case Stage.ADOPT_FINE_TUNING | Stage.KEEP_PROMPTING | Stage.COLLECT_MORE_CASES:
            # A pilot's evidence gives these (`stages.outcome_after_pilot`), never the answers.
            raise ValueError(f"{scoring.stage} follows a pilot's results, not the answers")


def _improve_prompt(lowered: str, gaps: set[Gap], scoring: Scoring) -> str:
    """The headline when the next step is work on the prompt, by why."""
    if Stage.PILOT_FINE_TUNING in scoring.later_stages and (when := waiting_pilot(scoring)):
        return f"Improve {lowered} and launch with it; a tuning pilot follows {when}."
    if not gaps:
        return (
            f"Improve the prompt ({lowered}) and find out why it falls short before spending "
            "on any other remedy."
        )
    if Gap.AMBIGUOUS_INSTRUCTIONS in gaps:
        return (
            f"Improve the prompt: clearer instructions in {lowered} fix inconsistent results "
            "for the cost of an edit."
        )
    then = (
        "; then pilot fine-tuning for what the prompt cannot fix"
        if Stage.PILOT_FINE_TUNING in scoring.later_stages
        else ""
    )
    if Gap.COST in gaps:
        why = (
            "a tuned model would not pay back its cost here"
            if tuning_pays_back(scoring.costs) is None
            else "with a short fixed prompt, the saving would come from where the model runs, "
            "not from tuning"
        )
        return f"Improve {lowered} before training anything: {why}{then}."
    return (
        f"Improve {lowered} before training anything: with a short prompt, tuning would not "
        f"make it faster, faster serving will{then}."
    )


def recommend(
    answers: Answers,
    *,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    assumptions: Assumptions | None = None,
    today: date | None = None,
    catalogue: Catalogue | None = None,
) -> Recommendation:
    """Score the answers, find what would change the result, and cost every approach.

    Amounts, budgets in the answers included, are in the assumptions' currency. `today` is
    when the plan starts; by default the catalogue's date, so the same answers and
    assumptions always give the same recommendation.
    """
    if not 1 <= horizon_months <= MAX_HORIZON_MONTHS:
        raise ValueError(f"horizon_months must be from 1 to {MAX_HORIZON_MONTHS}")
    figures = assumptions or default_assumptions()
    catalogue = catalogue or load_catalogue()
    starts = today or catalogue.checked_on
    constraints: PricingConstraints = pricing_constraints(answers)
    scoring = score(
        answers, assumptions=figures, constraints=constraints, today=starts, catalogue=catalogue
    )
    said = headline(answers, scoring)
    return Recommendation(
        scoring=scoring,
        headline=said,
        reasons=reasons(
            scoring,
            said_sentences([said, *scoring.confidence_notes, *scoring.blocker_notes.values()]),
        ),
        sensitivity=sensitivity(
            answers, scoring, assumptions=figures, today=starts, catalogue=catalogue
        ),
        levers=levers(answers, scoring, constraints, catalogue, figures),
        warnings=warnings(scoring, constraints, catalogue, starts, horizon_months, answers.unknown),
        tco=total_cost_of_ownership(
            scoring.costs, horizon_months=horizon_months, assumptions=figures
        ),
        starts_on=starts,
        catalogue_checked_on=catalogue.checked_on,
    )


def recommend_from_input(
    data: object,
    *,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    base_assumptions: Assumptions | None = None,
    today: date | None = None,
) -> Recommendation:
    """Validate raw input (answers plus optional `assumptions` overrides) and recommend.

    Raises `InvalidAnswers` naming every bad field.
    """
    answers, overrides = parse_answers(data)
    figures = (base_assumptions or default_assumptions()).with_overrides(overrides)
    return recommend(answers, horizon_months=horizon_months, assumptions=figures, today=today)
