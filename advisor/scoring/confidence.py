"""How firmly the answers support the recommendation, and why not more."""

from collections.abc import Mapping
from typing import Final

from advisor.scoring.answers import Answers, DataCoverage, PromptingStatus
from advisor.scoring.outcomes import Approach, Confidence, Stage
from advisor.scoring.stages import candidates
from advisor.scoring.tco import ApproachCost
from advisor.scoring.thresholds import (
    FULL_FINE_TUNE_EXAMPLES,
    MIN_TUNING_EXAMPLES,
    PREFERRED_TUNING_EXAMPLES,
)
from advisor.scoring.wording import count

NEAR_THRESHOLD_SHARE: Final = 0.2  # within 20% of a threshold a miscount could flip the answer
CLOSE_SCORE_MARGIN: Final = 5  # raw points: a lead this small is within the rules' precision
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

_THRESHOLDS: Final[Mapping[int, str]] = {
    MIN_TUNING_EXAMPLES: "the minimum fine-tuning needs",
    PREFERRED_TUNING_EXAMPLES: "what makes fine-tuning dependable",
    FULL_FINE_TUNE_EXAMPLES: "what full fine-tuning needs",
}


def _near(value: int, threshold: int) -> bool:
    return abs(value - threshold) <= threshold * NEAR_THRESHOLD_SHARE


def confidence(
    answers: Answers,
    stage: Stage,
    primary: Approach,
    totals: Mapping[Approach, int],
    costs: Mapping[Approach, ApproachCost],
) -> tuple[Confidence, tuple[str, ...]]:
    """High, lowered one level per doubt: unknown answers, near thresholds, close calls."""
    notes = [*_evidence_doubts(answers, stage)]
    others = [totals[p] for p in candidates(stage) if p is not primary]
    if others and totals[primary] - max(others) < CLOSE_SCORE_MARGIN:
        notes.append("Another approach fits almost as well.")
    cost = costs[primary]
    if cost.one_off > answers.build_budget or cost.monthly > answers.monthly_budget:
        notes.append("The recommended approach costs more than the budget allows.")
    if not notes:
        return Confidence.HIGH, ()
    return (Confidence.MEDIUM if len(notes) == 1 else Confidence.LOW), tuple(notes)


def _evidence_doubts(answers: Answers, stage: Stage) -> list[str]:
    """What the answers leave open: unknowns, counts near a threshold, an undiagnosed gap."""
    notes = []
    n = answers.example_count
    if answers.data_coverage is DataCoverage.UNKNOWN:
        notes.append("Nobody knows yet whether the examples cover the full range of inputs.")
    if answers.unknown:
        assumed = ", ".join(UNKNOWN_ANSWER_NAMES[name] for name in answers.unknown)
        notes.append(f"Some answers are not known yet and were assumed: {assumed}.")
        if len(answers.unknown) >= MANY_UNKNOWN_ANSWERS:
            notes.append("So much is assumed that the result should be revisited once known.")
    for threshold, meaning in _THRESHOLDS.items():
        if _near(n, threshold):
            notes.append(f"{count(n, 'example')} is close to {threshold:,}, {meaning}.")
            break
    if stage is Stage.PILOT_FINE_TUNING and n < PREFERRED_TUNING_EXAMPLES:
        notes.append("Fine-tuning with fewer than 500 examples is possible but less dependable.")
    if answers.prompting_status is PromptingStatus.FALLS_SHORT and not answers.gaps:
        notes.append("The reason prompting falls short has not been diagnosed.")
    return notes
