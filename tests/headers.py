"""Reading response headers in tests."""

from django.http import HttpResponse


def policy(response: HttpResponse) -> dict[str, str]:
    """The Content-Security-Policy header as directive -> sources."""
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())
