import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from advisor import pilots, questionnaire, services
from advisor.evidence import evidence_panel, recommended_approach
from advisor.forms import ImportForm, RateCardForm, StepForm
from advisor.models import Assessment, RateCard
from advisor.presentation import answer_rows, comparison, result_context
from advisor.scoring import InvalidAnswers
from advisor.scoring.wording import time_of_day
from projects.http import OrganizationRequest, audit, get_for_organization_or_404
from projects.models import AuditEvent, Project, person_name
from projects.views import organization_admin_required

RESTORE_TO_ASSESS = "Restore the project before assessing it."
RESTORE_TO_CHANGE = "This project is archived: restore it to change its assessments."


def _project(request: OrganizationRequest, project_pk: int) -> Project:
    projects = Project.objects.select_related("client")
    return get_for_organization_or_404(request, projects, pk=project_pk)


def _assessment(request: OrganizationRequest, project_pk: int, pk: int) -> Assessment:
    assessments = Assessment.objects.select_related("project__client", "updated_by")
    return get_for_organization_or_404(request, assessments, pk=pk, project_id=project_pk)


@require_POST
def assessment_new(request: OrganizationRequest, project_pk: int) -> HttpResponse:
    project = _project(request, project_pk)
    try:
        assessment = services.assessment_reassess(project=project, by=request.user)
    except services.ProjectArchived:
        messages.error(request, RESTORE_TO_ASSESS)
        return redirect(project)
    if assessment.based_on:
        messages.success(
            request,
            f"Assessment {assessment.number} started with the answers of assessment "
            f"{assessment.based_on.number}; change what is different now.",
        )
    return redirect(assessment.step_url(questionnaire.STEPS[0].slug))


@require_POST
def assessment_import(request: OrganizationRequest, project_pk: int) -> HttpResponse:
    project = _project(request, project_pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, f"Import failed: {error}")
        return redirect(project)
    try:
        assessment = services.assessment_import(
            project=project, data=form.cleaned_data["file"], by=request.user
        )
    except InvalidAnswers as invalid:
        problems = "; ".join(f"{field} {message}".strip() for field, message in invalid.problems())
        messages.error(request, f"Import failed, nothing was created. {problems}")
        return redirect(project)
    except services.ProjectArchived:
        messages.error(request, RESTORE_TO_ASSESS)
        return redirect(project)
    messages.success(request, f"Answers imported into assessment {assessment.number}; review them.")
    return redirect(assessment.url("review"))


def assessment_resume(request: OrganizationRequest, project_pk: int, pk: int) -> HttpResponse:
    return redirect(_assessment(request, project_pk, pk))


def _render_step(
    request: OrganizationRequest, assessment: Assessment, form: StepForm, status: int = 200
) -> HttpResponse:
    index = questionnaire.STEPS.index(form.step)
    context = {
        "assessment": assessment,
        "project": assessment.project,
        "step": form.step,
        "form": form,
        "steps": questionnaire.STEPS,
        "steps_done": assessment.steps_done(),
        "previous": questionnaire.STEPS[index - 1] if index else None,
    }
    return render(request, "advisor/step.html", context, status=status)


def _stale_message(current: Assessment) -> str:
    who = person_name(current.updated_by) if current.updated_by else "A colleague"
    when = time_of_day(timezone.localtime(current.updated_at))
    return (
        f"{who} saved this assessment at {when} while you were editing, so your changes were "
        "not saved. Your values are shown below: check them and save again."
    )


def _after_saving(request: OrganizationRequest, saved: Assessment, form: StepForm) -> HttpResponse:
    """Where each button leads once the step is stored."""
    index = questionnaire.STEPS.index(form.step)
    if form.action == "back":
        return redirect(saved.step_url(questionnaire.STEPS[max(index - 1, 0)].slug))
    if form.action == "estimate":
        messages.info(request, f"Estimated about {form.estimate:,} tokens from the sample prompt.")
        return redirect(saved.step_url(form.step.slug))
    if form.errors:
        return _render_step(request, saved, form, status=422)
    if index + 1 < len(questionnaire.STEPS):
        return redirect(saved.step_url(questionnaire.STEPS[index + 1].slug))
    return redirect(saved.url("review"))


def assessment_step(
    request: OrganizationRequest, project_pk: int, pk: int, step: str
) -> HttpResponse:
    assessment = _assessment(request, project_pk, pk)
    current = questionnaire.STEPS_BY_SLUG.get(step)
    if current is None:
        raise Http404("No such step.")
    if not assessment.is_draft:
        messages.info(request, "This assessment is submitted; re-assess to change answers.")
        return redirect(assessment)
    if request.method != "POST":
        if assessment.project.is_archived:
            messages.info(request, RESTORE_TO_CHANGE)
            return redirect(assessment.url("review"))
        return _render_step(request, assessment, StepForm.shown(current, assessment))
    form = StepForm.posted(current, request.POST, assessment)
    try:
        saved = services.assessment_save_step(
            assessment=assessment, by=request.user, **form.changes()
        )
    except services.StaleAssessment as stale:
        messages.error(request, _stale_message(stale.current))
        return _render_step(request, stale.current, form, status=409)
    except services.AssessmentNotDraft:
        messages.info(request, "This assessment was submitted meanwhile; nothing was changed.")
        return redirect(assessment)
    except services.ProjectArchived:
        messages.error(request, RESTORE_TO_CHANGE)
        return redirect(assessment.url("review"))
    return _after_saving(request, saved, form)


