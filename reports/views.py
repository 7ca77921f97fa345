from collections.abc import Callable
from functools import wraps
from typing import Any

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advisor.models import Assessment
from advisor.scoring.wording import time_of_day
from advisor.services import ProjectArchived
from projects.http import OrganizationRequest, audit, get_for_organization_or_404
from projects.models import AuditEvent, person_name
from reports import services
from reports.content import ReportEdits
from reports.forms import BaseNextStepFormSet, NextStepFormSet, ReportEditForm, ShareLinkForm
from reports.models import Report, ReportFile, ShareLink, Variant
from reports.pdf import render_html

type View = Callable[..., HttpResponseBase]

ARCHIVED = "This project is archived: restore it to change or finalise its reports."
# What the page says of a finalising version's documents, as they move on.
DOCUMENTS_STATES = {
    "queued": "Waiting for a worker to make the documents.",
    "rendering": "Making the PDF and Word documents.",
    "ready": "The documents are ready.",
    "failed": "The documents could not be made.",
}


def _submitted_assessment(request: OrganizationRequest, project_pk: int, pk: int) -> Assessment:
    assessments = Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
    return get_for_organization_or_404(
        request,
        assessments.select_related("project__client__organization"),
        pk=pk,
        project_id=project_pk,
    )


def _report(request: OrganizationRequest, pk: int) -> Report:
    reports = Report.objects.select_related(
        "assessment__project__client__organization", "created_by", "finalised_by"
    )
    return get_for_organization_or_404(request, reports, pk=pk)


def _variant(variant: str) -> Variant:
    if variant not in Variant.values:
        raise Http404("No such report.")
    return Variant(variant)


def _file_response(stored: ReportFile, *, as_attachment: bool) -> FileResponse:
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=as_attachment,
        filename=stored.filename,
        content_type=stored.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _preview(request: OrganizationRequest, context: dict[str, Any]) -> HttpResponse:
    return HttpResponse(render_html({**context, "preview": True}, request=request))


# The assessment's report, from the result page (URLs in config/urls.py).


@require_GET
def assessment_report(request: OrganizationRequest, project_pk: int, pk: int) -> HttpResponse:
    """The assessment's latest report version, or a page to start writing the first one."""
    assessment = _submitted_assessment(request, project_pk, pk)
    if latest := assessment.reports.order_by("-version").first():
        return redirect(latest)
    context = {"assessment": assessment, "project": assessment.project, "variants": Variant}
    return render(request, "reports/start.html", context)


@require_POST
def report_draft(request: OrganizationRequest, project_pk: int, pk: int) -> HttpResponse:
    """Open the draft to edit: the one in progress, or the next version."""
    assessment = _submitted_assessment(request, project_pk, pk)
    latest = assessment.reports.order_by("-version").first()
    try:
        draft = services.report_draft(assessment=assessment, by=request.user)
    except services.ReportFinalising as finalising:
        messages.error(request, str(finalising))
        return redirect(finalising.report)
    except ProjectArchived:
        messages.error(request, ARCHIVED)
        return redirect(latest or assessment.url("report"))
    if latest is not None and latest.is_final and draft.version > latest.version:
        messages.success(
            request,
            f"Version {draft.version} is a draft, starting from version {latest.version}; "
            f"version {latest.version} stays as it was finalised.",
        )
    return redirect(draft)


@require_GET
def report_preview(
    request: OrganizationRequest, project_pk: int, pk: int, variant: str
) -> HttpResponse:
    """The latest version as the client would read it (or the report before any edits)."""
    assessment = _submitted_assessment(request, project_pk, pk)
    chosen = _variant(variant)
    if latest := assessment.reports.order_by("-version").first():
        context = services.report_preview_context(latest, chosen, request.user)
        return _preview(request, {**context, "report": latest})
    edits = ReportEdits(recipient=assessment.project.client.contact_name)
    context = services.report_context_for(assessment, chosen, request.user, edits=edits)
    return _preview(request, {**context, "report": None})


# One version of a report (URLs in reports/urls.py).


def _version_context(report: Report) -> dict[str, Any]:
    assessment = report.assessment
    return {
        "report": report,
        "assessment": assessment,
        "project": assessment.project,
        "versions": assessment.reports.select_related("finalised_by", "created_by"),
        "variants": Variant,
    }


