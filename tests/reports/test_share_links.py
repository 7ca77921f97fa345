"""What a share link's visitor gets: no indexing, the usual page policy on the "unavailable"
page, and an audit trail that notes one view per visitor and hour while counting them all."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from advisor.models import Assessment
from projects.models import AuditEvent
from reports.models import Report, ReportFile, ShareLink, Variant
from tests.headers import policy

ROBOTS = "noindex, nofollow"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


@pytest.fixture
def link(alice: HttpClient, acme_result: Assessment) -> ShareLink:
    # A stored stand-in for the PDF: what is tested here is the link, not the rendering.
    pdf = b"%PDF-1.7 stand-in"
    report = Report.objects.create(
        assessment=acme_result, version=1, status="final", finalised_at=timezone.now()
    )
    stored = ReportFile(
        report=report,
        variant=Variant.EXECUTIVE,
        template_version="test",
        checksum=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        page_count=1,
    )
    stored.file.save("stand-in.pdf", ContentFile(pdf))
    alice.post(reverse("reports:share", args=[report.pk]), {"variant": "executive", "days": 7})
    return ShareLink.objects.get()


def visit(link: ShareLink, address: str = "198.51.100.7", browser: str = BROWSER):
    return HttpClient(REMOTE_ADDR=address, HTTP_USER_AGENT=browser).get(link.get_absolute_url())


def views_noted() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.VIEWED))


@pytest.mark.django_db
def test_the_shared_page_is_not_indexed_and_keeps_the_page_policy(link: ShareLink) -> None:
    response = visit(link)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["X-Robots-Tag"] == ROBOTS
    assert policy(response)["script-src"] == "'self'"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args", "disposition"),
    [("shared_view", [], "inline"), ("shared_download", ["pdf"], "attachment")],
)
def test_the_shared_pdf_is_not_indexed_and_has_no_page_policy(
    link: ShareLink, name: str, args: list[str], disposition: str
) -> None:
    response = HttpClient().get(reverse(f"reports:{name}", args=[link.token, *args]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Robots-Tag"] == ROBOTS
    assert "Content-Security-Policy" not in response
    link.refresh_from_db()
    assert link.view_count == 0  # the page counts the views, not the file behind it


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["revoked", "expired", "forged"])
def test_the_unavailable_page_is_not_indexed_and_keeps_the_page_policy(
    link: ShareLink, how: str
) -> None:
    if how == "revoked":
        ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
        url = link.get_absolute_url()
    elif how == "expired":
        ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
        url = link.get_absolute_url()
    else:
        url = reverse("reports:shared", args=[link.token[:-2] + "xx"])
    response = HttpClient().get(url)
    assert response.status_code == 410
    assert "no longer opens the report" in response.content.decode()
    assert response["X-Robots-Tag"] == ROBOTS
    directives = policy(response)
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_every_view_is_counted_but_noted_once_per_visitor_and_hour(link: ShareLink) -> None:
    for _ in range(3):
        assert visit(link).status_code == 200
    link.refresh_from_db()
    assert link.view_count == 3
    assert link.last_viewed_at is not None
    assert len(views_noted()) == 1

    visit(link, browser="Mozilla/5.0 (iPhone) Safari/605.1")  # the same office, another device
    visit(link, address="203.0.113.20")  # someone else
    assert len(views_noted()) == 3
    assert len({event.detail for event in views_noted()}) == 3

    AuditEvent.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    visit(link)
    assert len(views_noted()) == 4
    link.refresh_from_db()
    assert link.view_count == 6


@pytest.mark.django_db
def test_the_visitors_address_is_never_stored(link: ShareLink) -> None:
    visit(link, address="203.0.113.20")
    (event,) = views_noted()
    assert event.detail.startswith(f"link {link.pk}, visitor ")
    stored = [str(value) for value in AuditEvent.objects.values_list().get(pk=event.pk)]
    stored += [str(value) for value in ShareLink.objects.values_list().get(pk=link.pk)]
    assert not any("203.0.113" in value for value in stored)


@pytest.mark.django_db
def test_views_of_unavailable_links_are_neither_counted_nor_noted(link: ShareLink) -> None:
    ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    assert visit(link).status_code == 410
    link.refresh_from_db()
    assert link.view_count == 0
    assert views_noted() == []


@pytest.mark.django_db
def test_a_replaced_report_says_so_is_not_indexed_and_its_views_are_noted(
    link: ShareLink,
) -> None:
    Report.objects.create(
        assessment=link.report.assessment, version=2, status="final", finalised_at=timezone.now()
    )

    response = visit(link)

    assert response.status_code == 410
    assert "replaced by a newer version" in response.content.decode()
    assert response["X-Robots-Tag"] == ROBOTS
    assert policy(response)["default-src"] == "'self'"
    (event,) = views_noted()
    assert event.detail.endswith(", replaced by a newer version")
    link.refresh_from_db()
    assert link.view_count == 1
