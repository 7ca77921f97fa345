import json
import re

import pytest
from django.db import connections
from django.test import Client as HttpClient
from django.urls import reverse

from advisor.forms import DONT_KNOW
from advisor.models import Assessment
from advisor.questionnaire import STEPS
from advisor.scoring import parse_answers, recommend
from advisor.scoring.examples import EXAMPLE_PROJECTS, sample_input
from projects.models import Project
from tests.advisor.wizard import fill_all_steps, step_post
from tests.personas import Agency


def start(http: HttpClient, project: Project) -> Assessment:
    response = http.post(reverse("advisor:new", args=[project.pk]))
    assessment = project.assessments.order_by("-number").first()
    assert response["Location"] == assessment.step_url("use-case")
    return assessment


@pytest.mark.django_db
def test_the_whole_journey_stores_the_engines_output(alice: HttpClient, acme: Agency) -> None:
    response = alice.post(
        reverse("projects:project_create"),
        {"client": acme.client.pk, "name": "Brand posts", "description": "On-brand posts."},
    )
    project = Project.objects.get(name="Brand posts")
    answers = EXAMPLE_PROJECTS["brand_voice"]
    assessment = start(alice, project)
    fill_all_steps(alice, assessment, answers)

    review = alice.get(assessment.url("review"))
    assert review.status_code == 200
    assert review.context["errors"] == {}
    assert "Submit and see the recommendation" in review.content.decode()

    response = alice.post(assessment.url("submit"))
    assert response["Location"] == assessment.url("result")
    assessment.refresh_from_db()
    expected = recommend(parse_answers(answers)[0]).to_dict()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert assessment.recommendation == json.loads(json.dumps(expected))
    assert assessment.ruleset_version == expected["ruleset_version"]
    assert assessment.answers == parse_answers(answers)[0].to_dict()
    assert assessment.questionnaire_version == "2026.12"
    assert set(assessment.costs["horizons"]) == {"12", "24", "36"}
    assert assessment.submitted_by == acme.admin.user
    assert Project.objects.with_stage().get(pk=project.pk).stage == "recommended"

    page = alice.get(assessment.url("result")).content.decode()
    assert "System-prompt engineering" in page
    assert "Too few examples" in page
    assert "<svg" in page


# Committed for real, so closing every connection (a restart) loses nothing but the connection.
@pytest.mark.django_db(transaction=True)
def test_answers_survive_logout_session_expiry_and_a_restart(
    alice: HttpClient, acme: Agency
) -> None:
    assessment = start(alice, acme.project)
    answers = sample_input()
    alice.post(assessment.step_url("use-case"), step_post(assessment, "use-case", answers))
    alice.logout()
    connections.close_all()  # as if the server restarted: nothing survives but the database

    again = acme.http()  # a fresh session
    page = again.get(assessment.step_url("use-case"))
    assert page.context["form"].initial["task_type"] == "classification"
    assert page.context["form"].initial["reliability_requirement"] == "high"
    resume = again.get(reverse("advisor:resume", args=[acme.project.pk, assessment.pk]))
    assert resume["Location"] == assessment.step_url("data")


@pytest.mark.django_db
def test_back_keeps_typed_values_even_invalid_ones(alice: HttpClient, acme: Agency) -> None:
    assessment = start(alice, acme.project)
    fill_all_steps(alice, assessment, sample_input())
    assessment.status = Assessment.Status.DRAFT
    data = step_post(assessment, "budget", sample_input(), action="back")
    data["build_budget"] = "twelve grand"
    data["weeks_to_launch"] = "8"
    response = alice.post(assessment.step_url("budget"), data)
    assert response["Location"] == assessment.step_url("change")
    assessment.refresh_from_db()
    assert assessment.answers["weeks_to_launch"] == 8
    assert assessment.pending_inputs == {"build_budget": "twelve grand"}

    page = alice.get(assessment.step_url("budget")).content.decode()
    assert 'value="twelve grand"' in page
    review = alice.get(assessment.url("review"))
    assert "build_budget" in review.context["errors"]
    assert alice.post(assessment.url("submit"))["Location"] == assessment.url("review")


