"""The rules: from answers to scores, a next step, fine-tuning blockers and the reasons why.

They follow the four-step framework: prompting is the default; fine-tuning only when prompting
was tried, the gap is one that tuning fixes, and the prerequisites hold. Each factor adds
weights to some approaches' scores and says why in plain words; the stage comes from the
framework's steps, and the primary approach is the best-scoring one the stage allows.

Change a weight, threshold or rule and you must bump RULESET_VERSION: stored
recommendations name the rules that produced them.
"""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final

from advisor.scoring.answers import (
    Answers,
    BaseModelStability,
    ChangeFrequency,
    DataCoverage,
    DomainSpecificity,
    ExternalKnowledge,
    Gap,
    OutputFormat,
    PromptingStatus,
    ReliabilityRequirement,
    StyleConsistency,
    TaskType,
    VendorLockInConcern,
)
from advisor.scoring.labels import APPROACH_LABELS, choice_label
from advisor.scoring.outcomes import (
    PROMPTING_APPROACHES,
    TUNING_APPROACHES,
    Approach,
    Blocker,
    Confidence,
    Stage,
)
from advisor.scoring.prices import Assumptions, default_assumptions
from advisor.scoring.tco import ApproachCost, approach_costs, break_even_month

RULESET_VERSION: Final = "2026.11.3"

# Short names keep the weight tables readable.
Z, F, S, R = Approach.ZERO_SHOT, Approach.FEW_SHOT, Approach.SYSTEM_PROMPT, Approach.RAG
A, T = Approach.ADAPTER, Approach.FULL_FINE_TUNE

# Thresholds, each with its reason.
MIN_TUNING_EXAMPLES: Final = 100  # framework step 3: below this, examples do better in a prompt
PREFERRED_TUNING_EXAMPLES: Final = 500  # framework: 500 to 1,000 make tuning dependable
FULL_FINE_TUNE_EXAMPLES: Final = 3_000  # retraining every weight needs thousands of examples
FEW_SHOT_EXAMPLES: Final = 3  # a handful of worked examples already lifts a structured task
NEAR_THRESHOLD_SHARE: Final = 0.2  # within 20% of a threshold a miscount could flip the answer
CLOSE_SCORE_MARGIN: Final = 5  # raw points: a lead this small is within the rules' precision
SHORT_LAUNCH_WEEKS: Final = 4  # a tuning iteration takes days to weeks: no room before launch
LIMITED_LAUNCH_WEEKS: Final = 8  # room for a pilot, not for several training iterations
PAYBACK_WINDOW_MONTHS: Final = 12  # tuning that has not paid back in a year rarely outlasts change
LONG_PROMPT_TOKENS: Final = 2_000  # a prompt this long is a real cost and delay on every request
TIGHT_LATENCY_MS: Final = 1_000  # under a second, a retrieval hop and a long prompt both show

# Raw totals map onto 0-100 along a logistic curve: order is kept, nothing saturates.
SCORE_MIDPOINT: Final = 50  # a raw total of 50 (a neutral fit) shows as 50
SCORE_SPREAD: Final = 25  # about one strong reason moves a middling score by 20 points

# Where each approach starts: prompting is the default, and full tuning costs the most to keep.
BASE_SCORES: Final[Mapping[Approach, int]] = {Z: 50, F: 50, S: 55, R: 40, A: 40, T: 30}

# Weights, each with its reason. A factor's weights are added to the approaches' scores.
# Outside FULL_FINE_TUNE_WARRANTED_WEIGHTS no weight favours full tuning over an adapter:
# full fine-tuning only leads when everything it needs is there.

# Framework step 1: nothing is tuned before the best prompt has been built and evaluated.
PROMPTING_NOT_TRIED_WEIGHTS: Final = {A: -30, T: -40}
# A prompt that meets the bar leaves nothing for training to win.
PROMPTING_MEETS_BAR_WEIGHTS: Final = {A: -30, T: -40}
# The simplest prompts are the likeliest to be what fell short.
PROMPTING_FALLS_SHORT_WEIGHTS: Final = {Z: -15, F: -10, S: -5, R: -5}
# Without a diagnosis the cheapest move is to work on the prompt and find the gap.
GAP_NOT_DIAGNOSED_WEIGHTS: Final = {S: 10}
# Step 2: missing knowledge is retrieval's job, not training's; evidence beats a forecast.
GAP_KNOWLEDGE_WEIGHTS: Final = {R: 40, A: -5, T: -5}
# Step 2: knowledge present but skill missing is what tuning on examples fixes.
GAP_SKILL_WEIGHTS: Final = {A: 25, T: 25}
# Step 2: inconsistency from ambiguous instructions is fixed in the prompt.
GAP_AMBIGUOUS_WEIGHTS: Final = {F: 10, S: 20}
# Step 2: inconsistency that survives clear instructions is what tuning steadies.
GAP_VARIABILITY_WEIGHTS: Final = {A: 20, T: 20}
# Step 2: format problems go to structured-output features first.
GAP_FORMAT_UNTRIED_WEIGHTS: Final = {F: 5, S: 10}
# Step 2: format problems that survive structured output call for training on good outputs.
GAP_FORMAT_AFTER_STRUCTURED_OUTPUT_WEIGHTS: Final = {A: 20, T: 20}
# Step 2: cost from a large prompt falls when a smaller tuned model drops the prompt.
GAP_COST_WEIGHTS: Final = {A: 20, T: 15}
# Step 2: latency from a long prompt falls when the prompt goes; retrieval adds a hop.
GAP_LATENCY_WEIGHTS: Final = {R: -10, A: 20, T: 20}

# Facts that change belong in an index the prompt reads, not in frozen weights.
CHANGING_KNOWLEDGE_WEIGHTS: Final = {Z: -10, F: -5, R: 50, A: -10, T: -15}
# Stable facts still come more cheaply, and citably, from retrieval than from training.
STABLE_KNOWLEDGE_WEIGHTS: Final = {Z: -5, F: -5, R: 40}
# With nothing to look up, retrieval is cost and latency for no gain.
NO_EXTERNAL_KNOWLEDGE_WEIGHTS: Final = {R: -20}

