"""Step 3 of the framework: what a tuning pilot needs that the project does not have yet.

Four prerequisites are about the data and the client's commitment; two more, money and time,
decide whether the pilot can happen now or waits while the project goes on with prompting.
"""

from collections.abc import Mapping

from advisor.scoring.answers import TRAFFIC_ANSWERS, Answers, BaseModelStability, DataCoverage
from advisor.scoring.outcomes import Approach, Blocker
from advisor.scoring.prices import Assumptions
from advisor.scoring.tco import ApproachCost
from advisor.scoring.thresholds import MIN_TUNING_EXAMPLES
from advisor.scoring.wording import as_assumed, count, money


def _assumed(answers: Answers, field: str) -> bool:
    return field in answers.unknown


def _assumed_any(answers: Answers, fields: tuple[str, ...]) -> bool:
    return not set(fields).isdisjoint(answers.unknown)


def fine_tuning_blockers(
    answers: Answers, costs: Mapping[Approach, ApproachCost], assumptions: Assumptions
) -> dict[Blocker, str]:
    """The prerequisites of a tuning pilot these answers miss, each explained; an answer
    nobody knew yet is said to be assumed, never stated as a fact."""
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
            "Nobody knows yet whether the client will pay for retraining and evaluation; until "
            "that is agreed, it counts as missing."
            if _assumed(answers, "maintenance_funded")
            else "The client will not fund retraining and evaluation, which a tuned model needs "
            "whenever requirements, data or the base model change."
        )
    if answers.base_model_stability is BaseModelStability.FREQUENT_UPDATES:
        unstable = (
            "The base model or its provider changes often, and each change can force another "
            "round of training."
        )
        assumed = _assumed(answers, "base_model_stability")
        blockers[Blocker.UNSTABLE_BASE_MODEL] = as_assumed(unstable) if assumed else unstable
    adapter = costs[Approach.ADAPTER]
    code = adapter.currency.code
    over = []
    if adapter.one_off > answers.build_budget:
        over.append(
            f"{money(adapter.one_off, code)} to set up against a build budget of "
            f"{money(answers.build_budget, code)}"
        )
    if adapter.monthly > answers.monthly_budget:
        over.append(
            f"{money(adapter.monthly, code)} a month to run against a monthly budget of "
            f"{money(answers.monthly_budget, code)}"
        )
    if over:
        budget = f"An adapter costs {', and '.join(over)}."
        # Training and running costs rest on the traffic answers, which may be guesses so far.
        guessed = _assumed_any(answers, TRAFFIC_ANSWERS)
        blockers[Blocker.BUDGET_TOO_SMALL] = as_assumed(budget) if guessed else budget
    weeks, pilot = answers.weeks_to_launch, round(assumptions.pilot_weeks)
    if weeks < assumptions.pilot_weeks:
        blockers[Blocker.NO_TIME_FOR_PILOT] = (
            f"Launch is {count(weeks, 'week')} away and a tuning pilot takes about "
            f"{count(pilot, 'week')}."
        )
    return blockers
