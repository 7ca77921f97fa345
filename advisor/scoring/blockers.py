"""Step 3 of the framework: the fine-tuning prerequisites a project does not meet yet."""

from advisor.scoring.answers import Answers, BaseModelStability, DataCoverage
from advisor.scoring.outcomes import Blocker
from advisor.scoring.thresholds import MIN_TUNING_EXAMPLES
from advisor.scoring.wording import count


def fine_tuning_blockers(answers: Answers) -> dict[Blocker, str]:
    """The fine-tuning prerequisites (framework step 3) these answers miss, each explained."""
    blockers: dict[Blocker, str] = {}
    n = answers.example_count
    if n < MIN_TUNING_EXAMPLES:
        blockers[Blocker.TOO_FEW_EXAMPLES] = (
            f"You have {count(n, 'good example')}; fine-tuning needs at least "
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
