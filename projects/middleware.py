from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from projects.models import Membership

ACTIVE_ORGANIZATION_SESSION_KEY = "active_organization_id"

# Pages a signed-in user without any organization can still use: to accept an invitation, say.
NO_ORGANIZATION_URL_NAMES = {
    "logout",
    "password_change",
    "password_change_done",
    "profile",
    "invitation_list",
    "invitation_accept",
    "invitation_decline",
}


def last_used(memberships: list[Membership]) -> Membership:
    """The membership the user last switched to or joined; failing that, the first joined.

    Never the alphabetical first: an organization named to sort before the user's own must not
    become where their work lands.
    """
    used = [m for m in memberships if m.last_active_at is not None]
    if used:
        return max(used, key=lambda m: (m.last_active_at, m.pk))
    return min(memberships, key=lambda m: (m.created_at, m.pk))


class ActiveOrganizationMiddleware:
    """Attach the user's memberships and the active one (chosen per session) to the request.

    A session starts in the organization the user last worked in (the login pins it, so a
    switch on another device does not move this one) and keeps it until they switch.

    Every page that shows agency data reads `request.membership.organization`, so a signed-in
    user who belongs to no organization sees an explanation instead of an empty app.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        memberships = (
            list(Membership.objects.for_user(request.user)) if request.user.is_authenticated else []
        )
        wanted = request.session.get(ACTIVE_ORGANIZATION_SESSION_KEY) if memberships else None
        active = next((m for m in memberships if m.organization_id == wanted), None)
        request.memberships = memberships  # type: ignore[attr-defined]
        request.membership = active or (last_used(memberships) if memberships else None)  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or getattr(request, "membership", None):
            return None
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match and (match.namespace == "admin" or match.url_name in NO_ORGANIZATION_URL_NAMES):
            return None
        return render(request, "projects/no_organization.html", status=403)
