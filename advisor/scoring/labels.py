"""Human words for every code, so the wizard, the PDF and the CLI say the same thing."""

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from advisor.scoring.answers import (
    ANSWER_FIELDS,
    NO_CURRENT_MODEL,
    OTHER_MODEL,
    BaseModelStability,
    ChangeFrequency,
    DataCoverage,
    DomainSpecificity,
    ExampleSource,
    ExternalKnowledge,
    Gap,
    OutputFormat,
    PromptingBuilt,
    PromptingStatus,
    ReliabilityRequirement,
    ShortfallMetric,
    StyleConsistency,
    TaskType,
    TunedModelHosting,
    TunedModelScope,
    VendorLockInConcern,
)
from advisor.scoring.catalogue import load_catalogue
from advisor.scoring.outcomes import Approach, Blocker, Confidence, Stage

APPROACH_LABELS: Final[Mapping[Approach, str]] = {
    Approach.ZERO_SHOT: "Zero-shot prompting",
    Approach.FEW_SHOT: "Few-shot prompting",
    Approach.SYSTEM_PROMPT: "System-prompt engineering",
    Approach.RAG: "Retrieval-augmented prompting",
    Approach.ADAPTER: "Adapter fine-tuning",
    Approach.FULL_FINE_TUNE: "Full fine-tuning",
}

APPROACH_DESCRIPTIONS: Final[Mapping[Approach, str]] = {
    Approach.ZERO_SHOT: "Task instructions only.",
    Approach.FEW_SHOT: "Instructions plus a few worked examples in the prompt.",
    Approach.SYSTEM_PROMPT: "Detailed guidelines, constraints and persona, often with examples.",
    Approach.RAG: "The prompt is given passages retrieved from the client's documents.",
    Approach.ADAPTER: "Small trained layers (such as LoRA) on a frozen base model.",
    Approach.FULL_FINE_TUNE: "All of the model's weights are trained on the task's data.",
}

STAGE_LABELS: Final[Mapping[Stage, str]] = {
    Stage.START_WITH_PROMPTING: "Start with prompting",
    Stage.SHIP_PROMPTING: "Ship the prompting solution",
    Stage.IMPROVE_PROMPT: "Improve the prompt",
    Stage.ADD_RETRIEVAL: "Add retrieval",
    Stage.TRY_STRUCTURED_OUTPUT: "Try structured output",
    Stage.MEET_PREREQUISITES: "Meet the fine-tuning prerequisites",
    Stage.PILOT_FINE_TUNING: "Pilot fine-tuning",
    Stage.ADOPT_FINE_TUNING: "Adopt the fine-tuned model",
    Stage.KEEP_PROMPTING: "Keep prompting",
    Stage.COLLECT_MORE_CASES: "Collect more test cases for the pilot",
}

# The same steps as a phrase that fits inside a sentence ("... the next step is to ...").
STAGE_PHRASES: Final[Mapping[Stage, str]] = {
    Stage.START_WITH_PROMPTING: "start with prompting",
    Stage.SHIP_PROMPTING: "ship the prompting solution",
    Stage.IMPROVE_PROMPT: "improve the prompt",
    Stage.ADD_RETRIEVAL: "add retrieval",
    Stage.TRY_STRUCTURED_OUTPUT: "try structured output",
    Stage.MEET_PREREQUISITES: "meet the fine-tuning prerequisites",
    Stage.PILOT_FINE_TUNING: "pilot fine-tuning",
    Stage.ADOPT_FINE_TUNING: "adopt the fine-tuned model",
    Stage.KEEP_PROMPTING: "keep prompting",
    Stage.COLLECT_MORE_CASES: "collect more test cases for the pilot",
}

BLOCKER_LABELS: Final[Mapping[Blocker, str]] = {
    Blocker.TOO_FEW_EXAMPLES: "Too few examples",
    Blocker.DATA_NOT_REPRESENTATIVE: "Examples do not cover the full range of inputs",
    Blocker.NO_MAINTENANCE_BUDGET: "No budget for retraining and evaluation",
    Blocker.UNSTABLE_BASE_MODEL: "Base model changes too often",
    Blocker.BUDGET_TOO_SMALL: "The budget does not cover a tuning pilot",
    Blocker.NO_TIME_FOR_PILOT: "Launch comes before a pilot could finish",
}

CONFIDENCE_LABELS: Final[Mapping[Confidence, str]] = {
    Confidence.LOW: "Low",
    Confidence.MEDIUM: "Medium",
    Confidence.HIGH: "High",
}


def model_name(label: str, provider: str) -> str:
    """ "GPT-4o (OpenAI)"; a label that names its provider already stays as it is."""
    return label if provider.lower() in label.lower() else f"{label} ({provider})"


