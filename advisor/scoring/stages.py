"""The next step, following the framework's steps, and the approaches each step may recommend."""

from collections.abc import Mapping

from advisor.scoring.answers import Answers, Gap, PromptingStatus
from advisor.scoring.outcomes import (
    PROMPTING_APPROACHES,
    TUNING_APPROACHES,
    Approach,
    Blocker,
    Stage,
)


def stages(answers: Answers, blockers: Mapping[Blocker, str]) -> tuple[Stage, ...]:
    """The next step first, then the remedies for the remaining gaps, cheapest first."""
    match answers.prompting_status:
        case PromptingStatus.NOT_TRIED:
            return (Stage.START_WITH_PROMPTING,)
        case PromptingStatus.MEETS_BAR:
            return (Stage.SHIP_PROMPTING,)
    gaps = set(answers.gaps)
    if not gaps:
        return (Stage.IMPROVE_PROMPT,)
    found: list[Stage] = []
    # Cheapest fix first: an edit, then a provider feature, then a retrieval pipeline.
    if Gap.AMBIGUOUS_INSTRUCTIONS in gaps:
        found.append(Stage.IMPROVE_PROMPT)
    if Gap.FORMAT in gaps and not answers.structured_output_tried:
        found.append(Stage.TRY_STRUCTURED_OUTPUT)
    if Gap.KNOWLEDGE in gaps:
        found.append(Stage.ADD_RETRIEVAL)
    tuning_gaps = {Gap.SKILL, Gap.MODEL_VARIABILITY, Gap.COST, Gap.LATENCY}
    if answers.structured_output_tried:
        tuning_gaps.add(Gap.FORMAT)
    if gaps & tuning_gaps:
        found.append(Stage.MEET_PREREQUISITES if blockers else Stage.PILOT_FINE_TUNING)
    return tuple(found)


def candidates(stage: Stage) -> tuple[Approach, ...]:
    """The approaches a stage may recommend."""
    if stage is Stage.PILOT_FINE_TUNING:
        return TUNING_APPROACHES
    if stage is Stage.ADD_RETRIEVAL:
        return (Approach.RAG,)
    return PROMPTING_APPROACHES


def primary_approach(stage: Stage, totals: Mapping[Approach, int]) -> Approach:
    """The best-scoring approach the stage allows."""
    # max() keeps the first of equals, and candidates are in spectrum order: cheapest wins ties.
    return max(candidates(stage), key=totals.__getitem__)
