from collections.abc import Callable
from functools import wraps

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_POST

from advisor.models import Assessment
from advisor.services import ProjectArchived
from projects.http import OrganizationRequest, audit, get_for_organization_or_404
from projects.models import AuditEvent
from reports import services
from reports.forms import GenerateReportForm, ShareLinkForm
from reports.models import Report, ShareLink
from reports.pdf import render_html

type View = Callable[..., HttpResponseBase]


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
        "assessment__project__client__organization", "generated_by"
    )
    return get_for_organization_or_404(request, reports, pk=pk)


def _pdf_response(report: Report, *, as_attachment: bool) -> FileResponse:
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=as_attachment,
        filename=report.filename,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def report_generate(request: OrganizationRequest, project_pk: int, pk: int) -> HttpResponse:
    assessment = _submitted_assessment(request, project_pk, pk)
    form = GenerateReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose which report to generate: executive summary or full.")
        return redirect(assessment.url("result"))
    try:
        report, created = services.report_generate(
            assessment=assessment, variant=form.cleaned_data["variant"], by=request.user
        )
    except services.ReportRenderError:
        messages.error(
            request,
            "The PDF could not be generated. Nothing was changed; please try again in a moment.",
        )
        return redirect(assessment.url("result"))
    except ProjectArchived:
        messages.error(request, "This project is archived: restore it to generate new reports.")
        return redirect(assessment.url("result"))
    if request.POST.get("then") == "download":
        return redirect("reports:download", pk=report.pk)
    if created:
        messages.success(request, f"{report.get_variant_display()} generated.")
    return redirect(report)


@require_GET
def report_preview(
    request: OrganizationRequest, project_pk: int, pk: int, variant: str
) -> HttpResponse:
    assessment = _submitted_assessment(request, project_pk, pk)
    if variant not in Report.Variant.values:
        raise Http404("No such report.")
    context = services.report_context_for(assessment, variant, request.user)
    return HttpResponse(render_html({**context, "preview": True}, request=request))


def report_detail(request: OrganizationRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    context = {
        "report": report,
        "assessment": report.assessment,
        "project": report.assessment.project,
        "links": report.share_links.select_related("created_by"),
        "form": ShareLinkForm(),
    }
    return render(request, "reports/detail.html", context)


# A PDF is not HTML: a page policy would only stop the browser's PDF viewer.
@csp_override({})
def report_download(request: OrganizationRequest, pk: int) -> FileResponse:
    report = _report(request, pk)
    audit(request, AuditEvent.Action.DOWNLOADED, report)
    return _pdf_response(report, as_attachment=True)


@require_POST
def share_link_create(request: OrganizationRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["days"]))
        return redirect(report)
    link = services.share_link_create(
        report=report, days=form.cleaned_data["days"], by=request.user
    )
    messages.success(
        request, f"Share link created; it works until {link.expires_at:%-d %B %Y, %H:%M} UTC."
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
# unavailable" page is HTML, so it keeps the policy every page has.
@csp_override({})
def _shared_pdf(request: HttpRequest, report: Report) -> FileResponse:
    return _pdf_response(report, as_attachment=False)


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
    return _shared_pdf(request, link.report)