@pytest.mark.django_db
def test_next_with_invalid_input_shows_errors_and_keeps_the_valid_ones(
    alice: HttpClient, acme: Agency
) -> None:
    assessment = start(alice, acme.project)
    data = step_post(assessment, "volume", sample_input())
    data.update(monthly_requests="-5", input_tokens="lots", output_tokens="1,500")
    response = alice.post(assessment.step_url("volume"), data)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["monthly_requests"] == ["Enter at least 0."]
    assert errors["input_tokens"] == ["Enter a whole number, such as 1200."]
    assert "output_tokens" not in errors
    page = response.content.decode()
    assert "Please check these 2 answers" in page
    assessment.refresh_from_db()
    assert assessment.answers["output_tokens"] == 1500
    assert assessment.pending_inputs == {"monthly_requests": "-5", "input_tokens": "lots"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("example_count", "10000001", "Enter at most 10,000,000."),
        ("example_count", "1e400", "Enter a whole number"),
        ("example_count", "9" * 5000, "Enter a whole number"),
        ("build_budget", "NaN", "Enter an amount"),
        ("build_budget", "-1", "Enter an amount of $0 or more."),
        ("build_budget", "2000000000", "Enter at most $1,000,000,000."),
        ("task_type", "rocket_science", "Select a valid choice"),
        ("example_sources", "carrier_pigeon", "Select a valid choice"),
        ("major_change_expected", "maybe", "Select a valid choice"),
    ],
)
def test_every_kind_of_bad_input_names_the_problem(
    alice: HttpClient, acme: Agency, field: str, typed: str, message: str
) -> None:
    assessment = start(alice, acme.project)
    slug = next(step.slug for step in STEPS if field in step.fields)
    data = step_post(assessment, slug, sample_input())
    data[field] = typed
    response = alice.post(assessment.step_url(slug), data)
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])


@pytest.mark.django_db
def test_gap_questions_apply_only_when_prompting_fell_short(
    alice: HttpClient, acme: Agency
) -> None:
    assessment = start(alice, acme.project)
    answers = EXAMPLE_PROJECTS["invoice_extraction"]
    fill_all_steps(alice, assessment, answers)
    assert assessment.answers["gaps"] == ["format", "cost"]
    # Changing the answer to "meets the bar" drops the gaps instead of keeping stale ones.
    data = step_post(assessment, "prompting", {**answers, "prompting_status": "meets_bar"})
    data["gaps"] = ["skill"]
    alice.post(assessment.step_url("prompting"), data)
    assessment.refresh_from_db()
    assert "gaps" not in assessment.answers
    assert assessment.validation_errors() == {}
    assert assessment.engine_input()["gaps"] == []


