"""Data migrations of the advisor app, run against rows as the bugs left them."""

import importlib

import pytest
from django.apps import apps
from django.test import Client as HttpClient

from advisor import services
from advisor.scoring.examples import sample_input
from tests.personas import Agency

repair = importlib.import_module("advisor.migrations.0002_repair_data_coverage_dont_know")


@pytest.mark.django_db
def test_drafts_whose_dont_know_was_lost_get_their_answer_back(
    alice: HttpClient, acme: Agency
) -> None:
    by = acme.admin.user
    broken = services.assessment_start(
        project=acme.project, by=by, answers=sample_input(data_coverage=None)
    )
    unanswered = services.assessment_start(project=acme.project, by=by, answers={})
    answered = services.assessment_start(
        project=acme.project, by=by, answers=sample_input(data_coverage="common_cases")
    )
    assert alice.get(broken.url("review")).status_code == 200  # shows, but as "Not answered"

    repair.repair_data_coverage(apps, None)

    for assessment in (broken, unanswered, answered):
        assessment.refresh_from_db()
    assert broken.answers == sample_input(data_coverage="unknown")
    assert broken.validation_errors() == {}
    assert unanswered.answers == {}
    assert answered.answers["data_coverage"] == "common_cases"
    review = alice.get(broken.url("review"))
    rows = {row.field: row.value for _, rows in review.context["sections"] for row in rows}
    assert rows["data_coverage"] == "Don't know"
