from dataclasses import dataclass, field
from typing import Any

import pytest

from advisor.models import Assessment
from reports.pdf import RenderedReport
from tests.personas import Agency, submit


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def acme_result(acme: Agency) -> Assessment:
    """A submitted assessment of Acme's project (the brand-voice story)."""
    return submit(acme)


@dataclass
class PdfStandIn:
    """Renders nothing: notes each context it gets and answers a small stand-in PDF, so tests of
    what is stored, frozen and versioned need not wait for WeasyPrint."""

    contexts: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, context: dict[str, Any]) -> RenderedReport:
        self.contexts.append(context)
        edits = context["edits"]
        body = f"%PDF-1.7 stand-in {context['variant']} v{edits.version} #{len(self.contexts)}"
        return RenderedReport(pdf=body.encode(), page_count=2, refused_urls=())


@pytest.fixture
def stand_in_pdf(monkeypatch: pytest.MonkeyPatch) -> PdfStandIn:
    stand_in = PdfStandIn()
    monkeypatch.setattr("reports.services.render_report_pdf", stand_in)
    return stand_in
