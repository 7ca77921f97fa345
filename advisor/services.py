"""Writes to assessments: one named function each, in a transaction, with its audit event."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from advisor.models import Assessment, RateCard, figure_label
from advisor.questionnaire import QUESTIONNAIRE_VERSION, Step
from advisor.scoring import (
    ASSUMPTION_SPECS,
    UNKNOWABLE_FIELDS,
    UNKNOWN_KEY,
    cost_snapshot,
    parse_answers,
    recommend,
)
from advisor.scoring.answers import Answers, InvalidAnswers
from advisor.scoring.contract import CostSnapshotDict, RecommendationDict
from advisor.scoring.currency import CURRENCIES, MAX_PER_USD, US_DOLLARS
from advisor.scoring.prices import Assumptions
from advisor.scoring.wording import number
from projects.models import AuditEvent, Organization, Project
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


@dataclass(frozen=True)
class FrozenResult:
    """What submitting stores with an assessment for good: the answers in the current contract,
    the engine's output, the rules that made it, and the costs over the horizons compared."""

    answers: dict[str, object]
    questionnaire_version: str
    recommendation: RecommendationDict
    ruleset_version: str
    costs: CostSnapshotDict

    def stored_on(self, assessment: Assessment) -> None:
        """Set it on the assessment (which the caller saves, or renders unsaved)."""
        assessment.answers = self.answers
        assessment.questionnaire_version = self.questionnaire_version
        assessment.recommendation = self.recommendation
        assessment.ruleset_version = self.ruleset_version
        assessment.costs = self.costs


def frozen_result(answers: Answers, *, assumptions: Assumptions, plan_starts: date) -> FrozenResult:
    """Run the engine on valid answers and freeze its result as submitting does; pure, so
    a command can build the same result without a database."""
    recommendation = recommend(answers, assumptions=assumptions, today=plan_starts)
    return FrozenResult(
        # The answers are now in the current contract, defaults of newer questions included.
        answers=answers.to_dict(),
        questionnaire_version=QUESTIONNAIRE_VERSION,
        recommendation=recommendation.to_dict(),
        ruleset_version=recommendation.scoring.ruleset_version,
        costs=cost_snapshot(
            recommendation.scoring.costs, horizons=COST_HORIZONS_MONTHS, assumptions=assumptions
        ),
    )


@transaction.atomic
def assessment_submit(
    *, assessment: Assessment, by: User, plan_starts: date | None = None
) -> Assessment:
    """Validate every answer, run the engine and freeze the result with the rules that made it.

    The plan the costs cover starts on `plan_starts` (today by default): models and offers that
    end during it are priced with their migration.

    Amounts are in the organization's currency, priced with its rate card.

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
    # The agency's rate card and currency as they are now; the result keeps them for good.
    assumptions = RateCard.of(current.project.client.organization).assumptions()
    frozen_result(
        answers, assumptions=assumptions, plan_starts=plan_starts or timezone.localdate()
    ).stored_on(current)
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


RATE_PLACES = Decimal("0.000001")  # as the rate card stores it


def _rate(currency: str, per_usd: object) -> Decimal | str:
    """The rate to store (1 for US dollars), or what is wrong with it."""
    if currency == US_DOLLARS:
        return Decimal(1)
    name = CURRENCIES[currency].name
    try:
        rate = Decimal(str(per_usd)) if isinstance(per_usd, int | float | Decimal) else None
    except InvalidOperation:
        rate = None
    if rate is None or isinstance(per_usd, bool) or not rate.is_finite():
        return f"US dollar rate: enter how many {name} one US dollar buys, such as 0.79."
    if not 0 < rate <= MAX_PER_USD or rate.quantize(RATE_PLACES) == 0:
        return f"US dollar rate: enter a number from 0.000001 to {MAX_PER_USD:,}."
    return rate.quantize(RATE_PLACES)


def _figure_problem(name: str, value: object) -> str | None:
    spec = ASSUMPTION_SPECS.get(name)
    if spec is None:
        return "This is not a figure of the rate card."
    number_ = value if isinstance(value, int | float | Decimal) else None
    if (
        number_ is None
        or isinstance(value, bool)
        or not math.isfinite(number_)
        or not 0 <= number_ <= spec.maximum
    ):
        return f"{figure_label(name)}: enter a number from 0 to {number(spec.maximum)}."
    return None


@transaction.atomic
def organization_update_rates(
    *,
    organization: Organization,
    by: User,
    currency: str,
    currency_per_usd: float | Decimal | None,
    figures: Mapping[str, float | Decimal | None],
    today: date | None = None,
) -> RateCard:
    """Set the currency the agency plans in, how many units of it one US dollar buys, and its
    own figures (amounts in that currency; a figure given as None, or left out, takes the
    Advisor's default). A changed rate or figure is dated `today` (the local date by default);
    an unchanged one keeps its date. Only new results use them: submitted ones keep theirs.

    Raises `ValidationError` naming every field that is wrong; nothing is saved then.
    """
    errors: dict[str, str] = {}
    rate = _rate(currency, currency_per_usd) if currency in CURRENCIES else Decimal(1)
    if currency not in CURRENCIES:
        errors["currency"] = "Currency: choose one from the list."
    elif isinstance(rate, str):
        errors["currency_per_usd"] = rate
    given = {name: value for name, value in figures.items() if value is not None}
    for name, value in given.items():
        if problem := _figure_problem(name, value):
            errors[name] = problem
    if errors or isinstance(rate, str):
        raise ValidationError(errors)
    today = today or timezone.localdate()
    card, _ = RateCard.objects.select_for_update().get_or_create(organization=organization)
    # In another currency, an amount of money is a new figure even if its number is the same.
    restated = {name for name, spec in ASSUMPTION_SPECS.items() if spec.is_money}
    if currency == card.currency:
        restated = set()
    if (currency, rate) != (card.currency, card.currency_per_usd):
        card.currency, card.currency_per_usd = currency, rate
        card.rate_set_on = None if currency == US_DOLLARS else today
    kept = {name: v for name, v in card.set_values().items() if name not in restated}
    card.figures = {
        name: {
            "value": float(value),
            "set_on": card.set_on(name) if kept.get(name) == float(value) else today.isoformat(),
        }
        for name, value in given.items()
    }
    card.full_clean()
    card.save()
    audit_record(
        organization=organization,
        actor=by,
        action=AuditEvent.Action.CHANGED,
        target=organization,
        detail="rates and currency",
    )
    return card
