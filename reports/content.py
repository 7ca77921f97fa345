"""What the client report says, section by section, from a frozen assessment.

Every sentence is built from the assessment's stored answers and recommendation, so a report
generated today and one generated next year from the same assessment say the same thing.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Final

from django.utils import timezone

from advisor.charts import valid_accent
from advisor.models import Assessment
from advisor.presentation import (
    answer_rows,
    choice_text,
    comparison,
    display_answer,
    result_context,
)
from advisor.scoring import (
    APPROACH_DESCRIPTIONS,
    APPROACH_LABELS,
    Approach,
    Blocker,
    Stage,
)
from advisor.scoring.wording import money
from projects.logos import logo_data_uri
from projects.models import Organization


class Section(StrEnum):
    """The report's sections, in the order they are printed; a consultant can comment on each
    and hide any but the summary."""

    SUMMARY = "summary"
    USE_CASE = "use_case"
    SPECTRUM = "spectrum"
    WHY = "why"
    COSTS = "costs"
    FLEXIBILITY = "flexibility"
    FEASIBILITY = "feasibility"
    RISKS = "risks"
    NEXT_STEPS = "next_steps"
    WHAT_IF = "what_if"
    CHANGES = "changes"
    APPENDIX = "appendix"


SECTION_TITLES: Final[Mapping[Section, str]] = {
    Section.SUMMARY: "Our recommendation",
    Section.USE_CASE: "What you asked us",
    Section.SPECTRUM: "Where this project sits",
    Section.WHY: "Why we recommend it",
    Section.COSTS: "What each approach costs",
    Section.FLEXIBILITY: "What a change costs",
    Section.FEASIBILITY: "Is fine-tuning feasible?",
    Section.RISKS: "Risks and how we manage them",
    Section.NEXT_STEPS: "Next steps",
    Section.WHAT_IF: "What would change this recommendation",
    Section.CHANGES: "What changed since the previous report",
    Section.APPENDIX: "Appendix",
}

HIDEABLE_SECTIONS: Final = tuple(s for s in Section if s is not Section.SUMMARY)


@dataclass(frozen=True, slots=True)
class NextStepItem:
    """One line of the consultant's plan: what, who, how much work, by when."""

    step: str
    owner: str = ""
    effort: str = ""
    due: date | None = None


@dataclass(frozen=True, slots=True)
class Override:
    """The consultant's own recommendation where it differs from the scoring's, and why."""

    approach: Approach
    rationale: str


@dataclass(frozen=True, slots=True)
class ReportEdits:
    """What the consultant added to the generated report: the report says it in their voice.

    The default is a report nobody has edited yet.
    """

    recipient: str = ""  # the client contact the cover note is addressed to
    cover_note: str = ""
    notes: Mapping[Section, str] = field(default_factory=dict)  # commentary per section
    hidden: frozenset[Section] = frozenset()
    override: Override | None = None
    next_steps: tuple[NextStepItem, ...] = ()
    version: int = 1
    final: bool = False
    dated: date | None = None  # the day it was finalised; a draft carries today's date


# What each fine-tuning prerequisite looks like when it is met (step 3 of the framework).
PREREQUISITES: dict[Blocker, str] = {
    Blocker.TOO_FEW_EXAMPLES: "At least 100 good examples, preferably 500 to 1,000",
    Blocker.DATA_NOT_REPRESENTATIVE: "Examples cover the full range of real inputs, edge cases too",
    Blocker.NO_MAINTENANCE_BUDGET: "A budget for retraining, evaluation and deployment",
    Blocker.UNSTABLE_BASE_MODEL: "A base model and provider stable enough to build on",
}

TUNING_STAGES = {Stage.PILOT_FINE_TUNING, Stage.MEET_PREREQUISITES}


@dataclass(frozen=True)
class Risk:
    title: str
    risk: str
    mitigation: str


def _changes_per_year(assessment: Assessment, assumptions: dict[str, float]) -> float:
    answers = assessment.answers
    # A frequency the rules no longer know counts no regular changes rather than breaking.
    per_year = assumptions.get(f"requirement_changes_per_year_{answers.get('change_frequency')}", 0)
    return per_year + (1 if answers.get("major_change_expected") is True else 0)


def _listed(answers: dict[str, Any], field: str) -> list[object]:
    value = answers.get(field)
    return value if isinstance(value, list) else []