@pytest.mark.django_db
def test_a_stale_save_is_refused_and_the_typed_values_shown_again(
    alice: HttpClient, acme: Agency, carol
) -> None:
    assessment = start(alice, acme.project)
    carol_http = acme.http(carol)
    loaded_version = assessment.version
    # Carol saves the same step first.
    carol_http.post(
        assessment.step_url("use-case"), step_post(assessment, "use-case", sample_input())
    )
    # Alice, still on the page she loaded earlier, saves something else.
    data = step_post(assessment, "use-case", sample_input(task_type="code"))
    data["version"] = loaded_version
    response = alice.post(assessment.step_url("use-case"), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "carol@acme.example saved this assessment" in page
    assert re.search(r"<input [^>]*value=\"code\"[^>]*checked", page)
    assessment.refresh_from_db()
    assert assessment.answers["task_type"] == "classification"
    # Saving again from the conflict page, now knowingly, goes through.
    data["version"] = assessment.version
    assert alice.post(assessment.step_url("use-case"), data).status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers["task_type"] == "code"


@pytest.mark.django_db
def test_two_tabs_on_two_projects_do_not_interfere(alice: HttpClient, acme: Agency) -> None:
    from tests.factories import ProjectFactory

    other = ProjectFactory(client=acme.client)
    first, second = start(alice, acme.project), start(alice, other)
    alice.post(first.step_url("use-case"), step_post(first, "use-case", sample_input()))
    alice.post(
        second.step_url("use-case"), step_post(second, "use-case", sample_input(task_type="code"))
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.answers["task_type"] == "classification"
    assert second.answers["task_type"] == "code"


@pytest.mark.django_db
def test_the_token_estimate_fills_in_the_prompt_size(alice: HttpClient, acme: Agency) -> None:
    assessment = start(alice, acme.project)
    data = step_post(assessment, "volume", sample_input(), action="estimate")
    data["sample_prompt"] = "x" * 4002
    response = alice.post(assessment.step_url("volume"), data, follow=True)
    assert "Estimated about 1,001 tokens" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.answers["prompt_tokens"] == 1001


@pytest.mark.django_db
def test_html_typed_anywhere_is_shown_as_text(alice: HttpClient, acme: Agency) -> None:
    assessment = start(alice, acme.project)
    data = step_post(assessment, "data", sample_input(), action="back")
    data["example_count"] = "<script>alert(1)</script>"
    alice.post(assessment.step_url("data"), data)
    for url in [assessment.step_url("data"), assessment.url("review")]:
        page = alice.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.django_db
def test_a_forged_step_or_a_submitted_assessment_is_not_editable(
    alice: HttpClient, acme: Agency
) -> None:
    assessment = start(alice, acme.project)
    assert alice.get(assessment.step_url("nope")).status_code == 404
    assert alice.get(f"/projects/{acme.project.pk}/assessments/999999/use-case/").status_code == 404
    fill_all_steps(alice, assessment, sample_input())
    alice.post(assessment.url("submit"))
    frozen = Assessment.objects.get(pk=assessment.pk)
    response = alice.post(
        assessment.step_url("use-case"),
        step_post(frozen, "use-case", sample_input(task_type="code")),
    )
    assert response["Location"] == assessment.url("result")
    assert Assessment.objects.get(pk=assessment.pk).answers == frozen.answers


@pytest.mark.django_db
def test_reassessing_prefills_from_the_last_assessment_and_compare_shows_changes(
    alice: HttpClient, acme: Agency
) -> None:
    first = start(alice, acme.project)
    fill_all_steps(alice, first, EXAMPLE_PROJECTS["brand_voice"])
    alice.post(first.url("submit"))
    second = start(alice, acme.project)
    assert second.number == 2
    assert second.based_on == first
    assert second.answers == Assessment.objects.get(pk=first.pk).answers
    grown = {
        **EXAMPLE_PROJECTS["brand_voice"],
        "example_count": 1200,
        "data_coverage": "full_range",
    }
    fill_all_steps(alice, second, grown)
    alice.post(second.url("submit"))

    page = alice.get(reverse("advisor:compare", args=[acme.project.pk]))
    assert page.status_code == 200
    changed = {row["label"]: row for row in page.context["changed_answers"]}
    assert changed["How many good input/output examples exist today?"]["after"] == "1,200 examples"
    assert len(changed) == 2


@pytest.mark.django_db
def test_dont_know_stores_the_stated_assumption_and_lowers_confidence(
    alice: HttpClient, acme: Agency
) -> None:
    assessment = start(alice, acme.project)
    answers = sample_input()
    fill_all_steps(alice, assessment, answers)
    data = step_post(assessment, "volume", answers)
    data.update(monthly_requests="not sure", monthly_requests_unknown="on")
    assert alice.post(assessment.step_url("volume"), data).status_code == 302
    assessment.refresh_from_db()
    data = step_post(assessment, "change", answers)
    data["change_frequency"] = DONT_KNOW
    alice.post(assessment.step_url("change"), data)
    assessment.refresh_from_db()
    assert assessment.answers["monthly_requests"] == 10_000
    assert assessment.answers["change_frequency"] == "quarterly"
    assert assessment.answers["unknown"] == ["change_frequency", "monthly_requests"]
    assert assessment.pending_inputs == {}

    page = alice.get(assessment.step_url("volume")).content.decode()
    assert re.search(r'name="monthly_requests_unknown"[^>]*checked', page)
    review = alice.get(assessment.url("review")).content.decode()
    assert "Don't know (assumed: 10,000 requests per month)" in review.replace("&#x27;", "'")

    alice.post(assessment.url("submit"))
    assessment.refresh_from_db()
    notes = " ".join(assessment.recommendation["confidence_notes"])
    assert "the monthly volume" in notes
    assert "how often requirements change" in notes

    # Answering it later clears the "don't know".
    second = start(alice, acme.project)
    data = step_post(second, "volume", answers)
    alice.post(second.step_url("volume"), data)
    second.refresh_from_db()
    assert second.answers["unknown"] == ["change_frequency"]


@pytest.mark.django_db
def test_dont_know_as_an_answer_of_data_coverage_is_kept_and_shown(
    alice: HttpClient, acme: Agency
) -> None:
    # "Don't know" is a real answer of data_coverage, not the wizard's "don't know" box.
    assessment = start(alice, acme.project)
    answers = sample_input(data_coverage="unknown")
    fill_all_steps(alice, assessment, answers)
    assert assessment.answers["data_coverage"] == "unknown"
    assert "unknown" not in assessment.answers

    step = alice.get(assessment.step_url("data"))
    assert step.context["form"].initial["data_coverage"] == "unknown"
    review = alice.get(assessment.url("review"))
    assert review.status_code == 200
    assert review.context["errors"] == {}
    rows = {row.field: row.value for _, rows in review.context["sections"] for row in rows}
    assert rows["data_coverage"] == "Don't know"
    assert alice.get(assessment.url("resume"))["Location"] == assessment.url("review")
    assert alice.get(assessment.url("export")).status_code == 200
    assert alice.post(assessment.url("submit"))["Location"] == assessment.url("result")


@pytest.mark.django_db
def test_a_nul_character_typed_into_an_answer_is_dropped_not_a_500(
    alice: HttpClient, acme: Agency
) -> None:
    # PostgreSQL cannot store U+0000 in JSON; what was typed is kept without it.
    assessment = start(alice, acme.project)
    data = step_post(assessment, "data", sample_input())
    data["example_count"] = "12\x00 examples"
    data["example_sources"] = ["manual\x00"]

    response = alice.post(assessment.step_url("data"), data)

    assert response.status_code == 422
    assessment.refresh_from_db()
    assert assessment.pending_inputs == {
        "example_count": "12 examples",
        "example_sources": ["manual"],
    }


FELL_SHORT = sample_input(prompting_status="falls_short", gaps=["format"])


@pytest.mark.django_db
def test_a_shortfall_is_stored_with_its_metric_and_read_back_in_its_unit(
    alice: HttpClient, acme: Agency
) -> None:
    assessment = start(alice, acme.project)
    data = step_post(assessment, "prompting", FELL_SHORT)
    data |= {
        "prompting_built": ["few_shot", "system_prompt"],
        "heldout_set_size": "1,200",
        "shortfall_metric": "format_compliance",
        "shortfall_measured": "85%",
        "shortfall_target": "99.5",
        "adapter_fell_short": "yes",
    }
    assert alice.post(assessment.step_url("prompting"), data).status_code == 302
    assessment.refresh_from_db()
    assert {k: assessment.answers[k] for k in data if k in assessment.answers} == {
        "prompting_status": "falls_short",
        "gaps": ["format"],
        "structured_output_tried": False,
        "prompting_built": ["few_shot", "system_prompt"],
        "heldout_set_size": 1200,
        "shortfall_metric": "format_compliance",
        "shortfall_measured": 85,
        "shortfall_target": 99.5,
        "adapter_fell_short": True,
    }
    page = alice.get(assessment.step_url("prompting")).content.decode()
    assert re.search(r'data-unit-of="shortfall_metric"[^>]*>percent<', page)
    review = alice.get(assessment.url("review")).content.decode()
    assert "85%" in review
    assert "99.5%" in review
    assert "1,200 cases" in review


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("metric", "measured", "target", "field", "message"),
    [
        ("accuracy", "70", "", "shortfall_measured", "Enter the target as well"),
        ("accuracy", "", "90", "shortfall_target", "Enter what the best prompt measured"),
        ("latency_p95", "800", "800", "shortfall_target", "The target must differ"),
        ("consistency", "80", "101", "shortfall_target", "This metric is a percentage"),
        ("", "80", "x", "shortfall_target", "Enter a number, such as 85 or 0.004."),
        ("", "-1", "3", "shortfall_measured", "Enter 0 or more."),
    ],
)
def test_a_shortfall_that_does_not_add_up_is_named_and_kept_as_typed(
    alice: HttpClient,
    acme: Agency,
    metric: str,
    measured: str,
    target: str,
    field: str,
    message: str,
) -> None:
    assessment = start(alice, acme.project)
    data = step_post(assessment, "prompting", FELL_SHORT)
    data |= {"shortfall_metric": metric, "shortfall_measured": measured}
    data["shortfall_target"] = target
    response = alice.post(assessment.step_url("prompting"), data)

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assessment.refresh_from_db()
    assert assessment.pending_inputs == {field: data[field]}
    assert "prompting" not in assessment.steps_done()
    assert alice.post(assessment.url("submit"))["Location"] == assessment.url("review")


@pytest.mark.django_db
def test_the_shortfall_questions_are_dropped_when_prompting_is_said_to_meet_the_bar(
    alice: HttpClient, acme: Agency
) -> None:
    assessment = start(alice, acme.project)
    data = step_post(assessment, "prompting", FELL_SHORT)
    data |= {"shortfall_metric": "accuracy", "shortfall_measured": "x", "heldout_set_size": "40"}
    alice.post(assessment.step_url("prompting"), data)  # refused: "x" is not a number
    assessment.refresh_from_db()
    assert "shortfall_measured" in assessment.pending_inputs

    data["prompting_status"] = "meets_bar"
    assessment.refresh_from_db()
    data["version"] = assessment.version
    assert alice.post(assessment.step_url("prompting"), data).status_code == 302
    assessment.refresh_from_db()
    assert assessment.pending_inputs == {}
    assert assessment.answers["heldout_set_size"] == 40
    assert "shortfall_metric" not in assessment.answers
    assert assessment.engine_input()["shortfall_metric"] is None


@pytest.mark.django_db
def test_the_conditional_questions_say_when_they_apply(alice: HttpClient, acme: Agency) -> None:
    assessment = start(alice, acme.project)
    page = alice.get(assessment.step_url("prompting")).content.decode()

    tried = 'data-show-when="prompting_status=meets_bar,falls_short"'
    fell_short = 'data-show-when="prompting_status=falls_short"'
    assert re.search(rf'id="question-prompting_built"\s*{tried}', page)
    assert re.search(rf'id="question-heldout_set_size"\s*{tried}', page)
    for field in ("gaps", "shortfall_metric", "shortfall_target", "adapter_fell_short"):
        assert re.search(rf'id="question-{field}"\s*{fell_short}', page), field
    assert "(only if prompting was tried)" in page
    # Without a metric chosen yet, the values are in a neutral unit, explained in the help.
    assert re.search(r'data-unit-of="shortfall_metric"[^>]*>value<', page)
    assert "percent for format compliance, accuracy and consistency" in page
