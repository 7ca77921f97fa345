"""The output contract as types: what `Recommendation.to_dict()` returns, what an assessment
stores, and what the result page, the report and the CLI read back.

JSON-ready data only (str, int, float, bool, None, lists and dicts). Changing a key here is a
change of the contract that stored assessments and exported files rely on.
"""

from typing import NotRequired, TypedDict

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
    model: NotRequired[str]
    provider: NotRequired[str]


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


class ApproachTotalDict(TypedDict):
    one_off: float
    monthly: float
    total: float
    break_even_month: int | None
    one_off_breakdown: OneOffBreakdownDict
    monthly_breakdown: MonthlyBreakdownDict
    cost_per_change: float
    major_change_cost: float


class CostOfOwnershipDict(TypedDict):
    horizon_months: int
    approaches: dict[str, ApproachTotalDict]
    assumptions: list[AssumptionDict]


class RecommendationDict(TypedDict):
    ruleset_version: str
    headline: str
    stage: str
    primary_approach: str
    later_stages: list[str]
    hybrid: list[HybridPartDict]
    scores: dict[str, int]
    confidence: str
    confidence_notes: list[str]
    fine_tuning: FineTuningDict
    factors: list[FactorDict]
    sensitivity: list[SensitivityDict]
    horizon_months: int
    tco: CostOfOwnershipDict


class CostSnapshotDict(TypedDict):
    """Costs frozen with a result: the TCO per horizon (keys are months as text) and each
    approach's cumulative cost, month 0 to the longest horizon, for the chart."""

    horizons: dict[str, CostOfOwnershipDict]
    cumulative: dict[str, list[float]]