# Tasks current models already do well need steering, not teaching.
BASE_MODEL_KNOWS_TASK_WEIGHTS: Final = {Z: 10}
# Classification and extraction gain most from a few worked examples.
STRUCTURED_TASK_WEIGHTS: Final = {F: 15}
# A few examples can always be shown in the prompt.
EXAMPLES_FOR_PROMPT_WEIGHTS: Final = {F: 5}
# Few-shot prompting has nothing to show without examples.
NO_EXAMPLES_WEIGHTS: Final = {F: -10}
# Specialised terminology must at least be spelled out in the prompt.
SPECIALIZED_DOMAIN_WEIGHTS: Final = {Z: -5, S: 5, A: 5, T: 5}
# A niche domain may need skills the base model lacks: where tuning can earn its keep.
NICHE_DOMAIN_WEIGHTS: Final = {Z: -15, F: -5, S: 5, R: 5, A: 10, T: 10}
# One voice every time: guidelines and examples first; tuning can lock a voice in later.
HIGH_STYLE_WEIGHTS: Final = {Z: -10, F: 5, S: 15, R: 5, A: 10, T: 10}
# Some consistency is what a system prompt is for.
MEDIUM_STYLE_WEIGHTS: Final = {Z: -3, S: 5}
# A strict schema wants worked examples and structured output; tuning for what they miss.
STRICT_SCHEMA_WEIGHTS: Final = {Z: -10, F: 10, S: 5, A: 8, T: 8}
# Light structure is easy to show with an example or two.
LIGHT_STRUCTURE_WEIGHTS: Final = {F: 5}
# Behaviour that must always hold needs explicit constraints, maybe later training.
CRITICAL_RELIABILITY_WEIGHTS: Final = {Z: -15, S: 10, R: 5, A: 8, T: 8}
# High reliability needs explicit constraints that bare instructions lack.
HIGH_RELIABILITY_WEIGHTS: Final = {Z: -8, S: 5}

# Framework step 3: under 100 examples, tuning is not on the table.
TOO_FEW_EXAMPLES_WEIGHTS: Final = {A: -25, T: -35}
# Enough to try an adapter; not yet the 500 to 1,000 that make it dependable.
EXAMPLES_BELOW_PREFERRED_WEIGHTS: Final = {A: -5, T: -15}
# The preferred amount for an adapter; full tuning wants more.
ENOUGH_EXAMPLES_WEIGHTS: Final = {A: 15, T: 5}
# Thousands of examples are enough even for full tuning.
THOUSANDS_OF_EXAMPLES_WEIGHTS: Final = {A: 15, T: 15}
# A model tuned without knowing what the data covers may fail on what it never saw.
COVERAGE_UNKNOWN_WEIGHTS: Final = {A: -10, T: -10}
# Tuning on the common cases only gives a model brittle on edge cases.
COVERAGE_COMMON_CASES_WEIGHTS: Final = {A: -10, T: -15}
# Representative data is a prerequisite met.
COVERAGE_FULL_RANGE_WEIGHTS: Final = {A: 5, T: 5}
# With no source of more examples, the data gap will not close.
NO_SOURCE_OF_EXAMPLES_WEIGHTS: Final = {A: -5, T: -5}

# Every requirement change is a prompt edit on one side, a retraining cycle on the other.
CHANGE_FREQUENCY_WEIGHTS: Final[Mapping[ChangeFrequency, Mapping[Approach, int]]] = {
    ChangeFrequency.WEEKLY: {Z: 5, S: 10, R: 5, A: -20, T: -30},
    ChangeFrequency.MONTHLY: {Z: 5, S: 10, R: 5, A: -15, T: -25},
    ChangeFrequency.QUARTERLY: {S: 5, A: -5, T: -10},
    ChangeFrequency.YEARLY: {A: 5, T: 5},
    ChangeFrequency.RARELY: {A: 5, T: 5},
}
# A rebrand, pivot or regulation would freeze a tuned model in the old requirements.
MAJOR_CHANGE_WEIGHTS: Final = {S: 5, A: -10, T: -20}
# A base model that changes often can force a retraining each time.
UNSTABLE_BASE_MODEL_WEIGHTS: Final = {A: -10, T: -10}
# A self-hosted base changes only when the agency decides.
SELF_HOSTED_BASE_WEIGHTS: Final = {A: 5, T: 5}
# A tuned model without retraining and evaluation decays as things change.
NO_MAINTENANCE_BUDGET_WEIGHTS: Final = {A: -15, T: -20}
# One prompt template, customised per client, serves similar clients best.
SHARED_ACROSS_CLIENTS_WEIGHTS: Final = {F: 5, S: 10, R: 5, A: -5, T: -5}

# Prompt iterations take hours, tuning iterations days to weeks.
SHORT_TIME_TO_LAUNCH_WEIGHTS: Final = {Z: 5, F: 5, S: 5, A: -15, T: -25}
# Time for one tuning pilot, not for several iterations.
LIMITED_TIME_TO_LAUNCH_WEIGHTS: Final = {A: -5, T: -10}
# A tuned model is tied to one base model and provider; a prompt moves between models.
VENDOR_LOCK_IN_WEIGHTS: Final[Mapping[VendorLockInConcern, Mapping[Approach, int]]] = {
    VendorLockInConcern.LOW: {},
    VendorLockInConcern.MEDIUM: {A: -3, T: -5},
    VendorLockInConcern.HIGH: {A: -10, T: -10},
}
# An approach the client cannot pay for up front is a hard sell, whatever its fit.
OVER_BUILD_BUDGET_WEIGHTS: Final = {Z: -20, F: -20, S: -20, R: -20, A: -20, T: -25}
# Running costs above the monthly budget end the project after launch.
OVER_MONTHLY_BUDGET_WEIGHTS: Final = {Z: -15, F: -15, S: -15, R: -15, A: -15, T: -20}
# Volume high enough that a smaller tuned model pays back its set-up within a year.
TUNING_PAYS_BACK_WEIGHTS: Final = {A: 10, T: 10}
# A long prompt is paid for, in money and time, on every request.
LONG_PROMPT_WEIGHTS: Final = {A: 5, T: 5}
# A tight latency target leaves no room for a retrieval hop or a long prompt.
TIGHT_LATENCY_WEIGHTS: Final = {R: -10, A: 5, T: 5}
# The conditions where full fine-tuning beats an adapter all hold at once.
FULL_FINE_TUNE_WARRANTED_WEIGHTS: Final = {T: 30}

