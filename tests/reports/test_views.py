import hashlib
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from advisor.models import Assessment
from reports.models import Report, ShareLink
from reports.pdf import REPORT_TEMPLATE_VERSION
from tests.personas import Agency, submit


def generate(http: HttpClient, assessment: Assessment, variant: str = "full", **extra: str):
    url = reverse("advisor:report_generate", args=[assessment.project_id, assessment.pk])
    return http.post(url, {"variant": variant, **extra})


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_generating_stores_an_immutable_report_downloaded_byte_for_byte(
    alice: HttpClient, acme_result: Assessment
) -> None:
    response = generate(alice, acme_result)
    report = Report.objects.get()
    assert response["Location"] == report.get_absolute_url()
    assert report.template_version == REPORT_TEMPLATE_VERSION
    assert report.generated_by == acme_result.submitted_by
    first = alice.get(reverse("reports:download", args=[report.pk]))
    assert first["Content-Type"] == "application/pdf"
    assert (
        first["Content-Disposition"] == 'attachment; filename="acme-chatbot-assessment-1-full.pdf"'
    )
    pdf = body(first)
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == report.checksum
    assert body(alice.get(reverse("reports:download", args=[report.pk]))) == pdf
    # Generating again gives back the stored report, not a new rendering.
    generate(alice, acme_result)
    assert Report.objects.count() == 1
    page = alice.get(acme_result.project.get_absolute_url()).content.decode()
    assert report.get_absolute_url() in page


@pytest.mark.django_db
def test_the_preview_shows_the_same_report_with_a_download_button(
    alice: HttpClient, acme_result: Assessment
) -> None:
    url = reverse(
        "advisor:report_preview", args=[acme_result.project_id, acme_result.pk, "executive"]
    )
    page = alice.get(url).content.decode()
    assert "Our recommendation" in page
    assert "Download PDF" in page
    response = generate(alice, acme_result, "executive", then="download")
    report = Report.objects.get(variant="executive")
    assert response["Location"] == reverse("reports:download", args=[report.pk])
    bad = reverse("advisor:report_preview", args=[acme_result.project_id, acme_result.pk, "poster"])
    assert alice.get(bad).status_code == 404


@pytest.mark.django_db
def test_a_draft_has_no_report(alice: HttpClient, acme: Agency) -> None:
    from advisor import services

    draft = services.assessment_start(project=acme.project, by=acme.admin.user)
    assert generate(alice, draft).status_code == 404
    preview = reverse("advisor:report_preview", args=[acme.project.pk, draft.pk, "full"])
    assert alice.get(preview).status_code == 404


@pytest.mark.django_db
def test_a_failed_rendering_says_so_keeps_the_assessment_and_can_be_retried(
    alice: HttpClient, acme_result: Assessment
) -> None:
    before = Assessment.objects.values().get(pk=acme_result.pk)
    with mock.patch("reports.services.render_report_pdf", side_effect=OSError("pango crashed")):
        response = generate(alice, acme_result)
    assert response["Location"] == acme_result.url("result")
    page = alice.get(response["Location"]).content.decode()
    assert "The PDF could not be generated" in page
    assert not Report.objects.exists()
    assert Assessment.objects.values().get(pk=acme_result.pk) == before
    generate(alice, acme_result)
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_a_share_link_opens_without_login_counts_views_and_can_be_revoked(
    alice: HttpClient, acme_result: Assessment
) -> None:
    generate(alice, acme_result)
    report = Report.objects.get()
    alice.post(reverse("reports:share", args=[report.pk]), {"days": 7})
    link = ShareLink.objects.get()
    assert timedelta(days=6) < link.expires_at - timezone.now() <= timedelta(days=7)

    visitor = HttpClient()
    for _ in range(2):
        response = visitor.get(link.get_absolute_url())
        assert response.status_code == 200
        assert body(response) == report.file.open("rb").read()
        assert response["Content-Disposition"].startswith("inline")
    link.refresh_from_db()
    assert link.view_count == 2

    alice.post(reverse("reports:revoke", args=[link.pk]))
    response = visitor.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "no longer opens the report" in response.content.decode()


@pytest.mark.django_db
def test_expired_and_forged_links_are_refused(alice: HttpClient, acme_result: Assessment) -> None:
    generate(alice, acme_result)
    report = Report.objects.get()
    alice.post(reverse("reports:share", args=[report.pk]), {"days": 1})
    link = ShareLink.objects.get()
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    visitor = HttpClient()
    assert visitor.get(link.get_absolute_url()).status_code == 410
    assert visitor.get(reverse("reports:shared", args=[f"{link.pk}"])).status_code == 410
    forged = link.token[:-2] + ("AA" if not link.token.endswith("AA") else "BB")
    assert visitor.get(reverse("reports:shared", args=[forged])).status_code == 410
    link.refresh_from_db()
    assert link.view_count == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "message"), [(0, "at least 1 day"), (91, "at most 90"), ("x", "Enter a number")]
)
def test_share_days_are_checked(
    alice: HttpClient, acme_result: Assessment, days: object, message: str
) -> None:
    generate(alice, acme_result)
    report = Report.objects.get()
    response = alice.post(reverse("reports:share", args=[report.pk]), {"days": days}, follow=True)
    assert message in response.content.decode()
    assert not ShareLink.objects.exists()


@pytest.mark.django_db
def test_another_organizations_reports_previews_and_links_are_404(
    alice: HttpClient, acme: Agency, globex: Agency
) -> None:
    theirs = submit(globex)
    bob = globex.http()
    generate(bob, theirs)
    report = Report.objects.get()
    bob.post(reverse("reports:share", args=[report.pk]), {"days": 7})
    link = ShareLink.objects.get()
    for method, url in [
        ("get", reverse("reports:detail", args=[report.pk])),
        ("get", reverse("reports:download", args=[report.pk])),
        ("post", reverse("reports:share", args=[report.pk])),
        ("post", reverse("reports:revoke", args=[link.pk])),
        ("post", reverse("advisor:report_generate", args=[theirs.project_id, theirs.pk])),
        ("get", reverse("advisor:report_preview", args=[theirs.project_id, theirs.pk, "full"])),
    ]:
        response = getattr(alice, method)(url, {"days": 7, "variant": "full"})
        assert response.status_code == 404, f"{method.upper()} {url}: {response.status_code}"
    link.refresh_from_db()
    assert link.revoked_at is None
    assert ShareLink.objects.count() == 1
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_a_new_assessment_gives_a_new_report_that_says_what_changed(
    alice: HttpClient, acme: Agency
) -> None:
    first = submit(acme)
    generate(alice, first)
    second = submit(acme, "support_assistant")
    generate(alice, second)
    assert Report.objects.count() == 2
    preview = reverse("advisor:report_preview", args=[acme.project.pk, second.pk, "full"])
    page = alice.get(preview).content.decode()
    assert "What changed since the previous report" in page
    assert f"Compared with the answers of {first.submitted_at:%-d %B %Y}" in page