def _risks(assessment: Assessment, tuning_indicated: bool) -> list[Risk]:
    answers = assessment.answers
    risks = [
        Risk(
            "Requirements move on",
            "Brand voice, business rules and facts change; a system frozen in the old ones "
            "quietly gets worse.",
            "Keep what changes in the prompt or in retrieved documents, where an edit takes "
            "hours; review outputs after every change.",
        ),
        Risk(
            "Quality drifts unnoticed",
            "Without measurement nobody sees when answers degrade, whichever approach is used.",
            "Keep a fixed evaluation set of real inputs and score every prompt edit, model "
            "update or retraining against it before shipping.",
        ),
    ]
    if tuning_indicated or answers.get("vendor_lock_in_concern") != "low":
        concern = choice_text("vendor_lock_in_concern", answers.get("vendor_lock_in_concern"))
        risks.append(
            Risk(
                "Lock-in to one provider",
                "A tuned model works only on the base model it was trained on; moving provider "
                "means training again. "
                f"Your concern about lock-in is {concern.lower()}.",
                "Keep the prompting solution working as a fallback, and keep the training data "
                "and evaluation set so a move costs one training run, not a project.",
            )
        )
    if tuning_indicated:
        risks += [
            Risk(
                "Overfitting",
                "A model tuned on narrow data loses general ability and breaks on inputs unlike "
                "its training examples.",
                "Train on data that covers the full range of real inputs, and judge it only on "
                "held-out examples it never saw.",
            ),
            Risk(
                "Upkeep",
                "Each change of requirements, data or base model needs a retraining cycle: "
                "data refresh, training, evaluation and deployment.",
                "Agree the retraining budget up front and batch changes into planned cycles.",
            ),
            Risk(
                "Data quality",
                "The model copies its examples, mistakes included.",
                "Review and label the training examples carefully; add synthetic or hand-made "
                "examples only where real ones are missing, and check them too.",
            ),
        ]
    return risks


def report_context(
    *,
    assessment: Assessment,
    variant: str,
    organization: Organization,
    prepared_by: str,
    previous: Assessment | None = None,
    edits: ReportEdits | None = None,
) -> dict[str, Any]:
    """Everything the report template needs, for either variant, with the consultant's edits."""
    edits = edits or ReportEdits()
    result = result_context(assessment, accent=organization.brand_color)
    recommendation = assessment.result
    stage = Stage(recommendation["stage"])
    assumptions = {a["name"]: a["value"] for a in result["assumptions"]}
    tuning_indicated = stage in TUNING_STAGES
    blockers = set(recommendation["fine_tuning"]["blockers"])
    changes = _changes_per_year(assessment, assumptions)
    cost_rows = result["cost_rows"]
    primary_row = next(row for row in cost_rows if row["is_primary"])
    project = assessment.project
    return {
        **result,
        "variant": variant,
        "edits": edits,
        "organization": organization,
        "accent": valid_accent(organization.brand_color),
        "logo": logo_data_uri(organization),
        "project": project,
        "client": project.client,
        "assessment": assessment,
        "prepared_by": prepared_by,
        "date": timezone.localdate(),
        "approaches": [
            {
                "label": APPROACH_LABELS[approach],
                "description": APPROACH_DESCRIPTIONS[approach],
                "score": recommendation["scores"][approach.value],
                "is_primary": approach.value == recommendation["primary_approach"],
            }
            for approach in Approach
        ],
        "primary_cost": primary_row,
        "changes_per_year": changes,
        "change_pace": display_answer(assessment.answers, "change_frequency").lower(),
        "major_change_expected": assessment.answers.get("major_change_expected") is True,
        "flexibility_rows": [
            {
                "label": row["label"],
                "is_primary": row["is_primary"],
                "per_change": money(row["cost_per_change"], result["currency"]),
                "per_year": money(row["cost_per_change"] * changes, result["currency"]),
            }
            for row in cost_rows
        ],
        "prerequisites": [
            {
                "label": label,
                "met": blocker.value not in blockers,
                "note": recommendation["fine_tuning"]["notes"].get(blocker.value, ""),
            }
            for blocker, label in PREREQUISITES.items()
        ],
        "risks": _risks(assessment, tuning_indicated),
        "tuning_indicated": tuning_indicated,
        "pilot_metrics": [choice_text("gaps", gap) for gap in _listed(assessment.answers, "gaps")],
        "sections": answer_rows(assessment, currency=result["currency"]),
        "previous": previous,
        **({"changes": comparison(previous, assessment)} if previous else {}),
    }
