from django.contrib.auth.models import User
from django.db.models import Model
from django.http import HttpRequest

from projects.models import Membership
from projects.services import audit_record


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
