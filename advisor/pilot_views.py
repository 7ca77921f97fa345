"""The pilot's pages: its record, the results import, the cases to compare, the eval kit."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advisor import blind, pilots
from advisor.blind_forms import BlindComparisonForm
from advisor.evidence import evidence_panel
from advisor.models import Assessment, Pilot, PilotCase
from advisor.pilot_forms import PilotCompareForm, PilotForm, PilotImportForm
from advisor.scoring.eval_kit import KitCase, eval_kit_zip
from advisor.services import ProjectArchived
from projects.http import OrganizationRequest, audit, get_for_organization_or_404
from projects.models import AuditEvent

NOT_OFFERED = "This assessment does not recommend a fine-tuning pilot."
RESTORE_TO_PILOT = "This project is archived: restore it to change its pilot."
SHOWN_CASES = 200  # the picker lists this many; the cases that differ come first


def _assessment(request: OrganizationRequest, project_pk: int, pk: int) -> Assessment:
    assessments = Assessment.objects.select_related("project__client")
    return get_for_organization_or_404(request, assessments, pk=pk, project_id=project_pk)


def _pilot_page(
    request: OrganizationRequest,
    assessment: Assessment,
    pilot: Pilot | None,
    *,
    form: PilotForm | None = None,
    import_form: PilotImportForm | None = None,
    import_problems: list[tuple[str, str]] | None = None,
    compare_form: PilotCompareForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        initial = PilotForm.initial_from(pilot) if pilot else PilotForm.initial_for(assessment)
        form = PilotForm(initial=initial)
    context: dict[str, Any] = {
        "assessment": assessment,
        "project": assessment.project,
        "pilot": pilot,
        "form": form,
        "import_form": import_form or PilotImportForm(),
        "import_problems": import_problems or [],
    }
    if pilot is not None and pilot.has_results:
        context["evidence"] = evidence_panel(pilot)
        context["case_rows"] = _case_rows(pilot)
        context["compare_form"] = compare_form
        context |= _blind_context(request, pilot)
    return render(request, "advisor/pilot.html", context, status=status)


def _blind_context(request: OrganizationRequest, pilot: Pilot) -> dict[str, Any]:
    links = list(pilot.blind_comparisons.select_related("pilot").prefetch_related("votes"))
    for link in links:
        link.url = request.build_absolute_uri(link.get_absolute_url())  # type: ignore[attr-defined]
    return {
        "blind_links": links,
        "blind_form": BlindComparisonForm(),
        "blind_available": blind.blind_pairs_available(pilot),
    }


def _case_rows(pilot: Pilot) -> list[dict[str, object]]:
    """Cases to pick from: the picked ones, then those where the two approaches differ on a
    metric prompting fell short on, then the rest; SHOWN_CASES at most."""
    shortfalls = {m["name"] for m in pilot.verdict["metrics"] if m["fell_short"]}  # type: ignore[index]
    picked = set(pilot.comparison_case_ids)
    cases = PilotCase.objects.filter(pilot=pilot).prefetch_related("outputs")[:2_000]
    rows = []
    for case in cases:
        outputs = {o.approach: o for o in case.outputs.all()}
        base, cand = outputs.get(pilot.baseline_approach), outputs.get(pilot.candidate_approach)
        if base is None or cand is None:
            continue
        differs = any(base.values.get(n) != cand.values.get(n) for n in shortfalls)
        rows.append(
            {
                "case_id": case.case_id,
                "input": case.input[:120],
                "differs": differs,
                "picked": case.case_id in picked,
            }
        )
    rows.sort(key=lambda r: (not r["picked"], not r["differs"]))
    return rows[:SHOWN_CASES]


@require_http_methods(["GET", "POST"])
def pilot_page(request: OrganizationRequest, project_pk: int, pk: int) -> HttpResponse:
    assessment = _assessment(request, project_pk, pk)
    if not pilots.pilot_offered(assessment):
        messages.info(request, NOT_OFFERED)
        return redirect(assessment)
    pilot = pilots.pilot_of(assessment)
    if request.method != "POST":
        return _pilot_page(request, assessment, pilot)
    form = PilotForm(request.POST)
    if not form.is_valid():
        return _pilot_page(request, assessment, pilot, form=form, status=400)
    data = form.cleaned_data
    try:
        pilots.pilot_record(
            assessment=assessment,
            by=request.user,
            held_out_size=data["held_out_size"],
            held_out_drawn=data["held_out_drawn"],
            held_out_confirmed=data["held_out_confirmed"],
            fell_short=data["fell_short"],
            targets=data["targets"],
            output_schema=data["output_schema"],
        )
    except ProjectArchived:
        messages.error(request, RESTORE_TO_PILOT)
        return redirect(assessment.url("pilot"))
    except pilots.PilotRefused as refused:
        for where, message in refused.problems:
            form.add_error(None, f"{where}: {message}" if where else message)
        return _pilot_page(request, assessment, pilot, form=form, status=400)
    messages.success(request, "Pilot saved.")
    return redirect(assessment.url("pilot"))


def _recorded_pilot(request: OrganizationRequest, project_pk: int, pk: int) -> Pilot:
    assessment = _assessment(request, project_pk, pk)
    pilot = pilots.pilot_of(assessment)
    if pilot is None:
        raise Http404("No pilot recorded")
    return pilot


@require_POST
def pilot_import(request: OrganizationRequest, project_pk: int, pk: int) -> HttpResponse:
    pilot = _recorded_pilot(request, project_pk, pk)
    assessment = pilot.assessment
    form = PilotImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _pilot_page(request, assessment, pilot, import_form=form, status=400)
    filename, raw = form.cleaned_data["file"]
    try:
        imported = pilots.pilot_import_results(
            pilot=pilot,
            raw=raw,
            filename=filename,
            by=request.user,
            baseline=form.cleaned_data["baseline"],
            candidate=form.cleaned_data["candidate"],
        )
    except pilots.PilotRefused as refused:
        return _pilot_page(
            request,
            assessment,
            pilot,
            import_form=form,
            import_problems=refused.problems,
            status=400,
        )
    except ProjectArchived:
        messages.error(request, RESTORE_TO_PILOT)
        return redirect(assessment.url("pilot"))
    verdict = imported.verdict or {}
    messages.success(
        request,
        f"Results imported: {verdict.get('n_cases', 0):,} cases. They replace any imported before.",
    )
    return redirect(assessment.url("pilot"))


@require_POST
def pilot_compare(request: OrganizationRequest, project_pk: int, pk: int) -> HttpResponse:
    pilot = _recorded_pilot(request, project_pk, pk)
    assessment = pilot.assessment
    case_ids = list(PilotCase.objects.filter(pilot=pilot).values_list("case_id", flat=True))
    form = PilotCompareForm(request.POST, case_ids=case_ids)
    if not form.is_valid():
        return _pilot_page(request, assessment, pilot, compare_form=form, status=400)
    try:
        pilots.pilot_pick_comparison(
            pilot=pilot, case_ids=form.cleaned_data["cases"], by=request.user
        )
    except pilots.PilotRefused as refused:
        for _, message in refused.problems:
            form.add_error("cases", message)
        return _pilot_page(request, assessment, pilot, compare_form=form, status=400)
    messages.success(request, "Cases to compare saved; the result page shows them side by side.")
    return redirect(assessment.url("result") + "#comparison")


@require_GET
def pilot_kit(request: OrganizationRequest, project_pk: int, pk: int) -> HttpResponse:
    pilot = _recorded_pilot(request, project_pk, pk)
    assessment = pilot.assessment
    project = assessment.project
    answers = assessment.answers
    cases = [
        KitCase(case_id=case_id, input=text)
        for case_id, text in PilotCase.objects.filter(pilot=pilot).values_list("case_id", "input")
    ]
    latency = answers.get("latency_target_ms")
    body = eval_kit_zip(
        title=f"{project.client.name}, {project.name}",
        gaps=[g for g in answers.get("gaps", []) if isinstance(g, str)],
        targets=pilots.targets_of(pilot),
        current_model=str(answers.get("current_model", "")),
        cases=cases,
        held_out_size=pilot.held_out_size,
        output_schema=pilot.output_schema,
        latency_target_ms=latency if isinstance(latency, int) else None,
    )
    audit(request, AuditEvent.Action.EXPORTED, pilot, "eval kit")
    response = HttpResponse(body, content_type="application/zip")
    name = slugify(f"pilot-kit-{project.name}")[:80] or "pilot-kit"
    response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    return response
