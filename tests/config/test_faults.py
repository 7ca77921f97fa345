"""What people see when something underneath fails, and that nothing is half-written."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client as HttpClient

from advisor.models import Assessment
from advisor.scoring.examples import sample_input
from tests.advisor.wizard import step_post
from tests.personas import Agency


@pytest.mark.django_db
def test_losing_the_database_while_saving_a_step_half_writes_nothing(
    alice: HttpClient, acme: Agency
) -> None:
    from advisor import services

    assessment = services.assessment_start(
        project=acme.project, by=acme.admin.user, answers=sample_input()
    )
    before = Assessment.objects.values("answers", "version", "pending_inputs").get()
    data = step_post(assessment, "use-case", sample_input(task_type="code"))
    # The connection drops after the answers were written, before the request finished.
    with mock.patch(
        "advisor.services.audit_record",
        side_effect=OperationalError("server closed the connection"),
    ):
        response = alice.post(assessment.step_url("use-case"), data)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Nothing from this page was half-saved" in page
    assert Assessment.objects.values("answers", "version", "pending_inputs").get() == before

    # Once the database is back, the same form saves normally.
    assert alice.post(assessment.step_url("use-case"), data).status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers["task_type"] == "code"
    assert assessment.version == before["version"] + 1


@pytest.mark.django_db
def test_an_unreachable_database_on_any_page_gives_the_same_calm_answer(
    alice: HttpClient, acme: Agency
) -> None:
    with mock.patch(
        "projects.views.Paginator.get_page", side_effect=OperationalError("could not connect")
    ):
        response = alice.get("/")
    assert response.status_code == 503
