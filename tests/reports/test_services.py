"""Report generation and share links enforce their rules, and note their audit events,
whoever calls them."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from advisor.models import Assessment
from advisor.services import ProjectArchived
from projects.models import AuditEvent
from projects.services import project_archive
from reports.models import Report
from reports.services import report_generate, share_link_create, share_link_revoke
from tests.personas import Agency


@pytest.mark.django_db
def test_an_archived_project_gets_no_new_report_but_keeps_its_reports(
    alice: HttpClient, acme_result: Assessment
) -> None:
    by = acme_result.submitted_by
    kept, _ = report_generate(assessment=acme_result, variant="executive", by=by)
    project_archive(project=acme_result.project, by=by)

    with pytest.raises(ProjectArchived):
        report_generate(assessment=acme_result, variant="full", by=by)
    assert report_generate(assessment=acme_result, variant="executive", by=by) == (kept, False)
    assert list(Report.objects.all()) == [kept]

    assert alice.get(acme_result.url("result")).status_code == 200
    assert alice.get(reverse("reports:download", args=[kept.pk])).status_code == 200
    url = reverse("advisor:report_generate", args=[acme_result.project_id, acme_result.pk])
    response = alice.post(url, {"variant": "full"}, follow=True)
    assert "This project is archived: restore it to generate new reports." in (
        response.content.decode()
    )
    assert list(Report.objects.all()) == [kept]


@pytest.mark.django_db
def test_generating_notes_the_new_report_once(acme: Agency, acme_result: Assessment) -> None:
    by = acme.admin.user

    report, created = report_generate(assessment=acme_result, variant="executive", by=by)
    assert created
    assert report_generate(assessment=acme_result, variant="executive", by=by) == (report, False)

    event = AuditEvent.objects.get(action=AuditEvent.Action.GENERATED)
    assert (event.organization, event.actor) == (acme.organization, by)
    assert (event.target_type, event.target_id) == ("report", report.pk)


@pytest.mark.django_db
def test_sharing_and_revoking_a_link_are_noted_with_the_link(
    acme: Agency, acme_result: Assessment
) -> None:
    by = acme.admin.user
    report, _ = report_generate(assessment=acme_result, variant="executive", by=by)

    link = share_link_create(report=report, days=3, by=by)
    share_link_revoke(link=link, by=by)

    events = AuditEvent.objects.filter(target_type="report", target_id=report.pk).order_by("pk")
    assert [(e.action, e.actor, e.detail) for e in events] == [
        ("generated", by, ""),
        ("shared", by, f"link {link.pk}, 3 days"),
        ("revoked", by, f"link {link.pk}"),
    ]
    assert {e.organization for e in events} == {acme.organization}
    link.refresh_from_db()
    assert not link.is_active


@pytest.mark.django_db
def test_a_link_for_longer_than_90_days_is_refused_and_not_noted(
    acme: Agency, acme_result: Assessment
) -> None:
    report, _ = report_generate(assessment=acme_result, variant="executive", by=acme.admin.user)

    with pytest.raises(ValueError, match="from 1 to 90"):
        share_link_create(report=report, days=91, by=acme.admin.user)

    assert not report.share_links.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SHARED).exists()
