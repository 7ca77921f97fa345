"""Writes to assessments: one named function each, in a transaction, with its audit event."""

from collections.abc import Mapping, Sequence
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from advisor.models import Assessment
from advisor.questionnaire import QUESTIONNAIRE_VERSION, Step
from advisor.scoring import (
    UNKNOWABLE_FIELDS,
    UNKNOWN_KEY,
    cost_snapshot,
    default_assumptions,
    parse_answers,
    recommend,
)
from advisor.scoring.answers import InvalidAnswers
from projects.models import AuditEvent, Project
from projects.services import audit_record

# The horizons the result page and the report compare costs over.
COST_HORIZONS_MONTHS = (12, 24, 36)


class StaleAssessment(Exception):
    """Someone saved the assessment since this form was loaded; nothing was written."""

    def __init__(self, current: Assessment) -> None:
        super().__init__("The assessment changed since this page was loaded.")
        self.current = current


class AssessmentNotDraft(Exception):
    """A submitted assessment is a frozen record and cannot be edited."""


class ProjectArchived(Exception):
    """An archived project takes no new, changed or submitted assessments, and no new reports;
    what it already has stays readable. Restoring the project lifts this."""


def _audit(assessment: Assessment, by: User, action: str, detail: str = "") -> None:
    organization = assessment.project.client.organization
    audit_record(
        organization=organization, actor=by, action=action, target=assessment, detail=detail
    )


def _open_draft(
    *, project: Project, by: User, answers: Mapping[str, object], based_on: Assessment | None
) -> Assessment:
    # Lock the project row so two colleagues starting at once get different numbers.
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.is_archived:
        raise ProjectArchived
    previous = Assessment.objects.filter(project=locked).aggregate(Max("number"))["number__max"]
    number = (previous or 0) + 1
    return Assessment.objects.create(
        project=locked,
        number=number,
        answers=dict(answers),
        based_on=based_on,
        created_by=by,
        updated_by=by,
    )


@transaction.atomic
def assessment_start(
    *,
    project: Project,
    by: User,
    answers: Mapping[str, object] | None = None,
    based_on: Assessment | None = None,
) -> Assessment:
    """Open a new draft for the project, optionally pre-filled with answers.

    Raises `ProjectArchived` if the project is archived.
    """
    assessment = _open_draft(project=project, by=by, answers=answers or {}, based_on=based_on)
    detail = f"from assessment {based_on.number}" if based_on else ""
    _audit(assessment, by, AuditEvent.Action.CREATED, detail)
    return assessment


def assessment_reassess(*, project: Project, by: User) -> Assessment:
    """A new draft pre-filled from the project's latest assessment (say, after a rebrand)."""
    latest = Assessment.objects.filter(project=project).order_by("-number").first()
    return assessment_start(
        project=project,
        by=by,
        answers=latest.answers if latest else None,
        based_on=latest,
    )


@transaction.atomic
def assessment_save_step(
    *,
    assessment: Assessment,
    expected_version: int,
    answers: Mapping[str, object],
    pending: Mapping[str, object],
    unknown: Sequence[str],
    step: Step,
    by: User,
) -> Assessment:
    """Store one step's answers, its "don't know"s and anything typed but not yet valid.

    Refuses with `StaleAssessment` when the draft was saved by someone else since the form was
    loaded, so nothing is silently overwritten, and with `ProjectArchived` when the project is.
    """
    # The project row is locked too, so archiving waits for this save rather than racing it.
    current = (
        Assessment.objects.select_for_update(of=("self", "project"))
        .select_related("project__client__organization")
        .get(pk=assessment.pk)
    )
    if not current.is_draft:
        raise AssessmentNotDraft
    if current.project.is_archived:
        raise ProjectArchived
    if current.version != expected_version:
        raise StaleAssessment(current)
    step_fields = step.fields
    still_unknown = {f for f in current.answers.get(UNKNOWN_KEY, []) if f not in step_fields}
    still_unknown |= set(unknown)
    current.answers = {
        **{k: v for k, v in current.answers.items() if k not in {*step_fields, UNKNOWN_KEY}},
        **answers,
    }
    if still_unknown:
        current.answers[UNKNOWN_KEY] = [f for f in UNKNOWABLE_FIELDS if f in still_unknown]
    current.pending_inputs = {
        **{k: v for k, v in current.pending_inputs.items() if k not in step_fields},
        **pending,
    }
    current.last_step = step.slug
    current.version += 1
    current.updated_by = by
    current.save()
    _audit(current, by, AuditEvent.Action.CHANGED, step.title)
    return current


@transaction.atomic
def assessment_submit(
    *, assessment: Assessment, by: User, plan_starts: date | None = None
) -> Assessment:
    """Validate every answer, run the engine and freeze the result with the rules that made it.

    The plan the costs cover starts on `plan_starts` (today by default): models and offers that
    end during it are priced with their migration.

    Raises `InvalidAnswers` naming every answer that is missing, wrong or still waiting to be
    corrected (typed but not valid), and `ProjectArchived` when the project is archived.
    """
    current = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("project__client__organization")
        .get(pk=assessment.pk)
    )
    if not current.is_draft:
        raise AssessmentNotDraft
    if current.project.is_archived:
        raise ProjectArchived
    if errors := current.validation_errors():
        raise InvalidAnswers(errors)
    answers, _ = parse_answers(current.engine_input())
    assumptions = default_assumptions()
    recommendation = recommend(
        answers, assumptions=assumptions, today=plan_starts or timezone.localdate()
    )
    current.answers = answers.to_dict()
    # The answers are now in the current contract, defaults of newer questions included.
    current.questionnaire_version = QUESTIONNAIRE_VERSION
    current.recommendation = recommendation.to_dict()
    current.ruleset_version = recommendation.scoring.ruleset_version
    current.costs = cost_snapshot(
        recommendation.scoring.costs, horizons=COST_HORIZONS_MONTHS, assumptions=assumptions
    )
    current.status = Assessment.Status.SUBMITTED
    current.submitted_by = by
    current.submitted_at = timezone.now()
    current.updated_by = by
    current.version += 1
    current.save()
    _audit(current, by, AuditEvent.Action.SUBMITTED)
    return current


@transaction.atomic
def assessment_import(*, project: Project, data: object, by: User) -> Assessment:
    """Start a draft from an exported answers file; raises `InvalidAnswers` or `ProjectArchived`,
    creating nothing."""
    answers, _ = parse_answers(data)
    assessment = _open_draft(project=project, by=by, answers=answers.to_dict(), based_on=None)
    _audit(assessment, by, AuditEvent.Action.IMPORTED)
    return assessment