_CURRENT_MODEL_LABELS: Final[Mapping[str, str]] = {
    NO_CURRENT_MODEL: "No model in use yet",
    **{
        key: model_name(model.label, model.provider)
        for key, model in load_catalogue().inference.items()
    },
    OTHER_MODEL: "Another model",
}

_CHOICE_LABELS: Final[Mapping[str, Mapping[str, str]]] = {
    "task_type": {
        TaskType.CLASSIFICATION: "Classification",
        TaskType.EXTRACTION: "Extraction",
        TaskType.SUMMARIZATION: "Summarization",
        TaskType.CONTENT_GENERATION: "Content generation",
        TaskType.QUESTION_ANSWERING: "Question answering",
        TaskType.CODE: "Code",
        TaskType.CONVERSATION: "Conversation",
        TaskType.OTHER: "Other",
    },
    "output_format": {
        OutputFormat.FREE_TEXT: "Free text",
        OutputFormat.LIGHT_STRUCTURE: "Light structure (headings, lists, fields)",
        OutputFormat.STRICT_SCHEMA: "Strict schema (JSON, a notation, a fixed layout)",
    },
    "domain_specificity": {
        DomainSpecificity.GENERAL: "General",
        DomainSpecificity.SPECIALIZED: "Specialised",
        DomainSpecificity.NICHE: "Niche",
    },
    "needs_external_knowledge": {
        ExternalKnowledge.NONE: "No",
        ExternalKnowledge.STABLE: "Yes, facts that rarely change",
        ExternalKnowledge.CHANGING: "Yes, facts that change often",
    },
    "style_consistency": {
        StyleConsistency.LOW: "Low",
        StyleConsistency.MEDIUM: "Medium",
        StyleConsistency.HIGH: "High: one voice, every time",
    },
    "reliability_requirement": {
        ReliabilityRequirement.BEST_EFFORT: "Best effort",
        ReliabilityRequirement.HIGH: "High",
        ReliabilityRequirement.CRITICAL: "Critical: must hold every time",
    },
    "example_sources": {
        ExampleSource.CLIENT_RECORDS: "The client's records",
        ExampleSource.MANUAL: "Written by hand",
        ExampleSource.SYNTHETIC: "Generated synthetically",
    },
    "data_coverage": {
        DataCoverage.UNKNOWN: "Don't know",
        DataCoverage.COMMON_CASES: "The common cases",
        DataCoverage.FULL_RANGE: "The full range, edge cases included",
    },
    "change_frequency": {
        ChangeFrequency.WEEKLY: "Weekly",
        ChangeFrequency.MONTHLY: "Monthly",
        ChangeFrequency.QUARTERLY: "Quarterly",
        ChangeFrequency.YEARLY: "Yearly",
        ChangeFrequency.RARELY: "Rarely",
    },
    "base_model_stability": {
        BaseModelStability.FREQUENT_UPDATES: "The provider updates it often",
        BaseModelStability.STABLE: "Stable",
        BaseModelStability.SELF_HOSTED: "Self-hosted",
    },
    "prompting_status": {
        PromptingStatus.NOT_TRIED: "Not tried yet",
        PromptingStatus.MEETS_BAR: "Tried, meets the quality bar",
        PromptingStatus.FALLS_SHORT: "Tried, falls short",
    },
    "gaps": {
        Gap.KNOWLEDGE: "Lacks knowledge of the domain",
        Gap.SKILL: "Has the knowledge but lacks the skill",
        Gap.AMBIGUOUS_INSTRUCTIONS: "Inconsistent: instructions are ambiguous",
        Gap.MODEL_VARIABILITY: "Inconsistent even with clear instructions",
        Gap.FORMAT: "Breaks the output format",
        Gap.COST: "Costs too much per request",
        Gap.LATENCY: "Too slow",
    },
    "current_model": _CURRENT_MODEL_LABELS,
    "tuned_model_hosting": {
        TunedModelHosting.PROVIDER: "A tuning provider may host it",
        TunedModelHosting.OWN_CLOUD: "It must run in the client's own cloud",
        TunedModelHosting.NO_PREFERENCE: "No preference",
    },
    "tuned_model_scope": {
        TunedModelScope.SHARED: "One tuned model shared by all similar clients",
        TunedModelScope.PER_CLIENT: "A tuned model of its own for each client",
    },
    "prompting_built": {
        PromptingBuilt.FEW_SHOT: APPROACH_LABELS[Approach.FEW_SHOT],
        PromptingBuilt.SYSTEM_PROMPT: APPROACH_LABELS[Approach.SYSTEM_PROMPT],
        PromptingBuilt.RAG: APPROACH_LABELS[Approach.RAG],
    },
    "shortfall_metric": {
        ShortfallMetric.FORMAT_COMPLIANCE: "Format compliance",
        ShortfallMetric.ACCURACY: "Accuracy",
        ShortfallMetric.CONSISTENCY: "Consistency",
        ShortfallMetric.LATENCY_P95: "Response time (95th percentile)",
        ShortfallMetric.COST_PER_REQUEST: "Cost per request",
        ShortfallMetric.OTHER: "Another metric",
    },
    "vendor_lock_in_concern": {
        VendorLockInConcern.LOW: "Low",
        VendorLockInConcern.MEDIUM: "Medium",
        VendorLockInConcern.HIGH: "High",
    },
}