def _posted_revision(request: OrganizationRequest) -> int | None:
    """The revision the editor was loaded with; a garbled one matches none."""
    posted = request.POST.get("revision")
    if posted is None:
        return None
    return int(posted) if posted.isdecimal() and len(posted) < 10 else -1


def _stale_message(current: Report) -> str:
    who = person_name(current.updated_by) if current.updated_by else "A colleague"
    when = time_of_day(timezone.localtime(current.updated_at))
    return (
        f"{who} saved this draft at {when} while you were editing, so your changes were not "
        "saved. Your text is shown below: check it against theirs and save again."
    )


def _edited(
    request: OrganizationRequest, report: Report, form: ReportEditForm, steps: BaseNextStepFormSet
) -> bool:
    """Store the editor's input through the service; False, with the errors shown on the
    fields, when it is refused."""
    if not (form.is_valid() and steps.is_valid()):
        return False
    rows = steps.items()
    try:
        services.report_update(
            report=report,
            by=request.user,
            recipient=form.cleaned_data["recipient"],
            cover_note=form.cleaned_data["cover_note"],
            notes=form.notes(),
            hidden=form.hidden(),
            override_approach=form.cleaned_data["override_approach"],
            override_rationale=form.cleaned_data["override_rationale"],
            next_steps=[item for _, item in rows],
            expected_revision=_posted_revision(request),
        )
    except services.InvalidReportEdits as invalid:
        for key, message in invalid.errors.items():
            if key.startswith("next_steps."):
                _, index, name = key.split(".")
                steps.forms[rows[int(index)][0]].add_error(name, message)
            elif key in form.fields:
                form.add_error(key, message)
            else:
                form.add_error(None, message)
        return False
    return True


@require_http_methods(["GET", "POST"])
def report_detail(request: OrganizationRequest, pk: int) -> HttpResponse:
    """A final version's files and share links, or a draft's editor."""
    report = _report(request, pk)
    if not report.is_draft:
        if request.method == "POST":
            refused = (
                services.ReportFinalising(report)
                if report.is_finalising
                else services.ReportIsFinal(report)
            )
            messages.error(request, str(refused))
            return redirect(report)
        return _final_page(request, report)
    data = request.POST if request.method == "POST" else None
    form = ReportEditForm(data, report=report)
    steps = NextStepFormSet(data, initial=_step_rows(report), prefix="steps")
    action = request.POST.get("action", "save")
    try:
        if data is not None and _edited(request, report, form, steps):
            return _after_saving(request, report, action)
    except ProjectArchived:
        messages.error(request, ARCHIVED)
    except services.ReportIsFinal as final:
        # A colleague finalised it meanwhile: what was typed here belongs in the next version.
        messages.error(request, str(final))
    except services.StaleReport as stale:
        messages.error(request, _stale_message(stale.current))
        context = {**_version_context(stale.current), "form": form, "steps": steps}
        return render(request, "reports/detail.html", context, status=409)
    context = {**_version_context(report), "form": form, "steps": steps}
    return render(request, "reports/detail.html", context)


def _step_rows(report: Report) -> list[dict[str, Any]]:
    return [
        {"step": s.step, "owner": s.owner, "effort": s.effort, "due": s.due}
        for s in report.next_steps.all()
    ]


def _after_saving(request: OrganizationRequest, report: Report, action: str) -> HttpResponse:
    if action in {f"preview-{variant}" for variant in Variant.values}:
        return redirect("reports:preview", pk=report.pk, variant=action.removeprefix("preview-"))
    if action != "finalise":
        messages.success(request, f"Draft of version {report.version} saved.")
        return redirect(report)
    finalising = services.report_finalise(report=report, by=request.user)
    if finalising.is_final:  # a queue that runs at once (tests, `manage.py` scripts)
        messages.success(
            request,
            f"Version {report.version} is final: its documents are stored and never change.",
        )
    else:
        messages.success(
            request,
            f"Version {report.version} is being finalised: its documents are being made. This "
            "page shows when they are ready; you may leave it and come back.",
        )
    return redirect(report)


