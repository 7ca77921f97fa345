from typing import Any

from django.http import HttpRequest

from projects.models import Invitation


def organization(request: HttpRequest) -> dict[str, Any]:
    """Expose the active membership and the others, for the header and the organization switcher,
    and the invitations waiting for the signed-in user's answer."""
    user = getattr(request, "user", None)
    return {
        "membership": getattr(request, "membership", None),
        "memberships": getattr(request, "memberships", []),
        # A lazy query: it runs only on pages that show the header.
        "pending_invitations": (
            Invitation.objects.addressed_to(user)
            .open()
            .select_related("organization", "invited_by")
            if user is not None
            else Invitation.objects.none()
        ),
    }
