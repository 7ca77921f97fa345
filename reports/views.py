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
from projects.logos import logo_data_uri
from projects.models import AuditEvent, job_title, person_name
from reports import services
from reports.content import ReportEdits
from reports.forms import (
    AcceptanceForm,
    BaseNextStepFormSet,
    NextStepFormSet,
    ReportEditForm,
    ShareLinkEmailForm,
    ShareLinkForm,
)
from reports.models import Acceptance, Report, ReportFile, ShareLink, Variant
from reports.pdf import render_html

type View = Callable[..., HttpResponseBase]

# The acceptance form's largest honest post (a token, a name of 120 characters, a tick).
ACCEPTANCE_MAX_BYTES = 4096

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


def _emailable_links(report: Report) -> list[ShareLink]:
    if report.superseded_by is not None:
        return []
    return [link for link in report.share_links.all() if link.is_active]


def _email_form_initial(request: OrganizationRequest, report: Report) -> dict[str, str]:
    project = report.assessment.project
    client = project.client
    addressee = report.recipient or client.contact_name
    greeting = f"Dear {addressee}," if addressee else "Hello,"
    organization = client.organization.name
    return {
        "name": client.contact_name,
        "to": client.contact_email,
        "subject": f"Our report on {project.name}",
        "message": (
            f"{greeting}\n\nhere is our report on {project.name}. You can read it in your "
            "browser or download it at the link below.\n\nKind regards,\n"
            f"{person_name(request.user)}\n{organization}"
        ),
    }


def _final_page(
    request: OrganizationRequest,
    report: Report,
    email_form: ShareLinkEmailForm | None = None,
    status: int = 200,
) -> HttpResponse:
    links = report.share_links.select_related("created_by", "accepted")
    emailable = _emailable_links(report)
    if email_form is None:
        email_form = ShareLinkEmailForm(
            links=emailable, initial=_email_form_initial(request, report)
        )
    context = {
        **_version_context(report),
        "files": report.files.all(),
        "links": links,
        "acceptances": report.acceptances.select_related("link"),
        "next_draft": report.assessment.reports.filter(
            status=Report.Status.DRAFT, version__gt=report.version
        ).first(),
        "form": ShareLinkForm(variants=[f.variant for f in report.files.all()]),
        "email_form": email_form if emailable else None,
        "documents_label": DOCUMENTS_STATES.get(report.documents_state, ""),
    }
    return render(request, "reports/detail.html", context, status=status)


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
def share_link_email(request: OrganizationRequest, pk: int) -> HttpResponse:
    """Email one of the version's active links to the client; a refused email keeps what was
    typed, with the reason beside the field."""
    report = _report(request, pk)
    if not report.is_final:
        raise Http404("A draft has no share links.")
    links = _emailable_links(report)
    form = ShareLinkEmailForm(request.POST, links=links)
    if not form.is_valid():
        return _final_page(request, report, form, status=400)
    link = next(link for link in links if str(link.pk) == form.cleaned_data["link"])
    try:
        services.share_link_email(
            link=link,
            by=request.user,
            to=form.cleaned_data["to"],
            name=form.cleaned_data["name"],
            subject=form.cleaned_data["subject"],
            message=form.cleaned_data["message"],
            base_url=request.build_absolute_uri("/"),
        )
    except services.InvalidShareEmail as invalid:
        for field, message in invalid.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return _final_page(request, report, form, status=400)
    except services.ReportNotShareable as refused:
        form.add_error("link", str(refused))
        return _final_page(request, report, form, status=400)
    except services.ShareEmailNotSent:
        form.add_error(
            None,
            "The email could not be sent: the mail server did not take it. Your message is "
            "kept below; please try again in a moment.",
        )
        return _final_page(request, report, form, status=503)
    messages.success(request, f"Link emailed to {form.cleaned_data['to']}.")
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


def _visitor(request: HttpRequest) -> str:
    return services.share_visitor(
        address=get_client_ip_address(request) or "",
        user_agent=request.headers.get("User-Agent", ""),
    )


def _branding(link: ShareLink | None) -> dict[str, Any]:
    """What a public page needs to look like the agency's own: its name, logo, colour and
    contact, and the colleague who sent the link. Nothing for a forged token."""
    if link is None:
        return {}
    organization = link.report.assessment.project.client.organization
    preparer = link.created_by
    return {
        "organization": organization,
        "logo": logo_data_uri(organization),
        "preparer": preparer,
        "preparer_name": person_name(preparer) if preparer else "",
        "preparer_title": job_title(preparer) if preparer else "",
        "sender": person_name(preparer) if preparer else "",
    }