def _final_page(request: OrganizationRequest, report: Report) -> HttpResponse:
    context = {
        **_version_context(report),
        "files": report.files.all(),
        "links": report.share_links.select_related("created_by"),
        "next_draft": report.assessment.reports.filter(
            status=Report.Status.DRAFT, version__gt=report.version
        ).first(),
        "form": ShareLinkForm(variants=[f.variant for f in report.files.all()]),
        "documents_label": DOCUMENTS_STATES.get(report.documents_state, ""),
    }
    return render(request, "reports/detail.html", context)


@require_GET
def report_status(request: OrganizationRequest, pk: int) -> JsonResponse:
    """Where the version's documents are, for its page to follow while a worker makes them."""
    report = _report(request, pk)
    state = report.documents_state
    response = JsonResponse({"state": state, "label": DOCUMENTS_STATES.get(state, "")})
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def report_render_retry(request: OrganizationRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not report.is_finalising:
        return redirect(report)
    services.report_render_retry(report=report, by=request.user)
    messages.success(request, f"The documents of version {report.version} are queued again.")
    return redirect(report)


@require_GET
def version_preview(request: OrganizationRequest, pk: int, variant: str) -> HttpResponse:
    report = _report(request, pk)
    context = services.report_preview_context(report, _variant(variant), request.user)
    return _preview(request, {**context, "report": report})


# A PDF is not HTML: a page policy would only stop the browser's PDF viewer.
@csp_override({})
@require_GET
def report_download(
    request: OrganizationRequest, pk: int, variant: str, fmt: str = ReportFile.Format.PDF
) -> FileResponse:
    report = _report(request, pk)
    if fmt not in ReportFile.Format.values:
        raise Http404("No such format.")
    stored = report.files.filter(variant=_variant(variant), format=fmt).first()
    if stored is None:
        raise Http404("This version has no such file.")
    what = f"{stored.get_variant_display().lower()} ({stored.get_format_display()})"
    audit(request, AuditEvent.Action.DOWNLOADED, report, what)
    return _file_response(stored, as_attachment=True)


@require_GET
def report_download_moved(request: OrganizationRequest, pk: int) -> HttpResponse:
    """Where a download link from before versions went: one report had one PDF then; its
    version now holds both, each downloaded from its page."""
    return redirect(_report(request, pk))


@require_POST
def share_link_create(request: OrganizationRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(report)
    try:
        link = services.share_link_create(
            report=report,
            variant=form.cleaned_data["variant"],
            days=form.cleaned_data["days"],
            by=request.user,
        )
    except services.ReportNotShareable as refused:
        messages.error(request, str(refused))
        return redirect(report)
    messages.success(
        request,
        f"Share link to the {Variant(link.variant).label.lower()} created; it works until "
        f"{link.expires_at:%-d %B %Y, %H:%M} UTC.",
    )
    return redirect(report)


@require_POST
def share_link_revoke(request: OrganizationRequest, pk: int) -> HttpResponse:
    link = get_for_organization_or_404(
        request,
        ShareLink.objects.select_related("report__assessment__project__client__organization"),
        pk=pk,
    )
    services.share_link_revoke(link=link, by=request.user)
    messages.success(request, "Share link revoked; it no longer opens the report.")
    return redirect(link.report)


def noindex(view: View) -> View:
    """Keep search engines from listing or following what a share link shows."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


# A PDF is not HTML: a page policy would only stop the browser's PDF viewer. The "link
# unavailable" and "replaced" pages are HTML, so they keep the policy every page has.
@csp_override({})
def _shared_pdf(request: HttpRequest, stored: ReportFile) -> FileResponse:
    return _file_response(stored, as_attachment=False)


@noindex
@login_not_required
@never_cache
@require_GET
def shared_report(request: HttpRequest, token: str) -> HttpResponseBase:
    visitor = services.share_visitor(
        address=get_client_ip_address(request) or "",
        user_agent=request.headers.get("User-Agent", ""),
    )
    try:
        link = services.share_link_open(token=token, visitor=visitor)
    except services.ShareLinkUnavailable:
        return render(request, "reports/link_unavailable.html", status=410)
    stored = link.pdf()
    if stored is None:
        return render(request, "reports/link_unavailable.html", status=410)
    if link.superseded:
        context = {
            "organization": link.report.assessment.project.client.organization,
            "sender": person_name(link.created_by) if link.created_by else "",
        }
        return render(request, "reports/link_superseded.html", context, status=410)
    return _shared_pdf(request, stored)
