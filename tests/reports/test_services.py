"""Report generation enforces its rules whoever calls it."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from advisor.models import Assessment
from advisor.services import ProjectArchived
from projects.services import project_archive
from reports.models import Report
from reports.services import report_generate


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
