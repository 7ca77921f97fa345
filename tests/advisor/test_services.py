"""The assessment services enforce their rules whoever calls them: views, the CLI, the seed."""

import io
import json

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from advisor import services
from advisor.models import Assessment
from advisor.questionnaire import STEPS_BY_SLUG
from advisor.scoring import InvalidAnswers
from advisor.scoring.examples import sample_input
from projects.services import project_archive, project_restore
from tests.personas import Agency


def draft(agency: Agency, answers: dict | None = None) -> Assessment:
    return services.assessment_start(
        project=agency.project, by=agency.admin.user, answers=answers or sample_input()
    )


def save_use_case(assessment: Assessment, by) -> Assessment:
    return services.assessment_save_step(
        assessment=assessment,
        expected_version=assessment.version,
        answers={
            **{field: sample_input()[field] for field in STEPS_BY_SLUG["use-case"].fields},
            "task_type": "code",
        },
        pending={},
        unknown=[],
        step=STEPS_BY_SLUG["use-case"],
        by=by,
    )


@pytest.mark.django_db
def test_an_archived_project_takes_no_new_or_imported_assessment(acme: Agency) -> None:
    by = acme.admin.user
    project_archive(project=acme.project, by=acme.admin.user)

    with pytest.raises(services.ProjectArchived):
        services.assessment_start(project=acme.project, by=by)
    with pytest.raises(services.ProjectArchived):
        services.assessment_reassess(project=acme.project, by=by)
    with pytest.raises(services.ProjectArchived):
        services.assessment_import(project=acme.project, data=sample_input(), by=by)
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_a_draft_of_an_archived_project_can_be_neither_changed_nor_submitted(
    acme: Agency,
) -> None:
    by = acme.admin.user
    assessment = draft(acme)
    project_archive(project=acme.project, by=acme.admin.user)

    with pytest.raises(services.ProjectArchived):
        save_use_case(assessment, by)
    with pytest.raises(services.ProjectArchived):
        services.assessment_submit(assessment=assessment, by=by)

    assessment.refresh_from_db()
    assert (assessment.status, assessment.version) == (Assessment.Status.DRAFT, 1)
    assert assessment.answers == sample_input()
    project_restore(project=acme.project, by=acme.admin.user)
    assert services.assessment_submit(assessment=save_use_case(assessment, by), by=by)


@pytest.mark.django_db
def test_submitting_refuses_answers_still_waiting_to_be_corrected(acme: Agency) -> None:
    assessment = draft(acme)
    assessment.pending_inputs = {"build_budget": "twelve grand"}
    assessment.save()

    with pytest.raises(InvalidAnswers) as refused:
        services.assessment_submit(assessment=assessment, by=acme.admin.user)

    assert list(refused.value.errors) == ["build_budget"]
    assessment.refresh_from_db()
    assert assessment.is_draft
    assert assessment.recommendation is None


@pytest.mark.django_db
def test_the_pages_say_why_an_archived_project_refuses_changes(
    alice: HttpClient, acme: Agency
) -> None:
    assessment = draft(acme)
    project_archive(project=acme.project, by=acme.admin.user)
    restore = "This project is archived: restore it to change its assessments."

    response = alice.get(assessment.step_url("use-case"), follow=True)
    assert restore in response.content.decode()
    data = {"version": assessment.version, "task_type": "code", "action": "next"}
    response = alice.post(assessment.step_url("use-case"), data, follow=True)
    assert restore in response.content.decode()
    response = alice.post(assessment.url("submit"), follow=True)
    assert restore in response.content.decode()
    assessment.refresh_from_db()
    assert (assessment.is_draft, assessment.version) == (True, 1)

    upload = io.BytesIO(json.dumps(sample_input()).encode())
    upload.name = "answers.json"
    for url, data in (
        (reverse("advisor:new", args=[acme.project.pk]), {}),
        (reverse("advisor:import", args=[acme.project.pk]), {"file": upload}),
    ):
        response = alice.post(url, data, follow=True)
        assert "Restore the project before assessing it." in response.content.decode()
    assert Assessment.objects.count() == 1
