"""Total cost of ownership of each approach: one-off build, monthly running and upkeep.

Upkeep is the number of requirement changes a year times the cost of one change: a prompt
edit for prompting approaches, a retraining-and-evaluation cycle for tuned models (which also
retrain when the base model changes). An expected major change adds one more, in the month
the assumptions say.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from advisor.scoring.answers import Answers, BaseModelStability, ChangeFrequency
from advisor.scoring.contract import ApproachTotalDict, CostOfOwnershipDict, CostSnapshotDict
from advisor.scoring.outcomes import PROMPTING_APPROACHES, TUNING_APPROACHES, Approach
from advisor.scoring.prices import Assumption, Assumptions, default_assumptions

MAX_HORIZON_MONTHS: Final = 120  # ten years: beyond that every price here is fiction
DEFAULT_HORIZON_MONTHS: Final = 12
_MILLION: Final = 1_000_000


@dataclass(frozen=True, slots=True)
class ApproachCost:
    """What one approach costs for this project, before choosing a horizon."""

    approach: Approach
    build: float
    evaluation_setup: float
    data_preparation: float
    training: float
    inference: float
    retrieval: float
    hosting: float
    upkeep: float
    change_cost: float
    major_change_cost: float
    major_change_month: int

    @property
    def one_off(self) -> float:
        """Build, evaluation set-up, data preparation and training, paid once."""
        return self.build + self.evaluation_setup + self.data_preparation + self.training

    @property
    def monthly(self) -> float:
        """Inference, retrieval, hosting and the monthly share of recurring upkeep."""
        return self.inference + self.retrieval + self.hosting + self.upkeep

    def cumulative(self, month: int) -> float:
        """Everything paid by the end of `month` (0 = at launch)."""
        total = self.one_off + self.monthly * month
        if self.major_change_cost and month >= self.major_change_month:
            total += self.major_change_cost
        return total


def _changes_per_year(frequency: ChangeFrequency, assumptions: Assumptions) -> float:
    match frequency:
        case ChangeFrequency.WEEKLY:
            return assumptions.requirement_changes_per_year_weekly
        case ChangeFrequency.MONTHLY:
            return assumptions.requirement_changes_per_year_monthly
        case ChangeFrequency.QUARTERLY:
            return assumptions.requirement_changes_per_year_quarterly
        case ChangeFrequency.YEARLY:
            return assumptions.requirement_changes_per_year_yearly
        case ChangeFrequency.RARELY:
            return assumptions.requirement_changes_per_year_rarely


def _base_model_updates_per_year(stability: BaseModelStability, assumptions: Assumptions) -> float:
    match stability:
        case BaseModelStability.FREQUENT_UPDATES:
            return assumptions.base_model_updates_per_year_frequent
        case BaseModelStability.STABLE:
            return assumptions.base_model_updates_per_year_stable
        case BaseModelStability.SELF_HOSTED:
            return 0.0  # a self-hosted base changes only when the agency decides


def approach_costs(
    answers: Answers, assumptions: Assumptions | None = None
) -> dict[Approach, ApproachCost]:
    """Cost every approach for these answers, in spectrum order."""
    a = assumptions or default_assumptions()
    rate = a.labour_rate_per_hour
    requests = answers.monthly_requests
    prompt = answers.prompt_tokens
    output = answers.output_tokens
    changes = _changes_per_year(answers.change_frequency, a)
    major_month = max(1, round(a.major_change_month))

    def inference(overhead: float, price_in: float, price_out: float) -> float:
        per_request = (answers.input_tokens + overhead) * price_in + output * price_out
        return requests * per_request / _MILLION

    prompt_change = a.hours_per_prompt_change * rate
    prompting_upkeep = changes * prompt_change / 12

    def prompting(
        approach: Approach, hours: float, overhead: float, retrieval: float = 0.0
    ) -> ApproachCost:
        return ApproachCost(
            approach=approach,
            build=hours * rate,
            evaluation_setup=a.evaluation_setup_prompting,
            data_preparation=0.0,
            training=0.0,
            inference=inference(overhead, a.prompting_input_per_mtok, a.prompting_output_per_mtok),
            retrieval=retrieval,
            hosting=0.0,
            upkeep=prompting_upkeep,
            change_cost=prompt_change,
            major_change_cost=prompt_change if answers.major_change_expected else 0.0,
            major_change_month=major_month,
        )

    # Retraining follows requirement changes and base model updates, batched to a ceiling.
    retrains_per_year = min(
        changes + _base_model_updates_per_year(answers.base_model_stability, a),
        a.max_retraining_cycles_per_year,
    )
    tuned_inference = inference(
        prompt * a.tuned_prompt_share, a.tuned_input_per_mtok, a.tuned_output_per_mtok
    )

    def tuned(
        approach: Approach, hours: float, examples: float, run_cost: float, hosting: float
    ) -> ApproachCost:
        # Existing examples need curating; the rest of the training set must be created.
        have = min(answers.example_count, examples)
        retrain = a.retraining_hours_per_cycle * rate + run_cost
        return ApproachCost(
            approach=approach,
            build=hours * rate,
            evaluation_setup=a.evaluation_setup_tuning,
            data_preparation=have * a.example_curation_cost
            + (examples - have) * a.example_creation_cost,
            training=a.training_runs_per_build * run_cost,
            inference=tuned_inference,
            retrieval=0.0,
            hosting=hosting,
            upkeep=retrains_per_year * retrain / 12,
            change_cost=retrain,
            major_change_cost=retrain if answers.major_change_expected else 0.0,
            major_change_month=major_month,
        )

    retrieval = (
        requests / 1000 * a.retrieval_cost_per_1k_requests
        + requests * answers.input_tokens * a.embedding_input_per_mtok / _MILLION
        + a.vector_store_per_month
    )
    return {
        Approach.ZERO_SHOT: prompting(
            Approach.ZERO_SHOT, a.build_hours_zero_shot, prompt * a.zero_shot_prompt_share
        ),
        Approach.FEW_SHOT: prompting(Approach.FEW_SHOT, a.build_hours_few_shot, prompt),
        Approach.SYSTEM_PROMPT: prompting(
            Approach.SYSTEM_PROMPT, a.build_hours_system_prompt, prompt
        ),
        Approach.RAG: prompting(
            Approach.RAG, a.build_hours_rag, prompt + a.retrieved_context_tokens, retrieval
        ),
        Approach.ADAPTER: tuned(
            Approach.ADAPTER,
            a.build_hours_adapter,
            a.adapter_training_examples,
            a.adapter_training_run_cost,
            a.adapter_hosting_per_month,
        ),
        Approach.FULL_FINE_TUNE: tuned(
            Approach.FULL_FINE_TUNE,
            a.build_hours_full_fine_tune,
            a.full_fine_tune_training_examples,
            a.full_fine_tune_training_run_cost,
            a.full_fine_tune_hosting_per_month,
        ),
    }


def break_even_month(
    approach: Approach, costs: Mapping[Approach, ApproachCost], horizon_months: int
) -> int | None:
    """The first month by whose end a tuned approach has cost less, in total, than every
    prompting approach; None if that does not happen within the horizon, and always None
    for prompting approaches (they are the baseline).
    """
    if approach not in TUNING_APPROACHES:
        return None
    tuned = costs[approach]
    baseline = [costs[p] for p in PROMPTING_APPROACHES]
    for month in range(1, horizon_months + 1):
        if tuned.cumulative(month) < min(p.cumulative(month) for p in baseline):
            return month
    return None


def _money(value: float) -> float:
    # Cents, and never "-0.0", so the JSON is byte-stable.
    return round(value, 2) + 0.0


@dataclass(frozen=True, slots=True)
class ApproachTotal:
    """One approach's cost over the horizon."""

    cost: ApproachCost
    total: float
    break_even_month: int | None

    def to_dict(self) -> ApproachTotalDict:
        """Return JSON-ready data, money in USD rounded to cents."""
        cost = self.cost
        return {
            "one_off": _money(cost.one_off),
            "monthly": _money(cost.monthly),
            "total": _money(self.total),
            "break_even_month": self.break_even_month,
            "one_off_breakdown": {
                "build": _money(cost.build),
                "evaluation_setup": _money(cost.evaluation_setup),
                "data_preparation": _money(cost.data_preparation),
                "training": _money(cost.training),
            },
            "monthly_breakdown": {
                "inference": _money(cost.inference),
                "retrieval": _money(cost.retrieval),
                "hosting": _money(cost.hosting),
                "upkeep": _money(cost.upkeep),
            },
            "cost_per_change": _money(cost.change_cost),
            "major_change_cost": _money(cost.major_change_cost),
        }


