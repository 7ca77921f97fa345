"""What would change the recommendation, found by re-scoring changed answers.

A fixed, ordered list of what-ifs; each that differs from the current answers is scored with
the same rules, and those that change the next step or the primary approach are kept.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from advisor.scoring.answers import (
    ANSWER_FIELDS,
    MAX_MONTHLY_REQUESTS,
    Answers,
    BaseModelStability,
    ChangeFrequency,
    DataCoverage,
    ExternalKnowledge,
    Gap,
    PromptingStatus,
    with_prompting_status,
)
from advisor.scoring.catalogue import Catalogue
from advisor.scoring.contract import SensitivityDict
from advisor.scoring.labels import APPROACH_LABELS, PILOT_WAITS_FOR, STAGE_PHRASES
from advisor.scoring.outcomes import Approach, Stage
from advisor.scoring.prices import Assumptions
from advisor.scoring.rules import Scoring, score
from advisor.scoring.tco import pricing_constraints
from advisor.scoring.thresholds import LIMITED_LAUNCH_WEEKS, PREFERRED_TUNING_EXAMPLES
from advisor.scoring.wording import money

VOLUME_FACTOR: Final = 10  # an order of magnitude: the growth a successful launch brings
MIN_WHAT_IF_REQUESTS: Final = 100_000  # below this, volume never pays for training
COMFORTABLE_LAUNCH_WEEKS: Final = 12  # a quarter: room for a pilot and an iteration
BUDGET_ROUNDING: Final = 1_000  # budgets are discussed in thousands
MONTHLY_BUDGET_ROUNDING: Final = 100  # monthly budgets in hundreds


@dataclass(frozen=True, slots=True)
class SensitivityItem:
    """One change to the answers that would change the recommendation."""

    code: str
    changes: Mapping[str, object]
    stage: Stage
    primary_approach: Approach
    text: str

    def to_dict(self) -> SensitivityDict:
        """Return JSON-ready data: the changed answers, the new outcome and a sentence."""
        return {
            "code": self.code,
            "answers": dict(self.changes),
            "stage": str(self.stage),
            "primary_approach": str(self.primary_approach),
            "text": self.text,
        }


# A what-if returns a condition ("With ...") and the changed answers, or None if it does not
# apply to these answers.
WhatIf = Callable[[Answers, Scoring], tuple[str, Answers] | None]


def _more_examples(answers: Answers, _: Scoring) -> tuple[str, Answers] | None:
    n = answers.example_count
    if n >= PREFERRED_TUNING_EXAMPLES and answers.data_coverage is DataCoverage.FULL_RANGE:
        return None
    changed = replace(
        answers,
        example_count=max(n, PREFERRED_TUNING_EXAMPLES),
        data_coverage=DataCoverage.FULL_RANGE,
    )
    if n >= PREFERRED_TUNING_EXAMPLES:
        return "If the examples covered the full range of real inputs", changed
    return (
        f"With at least {PREFERRED_TUNING_EXAMPLES} good examples covering the full range of "
        "inputs",
        changed,
    )


def _prerequisites_met(answers: Answers, scoring: Scoring) -> tuple[str, Answers] | None:
    if not scoring.blockers:
        return None
    changed = replace(
        answers,
        example_count=max(answers.example_count, PREFERRED_TUNING_EXAMPLES),
        data_coverage=DataCoverage.FULL_RANGE,
        maintenance_funded=True,
        base_model_stability=(
            BaseModelStability.STABLE
            if answers.base_model_stability is BaseModelStability.FREQUENT_UPDATES
            else answers.base_model_stability
        ),
    )
    return (
        "If every fine-tuning prerequisite were met (500 or more representative examples, "
        "funded upkeep and a stable base model)",
        changed,
    )


def _falls_short_on_skill(answers: Answers, _: Scoring) -> tuple[str, Answers] | None:
    if answers.prompting_status is PromptingStatus.FALLS_SHORT and answers.gaps == (Gap.SKILL,):
        return None
    changed = replace(answers, prompting_status=PromptingStatus.FALLS_SHORT, gaps=(Gap.SKILL,))
    return "If a well-built prompt fell short only because the model lacks the skill", changed


def _meets_bar(answers: Answers, _: Scoring) -> tuple[str, Answers] | None:
    if answers.prompting_status is PromptingStatus.MEETS_BAR:
        return None
    changed = with_prompting_status(answers, PromptingStatus.MEETS_BAR)
    return "If the prompt solution met the quality bar", changed


def _stable_requirements(answers: Answers, _: Scoring) -> tuple[str, Answers] | None:
    if answers.change_frequency is ChangeFrequency.RARELY and not answers.major_change_expected:
        return None
    changed = replace(answers, change_frequency=ChangeFrequency.RARELY, major_change_expected=False)
    return "If requirements rarely changed and no major change were coming", changed


def _volatile_requirements(answers: Answers, _: Scoring) -> tuple[str, Answers] | None:
    if answers.change_frequency in (ChangeFrequency.WEEKLY, ChangeFrequency.MONTHLY):
        return None
    changed = replace(answers, change_frequency=ChangeFrequency.MONTHLY)
    return "If requirements changed every month", changed


def _maintenance_funded(answers: Answers, _: Scoring) -> tuple[str, Answers] | None:
    if answers.maintenance_funded:
        return None
    changed = replace(answers, maintenance_funded=True)
    return "If the client funded retraining and evaluation", changed


def _stable_base_model(answers: Answers, _: Scoring) -> tuple[str, Answers] | None:
    if answers.base_model_stability is not BaseModelStability.FREQUENT_UPDATES:
        return None
    changed = replace(answers, base_model_stability=BaseModelStability.STABLE)
    return "If the base model were stable", changed


def _more_volume(answers: Answers, _: Scoring) -> tuple[str, Answers] | None:
    requests = min(
        max(answers.monthly_requests * VOLUME_FACTOR, MIN_WHAT_IF_REQUESTS), MAX_MONTHLY_REQUESTS
    )
    if requests <= answers.monthly_requests:
        return None
    return f"At {requests:,} requests a month", replace(answers, monthly_requests=requests)


def _other_knowledge_need(answers: Answers, _: Scoring) -> tuple[str, Answers] | None:
    if answers.needs_external_knowledge is ExternalKnowledge.NONE:
        changed = replace(answers, needs_external_knowledge=ExternalKnowledge.CHANGING)
        return "If the task needed facts from the client's documents that change", changed
    changed = replace(answers, needs_external_knowledge=ExternalKnowledge.NONE)
    return "If the task needed no facts from the client's documents", changed


def _structured_output_tried(answers: Answers, _: Scoring) -> tuple[str, Answers] | None:
    if Gap.FORMAT not in answers.gaps or answers.structured_output_tried:
        return None
    changed = replace(answers, structured_output_tried=True)
    return "If structured output had been tried and the format still broke", changed


def _more_time(answers: Answers, _: Scoring) -> tuple[str, Answers] | None:
    if answers.weeks_to_launch >= LIMITED_LAUNCH_WEEKS:
        return None
    changed = replace(answers, weeks_to_launch=COMFORTABLE_LAUNCH_WEEKS)
    return f"With {COMFORTABLE_LAUNCH_WEEKS} weeks to launch", changed


def _bigger_build_budget(answers: Answers, scoring: Scoring) -> tuple[str, Answers] | None:
    adapter = scoring.costs[Approach.ADAPTER]
    if adapter.one_off <= answers.build_budget:
        return None
    budget = float(math.ceil(adapter.one_off / BUDGET_ROUNDING) * BUDGET_ROUNDING)
    said = money(budget, adapter.currency.code)
    return f"With a build budget of {said}", replace(answers, build_budget=budget)


def _bigger_monthly_budget(answers: Answers, scoring: Scoring) -> tuple[str, Answers] | None:
    adapter = scoring.costs[Approach.ADAPTER]
    if adapter.monthly <= answers.monthly_budget:
        return None
    budget = float(math.ceil(adapter.monthly / MONTHLY_BUDGET_ROUNDING) * MONTHLY_BUDGET_ROUNDING)
    changed = replace(answers, monthly_budget=budget)
    return f"With a monthly budget of {money(budget, adapter.currency.code)}", changed


WHAT_IFS: Final[tuple[WhatIf, ...]] = (
    _more_examples,
    _prerequisites_met,
    _falls_short_on_skill,
    _meets_bar,
    _stable_requirements,
    _volatile_requirements,
    _maintenance_funded,
    _stable_base_model,
    _more_volume,
    _other_knowledge_need,
    _structured_output_tried,
    _more_time,
    _bigger_build_budget,
    _bigger_monthly_budget,
)
"""The what-ifs tried, in the order they are reported."""


def _json_value(value: object) -> object:
    if isinstance(value, tuple):
        return [str(item) for item in value]
    return str(value) if isinstance(value, str) else value


def _changes(before: Answers, after: Answers) -> dict[str, object]:
    return {
        name: _json_value(getattr(after, name))
        for name in ANSWER_FIELDS
        if getattr(before, name) != getattr(after, name)
    }


def _sentence(condition: str, scoring: Scoring, outcome: Scoring) -> str:
    approach = APPROACH_LABELS[outcome.primary_approach].lower()
    step = STAGE_PHRASES[outcome.stage]
    then = ""
    if outcome.stage is not Stage.PILOT_FINE_TUNING and (
        Stage.PILOT_FINE_TUNING in outcome.later_stages
    ):
        waiting = ", ".join(PILOT_WAITS_FOR[b] for b in PILOT_WAITS_FOR if b in outcome.blockers)
        then = f", with a tuning pilot {waiting}" if waiting else ", then to pilot fine-tuning"
    if outcome.primary_approach is scoring.primary_approach:
        return f"{condition}, the next step would be to {step}{then}, still with {approach}."
    if outcome.stage is scoring.stage and not then:
        return f"{condition}, {approach} would become the recommendation."
    return (
        f"{condition}, {approach} would become the recommendation and the next step would be "
        f"to {step}{then}."
    )


def sensitivity(
    answers: Answers,
    scoring: Scoring,
    *,
    assumptions: Assumptions | None = None,
    today: date | None = None,
    catalogue: Catalogue | None = None,
) -> tuple[SensitivityItem, ...]:
    """The what-ifs that would change this project's next step or primary approach."""
    items = []
    seen = {answers}
    for what_if in WHAT_IFS:
        tried = what_if(answers, scoring)
        if tried is None or tried[1] in seen:
            continue
        condition, changed = tried
        seen.add(changed)
        outcome = score(
            changed,
            assumptions=assumptions,
            constraints=pricing_constraints(changed),
            today=today,
            catalogue=catalogue,
        )
        if (outcome.stage, outcome.primary_approach) == (scoring.stage, scoring.primary_approach):
            continue
        items.append(
            SensitivityItem(
                code=what_if.__name__.lstrip("_"),
                changes=_changes(answers, changed),
                stage=outcome.stage,
                primary_approach=outcome.primary_approach,
                text=_sentence(condition, scoring, outcome),
            )
        )
    return tuple(items)
