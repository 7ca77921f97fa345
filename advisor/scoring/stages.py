"""The next step, following the framework's steps, and the approaches each step may recommend.

Prompting comes first. When it falls short, the kind of gap decides the remedy, cheapest first.
A gap only counts for tuning when tuning can close it: a cost gap when the fixed prompt is long
and tuning pays back against the best prompting option; a latency gap when the prompt is long
enough that dropping it matters. A pilot needs its prerequisites (else: meet them first) and
money and time (else: go on with prompting, the pilot later).
"""

from collections.abc import Mapping
from typing import Final

from advisor.scoring.answers import Answers, Gap, PromptingStatus
from advisor.scoring.contract import PilotOutcomeDict, RecommendationDict
from advisor.scoring.evidence import PilotVerdictDict, Verdict
from advisor.scoring.outcomes import (
    MONEY_AND_TIME,
    PROMPTING_APPROACHES,
    TUNING_APPROACHES,
    Approach,
    Blocker,
    Stage,
)
from advisor.scoring.tco import ApproachCost, break_even_month
from advisor.scoring.thresholds import LONG_PROMPT_TOKENS

# A model generation lasts about two years: tuning that has not paid back by then is redone first.
PAYBACK_WINDOW_MONTHS: Final = 24


def tuning_pays_back(costs: Mapping[Approach, ApproachCost]) -> int | None:
    """The month an adapter has cost less in total than every prompting approach, upkeep,
    migrations and all, if it does within the payback window."""
    return break_even_month(Approach.ADAPTER, costs, PAYBACK_WINDOW_MONTHS)


def tuning_gaps(answers: Answers, costs: Mapping[Approach, ApproachCost]) -> set[Gap]:
    """The diagnosed gaps that tuning can close for this project."""
    gaps = set(answers.gaps)
    closable = {Gap.SKILL, Gap.MODEL_VARIABILITY} & gaps
    if Gap.FORMAT in gaps and answers.structured_output_tried:
        closable.add(Gap.FORMAT)
    long_prompt = answers.prompt_tokens >= LONG_PROMPT_TOKENS
    if Gap.COST in gaps and long_prompt and tuning_pays_back(costs) is not None:
        closable.add(Gap.COST)
    if Gap.LATENCY in gaps and long_prompt:
        closable.add(Gap.LATENCY)
    return closable


def stages(
    answers: Answers, blockers: Mapping[Blocker, str], costs: Mapping[Approach, ApproachCost]
) -> tuple[Stage, ...]:
    """The next step first, then the remedies for the remaining gaps, cheapest first."""
    match answers.prompting_status:
        case PromptingStatus.NOT_TRIED:
            return (Stage.START_WITH_PROMPTING,)
        case PromptingStatus.MEETS_BAR:
            return (Stage.SHIP_PROMPTING,)
    gaps = set(answers.gaps)
    if not gaps:
        return (Stage.IMPROVE_PROMPT,)
    closable = tuning_gaps(answers, costs)
    found: list[Stage] = []
    # Cheapest fix first: an edit, then a provider feature, then a retrieval pipeline. Cost and
    # latency gaps that tuning cannot close are the prompt's to fix (a cheaper model, caching,
    # a shorter prompt, faster serving).
    if Gap.AMBIGUOUS_INSTRUCTIONS in gaps or (gaps & {Gap.COST, Gap.LATENCY}) - closable:
        found.append(Stage.IMPROVE_PROMPT)
    if Gap.FORMAT in gaps and not answers.structured_output_tried:
        found.append(Stage.TRY_STRUCTURED_OUTPUT)
    if Gap.KNOWLEDGE in gaps:
        found.append(Stage.ADD_RETRIEVAL)
    if closable:
        found += _tuning_steps(blockers, prompting_first=bool(found))
    return tuple(found) or (Stage.IMPROVE_PROMPT,)


def _tuning_steps(blockers: Mapping[Blocker, str], *, prompting_first: bool) -> list[Stage]:
    """Tuning's place in the plan: meet its prerequisites, or pilot it now or later."""
    if set(blockers) - MONEY_AND_TIME:
        return [Stage.MEET_PREREQUISITES]
    if set(blockers) & MONEY_AND_TIME:
        # Without the money or the time, the project goes on with prompting; pilot later.
        return (
            [Stage.PILOT_FINE_TUNING]
            if prompting_first
            else [
                Stage.IMPROVE_PROMPT,
                Stage.PILOT_FINE_TUNING,
            ]
        )
    return [Stage.PILOT_FINE_TUNING]


def candidates(stage: Stage) -> tuple[Approach, ...]:
    """The approaches a stage may recommend."""
    if stage is Stage.PILOT_FINE_TUNING:
        return TUNING_APPROACHES
    if stage is Stage.ADD_RETRIEVAL:
        return (Approach.RAG,)
    return PROMPTING_APPROACHES


def primary_approach(
    stage: Stage, totals: Mapping[Approach, int], *, adapter_fell_short: bool
) -> Approach:
    """The best-scoring approach the stage allows; a pilot starts with an adapter unless one
    already fell short (full fine-tuning costs far more to train and to keep)."""
    if stage is Stage.PILOT_FINE_TUNING and not adapter_fell_short:
        return Approach.ADAPTER
    # max() keeps the first of equals, and candidates are in spectrum order: cheapest wins ties.
    return max(candidates(stage), key=totals.__getitem__)


# --- After the pilot: the evidence decides ---

PILOT_STAGES: Final[Mapping[Verdict, Stage]] = {
    Verdict.ADOPT_FINE_TUNING: Stage.ADOPT_FINE_TUNING,
    Verdict.KEEP_PROMPTING: Stage.KEEP_PROMPTING,
    Verdict.INCONCLUSIVE_COLLECT_MORE: Stage.COLLECT_MORE_CASES,
}


def stage_after_pilot(verdict: Verdict) -> Stage:
    """The next step once a pilot has results: adopt, keep prompting, or collect more cases."""
    return PILOT_STAGES[verdict]


def outcome_after_pilot(
    recommendation: RecommendationDict, verdict: PilotVerdictDict
) -> PilotOutcomeDict:
    """What the assessment's outcome becomes once its pilot has results: the stage the verdict
    gives, the approach it leaves in use, and the verdict's first reason as the headline. The
    recommendation itself stays as frozen at submission."""
    stage = stage_after_pilot(Verdict(verdict["verdict"]))
    recommended = Approach(recommendation["primary_approach"])
    scores = recommendation["scores"]
    if stage is Stage.ADOPT_FINE_TUNING and recommended not in TUNING_APPROACHES:
        recommended = Approach.ADAPTER  # a pilot starts with an adapter
    elif stage is Stage.KEEP_PROMPTING and recommended not in PROMPTING_APPROACHES:
        # The best-scoring prompting approach; the cheapest of equals (spectrum order).
        recommended = max(PROMPTING_APPROACHES, key=lambda a: scores.get(a.value, 0))
    return {
        "stage": stage.value,
        "primary_approach": recommended.value,
        "headline": verdict["reasons"][0] if verdict["reasons"] else "",
        "verdict": verdict,
    }
