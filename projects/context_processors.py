from typing import Any

from django.http import HttpRequest


def organization(request: HttpRequest) -> dict[str, Any]:
    """Expose the active membership and the others, for the header and the organization switcher."""
    return {
        "membership": getattr(request, "membership", None),
        "memberships": getattr(request, "memberships", []),
    }
