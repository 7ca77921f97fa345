"""The vocabulary of a recommendation: approaches, next steps, blockers, confidence."""

from enum import StrEnum


class Approach(StrEnum):
    """The six approaches, cheapest and most flexible first (the order breaks ties)."""

    ZERO_SHOT = "zero_shot"
    FEW_SHOT = "few_shot"
    SYSTEM_PROMPT = "system_prompt"
    RAG = "rag"
    ADAPTER = "adapter"
    FULL_FINE_TUNE = "full_fine_tune"


PROMPTING_APPROACHES: tuple[Approach, ...] = (
    Approach.ZERO_SHOT,
    Approach.FEW_SHOT,
    Approach.SYSTEM_PROMPT,
    Approach.RAG,
)
TUNING_APPROACHES: tuple[Approach, ...] = (Approach.ADAPTER, Approach.FULL_FINE_TUNE)


class Stage(StrEnum):
    """The next step for the project, following the four-step framework."""

    START_WITH_PROMPTING = "start_with_prompting"
    SHIP_PROMPTING = "ship_prompting"
    IMPROVE_PROMPT = "improve_prompt"
    ADD_RETRIEVAL = "add_retrieval"
    TRY_STRUCTURED_OUTPUT = "try_structured_output"
    MEET_PREREQUISITES = "meet_prerequisites"
    PILOT_FINE_TUNING = "pilot_fine_tuning"
    # After a pilot with results the evidence decides (`stages.stage_after_pilot`); the rules
    # never give these for answers alone.
    ADOPT_FINE_TUNING = "adopt_fine_tuning"
    KEEP_PROMPTING = "keep_prompting"
    COLLECT_MORE_CASES = "collect_more_cases"


class Blocker(StrEnum):
    """A fine-tuning prerequisite (step 3 of the framework) that the project does not meet."""

    TOO_FEW_EXAMPLES = "too_few_examples"
    DATA_NOT_REPRESENTATIVE = "data_not_representative"
    NO_MAINTENANCE_BUDGET = "no_maintenance_budget"
    UNSTABLE_BASE_MODEL = "unstable_base_model"
    # Money and time: without them the pilot waits and the project goes on with prompting.
    BUDGET_TOO_SMALL = "budget_too_small"
    NO_TIME_FOR_PILOT = "no_time_for_pilot"


# Blockers that postpone a pilot rather than call for work on the data or the client's side.
MONEY_AND_TIME: frozenset[Blocker] = frozenset(
    {Blocker.BUDGET_TOO_SMALL, Blocker.NO_TIME_FOR_PILOT}
)


class Confidence(StrEnum):
    """How firmly the answers support the recommendation."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
