"""The PDF itself, rendered by the real WeasyPrint and read back with pypdf."""

import gc
import io

import pydyf
import pytest
from pypdf import PdfReader

from advisor.models import Assessment
from advisor.scoring import APPROACH_LABELS, Approach
from reports.pdf import (
    BundledFilesOnly,
    RefusedURL,
    cycle_collection_paused,
    render_report_pdf,
)
from reports.services import report_context_for
from tests.factories import ProjectFactory
from tests.personas import Agency, submit

FULL_HEADINGS = [
    "Our recommendation",
    "Where this project sits",
    "Why we recommend it",
    "What each approach costs",
    "What a change costs",
    "Is fine-tuning feasible?",
    "Risks and how we manage them",
    "What would change this recommendation",
    "Appendix",
    "Your answers",
    "Every factor the scoring weighed",
    "Prices and rates",
]


def read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


@pytest.mark.django_db
def test_the_full_report_says_everything_a_client_needs(acme_result: Assessment) -> None:
    rendered = render_report_pdf(report_context_for(acme_result, "full", acme_result.submitted_by))
    reader, text = read(rendered.pdf)
    assert 6 <= len(reader.pages) <= 14
    assert rendered.page_count == len(reader.pages)
    for expected in ["Acme Retail", "Acme chatbot", "System-prompt engineering", *FULL_HEADINGS]:
        assert expected in text, expected
    assert "What would justify going further" in text  # no tuning indicated: no pilot plan
    assert f"Page 1 of {len(reader.pages)}" in text
    metadata = reader.metadata
    assert metadata.title.startswith("Acme chatbot")
    assert metadata.author == "Acme"
    assert metadata.subject.startswith("Start with system-prompt engineering")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for accessibility
    assert rendered.refused_urls == ()
    # Both charts' alternative text describes them in full, every approach by name.
    scores, costs = figure_alts(reader)
    assert "scores" in scores
    assert "up front" in costs
    assert "in total" in costs
    for label in APPROACH_LABELS.values():
        assert label in scores, label
        assert label in costs, label


@pytest.mark.django_db
def test_the_executive_summary_fits_on_one_or_two_pages(acme_result: Assessment) -> None:
    rendered = render_report_pdf(report_context_for(acme_result, "executive", None))
    reader, text = read(rendered.pdf)
    assert 1 <= len(reader.pages) <= 2
    assert "EXECUTIVE SUMMARY" in text.upper()
    assert "Next step " in text  # the summary says what to do first
    assert "Appendix" not in text


@pytest.mark.django_db
def test_a_tuning_recommendation_gets_a_pilot_plan(acme: Agency) -> None:
    assessment = submit(acme, "clinical_coding")
    _, text = read(render_report_pdf(report_context_for(assessment, "full", None)).pdf)
    assert "How the pilot works" in text
    assert "held-out test set" in text
    assert "Has the knowledge but lacks the skill".lower() in text.lower()


HOSTILE = [
    '<img src="http://169.254.169.254/latest/meta-data/">',
    '<link rel="attachment" href="file:///etc/passwd">',
    "<style>body { background: url(http://evil.example/x.png) }</style>",
    "file:///etc/passwd",
    "</td></tr></table><script>alert(1)</script>",
]


@pytest.mark.django_db
def test_hostile_text_is_printed_as_text_and_nothing_is_fetched(
    acme: Agency, monkeypatch: pytest.MonkeyPatch
) -> None:
    requested: list[str] = []
    original = BundledFilesOnly.fetch

    def spy(self: BundledFilesOnly, url: str, headers: object = None) -> object:
        requested.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(BundledFilesOnly, "fetch", spy)
    organization = acme.organization
    organization.name = "Acme " + HOSTILE[0]
    organization.contact_line = HOSTILE[1][:200]
    organization.report_footer = HOSTILE[2]
    organization.save()
    client = acme.client
    client.name = "Client " + HOSTILE[3]
    client.save()
    project = acme.project
    project.name = HOSTILE[4][:120]
    project.save()
    user = acme.admin.user
    user.first_name, user.last_name = "<b>Eve</b>", HOSTILE[0][:150]
    user.save()
    assessment = submit(acme)

    rendered = render_report_pdf(report_context_for(assessment, "full", user))
    reader, text = read(rendered.pdf)
    assert "169.254.169.254" in text  # shown as text...
    assert "<script>alert(1)</script>" in text
    assert "<b>Eve</b>" in text
    assert all(url.startswith(("data:", "https://report.invalid/static/")) for url in requested)
    assert not any(
        "169.254" in url or "evil.example" in url or "passwd" in url for url in requested
    )
    assert rendered.refused_urls == ()
    assert not reader.attachments
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "ftp://example.com/x",
        "https://report.invalid/static/../../settings.py",
        "https://report.invalid/static/css/missing.css",
    ],
)
def test_the_fetcher_refuses_everything_but_data_and_bundled_files(url: str) -> None:
    fetcher = BundledFilesOnly()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_data_urls_and_bundled_static_files() -> None:
    fetcher = BundledFilesOnly()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    css = fetcher.fetch("https://report.invalid/static/css/report.css")
    assert b"@page" in css.read()
    assert css.content_type == "text/css"


@pytest.mark.django_db
def test_the_longest_answers_and_names_still_lay_out(acme: Agency) -> None:
    acme.organization.name = "N" * 120
    acme.organization.report_footer = "F" * 300
    acme.organization.contact_line = "c" * 200
    acme.organization.save()
    project = ProjectFactory(client=acme.client, name="Supercalifragilistic" * 6)
    acme.project = project
    assessment = submit(acme, "invoice_extraction")
    reader, text = read(render_report_pdf(report_context_for(assessment, "full", None)).pdf)
    assert len(reader.pages) <= 14
    for page in reader.pages:
        width = float(page.mediabox.width)
        assert width < 600  # still A4, nothing widened the page
    assert "Supercalifragilistic" in text


def figure_alts(reader: PdfReader) -> list[str]:
    """The alternative text of every figure in the PDF's structure tree."""
    found: list[str] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                found.append(str(node["/Alt"]))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.mark.django_db
def test_the_charts_alternative_text_carries_their_figures(acme_result: Assessment) -> None:
    reader, _ = read(render_report_pdf(report_context_for(acme_result, "executive", None)).pdf)
    [scores] = figure_alts(reader)  # the executive summary's one chart

    for approach, score in acme_result.result["scores"].items():
        label = APPROACH_LABELS[Approach(approach)]
        assert f"{label} scores {score} of 100" in scores


def test_the_cycle_collector_rests_while_a_report_renders_then_is_as_it_was() -> None:
    def failing_render() -> None:
        with cycle_collection_paused():
            assert not gc.isenabled()
            raise RuntimeError("a render that fails")

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        failing_render()
    assert gc.isenabled()  # back on, even after a failure

    gc.disable()
    try:
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


@pytest.mark.django_db
def test_rendering_leaves_the_collector_on_and_no_document_behind(acme_result: Assessment) -> None:
    render_report_pdf(report_context_for(acme_result, "executive", None))
    assert gc.isenabled()
    # What the render built (the PDF's objects link to one another) is freed by the time the
    # PDF is returned, not at some later collection: a worker rendering one report after
    # another holds one document at a time.
    assert not [kept for kept in gc.get_objects() if isinstance(kept, pydyf.Object)]