@dataclass(frozen=True, slots=True)
class CostOfOwnership:
    """Every approach's total cost over a horizon, with the figures behind it."""

    horizon_months: int
    approaches: Mapping[Approach, ApproachTotal]
    assumptions: tuple[Assumption, ...]

    def to_dict(self) -> CostOfOwnershipDict:
        """Return JSON-ready data."""
        return {
            "horizon_months": self.horizon_months,
            "approaches": {str(k): v.to_dict() for k, v in self.approaches.items()},
            "assumptions": [assumption.to_dict() for assumption in self.assumptions],
        }


def total_cost_of_ownership(
    answers: Answers,
    *,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    assumptions: Assumptions | None = None,
    costs: Mapping[Approach, ApproachCost] | None = None,
) -> CostOfOwnership:
    """Cost every approach over `horizon_months` (1 to 120); cheap enough to call per horizon.

    Pass `costs` from an earlier `score` of the same answers and assumptions to skip
    recomputing them.
    """
    if not 1 <= horizon_months <= MAX_HORIZON_MONTHS:
        raise ValueError(f"horizon_months must be from 1 to {MAX_HORIZON_MONTHS}")
    a = assumptions or default_assumptions()
    costs = costs if costs is not None else approach_costs(answers, a)
    return CostOfOwnership(
        horizon_months=horizon_months,
        approaches={
            approach: ApproachTotal(
                cost=cost,
                total=cost.cumulative(horizon_months),
                break_even_month=break_even_month(approach, costs, horizon_months),
            )
            for approach, cost in costs.items()
        },
        assumptions=a.listed(),
    )


def cost_snapshot(
    answers: Answers,
    *,
    horizons: tuple[int, ...],
    assumptions: Assumptions,
    costs: Mapping[Approach, ApproachCost],
) -> CostSnapshotDict:
    """The costs to freeze with a result: the TCO at each horizon, and each approach's
    cumulative cost month by month up to the longest, for the chart. `costs` are those the
    scoring already computed for the same answers and assumptions."""
    longest = max(horizons)
    return {
        "horizons": {
            str(months): total_cost_of_ownership(
                answers, horizon_months=months, assumptions=assumptions, costs=costs
            ).to_dict()
            for months in horizons
        },
        "cumulative": {
            str(approach): [round(cost.cumulative(month), 2) for month in range(longest + 1)]
            for approach, cost in costs.items()
        },
    }