def assessment_review(request: OrganizationRequest, project_pk: int, pk: int) -> HttpResponse:
    assessment = _assessment(request, project_pk, pk)
    if not assessment.is_draft:
        return redirect(assessment)
    errors = assessment.validation_errors()
    context = {
        "assessment": assessment,
        "project": assessment.project,
        "steps": questionnaire.STEPS,
        "steps_done": assessment.steps_done(),
        "sections": answer_rows(assessment, errors=errors, currency=assessment.currency),
        "errors": errors,
    }
    return render(request, "advisor/review.html", context)


@require_POST
def assessment_submit(request: OrganizationRequest, project_pk: int, pk: int) -> HttpResponse:
    assessment = _assessment(request, project_pk, pk)
    if not assessment.is_draft:
        return redirect(assessment)
    try:
        submitted = services.assessment_submit(assessment=assessment, by=request.user)
    except InvalidAnswers as invalid:
        count = len(invalid.errors)
        messages.error(request, f"Some answers are missing or invalid ({count}); see below.")
        return redirect(assessment.url("review"))
    except services.AssessmentNotDraft:
        messages.error(request, "The answers changed meanwhile; check them and submit again.")
        return redirect(assessment.url("review"))
    except services.ProjectArchived:
        messages.error(request, RESTORE_TO_CHANGE)
        return redirect(assessment.url("review"))
    return redirect(submitted.url("result"))


def assessment_result(request: OrganizationRequest, project_pk: int, pk: int) -> HttpResponse:
    assessment = _assessment(request, project_pk, pk)
    if assessment.is_draft:
        messages.info(request, "Submit the assessment to see its recommendation.")
        return redirect(assessment.url("review"))
    context = {
        "assessment": assessment,
        "project": assessment.project,
        **result_context(
            assessment,
            accent=request.membership.organization.brand_color,
            primary=recommended_approach(assessment),  # after a pilot, the evidence's
        ),
        "sections": answer_rows(assessment, currency=assessment.currency),
        "pilot_offered": pilots.pilot_offered(assessment),
    }
    pilot = pilots.pilot_of(assessment)
    if pilot is not None and pilot.has_results:
        # The outcome follows the evidence; the recommendation as submitted is said beside it.
        evidence = evidence_panel(pilot)
        context |= {
            "evidence": evidence,
            "submitted_headline": context["headline"],
            "headline": evidence["headline"],
            "stage_label": evidence["stage_label"],
            "primary_label": evidence["primary_label"],
        }
    context["pilot"] = pilot
    return render(request, "advisor/result.html", context)


def assessment_export(request: OrganizationRequest, project_pk: int, pk: int) -> HttpResponse:
    assessment = _assessment(request, project_pk, pk)
    if errors := assessment.validation_errors():
        messages.error(
            request, f"Answer every question before exporting ({len(errors)} still open)."
        )
        return redirect(assessment.url("review"))
    body = (
        json.dumps(questionnaire.export_data(assessment.answers), indent=2, sort_keys=True) + "\n"
    )
    response = HttpResponse(body, content_type="application/json")
    audit(request, AuditEvent.Action.EXPORTED, assessment)
    filename = f"project-{assessment.project_id}-assessment-{assessment.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def assessment_compare(request: OrganizationRequest, project_pk: int) -> HttpResponse:
    project = _project(request, project_pk)
    assessments = list(
        Assessment.objects.filter(project=project, status=Assessment.Status.SUBMITTED)
    )
    by_pk = {str(a.pk): a for a in assessments}
    older, newer = by_pk.get(request.GET.get("a", "")), by_pk.get(request.GET.get("b", ""))
    if len(assessments) < 2:
        messages.info(request, "Submit at least two assessments of this project to compare them.")
        return redirect(project)
    if older is None or newer is None:
        older, newer = assessments[1], assessments[0]
    context = {
        "project": project,
        "assessments": assessments,
        "older": older,
        "newer": newer,
        **comparison(older, newer),
    }
    return render(request, "advisor/compare.html", context)


@organization_admin_required
def organization_rates(request: OrganizationRequest) -> HttpResponse:
    """The organization's rates and currency: the rate card new results are priced with."""
    organization = request.membership.organization
    form = RateCardForm(request.POST or None, card=RateCard.of(organization))
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update_rates(
                organization=organization, by=request.user, **form.changes()
            )
        except ValidationError as refused:
            for field, problems in refused.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(
                request,
                "Rates and currency saved. New results use them; submitted results keep the "
                "figures they were priced with.",
            )
            return redirect("organization_rates")
    return render(request, "advisor/organization_rates.html", {"form": form})