def choice_label(field: str, value: str | StrEnum) -> str:
    """The label of one allowed value of a choice answer."""
    return _CHOICE_LABELS[field][str(value)]


def field_choices(field: str) -> tuple[tuple[str, str], ...]:
    """(value, label) pairs for a choice answer, in contract order, ready for a form field."""
    return tuple((value, _CHOICE_LABELS[field][value]) for value in ANSWER_FIELDS[field].choices)


# When a pilot waiting for money or time can happen, as a phrase: "a pilot follows ...".
PILOT_WAITS_FOR: Final[Mapping[Blocker, str]] = {
    Blocker.NO_TIME_FOR_PILOT: "after launch",
    Blocker.BUDGET_TOO_SMALL: "once the budget covers it",
}

# What to do about each blocker, as a phrase that fits in a sentence.
BLOCKER_ACTIONS: Final[Mapping[Blocker, str]] = {
    Blocker.TOO_FEW_EXAMPLES: "gather at least 100 good examples (500 to 1,000 preferred)",
    Blocker.DATA_NOT_REPRESENTATIVE: "make the examples cover the full range of real inputs",
    Blocker.NO_MAINTENANCE_BUDGET: "agree a budget for retraining and evaluation",
    Blocker.UNSTABLE_BASE_MODEL: "settle on a stable base model",
    Blocker.BUDGET_TOO_SMALL: "find the budget for a tuning pilot",
    Blocker.NO_TIME_FOR_PILOT: "launch with prompting and pilot tuning afterwards",
}

# Each rate card figure as a client reads it in a report's table of assumptions.
ASSUMPTION_LABELS: Final[Mapping[str, str]] = {
    "labour_rate_per_hour": "Hourly rate of the team",
    "build_hours_zero_shot": "Building zero-shot prompting",
    "build_hours_few_shot": "Building few-shot prompting",
    "build_hours_system_prompt": "Building system-prompt engineering",
    "build_hours_rag": "Building retrieval-augmented prompting",
    "build_hours_adapter": "Building adapter fine-tuning",
    "build_hours_full_fine_tune": "Building full fine-tuning",
    "evaluation_setup_prompting": "Setting up the evaluation of a prompt",
    "evaluation_setup_tuning": "Setting up the evaluation of a tuned model",
    "example_curation_cost": "Reviewing an existing example",
    "example_creation_cost_general": "Writing a missing example, everyday subject",
    "example_creation_cost_specialized": "Writing a missing example, professional field",
    "example_creation_cost_niche": "Writing a missing example, specialist field",
    "training_epochs": "Passes over the data in one training run",
    "training_runs_per_build": "Training runs to build a tuned model",
    "hours_per_prompt_change": "Editing the prompt for one change",
    "prompt_rewrite_hours": "Rewriting the prompt after a major change",
    "retraining_hours_per_cycle": "Work in one retraining cycle",
    "major_change_new_data_share": "Training examples rewritten after a major change",
    "model_migration_hours": "Moving a prompt to a provider's newer model",
    "self_hosting_hours_per_month": "Running GPUs in the client's own cloud",
    "max_retraining_cycles_per_year": "Most retraining cycles in a year",
    "base_model_updates_per_year_frequent": "Base model updates, provider that changes often",
    "base_model_updates_per_year_stable": "Base model updates, stable provider",
    "requirement_changes_per_year_weekly": "Changes when requirements change weekly",
    "requirement_changes_per_year_monthly": "Changes when requirements change monthly",
    "requirement_changes_per_year_quarterly": "Changes when requirements change quarterly",
    "requirement_changes_per_year_yearly": "Changes when requirements change yearly",
    "requirement_changes_per_year_rarely": "Changes when requirements rarely change",
    "major_change_month": "When an expected major change lands",
    "zero_shot_prompt_share": "Prompt kept by zero-shot prompting",
    "tuned_prompt_share": "Prompt a tuned model still needs",
    "retrieved_context_tokens": "Passages retrieved into each request",
    "retrieval_cost_per_1k_requests": "Searching the document index",
    "vector_store_per_month": "Hosting the document index",
    "embedding_input_per_mtok": "Turning questions into search vectors",
    "peak_to_average_load": "Busiest hour against the average",
    "pilot_weeks": "Length of a tuning pilot",
}
