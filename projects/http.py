from typing import Any, Protocol

from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from django.http import Http404, HttpRequest

from projects.models import Membership, Organization
from projects.services import audit_record


class OrganizationScoped[M: Model](Protocol):
    """A queryset (or manager) that can narrow itself to one organization's rows."""

    def for_organization(self, organization: Organization) -> "OrganizationScoped[M]": ...

    def get(self, *args: Any, **kwargs: Any) -> M: ...


class SignedInRequest(HttpRequest):
    """A request from a signed-in user, who may belong to no organization yet."""

    user: User
    membership: Membership | None
    memberships: list[Membership]


class OrganizationRequest(HttpRequest):
    """A request from a signed-in member, as seen by views behind the organization middleware."""

    user: User
    membership: Membership
    memberships: list[Membership]


def audit(request: OrganizationRequest, action: str, target: Model, detail: str = "") -> None:
    """Record in the active organization's audit trail what the signed-in user just did."""
    audit_record(
        organization=request.membership.organization,
        actor=request.user,
        action=action,
        target=target,
        detail=detail,
    )


def get_for_organization_or_404[M: Model](
    request: "OrganizationRequest", objects: OrganizationScoped[M], **lookups: object
) -> M:
    """The object `lookups` name among the active organization's, or 404: another
    organization's objects do not exist for this request. `objects` is a queryset of a model
    whose queryset has `for_organization` (`Client.objects.all()`, `...select_related(...)`)."""
    try:
        return objects.for_organization(request.membership.organization).get(**lookups)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing
