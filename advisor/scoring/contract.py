"""The output contract as types: what `Recommendation.to_dict()` returns, what an assessment
stores, and what the result page, the report and the CLI read back.

JSON-ready data only (str, int, float, bool, None, lists and dicts). Changing a key here is a
change of the contract that stored assessments and exported files rely on.
"""

from typing import TypedDict

from advisor.scoring.evidence import PilotVerdictDict

# "for" is a Python keyword, hence the functional form.
HybridPartDict = TypedDict("HybridPartDict", {"approach": str, "for": str})


class FineTuningDict(TypedDict):
    feasible: bool
    blockers: list[str]
    notes: dict[str, str]


class FactorDict(TypedDict):
    code: str
    raises: list[str]
    lowers: list[str]
    weights: dict[str, int]
    text: str


class SensitivityDict(TypedDict):
    code: str
    answers: dict[str, object]
    stage: str
    primary_approach: str
    text: str


class AssumptionDict(TypedDict):
    name: str
    value: float
    unit: str
    description: str
    as_of: str | None
    source: str


class OneOffBreakdownDict(TypedDict):
    build: float
    evaluation_setup: float
    data_preparation: float
    training: float


class MonthlyBreakdownDict(TypedDict):
    inference: float
    retrieval: float
    hosting: float
    upkeep: float


class PricedOnDict(TypedDict):
    """The model or offer an approach is priced on, where its prices come from, and when it
    stops (ISO dates, None when none is known)."""

    provider: str
    model: str
    source: str
    verified_on: str
    tuning_available_until: str | None
    retires_on: str | None


class CostEventDict(TypedDict):
    """A one-off cost in a given month of the plan (a rebrand, a move off a retired model)."""

    month: int
    amount: float
    code: str
    text: str


class ApproachTotalDict(TypedDict):
    one_off: float
    monthly: float
    total: float
    break_even_month: int | None
    one_off_breakdown: OneOffBreakdownDict
    monthly_breakdown: MonthlyBreakdownDict
    cost_per_change: float
    major_change_cost: float
    events: list[CostEventDict]
    priced_on: PricedOnDict


class CostOfOwnershipDict(TypedDict):
    horizon_months: int
    approaches: dict[str, ApproachTotalDict]
    assumptions: list[AssumptionDict]


class ReasonDict(TypedDict):
    """One decisive reason, for or against the recommendation."""

    code: str
    stance: str  # "for" or "against"
    text: str


class LeverDict(TypedDict):
    """A way to cut the prompting solution's cost or time; the saving a month, if it has one."""

    code: str
    text: str
    saving_per_month: float | None


class WarningDict(TypedDict):
    """A date the plan depends on: a model retired, a tuning offer closed."""

    code: str
    text: str


class ExchangeRateDict(TypedDict):
    """Units of the result's currency one US dollar buys, as set on `as_of` (an ISO date; None
    for US dollars): the rate at which the catalogue's US-dollar prices were converted."""

    per_usd: float
    as_of: str | None


class RecommendationDict(TypedDict):
    ruleset_version: str
    headline: str
    # One of `outcomes.Stage` the rules give: start_with_prompting, ship_prompting,
    # improve_prompt, add_retrieval, try_structured_output, meet_prerequisites,
    # pilot_fine_tuning. The stages after a pilot (below) are never given for answers alone.
    stage: str
    primary_approach: str
    later_stages: list[str]
    hybrid: list[HybridPartDict]
    scores: dict[str, int]
    confidence: str
    confidence_notes: list[str]
    reasons: list[ReasonDict]
    fine_tuning: FineTuningDict
    factors: list[FactorDict]
    sensitivity: list[SensitivityDict]
    levers: list[LeverDict]
    warnings: list[WarningDict]
    starts_on: str
    catalogue_checked_on: str
    currency: str  # ISO 4217: every amount in the result, budgets in the answers too
    exchange_rate: ExchangeRateDict
    horizon_months: int
    tco: CostOfOwnershipDict


class CostSnapshotDict(TypedDict):
    """Costs frozen with a result: the TCO per horizon (keys are months as text) and each
    approach's cumulative cost, month 0 to the longest horizon, for the chart."""

    horizons: dict[str, CostOfOwnershipDict]
    cumulative: dict[str, list[float]]


class PilotOutcomeDict(TypedDict):
    """The outcome once the assessment's pilot has results (`stages.outcome_after_pilot`):
    `stage` is adopt_fine_tuning, keep_prompting or collect_more_cases; `primary_approach` the
    approach that leaves in use; `headline` the verdict's first reason; `verdict` the pilot's
    verdict (`evidence.PilotVerdictDict`: per metric the difference with its 95 % interval,
    McNemar's p for pass/fail, target and regression flag, and the reasons). The frozen
    `RecommendationDict` is not changed: the outcome is read beside it."""

    stage: str
    primary_approach: str
    headline: str
    verdict: PilotVerdictDict