_TASKS_MODELS_DO_WELL: Final = frozenset(
    {
        TaskType.CLASSIFICATION,
        TaskType.EXTRACTION,
        TaskType.SUMMARIZATION,
        TaskType.QUESTION_ANSWERING,
        TaskType.CODE,
        TaskType.CONVERSATION,
        TaskType.CONTENT_GENERATION,
    }
)
_STRUCTURED_TASKS: Final = frozenset({TaskType.CLASSIFICATION, TaskType.EXTRACTION})
_STABLE_REQUIREMENTS: Final = frozenset({ChangeFrequency.YEARLY, ChangeFrequency.RARELY})
_VOLATILE_REQUIREMENTS: Final = frozenset({ChangeFrequency.WEEKLY, ChangeFrequency.MONTHLY})


class FactorCode(StrEnum):
    """Every reason the rules can give; stable, so the UI may key icons or help on them."""

    PROMPTING_NOT_TRIED = "prompting_not_tried"
    PROMPTING_MEETS_BAR = "prompting_meets_bar"
    PROMPTING_FALLS_SHORT = "prompting_falls_short"
    GAP_NOT_DIAGNOSED = "gap_not_diagnosed"
    GAP_KNOWLEDGE = "gap_knowledge"
    GAP_SKILL = "gap_skill"
    GAP_AMBIGUOUS_INSTRUCTIONS = "gap_ambiguous_instructions"
    GAP_MODEL_VARIABILITY = "gap_model_variability"
    GAP_FORMAT = "gap_format"
    GAP_FORMAT_AFTER_STRUCTURED_OUTPUT = "gap_format_after_structured_output"
    GAP_COST = "gap_cost"
    GAP_LATENCY = "gap_latency"
    CHANGING_KNOWLEDGE = "changing_knowledge"
    STABLE_KNOWLEDGE = "stable_knowledge"
    NO_EXTERNAL_KNOWLEDGE = "no_external_knowledge"
    BASE_MODEL_KNOWS_TASK = "base_model_knows_task"
    STRUCTURED_TASK = "structured_task"
    EXAMPLES_FOR_PROMPT = "examples_for_prompt"
    NO_EXAMPLES = "no_examples"
    SPECIALIZED_DOMAIN = "specialized_domain"
    NICHE_DOMAIN = "niche_domain"
    HIGH_STYLE_CONSISTENCY = "high_style_consistency"
    MEDIUM_STYLE_CONSISTENCY = "medium_style_consistency"
    STRICT_SCHEMA = "strict_schema"
    LIGHT_STRUCTURE = "light_structure"
    CRITICAL_RELIABILITY = "critical_reliability"
    HIGH_RELIABILITY = "high_reliability"
    TOO_FEW_EXAMPLES = "too_few_examples"
    EXAMPLES_BELOW_PREFERRED = "examples_below_preferred"
    ENOUGH_EXAMPLES = "enough_examples"
    THOUSANDS_OF_EXAMPLES = "thousands_of_examples"
    COVERAGE_UNKNOWN = "coverage_unknown"
    COVERAGE_COMMON_CASES = "coverage_common_cases"
    COVERAGE_FULL_RANGE = "coverage_full_range"
    NO_SOURCE_OF_EXAMPLES = "no_source_of_examples"
    FREQUENT_CHANGES = "frequent_changes"
    QUARTERLY_CHANGES = "quarterly_changes"
    STABLE_REQUIREMENTS = "stable_requirements"
    MAJOR_CHANGE_EXPECTED = "major_change_expected"
    UNSTABLE_BASE_MODEL = "unstable_base_model"
    SELF_HOSTED_BASE = "self_hosted_base"
    NO_MAINTENANCE_BUDGET = "no_maintenance_budget"
    SHARED_ACROSS_CLIENTS = "shared_across_clients"
    SHORT_TIME_TO_LAUNCH = "short_time_to_launch"
    LIMITED_TIME_TO_LAUNCH = "limited_time_to_launch"
    VENDOR_LOCK_IN = "vendor_lock_in"
    OVER_BUILD_BUDGET = "over_build_budget"
    OVER_MONTHLY_BUDGET = "over_monthly_budget"
    TUNING_PAYS_BACK = "tuning_pays_back"
    LONG_PROMPT = "long_prompt"
    TIGHT_LATENCY = "tight_latency"
    FULL_FINE_TUNE_WARRANTED = "full_fine_tune_warranted"


@dataclass(frozen=True, slots=True)
class Factor:
    """One reason that moved the result: its weights per approach and a sentence for clients."""

    code: FactorCode
    weights: tuple[tuple[Approach, int], ...]
    text: str

    @property
    def raises(self) -> tuple[Approach, ...]:
        """The approaches this reason pushed up."""
        return tuple(approach for approach, weight in self.weights if weight > 0)

    @property
    def lowers(self) -> tuple[Approach, ...]:
        """The approaches this reason pushed down."""
        return tuple(approach for approach, weight in self.weights if weight < 0)

    def to_dict(self) -> dict[str, object]:
        """Return JSON-ready data."""
        return {
            "code": str(self.code),
            "raises": [str(approach) for approach in self.raises],
            "lowers": [str(approach) for approach in self.lowers],
            "weights": {str(approach): weight for approach, weight in self.weights},
            "text": self.text,
        }


def _factor(code: FactorCode, weights: Mapping[Approach, int], text: str) -> Factor:
    # Weights in spectrum order, zeros dropped, so equal factors serialize identically.
    ordered = tuple((approach, weights[approach]) for approach in Approach if weights.get(approach))
    return Factor(code, ordered, text)


