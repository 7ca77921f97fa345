"""Assessments and files from before the optional answers existed keep working: a draft opens,
reviews (showing the defaults it takes) and submits; a submitted one shows and exports."""

import json

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from advisor import questionnaire, services
from advisor.models import Assessment
from advisor.scoring import ANSWER_FIELDS, parse_answers
from advisor.scoring.examples import SAMPLE_INPUT, sample_input
from tests.personas import Agency

OPTIONAL = [name for name, spec in ANSWER_FIELDS.items() if spec.optional]


def older(agency: Agency, answers: dict[str, object], *, submit: bool) -> Assessment:
    """An assessment stored by the previous questionnaire: no optional answers at all."""
    assert not set(OPTIONAL) & set(answers)
    assessment = services.assessment_start(
        project=agency.project, by=agency.admin.user, answers=answers
    )
    Assessment.objects.filter(pk=assessment.pk).update(questionnaire_version="2026.11")
    if submit:
        recommendation = services.assessment_submit(assessment=assessment, by=agency.admin.user)
        # As it was stored then: the answers without the questions added since.
        Assessment.objects.filter(pk=assessment.pk).update(
            answers=dict(answers),
            questionnaire_version="2026.11",
            recommendation=recommendation.recommendation,
        )
    assessment.refresh_from_db()
    return assessment


def text(http: HttpClient, url: str) -> str:
    response = http.get(url)
    assert response.status_code == 200, url
    return " ".join(response.content.decode().replace("&#x27;", "'").split())


@pytest.mark.django_db
def test_an_older_draft_opens_reviews_with_the_defaults_and_submits(
    alice: HttpClient, acme: Agency
) -> None:
    draft = older(acme, sample_input(prompting_status="falls_short", gaps=["skill"]), submit=False)

    assert draft.missing_by_step() == {}
    assert draft.validation_errors() == {}
    for step in questionnaire.STEPS:
        assert alice.get(draft.step_url(step.slug)).status_code == 200
    models_step = alice.get(draft.step_url("models")).context["form"]
    assert models_step["data_may_leave_cloud"].value() == "yes"
    assert models_step["tuned_model_scope"].value() == "shared"

    review = text(alice, draft.url("review"))
    for label, shown in [
        ("Can answers wait a few hours?", "No"),
        ("Which model does the client use for this today?", "No model in use yet"),
        ("May the client's data be sent to a model provider outside their own cloud?", "Yes"),
        ("If a model were fine-tuned, where could it run?", "No preference"),
        ("Which metric fell short of its target?", "Not measured"),
        ("How many held-out test cases are there?", "Not given"),
        ("Was adapter fine-tuning already tried, and did it fall short too?", "No"),
    ]:
        assert f"{label}</dt>" in review
        assert f'{shown} <span class="text-muted small">(not answered yet: the default)' in review
    assert "badge text-bg-danger" not in review

    assert alice.post(draft.url("submit"))["Location"] == draft.url("result")
    draft.refresh_from_db()
    assert draft.answers == parse_answers(draft.answers)[0].to_dict()
    assert draft.answers["data_may_leave_cloud"] is True
    assert draft.questionnaire_version == questionnaire.QUESTIONNAIRE_VERSION
    assert "not answered yet" not in text(alice, draft.url("result"))


@pytest.mark.django_db
def test_an_older_submitted_assessment_shows_compares_reports_and_exports(
    alice: HttpClient, acme: Agency
) -> None:
    before = older(acme, dict(SAMPLE_INPUT), submit=True)
    assert "batch_allowed" not in before.answers
    after = services.assessment_submit(
        assessment=services.assessment_start(
            project=acme.project,
            by=acme.admin.user,
            answers={**SAMPLE_INPUT, "batch_allowed": True, "tuned_model_scope": "shared"},
        ),
        by=acme.admin.user,
    )

    result = text(alice, before.url("result"))
    assert "questionnaire 2026.11" in result
    assert "Can answers wait a few hours?</dt>" in result
    compare = text(alice, reverse("advisor:compare", args=[acme.project.pk]))
    assert "Can answers wait a few hours?</th><td>No</td><td>Yes</td>" in compare
    # A default the newer assessment states outright is no change.
    assert "Would similar clients share one tuned model" not in compare
    preview = reverse("advisor:report_preview", args=[acme.project.pk, before.pk, "full"])
    assert "One tuned model shared by all similar clients" in text(alice, preview)

    exported = json.loads(alice.get(before.url("export")).content)
    assert exported["answers_version"] == "2026.12"
    assert exported["batch_allowed"] is False
    assert exported["tuned_model_hosting"] == "no_preference"
    assert exported["current_model"] == "none"
    assert parse_answers(exported)[0] == parse_answers(SAMPLE_INPUT)[0]
    assert after.answers["batch_allowed"] is True


@pytest.mark.django_db
def test_a_file_exported_before_the_version_was_written_still_imports(
    alice: HttpClient, acme: Agency, tmp_path
) -> None:
    from tests.advisor.test_assessment_pages import import_file

    response = import_file(alice, acme.project.pk, json.dumps(SAMPLE_INPUT).encode())

    assert response.status_code == 200
    imported = Assessment.objects.get(project=acme.project)
    assert imported.answers == parse_answers(SAMPLE_INPUT)[0].to_dict()
    assert imported.validation_errors() == {}
