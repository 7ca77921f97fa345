from django.contrib.auth.models import User
from django.http import HttpRequest

from projects.models import Membership


class OrganizationRequest(HttpRequest):
    """A request from a signed-in member, as seen by views behind the organization middleware."""

    user: User
    membership: Membership
    memberships: list[Membership]
