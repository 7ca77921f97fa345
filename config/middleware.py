import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Answer 503 with a calm page when the database cannot be reached mid-request.

    Every write runs in a transaction, so a lost connection rolls back whatever the request
    had started: the page can say that nothing was half-saved.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "Database unavailable during %s %s: %s", request.method, request.path, exception
        )
        # Rendered without a request context: the context processors would query the database.
        html = render_to_string("503.html")
        return HttpResponse(html, status=503, headers={"Retry-After": "30"})
