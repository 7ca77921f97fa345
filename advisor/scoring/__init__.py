"""The recommendation engine: a project's answers in, a defensible recommendation out.

Pure Python, no Django. Start with `parse_answers` (raw data in, validated `Answers` out),
then `recommend` (or `recommend_from_input` for both at once); `Recommendation.to_dict()` gives
the output contract as JSON-ready data, `recommendation_as_text` the same for a person.
"""

from advisor.scoring.answers import (
    ANSWER_FIELDS,
    UNKNOWABLE_FIELDS,
    UNKNOWN_KEY,
    Answers,
    BaseModelStability,
    ChangeFrequency,
    DataCoverage,
    DomainSpecificity,
    ExampleSource,
    ExternalKnowledge,
    FieldKind,
    FieldSpec,
    Gap,
    InvalidAnswers,
    OutputFormat,
    PromptingStatus,
    ReliabilityRequirement,
    StyleConsistency,
    TaskType,
    VendorLockInConcern,
    parse_answers,
)
from advisor.scoring.blockers import fine_tuning_blockers
from advisor.scoring.contract import CostSnapshotDict, RecommendationDict
from advisor.scoring.factors import RULES, Factor
from advisor.scoring.hybrid import HybridPart
from advisor.scoring.labels import (
    APPROACH_DESCRIPTIONS,
    APPROACH_LABELS,
    BLOCKER_ACTIONS,
    BLOCKER_LABELS,
    CONFIDENCE_LABELS,
    STAGE_LABELS,
    STAGE_PHRASES,
    choice_label,
    field_choices,
)
from advisor.scoring.outcomes import (
    PROMPTING_APPROACHES,
    TUNING_APPROACHES,
    Approach,
    Blocker,
    Confidence,
    Stage,
)
from advisor.scoring.prices import (
    ASSUMPTION_SPECS,
    Assumption,
    Assumptions,
    default_assumptions,
)
from advisor.scoring.recommendation import (
    Recommendation,
    headline,
    recommend,
    recommend_from_input,
)
from advisor.scoring.rules import RULESET_VERSION, Scoring, score
from advisor.scoring.sensitivity import SensitivityItem, sensitivity
from advisor.scoring.tco import (
    DEFAULT_HORIZON_MONTHS,
    MAX_HORIZON_MONTHS,
    ApproachCost,
    CostOfOwnership,
    approach_costs,
    cost_snapshot,
    total_cost_of_ownership,
)
from advisor.scoring.text import recommendation_as_text

__all__ = [
    "ANSWER_FIELDS",
    "APPROACH_DESCRIPTIONS",
    "APPROACH_LABELS",
    "ASSUMPTION_SPECS",
    "BLOCKER_ACTIONS",
    "BLOCKER_LABELS",
    "CONFIDENCE_LABELS",
    "DEFAULT_HORIZON_MONTHS",
    "MAX_HORIZON_MONTHS",
    "PROMPTING_APPROACHES",
    "RULES",
    "RULESET_VERSION",
    "STAGE_LABELS",
    "STAGE_PHRASES",
    "TUNING_APPROACHES",
    "UNKNOWABLE_FIELDS",
    "UNKNOWN_KEY",
    "Answers",
    "Approach",
    "ApproachCost",
    "Assumption",
    "Assumptions",
    "BaseModelStability",
    "Blocker",
    "ChangeFrequency",
    "Confidence",
    "CostOfOwnership",
    "CostSnapshotDict",
    "DataCoverage",
    "DomainSpecificity",
    "ExampleSource",
    "ExternalKnowledge",
    "Factor",
    "FieldKind",
    "FieldSpec",
    "Gap",
    "HybridPart",
    "InvalidAnswers",
    "OutputFormat",
    "PromptingStatus",
    "Recommendation",
    "RecommendationDict",
    "ReliabilityRequirement",
    "Scoring",
    "SensitivityItem",
    "Stage",
    "StyleConsistency",
    "TaskType",
    "VendorLockInConcern",
    "approach_costs",
    "choice_label",
    "cost_snapshot",
    "default_assumptions",
    "field_choices",
    "fine_tuning_blockers",
    "headline",
    "parse_answers",
    "recommend",
    "recommend_from_input",
    "recommendation_as_text",
    "score",
    "sensitivity",
    "total_cost_of_ownership",
]
