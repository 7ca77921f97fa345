"""The pilot's pages through the real stack: record, import, pick cases, download the kit, and
the result page's evidence; another organization's pilot is 404."""

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from advisor.models import Assessment, Pilot, PilotCase
from projects.models import AuditEvent
from tests.personas import Agency, submit

EXAMPLES = Path(__file__).parent / "pilot_examples"
RECORD = {
    "held_out_size": "200",
    "held_out_drawn": "Every tenth invoice of 2026, set aside before training.",
    "held_out_confirmed": "on",
    "fell_short": "format_compliance",
    "targets": "format_compliance>=0.95\nlatency_ms<=800",
    "output_schema": '{"type": "object", "required": ["invoice_no"]}',
}


@pytest.fixture
def piloted(acme: Agency) -> Assessment:
    return submit(acme, "clinical_coding")


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content if content is not None else (EXAMPLES / name).read_bytes()
    )


def recorded(http: HttpClient, assessment: Assessment) -> Pilot:
    response = http.post(assessment.url("pilot"), RECORD)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Pilot.objects.get(assessment=assessment)


def imported(http: HttpClient, assessment: Assessment, name: str = "clear_win.csv") -> Pilot:
    recorded(http, assessment)
    response = http.post(assessment.url("pilot_import"), {"file": upload(name)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Pilot.objects.get(assessment=assessment)


@pytest.mark.django_db
def test_the_pilot_form_starts_from_the_answers_and_saves_the_record(
    alice: HttpClient, piloted: Assessment
) -> None:
    page = alice.get(piloted.url("pilot"))
    assert page.status_code == 200
    assert "Record the pilot" in page.content.decode()

    pilot = recorded(alice, piloted)

    assert pilot.held_out_size == 200
    assert pilot.held_out_confirmed is True
    assert pilot.fell_short == ["format_compliance"]
    assert pilot.targets == [
        {"metric": "format_compliance", "comparison": ">=", "value": 0.95},
        {"metric": "latency_ms", "comparison": "<=", "value": 800.0},
    ]
    assert pilot.output_schema == {"type": "object", "required": ["invoice_no"]}
    assert AuditEvent.objects.filter(action="created", target_type="pilot").exists()


@pytest.mark.django_db
def test_bad_record_fields_are_named_and_nothing_is_saved(
    alice: HttpClient, piloted: Assessment
) -> None:
    bad = {**RECORD, "held_out_size": "0", "targets": "format_compliance=>1", "output_schema": "{"}

    response = alice.post(piloted.url("pilot"), bad)

    text = response.content.decode()
    assert response.status_code == 400
    assert "Held-out test cases:" in text
    assert "Line 1:" in text
    assert "This is not valid JSON" in text
    assert not Pilot.objects.exists()


@pytest.mark.django_db
def test_an_assessment_without_a_pilot_recommendation_has_no_pilot_page(
    alice: HttpClient, acme: Agency
) -> None:
    assessment = submit(acme, "brand_voice")

    response = alice.get(assessment.url("pilot"))

    assert response.status_code == 302
    assert "Record the pilot" not in alice.get(assessment.url("result")).content.decode()


@pytest.mark.django_db
def test_an_import_shows_the_verdict_on_the_pilot_and_result_pages(
    alice: HttpClient, piloted: Assessment
) -> None:
    pilot = imported(alice, piloted)
    assert pilot.verdict is not None

    result = alice.get(piloted.url("result")).content.decode()

    assert "Evidence from the pilot" in result
    assert "Next step: Adopt the fine-tuned model" in result
    assert "Adopt the fine-tuned model: on the same 200 held-out cases" in result
    assert "+5.5 to +15.0 points" in result  # format compliance's interval
    assert "&lt; 0.001" in result
    assert "at least 95.0 %" in result
    assert "When submitted, the recommendation was: Pilot" in result


@pytest.mark.django_db
def test_after_a_keep_prompting_verdict_the_charts_mark_the_prompting_approach(
    alice: HttpClient, piloted: Assessment
) -> None:
    before = alice.get(piloted.url("result")).content.decode()
    imported(alice, piloted, "win_with_regression.json")
    after = alice.get(piloted.url("result")).content.decode()

    marked = re.compile(r'data-key="(\w+)" data-emphasis="primary"')
    assert set(marked.findall(before)) == {piloted.result["primary_approach"]}
    [kept] = set(marked.findall(after))
    assert kept in {"zero_shot", "few_shot", "system_prompt", "rag"}
    assert kept != piloted.result["primary_approach"]


@pytest.mark.django_db
def test_a_bad_upload_lists_every_problem_by_row_and_keeps_what_was_saved(
    alice: HttpClient, piloted: Assessment
) -> None:
    pilot = imported(alice, piloted)
    before = list(PilotCase.objects.values_list("pk", flat=True))
    bad = b"case_id,approach,format_compliance\n1,best-prompt,maybe\n1,tuned,yes\n2,best-prompt,1\n"

    response = alice.post(piloted.url("pilot_import"), {"file": upload("bad.csv", bad)})

    text = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported; the earlier results are kept." in text
    assert "row 2, column format_compliance" in text
    assert list(PilotCase.objects.values_list("pk", flat=True)) == before
    pilot.refresh_from_db()
    assert pilot.results_version == 1


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_unread(
    alice: HttpClient, piloted: Assessment, settings
) -> None:
    recorded(alice, piloted)
    big = b"x" * (16 * 1024 * 1024 + 1)

    response = alice.post(piloted.url("pilot_import"), {"file": upload("big.csv", big)})

    assert response.status_code == 400
    assert "larger than 16 MB" in response.content.decode()
    assert not PilotCase.objects.exists()


@pytest.mark.django_db
def test_picked_cases_show_side_by_side_escaped(alice: HttpClient, piloted: Assessment) -> None:
    pilot = imported(alice, piloted)
    case = PilotCase.objects.get(pilot=pilot, case_id="inv-002")
    output = case.outputs.get(approach=pilot.candidate_approach)
    output.output = "<script>alert(1)</script>" + "long " * 3000
    output.save()

    response = alice.post(piloted.url("pilot_compare"), {"cases": ["inv-002", "inv-001"]})
    assert response.status_code == 302
    page = alice.get(piloted.url("result")).content.decode()

    assert "Side by side: the same input, both approaches" in page
    assert page.index("(case inv-002)") < page.index("(case inv-001)")
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Long text is shortened here." in page


@pytest.mark.django_db
def test_more_than_five_cases_are_refused(alice: HttpClient, piloted: Assessment) -> None:
    imported(alice, piloted)

    response = alice.post(
        piloted.url("pilot_compare"), {"cases": [f"inv-00{i}" for i in range(1, 7)]}
    )

    assert response.status_code == 400
    assert "pick at most 5" in response.content.decode()
    assert Pilot.objects.get().comparison_case_ids == []


@pytest.mark.django_db
def test_the_eval_kit_is_a_runnable_promptfoo_configuration(
    alice: HttpClient, acme: Agency
) -> None:
    assessment = submit(acme, "invoice_extraction")  # a format and a cost gap
    pilot = imported(alice, assessment)

    response = alice.get(assessment.url("pilot_kit"))

    assert response["Content-Type"] == "application/zip"
    assert 'filename="pilot-kit-acme-chatbot.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert names == {
        "pilot-kit/README.md",
        "pilot-kit/promptfooconfig.yaml",
        "pilot-kit/prompt.txt",
        "pilot-kit/tests.csv",
        "pilot-kit/schema.json",
    }
    config = archive.read("pilot-kit/promptfooconfig.yaml").decode()
    assert 'label: "best-prompt"' in config
    assert "type: is-json" in config
    assert "value: file://schema.json" in config
    assert "type: latency\n      threshold: 800" in config
    assert "type: cost" in config
    assert json.loads(archive.read("pilot-kit/schema.json")) == pilot.output_schema
    tests = archive.read("pilot-kit/tests.csv").decode()
    assert tests.startswith("case_id,input\n")
    assert tests.count("inv-") == 200
    assert AuditEvent.objects.filter(action="exported", detail="eval kit").exists()


@pytest.mark.django_db
def test_another_organizations_pilot_is_404_everywhere_and_unchanged(
    alice: HttpClient, globex: Agency
) -> None:
    theirs = submit(globex, "clinical_coding")
    bob = globex.http()
    pilot = imported(bob, theirs)
    picks_before = pilot.comparison_case_ids

    for name in ("pilot", "pilot_kit"):
        assert alice.get(theirs.url(name)).status_code == 404
    assert alice.post(theirs.url("pilot"), RECORD).status_code == 404
    assert (
        alice.post(theirs.url("pilot_import"), {"file": upload("clear_win.csv")}).status_code == 404
    )
    assert alice.post(theirs.url("pilot_compare"), {"cases": ["inv-001"]}).status_code == 404

    pilot.refresh_from_db()
    assert pilot.results_version == 1
    assert pilot.comparison_case_ids == picks_before