def _unavailable(request: HttpRequest, link: ShareLink | None) -> HttpResponse:
    return render(request, "reports/link_unavailable.html", _branding(link), status=410)


def _superseded(request: HttpRequest, link: ShareLink) -> HttpResponse:
    return render(request, "reports/link_superseded.html", _branding(link), status=410)


def _share_page(
    request: HttpRequest,
    link: ShareLink,
    form: AcceptanceForm | None = None,
    *,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    report = link.report
    project = report.assessment.project
    acceptance = Acceptance.objects.filter(link=link).first()
    context = {
        **_branding(link),
        "link": link,
        "report": report,
        "project": project,
        "client": project.client,
        "document": Variant(link.variant).label,
        "files": {f.format: f for f in report.files.filter(variant=link.variant)},
        "acceptance": acceptance,
        "step": acceptance.step if acceptance else services.acceptance_step(report),
        "form": form or AcceptanceForm(),
        "refusal": refusal,
    }
    return render(request, "reports/shared.html", context, status=status)


@noindex
@login_not_required
@never_cache
@require_GET
def shared_report(request: HttpRequest, token: str) -> HttpResponseBase:
    """The agency's page for a shared report: its cover note, the document to view or
    download, who to contact, and the next step to accept."""
    try:
        link = services.share_link_open(
            token=token, visitor=_visitor(request), base_url=request.build_absolute_uri("/")
        )
    except services.ShareLinkUnavailable as unavailable:
        return _unavailable(request, unavailable.link)
    if link.pdf() is None:
        return _unavailable(request, link)
    if link.superseded:
        return _superseded(request, link)
    return _share_page(request, link)


# A PDF is not HTML: a page policy would only stop the browser's PDF viewer. The pages that
# say a link is unavailable or replaced are HTML, so they keep the policy every page has.
@csp_override({})
def _shared_document(request: HttpRequest, stored: ReportFile, *, download: bool) -> FileResponse:
    return _file_response(stored, as_attachment=download)


@noindex
@login_not_required
@never_cache
@require_GET
def shared_file(request: HttpRequest, token: str, fmt: str, download: bool) -> HttpResponseBase:
    """The shared document itself, shown in the browser (a PDF) or downloaded (PDF or Word)."""
    try:
        link = services.share_link_find(token)
    except services.ShareLinkUnavailable as unavailable:
        return _unavailable(request, unavailable.link)
    if link.superseded:
        return _superseded(request, link)
    if fmt not in ReportFile.Format.values or not (download or fmt == ReportFile.Format.PDF):
        raise Http404("No such document.")
    stored = link.file(fmt)
    if stored is None:
        raise Http404("This version has no such document.")
    return _shared_document(request, stored, download=download)


def _content_length(request: HttpRequest) -> int:
    length = request.META.get("CONTENT_LENGTH") or "0"
    return int(length) if length.isdecimal() and len(length) < 12 else ACCEPTANCE_MAX_BYTES + 1


@noindex
@login_not_required
@never_cache
@require_POST
def shared_accept(request: HttpRequest, token: str) -> HttpResponseBase:
    """The client accepts the report's next step with their typed name and a tick."""
    try:
        link = services.share_link_find(token)
    except services.ShareLinkUnavailable as unavailable:
        return _unavailable(request, unavailable.link)
    if link.superseded:
        return _superseded(request, link)
    if _content_length(request) > ACCEPTANCE_MAX_BYTES:
        # A name and a tick fit in far less; anything bigger is not a person typing.
        refusal = "The form sent was too large. Please type your name again."
        return _share_page(request, link, refusal=refusal, status=413)
    form = AcceptanceForm(request.POST)
    if not form.is_valid():
        return _share_page(request, link, form, status=400)
    try:
        services.share_link_accept(
            link=link,
            name=form.cleaned_data["name"],
            confirmed=form.cleaned_data["confirmed"],
            visitor=_visitor(request),
        )
    except services.InvalidAcceptance as invalid:
        for field, message in invalid.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return _share_page(request, link, form, status=400)
    except services.AcceptanceRefused as refused:
        return _share_page(request, link, form, refusal=str(refused), status=409)
    return redirect(link)
