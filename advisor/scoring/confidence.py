"""How firmly the answers support the recommendation, and why not more.

Confidence starts high and drops a level per doubt. Doubts come from what is not known (answers
assumed, data unchecked, a gap not diagnosed), from approaches that fit about as well, and from
fit and framework pulling apart. More evidence never adds a doubt while the next step stays the
same: there are no notes for counts merely near a threshold, only for what is missing.
"""

from collections.abc import Mapping, Sequence
from typing import Final

from advisor.scoring.answers import Answers, DataCoverage, PromptingStatus
from advisor.scoring.labels import APPROACH_LABELS
from advisor.scoring.outcomes import Approach, Confidence, Stage
from advisor.scoring.scale import close
from advisor.scoring.tco import ApproachCost
from advisor.scoring.thresholds import PREFERRED_TUNING_EXAMPLES

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
    "data_may_leave_cloud": "whether data may leave the client's cloud",
    "heldout_set_size": "the size of the held-out test set",
    "current_model": "the model used today",
}


def confidence(
    answers: Answers,
    stage: Stage,
    primary: Approach,
    candidates: Sequence[Approach],
    totals: Mapping[Approach, int],
    overruled: Sequence[Approach],
    costs: Mapping[Approach, ApproachCost],
) -> tuple[Confidence, tuple[str, ...]]:
    """High, lowered one level per doubt.

    `totals` are the raw scores after the framework's order was applied; `overruled` lists
    the approaches that fitted better than the recommendation until the framework's order put
    them behind it (a doubt worth saying when a prompt is overruled, not when tuning waits
    for its turn).
    """
    notes = _evidence_doubts(answers, stage)
    rivals = [p for p in candidates if p is not primary]
    near = [p for p in rivals if close(totals[primary], totals[p])]
    if near:
        notes.append(f"{APPROACH_LABELS[near[0]]} fits almost as well.")
    for approach in overruled:
        notes.append(
            f"On fit alone, {APPROACH_LABELS[approach].lower()} scores higher; the framework's "
            "order puts the recommended step first."
        )
    cost = costs[primary]
    if cost.one_off > answers.build_budget or cost.monthly > answers.monthly_budget:
        notes.append("The recommended approach costs more than the budget allows.")
    if not notes:
        return Confidence.HIGH, ()
    return (Confidence.MEDIUM if len(notes) == 1 else Confidence.LOW), tuple(notes)


def _evidence_doubts(answers: Answers, stage: Stage) -> list[str]:
    """What the answers leave open: unknowns, unchecked data, an undiagnosed gap."""
    notes = []
    if answers.data_coverage is DataCoverage.UNKNOWN:
        notes.append("What the examples cover has not been checked.")
    if answers.unknown:
        assumed = ", ".join(UNKNOWN_ANSWER_NAMES[name] for name in answers.unknown)
        notes.append(f"Some answers are not known yet and were assumed: {assumed}.")
        if len(answers.unknown) >= MANY_UNKNOWN_ANSWERS:
            notes.append("So much is assumed that the result should be revisited once known.")
    if stage is Stage.PILOT_FINE_TUNING and answers.example_count < PREFERRED_TUNING_EXAMPLES:
        notes.append("Fine-tuning with fewer than 500 examples is possible but less dependable.")
    if answers.prompting_status is PromptingStatus.FALLS_SHORT and not answers.gaps:
        notes.append("The reason prompting falls short has not been diagnosed.")
    return notes