@dataclass(frozen=True, slots=True)
class HybridPart:
    """One approach in a combined design, and the part of the job it covers."""

    approach: Approach
    covers: str

    def to_dict(self) -> dict[str, str]:
        """Return JSON-ready data (`for` as in the output contract)."""
        return {"approach": str(self.approach), "for": self.covers}


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


def _usd(amount: float) -> str:
    return f"${amount:,.0f}"


def listing(items: list[str]) -> str:
    """Join phrases as in a sentence: 'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


def fine_tuning_blockers(answers: Answers) -> dict[Blocker, str]:
    """The fine-tuning prerequisites (framework step 3) these answers miss, each explained."""
    blockers: dict[Blocker, str] = {}
    n = answers.example_count
    if n < MIN_TUNING_EXAMPLES:
        blockers[Blocker.TOO_FEW_EXAMPLES] = (
            f"You have {_count(n, 'good example')}; fine-tuning needs at least "
            f"{MIN_TUNING_EXAMPLES}, ideally 500 to 1,000."
        )
    if answers.data_coverage is DataCoverage.UNKNOWN:
        blockers[Blocker.DATA_NOT_REPRESENTATIVE] = (
            "Nobody has checked yet whether the examples cover the full range of real inputs, "
            "edge cases included."
        )
    elif answers.data_coverage is DataCoverage.COMMON_CASES:
        blockers[Blocker.DATA_NOT_REPRESENTATIVE] = (
            "The examples cover the common cases but not the full range of real inputs, so a "
            "tuned model would be brittle on the rest."
        )
    if not answers.maintenance_funded:
        blockers[Blocker.NO_MAINTENANCE_BUDGET] = (
            "The client will not fund retraining and evaluation, which a tuned model needs "
            "whenever requirements, data or the base model change."
        )
    if answers.base_model_stability is BaseModelStability.FREQUENT_UPDATES:
        blockers[Blocker.UNSTABLE_BASE_MODEL] = (
            "The base model or its provider changes often, and each change can force another "
            "round of training."
        )
    return blockers


def _status_factors(answers: Answers) -> Iterator[Factor]:
    gaps = answers.gaps
    match answers.prompting_status:
        case PromptingStatus.NOT_TRIED:
            yield _factor(
                FactorCode.PROMPTING_NOT_TRIED,
                PROMPTING_NOT_TRIED_WEIGHTS,
                "Prompting has not been tried yet. The first step is the best prompt solution, "
                "evaluated against the quality bar; fine-tuning comes up only if it falls short.",
            )
            return
        case PromptingStatus.MEETS_BAR:
            yield _factor(
                FactorCode.PROMPTING_MEETS_BAR,
                PROMPTING_MEETS_BAR_WEIGHTS,
                "The prompt solution already meets the quality bar, so training a model would "
                "add cost and upkeep without a quality gain.",
            )
            return
        case PromptingStatus.FALLS_SHORT:
            yield _factor(
                FactorCode.PROMPTING_FALLS_SHORT,
                PROMPTING_FALLS_SHORT_WEIGHTS,
                "The prompt solution was tried and falls short of the quality bar; the kind of "
                "gap decides the remedy.",
            )
    if not gaps:
        yield _factor(
            FactorCode.GAP_NOT_DIAGNOSED,
            GAP_NOT_DIAGNOSED_WEIGHTS,
            "Why prompting falls short is not known yet. Compare its outputs with the expected "
            "ones to find the gap before spending on a remedy.",
        )
    if Gap.KNOWLEDGE in gaps:
        yield _factor(
            FactorCode.GAP_KNOWLEDGE,
            GAP_KNOWLEDGE_WEIGHTS,
            "The model lacks knowledge of the client's domain. Retrieval supplies those facts "
            "with each request; training them into a model would freeze them.",
        )
    if Gap.SKILL in gaps:
        yield _factor(
            FactorCode.GAP_SKILL,
            GAP_SKILL_WEIGHTS,
            "The model has the facts but not the skill to apply them. That is the gap "
            "fine-tuning on good examples closes.",
        )
    if Gap.AMBIGUOUS_INSTRUCTIONS in gaps:
        yield _factor(
            FactorCode.GAP_AMBIGUOUS_INSTRUCTIONS,
            GAP_AMBIGUOUS_WEIGHTS,
            "Results vary because the instructions are ambiguous. Clearer instructions fix "
            "that for the cost of an edit.",
        )
    if Gap.MODEL_VARIABILITY in gaps:
        yield _factor(
            FactorCode.GAP_MODEL_VARIABILITY,
            GAP_VARIABILITY_WEIGHTS,
            "Results vary even with clear instructions. Training on consistent examples "
            "steadies behaviour more than instructions can.",
        )
    if Gap.FORMAT in gaps and not answers.structured_output_tried:
        yield _factor(
            FactorCode.GAP_FORMAT,
            GAP_FORMAT_UNTRIED_WEIGHTS,
            "Outputs break the required format. Structured-output features, where the provider "
            "enforces a schema, fix most of this without any training.",
        )
    if Gap.FORMAT in gaps and answers.structured_output_tried:
        yield _factor(
            FactorCode.GAP_FORMAT_AFTER_STRUCTURED_OUTPUT,
            GAP_FORMAT_AFTER_STRUCTURED_OUTPUT_WEIGHTS,
            "Outputs break the format even with structured output. Training on well-formatted "
            "examples is the next remedy.",
        )
    if Gap.COST in gaps:
        yield _factor(
            FactorCode.GAP_COST,
            GAP_COST_WEIGHTS,
            "Each request costs too much. A smaller tuned model drops most of the long prompt "
            "and costs less per request.",
        )
    if Gap.LATENCY in gaps:
        yield _factor(
            FactorCode.GAP_LATENCY,
            GAP_LATENCY_WEIGHTS,
            "Responses are too slow. A tuned model can drop the long prompt and examples, "
            "which cuts the time of every request.",
        )


def _task_factors(answers: Answers) -> Iterator[Factor]:
    match answers.needs_external_knowledge:
        case ExternalKnowledge.CHANGING:
            yield _factor(
                FactorCode.CHANGING_KNOWLEDGE,
                CHANGING_KNOWLEDGE_WEIGHTS,
                "Answers depend on facts from the client's documents that keep changing. "
                "Retrieval looks them up on every request; a tuned model would be out of date.",
            )
        case ExternalKnowledge.STABLE:
            yield _factor(
                FactorCode.STABLE_KNOWLEDGE,
                STABLE_KNOWLEDGE_WEIGHTS,
                "Answers depend on facts from the client's documents. Retrieval puts them in "
                "the prompt without any training, and the sources can be cited.",
            )
        # A diagnosed knowledge gap outweighs the earlier answer that no facts were needed.
        case ExternalKnowledge.NONE if Gap.KNOWLEDGE not in answers.gaps:
            yield _factor(
                FactorCode.NO_EXTERNAL_KNOWLEDGE,
                NO_EXTERNAL_KNOWLEDGE_WEIGHTS,
                "The task needs no facts from the client's documents, so retrieval would add "
                "cost and delay for nothing.",
            )
    task = choice_label("task_type", answers.task_type).lower()
    if (
        answers.task_type in _TASKS_MODELS_DO_WELL
        and answers.domain_specificity is DomainSpecificity.GENERAL
    ):
        yield _factor(
            FactorCode.BASE_MODEL_KNOWS_TASK,
            BASE_MODEL_KNOWS_TASK_WEIGHTS,
            f"Current models already handle {task} well in a general domain; only how they "
            "do it needs steering.",
        )
    n = answers.example_count
    if answers.task_type in _STRUCTURED_TASKS and n >= FEW_SHOT_EXAMPLES:
        yield _factor(
            FactorCode.STRUCTURED_TASK,
            STRUCTURED_TASK_WEIGHTS,
            f"{task.capitalize()} gains a lot from a few worked examples in the prompt, for a "
            "small extra cost per request.",
        )
    if n >= FEW_SHOT_EXAMPLES:
        yield _factor(
            FactorCode.EXAMPLES_FOR_PROMPT,
            EXAMPLES_FOR_PROMPT_WEIGHTS,
            "The best of your examples can go straight into the prompt to show the model "
            "what good output looks like.",
        )
    else:
        yield _factor(
            FactorCode.NO_EXAMPLES,
            NO_EXAMPLES_WEIGHTS,
            f"With {_count(n, 'good example')}, few-shot prompting has little to show the "
            "model yet.",
        )
    match answers.domain_specificity:
        case DomainSpecificity.SPECIALIZED:
            yield _factor(
                FactorCode.SPECIALIZED_DOMAIN,
                SPECIALIZED_DOMAIN_WEIGHTS,
                "The domain is specialised: its terms and conventions need spelling out, in "
                "the prompt first.",
            )
        case DomainSpecificity.NICHE:
            yield _factor(
                FactorCode.NICHE_DOMAIN,
                NICHE_DOMAIN_WEIGHTS,
                "The domain is niche, so the base model may lack its skills and terminology. "
                "That is where tuning can pay off, once prompting has been tried.",
            )
    match answers.style_consistency:
        case StyleConsistency.HIGH:
            yield _factor(
                FactorCode.HIGH_STYLE_CONSISTENCY,
                HIGH_STYLE_WEIGHTS,
                "Every output must keep one voice. A system prompt with guidelines and sample "
                "outputs gets most of the way; a tuned voice must be retrained when it changes.",
            )
        case StyleConsistency.MEDIUM:
            yield _factor(
                FactorCode.MEDIUM_STYLE_CONSISTENCY,
                MEDIUM_STYLE_WEIGHTS,
                "Outputs should sound alike, which guidelines in a system prompt handle.",
            )
    match answers.output_format:
        case OutputFormat.STRICT_SCHEMA:
            yield _factor(
                FactorCode.STRICT_SCHEMA,
                STRICT_SCHEMA_WEIGHTS,
                "Outputs must follow a strict schema. Worked examples and structured-output "
                "features handle most schemas; tuning is for formats they cannot enforce.",
            )
        case OutputFormat.LIGHT_STRUCTURE:
            yield _factor(
                FactorCode.LIGHT_STRUCTURE,
                LIGHT_STRUCTURE_WEIGHTS,
                "Outputs need a light structure, which an example or two in the prompt shows.",
            )
    match answers.reliability_requirement:
        case ReliabilityRequirement.CRITICAL:
            yield _factor(
                FactorCode.CRITICAL_RELIABILITY,
                CRITICAL_RELIABILITY_WEIGHTS,
                "Some behaviours must hold every time. Prompts are not perfectly consistent, "
                "so this needs explicit constraints, rigorous evaluation and maybe, later, "
                "tuning.",
            )
        case ReliabilityRequirement.HIGH:
            yield _factor(
                FactorCode.HIGH_RELIABILITY,
                HIGH_RELIABILITY_WEIGHTS,
                "Results must be reliable, which takes explicit constraints in a system prompt "
                "rather than bare instructions.",
            )


def _data_factors(answers: Answers) -> Iterator[Factor]:
    n = answers.example_count
    if n < MIN_TUNING_EXAMPLES:
        yield _factor(
            FactorCode.TOO_FEW_EXAMPLES,
            TOO_FEW_EXAMPLES_WEIGHTS,
            f"You have {_count(n, 'good example')}; fine-tuning needs at least "
            f"{MIN_TUNING_EXAMPLES}, ideally 500 to 1,000. With this few, examples work better "
            "inside the prompt.",
        )
    elif n < PREFERRED_TUNING_EXAMPLES:
        yield _factor(
            FactorCode.EXAMPLES_BELOW_PREFERRED,
            EXAMPLES_BELOW_PREFERRED_WEIGHTS,
            f"You have {n:,} good examples: enough to try an adapter, but 500 to 1,000 would make "
            "fine-tuning dependable.",
        )
    elif n < FULL_FINE_TUNE_EXAMPLES:
        yield _factor(
            FactorCode.ENOUGH_EXAMPLES,
            ENOUGH_EXAMPLES_WEIGHTS,
            f"You have {n:,} good examples, enough for dependable adapter fine-tuning; full "
            "fine-tuning would want thousands.",
        )
    else:
        yield _factor(
            FactorCode.THOUSANDS_OF_EXAMPLES,
            THOUSANDS_OF_EXAMPLES_WEIGHTS,
            f"You have {n:,} good examples, enough even for full fine-tuning.",
        )
    match answers.data_coverage:
        case DataCoverage.UNKNOWN:
            yield _factor(
                FactorCode.COVERAGE_UNKNOWN,
                COVERAGE_UNKNOWN_WEIGHTS,
                "Nobody knows yet whether the examples cover the full range of real inputs. "
                "Until someone checks, a tuned model may fail on the cases it never saw.",
            )
        case DataCoverage.COMMON_CASES:
            yield _factor(
                FactorCode.COVERAGE_COMMON_CASES,
                COVERAGE_COMMON_CASES_WEIGHTS,
                "The examples cover the common cases only; a model tuned on them would be "
                "brittle on edge cases.",
            )
        case DataCoverage.FULL_RANGE:
            yield _factor(
                FactorCode.COVERAGE_FULL_RANGE,
                COVERAGE_FULL_RANGE_WEIGHTS,
                "The examples cover the full range of real inputs, edge cases included.",
            )
    if not answers.example_sources and n < PREFERRED_TUNING_EXAMPLES:
        yield _factor(
            FactorCode.NO_SOURCE_OF_EXAMPLES,
            NO_SOURCE_OF_EXAMPLES_WEIGHTS,
            "There is no way to get more examples (client records, writing them by hand or "
            "generating them), so the data will not grow.",
        )


def _change_factors(answers: Answers) -> Iterator[Factor]:
    frequency = answers.change_frequency
    weights = CHANGE_FREQUENCY_WEIGHTS[frequency]
    if frequency in _VOLATILE_REQUIREMENTS:
        period = "week" if frequency is ChangeFrequency.WEEKLY else "month"
        yield _factor(
            FactorCode.FREQUENT_CHANGES,
            weights,
            f"Requirements change every {period}. With prompting each change is an edit "
            "made in hours; a tuned model needs a retraining cycle of days each time.",
        )
    elif frequency is ChangeFrequency.QUARTERLY:
        yield _factor(
            FactorCode.QUARTERLY_CHANGES,
            weights,
            "Requirements change every quarter: a quick prompt edit each time, or four "
            "retraining cycles a year for a tuned model.",
        )
    else:
        yield _factor(
            FactorCode.STABLE_REQUIREMENTS,
            weights,
            "Requirements rarely change, so a tuned model would not need frequent retraining.",
        )
    if answers.major_change_expected:
        yield _factor(
            FactorCode.MAJOR_CHANGE_EXPECTED,
            MAJOR_CHANGE_WEIGHTS,
            "A rebrand, pivot or new regulation is expected within a year. A tuned model would "
            "be stuck with the old requirements until retrained; a prompt is updated in an "
            "afternoon.",
        )
    match answers.base_model_stability:
        case BaseModelStability.FREQUENT_UPDATES:
            yield _factor(
                FactorCode.UNSTABLE_BASE_MODEL,
                UNSTABLE_BASE_MODEL_WEIGHTS,
                "The base model changes often, and a tuned model may need retraining after "
                "each change; a prompt usually carries over.",
            )
        case BaseModelStability.SELF_HOSTED:
            yield _factor(
                FactorCode.SELF_HOSTED_BASE,
                SELF_HOSTED_BASE_WEIGHTS,
                "The base model is self-hosted, so it changes only when you decide.",
            )
    if not answers.maintenance_funded:
        yield _factor(
            FactorCode.NO_MAINTENANCE_BUDGET,
            NO_MAINTENANCE_BUDGET_WEIGHTS,
            "There is no budget for retraining and evaluation, which a tuned model needs "
            "to stay good as things change.",
        )
    if answers.similar_clients > 1:
        yield _factor(
            FactorCode.SHARED_ACROSS_CLIENTS,
            SHARED_ACROSS_CLIENTS_WEIGHTS,
            f"{answers.similar_clients:,} clients would share this solution with variations. "
            "One prompt template, customised per client, serves them all.",
        )


def _delivery_factors(answers: Answers, costs: Mapping[Approach, ApproachCost]) -> Iterator[Factor]:
    weeks = answers.weeks_to_launch
    if weeks < SHORT_LAUNCH_WEEKS:
        yield _factor(
            FactorCode.SHORT_TIME_TO_LAUNCH,
            SHORT_TIME_TO_LAUNCH_WEIGHTS,
            f"Launch is {_count(weeks, 'week')} away. A prompt iteration takes hours; a "
            "fine-tuning iteration takes days to weeks.",
        )
    elif weeks < LIMITED_LAUNCH_WEEKS:
        yield _factor(
            FactorCode.LIMITED_TIME_TO_LAUNCH,
            LIMITED_TIME_TO_LAUNCH_WEIGHTS,
            f"Launch is {weeks} weeks away: time for one fine-tuning pilot at most, not for "
            "several iterations.",
        )
    concern = answers.vendor_lock_in_concern
    if concern is not VendorLockInConcern.LOW:
        yield _factor(
            FactorCode.VENDOR_LOCK_IN,
            VENDOR_LOCK_IN_WEIGHTS[concern],
            f"Vendor lock-in is a {concern} concern. A tuned model is tied to one base model "
            "and provider; a prompt moves between models.",
        )
    yield from _budget_factors(answers, costs)
    # Volume economics only: with upkeep left out, a faster pace of change (which makes prompt
    # edits add up) can never make tuning look like it pays back.
    running = {
        approach: replace(cost, upkeep=0.0, major_change_cost=0.0)
        for approach, cost in costs.items()
    }
    payback = break_even_month(A, running, PAYBACK_WINDOW_MONTHS)
    if payback is not None:
        pays = {A: TUNING_PAYS_BACK_WEIGHTS[A]}
        if break_even_month(T, running, PAYBACK_WINDOW_MONTHS) is not None:
            pays[T] = TUNING_PAYS_BACK_WEIGHTS[T]
        yield _factor(
            FactorCode.TUNING_PAYS_BACK,
            pays,
            f"At {answers.monthly_requests:,} requests a month, a smaller tuned model costs so "
            f"much less to run that an adapter pays back its set-up by month {payback}.",
        )
    if answers.prompt_tokens >= LONG_PROMPT_TOKENS:
        yield _factor(
            FactorCode.LONG_PROMPT,
            LONG_PROMPT_WEIGHTS,
            f"Every request carries {answers.prompt_tokens:,} tokens of instructions and "
            "examples, paid in cost and delay each time; a tuned model drops most of them.",
        )
    latency = answers.latency_target_ms
    if latency is not None and latency <= TIGHT_LATENCY_MS:
        yield _factor(
            FactorCode.TIGHT_LATENCY,
            TIGHT_LATENCY_WEIGHTS,
            f"The latency target is {latency:,} ms. A retrieval lookup and a long prompt both "
            "add to every response.",
        )


def _budget_factors(answers: Answers, costs: Mapping[Approach, ApproachCost]) -> Iterator[Factor]:
    over_build = [p for p in Approach if costs[p].one_off > answers.build_budget]
    if over_build:
        listed = listing(
            [f"{APPROACH_LABELS[p].lower()} ({_usd(costs[p].one_off)})" for p in over_build]
        )
        yield _factor(
            FactorCode.OVER_BUILD_BUDGET,
            {p: OVER_BUILD_BUDGET_WEIGHTS[p] for p in over_build},
            f"The build budget of {_usd(answers.build_budget)} does not cover the one-off "
            f"cost of {listed}.",
        )
    over_monthly = [p for p in Approach if costs[p].monthly > answers.monthly_budget]
    if over_monthly:
        listed = listing(
            [f"{APPROACH_LABELS[p].lower()} ({_usd(costs[p].monthly)})" for p in over_monthly]
        )
        yield _factor(
            FactorCode.OVER_MONTHLY_BUDGET,
            {p: OVER_MONTHLY_BUDGET_WEIGHTS[p] for p in over_monthly},
            f"The monthly budget of {_usd(answers.monthly_budget)} does not cover the running "
            f"and upkeep cost of {listed} a month.",
        )


def full_fine_tune_warranted(answers: Answers, costs: Mapping[Approach, ApproachCost]) -> bool:
    """True when everything full fine-tuning needs holds at once: thousands of representative
    examples, a niche domain, stable requirements and base model, upkeep funded and affordable.
    """
    full = costs[T]
    return (
        answers.example_count >= FULL_FINE_TUNE_EXAMPLES
        and answers.data_coverage is DataCoverage.FULL_RANGE
        and answers.domain_specificity is DomainSpecificity.NICHE
        and answers.change_frequency in _STABLE_REQUIREMENTS
        and not answers.major_change_expected
        and answers.base_model_stability is not BaseModelStability.FREQUENT_UPDATES
        and answers.maintenance_funded
        and full.one_off <= answers.build_budget
        and full.monthly <= answers.monthly_budget
    )


def _factors(answers: Answers, costs: Mapping[Approach, ApproachCost]) -> list[Factor]:
    factors = [
        *_status_factors(answers),
        *_task_factors(answers),
        *_data_factors(answers),
        *_change_factors(answers),
        *_delivery_factors(answers, costs),
    ]
    if full_fine_tune_warranted(answers, costs):
        factors.append(
            _factor(
                FactorCode.FULL_FINE_TUNE_WARRANTED,
                FULL_FINE_TUNE_WARRANTED_WEIGHTS,
                "Thousands of representative examples, a niche domain, stable requirements, a "
                "stable base model and a budget that covers it: the rare case where full "
                "fine-tuning can beat an adapter.",
            )
        )
    return factors


def _stages(answers: Answers, blockers: Mapping[Blocker, str]) -> tuple[Stage, ...]:
    """The next step first, then the remedies for the remaining gaps, cheapest first."""
    match answers.prompting_status:
        case PromptingStatus.NOT_TRIED:
            return (Stage.START_WITH_PROMPTING,)
        case PromptingStatus.MEETS_BAR:
            return (Stage.SHIP_PROMPTING,)
    gaps = set(answers.gaps)
    if not gaps:
        return (Stage.IMPROVE_PROMPT,)
    stages: list[Stage] = []
    # Cheapest fix first: an edit, then a provider feature, then a retrieval pipeline.
    if Gap.AMBIGUOUS_INSTRUCTIONS in gaps:
        stages.append(Stage.IMPROVE_PROMPT)
    if Gap.FORMAT in gaps and not answers.structured_output_tried:
        stages.append(Stage.TRY_STRUCTURED_OUTPUT)
    if Gap.KNOWLEDGE in gaps:
        stages.append(Stage.ADD_RETRIEVAL)
    tuning_gaps = {Gap.SKILL, Gap.MODEL_VARIABILITY, Gap.COST, Gap.LATENCY}
    if answers.structured_output_tried:
        tuning_gaps.add(Gap.FORMAT)
    if gaps & tuning_gaps:
        stages.append(Stage.MEET_PREREQUISITES if blockers else Stage.PILOT_FINE_TUNING)
    return tuple(stages)


def _displayed(total: int) -> int:
    """Map a raw total onto 0-100, keeping order."""
    return round(100 / (1 + math.exp(-(total - SCORE_MIDPOINT) / SCORE_SPREAD)))


def _candidates(stage: Stage) -> tuple[Approach, ...]:
    """The approaches a stage may recommend."""
    if stage is Stage.PILOT_FINE_TUNING:
        return TUNING_APPROACHES
    if stage is Stage.ADD_RETRIEVAL:
        return (R,)
    return PROMPTING_APPROACHES


def _primary(stage: Stage, totals: Mapping[Approach, int]) -> Approach:
    # max() keeps the first of equals, and candidates are in spectrum order: cheapest wins ties.
    return max(_candidates(stage), key=totals.__getitem__)


def _tuned_core(answers: Answers) -> str:
    parts = []
    if Gap.SKILL in answers.gaps or answers.domain_specificity is DomainSpecificity.NICHE:
        parts.append("the domain skill and terminology")
    if Gap.FORMAT in answers.gaps or answers.output_format is OutputFormat.STRICT_SCHEMA:
        parts.append("the output format")
    if answers.style_consistency is StyleConsistency.HIGH:
        parts.append("the consistent voice")
    if Gap.MODEL_VARIABILITY in answers.gaps:
        parts.append("consistent behaviour")
    if {Gap.COST, Gap.LATENCY} & set(answers.gaps):
        parts.append("the core task on a smaller, faster model")
    return "the stable core: " + (", ".join(parts) or "the task itself")


def _hybrid(answers: Answers, stage: Stage, primary: Approach) -> tuple[HybridPart, ...]:
    facts = HybridPart(R, "facts from the client's documents, looked up on each request")
    if stage is Stage.PILOT_FINE_TUNING:
        parts = [HybridPart(primary, _tuned_core(answers))]
        volatile = (
            answers.change_frequency not in _STABLE_REQUIREMENTS or answers.major_change_expected
        )
        if volatile or answers.similar_clients > 1:
            parts.append(HybridPart(S, "the per-client details and the requirements that change"))
        if answers.needs_external_knowledge is not ExternalKnowledge.NONE:
            parts.append(facts)
        return tuple(parts) if len(parts) > 1 else ()
    if answers.needs_external_knowledge is not ExternalKnowledge.NONE and primary is not R:
        return (HybridPart(primary, "the behaviour, voice and format of the answers"), facts)
    return ()


# Three or more assumed answers is a sketch, not an assessment: confidence drops to low.
MANY_UNKNOWN_ANSWERS: Final = 3

# How an unknown answer is named in a confidence note.
UNKNOWN_ANSWER_NAMES: Final[Mapping[str, str]] = {
    "change_frequency": "how often requirements change",
    "major_change_expected": "whether a big change is coming",
    "base_model_stability": "how stable the base model is",
    "maintenance_funded": "whether upkeep is funded",
    "vendor_lock_in_concern": "the concern about lock-in",
    "monthly_requests": "the monthly volume",
    "input_tokens": "the input size",
    "output_tokens": "the answer size",
    "prompt_tokens": "the prompt size",
}


def _near(value: int, threshold: int) -> bool:
    return abs(value - threshold) <= threshold * NEAR_THRESHOLD_SHARE


def _confidence(
    answers: Answers,
    stage: Stage,
    primary: Approach,
    totals: Mapping[Approach, int],
    costs: Mapping[Approach, ApproachCost],
) -> tuple[Confidence, tuple[str, ...]]:
    """High, lowered one level per doubt: unknown answers, near thresholds, close calls."""
    notes = []
    n = answers.example_count
    if answers.data_coverage is DataCoverage.UNKNOWN:
        notes.append("Nobody knows yet whether the examples cover the full range of inputs.")
    if answers.unknown:
        assumed = ", ".join(UNKNOWN_ANSWER_NAMES[name] for name in answers.unknown)
        notes.append(f"Some answers are not known yet and were assumed: {assumed}.")
        if len(answers.unknown) >= MANY_UNKNOWN_ANSWERS:
            notes.append("So much is assumed that the result should be revisited once known.")
    thresholds = {
        MIN_TUNING_EXAMPLES: "the minimum fine-tuning needs",
        PREFERRED_TUNING_EXAMPLES: "what makes fine-tuning dependable",
        FULL_FINE_TUNE_EXAMPLES: "what full fine-tuning needs",
    }
    for threshold, meaning in thresholds.items():
        if _near(n, threshold):
            notes.append(f"{_count(n, 'example')} is close to {threshold:,}, {meaning}.")
            break
    if stage is Stage.PILOT_FINE_TUNING and n < PREFERRED_TUNING_EXAMPLES:
        notes.append("Fine-tuning with fewer than 500 examples is possible but less dependable.")
    if answers.prompting_status is PromptingStatus.FALLS_SHORT and not answers.gaps:
        notes.append("The reason prompting falls short has not been diagnosed.")
    others = [totals[p] for p in _candidates(stage) if p is not primary]
    if others and totals[primary] - max(others) < CLOSE_SCORE_MARGIN:
        notes.append("Another approach fits almost as well.")
    cost = costs[primary]
    if cost.one_off > answers.build_budget or cost.monthly > answers.monthly_budget:
        notes.append("The recommended approach costs more than the budget allows.")
    if not notes:
        return Confidence.HIGH, ()
    return (Confidence.MEDIUM if len(notes) == 1 else Confidence.LOW), tuple(notes)


def score(answers: Answers, *, assumptions: Assumptions | None = None) -> Scoring:
    """Apply the rules to one project's answers (no sensitivity, no horizon)."""
    costs = approach_costs(answers, assumptions or default_assumptions())
    factors = _factors(answers, costs)
    totals = dict(BASE_SCORES)
    for factor in factors:
        for approach, weight in factor.weights:
            totals[approach] += weight
    blockers = fine_tuning_blockers(answers)
    stage, *later = _stages(answers, blockers)
    primary = _primary(stage, totals)
    confidence, notes = _confidence(answers, stage, primary, totals, costs)
    return Scoring(
        ruleset_version=RULESET_VERSION,
        stage=stage,
        primary_approach=primary,
        later_stages=tuple(later),
        hybrid=_hybrid(answers, stage, primary),
        scores={approach: _displayed(total) for approach, total in totals.items()},
        confidence=confidence,
        confidence_notes=notes,
        blockers=tuple(blockers),
        blocker_notes=blockers,
        factors=tuple(factors),
        costs=costs,
    )
