"""Render a client report to PDF with WeasyPrint, fetching nothing from outside the app."""

import gc
import hashlib
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib import request

from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

REPORT_TEMPLATE_VERSION = "2026.11.1"
"""Stored with every report; bump it when the report's template or wording changes."""

# Reports are rendered against this made-up origin ('.invalid' never resolves); only its
# /static/ paths are served, from the app's own bundled files.
REPORT_ORIGIN = "https://report.invalid/"
STATIC_PREFIX = REPORT_ORIGIN + "static/"


class RefusedURL(ValueError):
    """A report tried to load something other than a data: URL or a bundled static file."""


class BundledFilesOnly(URLFetcher):  # type: ignore[misc]
    """A URL fetcher that serves data: URLs and the app's static files, and refuses the rest.

    No http(s), no file:, no redirects: whatever a report contains, rendering it cannot reach
    the network or the server's disk outside the static folders.
    """

    def __init__(self) -> None:
        # No network handlers at all (URLFetcher's would also build an SSL context per render).
        request.OpenerDirector.__init__(self)
        self._fail_on_errors = False
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            data = request.DataHandler().data_open(request.Request(url))  # noqa: S310 - data: only
            return URLFetcherResponse(url, data.read(), dict(data.headers))
        if url.startswith(STATIC_PREFIX):
            path = url.removeprefix(STATIC_PREFIX).split("?")[0]
            found = finders.find(path) if ".." not in path.split("/") else None
            if isinstance(found, str):
                mime = mimetypes.guess_type(found)[0] or "application/octet-stream"
                body = Path(found).read_bytes()
                return URLFetcherResponse(url, body, {"Content-Type": mime})
        self.refused.append(url)
        raise RefusedURL(f"Reports only load bundled files; refused {url[:200]!r}")


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    page_count: int
    refused_urls: tuple[str, ...]

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def render_html(context: dict[str, Any], request: HttpRequest | None = None) -> str:
    """The report as HTML: what the PDF is made from, and what the browser preview shows
    (with a toolbar, rendered for a request so it gets a CSRF token)."""
    template = "reports/preview.html" if context.get("preview") else "reports/report.html"
    return render_to_string(template, context, request=request)


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector off for the duration, back as it was afterwards.

    Laying out a report allocates hundreds of thousands of objects that all live until the
    PDF is written, and the collector would walk them again and again for little garbage
    (`make bench-pdf` measures the difference). Afterwards one pass over what was allocated
    meanwhile (the youngest generation, as nothing was promoted) frees the render's leftovers,
    so a worker's memory does not hold two documents at once.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)


def _laid_out_and_written(html: str, fetcher: BundledFilesOnly) -> tuple[bytes, int]:
    """The PDF and its page count; WeasyPrint's document is garbage once this returns."""
    document = HTML(string=html, base_url=REPORT_ORIGIN, url_fetcher=fetcher).render()
    pdf = document.write_pdf(
        pdf_variant="pdf/ua-1",
        # Derived from the content, so the same report renders to the same identifier.
        pdf_identifier=hashlib.sha256(html.encode()).hexdigest()[:32].encode(),
    )
    return pdf, len(document.pages)


def render_report_pdf(context: dict[str, Any]) -> RenderedReport:
    """Render the report template to a tagged, accessible PDF (PDF/UA-1)."""
    # Bundled files are named as in the source tree (never hashed), for the fetcher to find.
    html = render_html({**context, "for_pdf": True, "bundled_static": STATIC_PREFIX})
    fetcher = BundledFilesOnly()
    with cycle_collection_paused():
        pdf, page_count = _laid_out_and_written(html, fetcher)
    return RenderedReport(pdf=pdf, page_count=page_count, refused_urls=tuple(fetcher.refused))
