"""A blind comparison's pages: the agency makes and revokes links from the pilot page; the client
judges pairs through a link, without a login, one pair at a time."""

from typing import Any, Final

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advisor import blind, pilots
from advisor.blind_forms import BlindComparisonForm, BlindVoteForm
from advisor.models import Assessment, BlindComparison
from advisor.services import ProjectArchived
from projects.http import OrganizationRequest, get_for_organization_or_404
from projects.logos import logo_data_uri
from projects.models import Organization

VISITOR_COOKIE: Final = "blind_visitor"
_VISITOR_SALT: Final = "advisor.blind-visitor"
_COOKIE_DAYS: Final = blind.MAX_BLIND_DAYS
NO_COOKIE: Final = (
    "Your browser did not keep this page's cookie, so your choice could not be saved. Please "
    "allow cookies for this site and choose again."
)


# The agency's side, from the pilot page.


@require_POST
def blind_create(request: OrganizationRequest, project_pk: int, pk: int) -> HttpResponse:
    assessments = Assessment.objects.select_related("project__client")
    assessment = get_for_organization_or_404(request, assessments, pk=pk, project_id=project_pk)
    pilot = pilots.pilot_of(assessment)
    if pilot is None:
        raise Http404("No pilot recorded")
    back = assessment.url("pilot") + "#blind"
    form = BlindComparisonForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        comparison = blind.blind_comparison_create(
            pilot=pilot,
            by=request.user,
            days=form.cleaned_data["days"],
            cases=form.cleaned_data["cases"],
        )
    except blind.BlindComparisonRefused as refused:
        messages.error(request, str(refused))
        return redirect(back)
    except ProjectArchived:
        messages.error(request, "This project is archived: restore it to share its pilot.")
        return redirect(back)
    pairs = len(comparison.case_ids)
    messages.success(
        request,
        f"Blind comparison link with {pairs} pair{'s' if pairs != 1 else ''} created; it takes "
        f"votes until {comparison.expires_at:%-d %B %Y, %H:%M} UTC.",
    )
    return redirect(back)


@require_POST
def blind_revoke(request: OrganizationRequest, pk: int) -> HttpResponse:
    comparison = get_for_organization_or_404(
        request,
        BlindComparison.objects.select_related("pilot__assessment__project__client__organization"),
        pk=pk,
    )
    blind.blind_comparison_revoke(comparison=comparison, by=request.user)
    messages.success(request, "Blind comparison link revoked; its votes stay counted.")
    return redirect(comparison.pilot.assessment.url("pilot") + "#blind")


# The client's side: public, the signed token in the URL is the key.


def _visitor(request: HttpRequest) -> str | None:
    key = request.get_signed_cookie(VISITOR_COOKIE, default=None, salt=_VISITOR_SALT)
    return key if blind.is_visitor_key(key) else None


def _remember(response: HttpResponse, visitor: str) -> HttpResponse:
    response.set_signed_cookie(
        VISITOR_COOKIE,
        visitor,
        salt=_VISITOR_SALT,
        max_age=_COOKIE_DAYS * 24 * 3600,
        path="/compare/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _public(response: HttpResponse) -> HttpResponse:
    # Keep search engines from listing or following what the link shows.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _branding(organization: Organization) -> dict[str, Any]:
    return {"organization": organization, "logo": logo_data_uri(organization)}


def _open(token: str) -> BlindComparison:
    """The link, or 404 for a forged token (a closed link is for the caller to answer)."""
    try:
        return blind.blind_comparison_open(token)
    except blind.BlindComparisonUnknown:
        raise Http404("No such link.") from None


def _closed(request: HttpRequest, closed: blind.BlindComparisonClosed) -> HttpResponse:
    organization = closed.comparison.pilot.assessment.project.client.organization
    response = render(request, "advisor/blind/closed.html", _branding(organization), status=410)
    return _public(response)


def _pair_page(
    request: HttpRequest,
    comparison: BlindComparison,
    visitor: str,
    number: int,
    *,
    form: BlindVoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    pair = blind.blind_pair(comparison, visitor, number)
    if pair is None:
        raise Http404("No such pair.")
    votes = blind.visitor_votes(comparison, visitor)
    earlier = votes.get(number)
    if form is None:
        initial = {"choice": earlier[0], "comment": earlier[1]} if earlier else {}
        form = BlindVoteForm(initial=initial)
    total = len(comparison.case_ids)
    context = {
        **_branding(comparison.pilot.assessment.project.client.organization),
        "token": comparison.token,
        "pair": pair,
        "total": total,
        "judged": len(votes),
        "earlier": earlier,
        "form": form,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < total else None,
    }
    return _public(render(request, "advisor/blind/pair.html", context, status=status))


@login_not_required
@never_cache
@require_GET
def blind_start(request: HttpRequest, token: str) -> HttpResponse:
    """The first pair the visitor has not judged yet, or a thank-you once all are judged."""
    try:
        comparison = _open(token)
    except blind.BlindComparisonClosed as closed:
        return _closed(request, closed)
    visitor = _visitor(request) or blind.new_visitor_key()
    votes = blind.visitor_votes(comparison, visitor)
    total = len(comparison.case_ids)
    unjudged = next((n for n in range(1, total + 1) if n not in votes), None)
    if unjudged is None:
        context = {
            **_branding(comparison.pilot.assessment.project.client.organization),
            "token": comparison.token,
            "total": total,
            "numbers": range(1, total + 1),
        }
        return _remember(_public(render(request, "advisor/blind/done.html", context)), visitor)
    return _remember(_pair_page(request, comparison, visitor, unjudged), visitor)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def blind_pair(request: HttpRequest, token: str, number: int) -> HttpResponse:
    """One pair: the input, outputs A and B, and the visitor's choice (theirs so far, if any)."""
    try:
        comparison = _open(token)
    except blind.BlindComparisonClosed as closed:
        return _closed(request, closed)
    visitor = _visitor(request)
    if request.method != "POST":
        visitor = visitor or blind.new_visitor_key()
        return _remember(_pair_page(request, comparison, visitor, number), visitor)
    form = BlindVoteForm(request.POST)
    if visitor is None:
        # Without the key the order they saw cannot be known: nothing is stored.
        form.is_valid()
        form.add_error(None, NO_COOKIE)
        visitor = blind.new_visitor_key()
        response = _pair_page(request, comparison, visitor, number, form=form, status=400)
        return _remember(response, visitor)
    if not form.is_valid():
        return _pair_page(request, comparison, visitor, number, form=form, status=400)
    try:
        blind.blind_vote(
            comparison=comparison,
            visitor=visitor,
            number=number,
            choice=form.cleaned_data["choice"],
            comment=form.cleaned_data["comment"],
        )
    except blind.BlindComparisonClosed as closed:
        return _closed(request, closed)
    except blind.VoteRefused as refused:
        if refused.field == "pair":
            raise Http404("No such pair.") from None
        form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        return _pair_page(request, comparison, visitor, number, form=form, status=400)
    votes = blind.visitor_votes(comparison, visitor)
    total = len(comparison.case_ids)
    following = [n for n in [*range(number + 1, total + 1), *range(1, number)] if n not in votes]
    if following:
        return redirect("blind:pair", token=token, number=following[0])
    return redirect(reverse("blind:start", kwargs={"token": token}))
