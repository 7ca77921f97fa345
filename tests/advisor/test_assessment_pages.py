import io
import json

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advisor import services
from advisor.models import Assessment
from advisor.scoring import recommend_from_input
from advisor.scoring.examples import EXAMPLE_PROJECTS, sample_input
from tests.personas import Agency


def submitted(agency: Agency, answers: dict | None = None) -> Assessment:
    """A submitted assessment made through the services, as the wizard would."""
    assessment = services.assessment_start(
        project=agency.project, by=agency.admin.user, answers=answers or sample_input()
    )
    return services.assessment_submit(assessment=assessment, by=agency.admin.user)


def assessment_urls(assessment: Assessment) -> list[tuple[str, str]]:
    project = assessment.project_id
    return [
        ("get", assessment.step_url("use-case")),
        ("post", assessment.step_url("use-case")),
        ("get", assessment.url("resume")),
        ("get", assessment.url("review")),
        ("post", assessment.url("submit")),
        ("get", assessment.url("result")),
        ("get", assessment.url("export")),
        ("post", reverse("advisor:new", args=[project])),
        ("post", reverse("advisor:import", args=[project])),
        ("get", reverse("advisor:compare", args=[project])),
    ]


@pytest.mark.django_db
def test_every_assessment_url_of_another_organization_is_404(
    alice: HttpClient, acme: Agency, globex: Agency
) -> None:
    theirs = submitted(globex)
    draft = services.assessment_start(project=globex.project, by=globex.admin.user)
    for assessment in (theirs, draft):
        for method, url in assessment_urls(assessment):
            response = getattr(alice, method)(url, {"version": 1})
            assert response.status_code == 404, f"{method.upper()} {url}: {response.status_code}"
    assert globex.project.assessments.count() == 2
    # An assessment id paired with one of Alice's own projects is no way in either.
    forged = f"/projects/{acme.project.pk}/assessments/{theirs.pk}/result/"
    assert alice.get(forged).status_code == 404


@pytest.mark.django_db
def test_export_gives_the_engines_input_and_recommend_reads_it_back(
    alice: HttpClient, acme: Agency, tmp_path
) -> None:
    assessment = submitted(acme, dict(EXAMPLE_PROJECTS["invoice_extraction"]))
    response = alice.get(assessment.url("export"))
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    exported = json.loads(response.content)
    assert exported == {"answers_version": "2026.12", **assessment.answers}
    again = recommend_from_input(exported).to_dict()
    assert json.loads(json.dumps(again)) == assessment.recommendation


@pytest.mark.django_db
def test_an_incomplete_draft_cannot_be_exported(alice: HttpClient, acme: Agency) -> None:
    draft = services.assessment_start(project=acme.project, by=acme.admin.user)
    response = alice.get(draft.url("export"), follow=True)
    assert "Answer every question before exporting" in response.content.decode()


@pytest.mark.django_db
def test_importing_an_export_starts_a_prefilled_draft(alice: HttpClient, acme: Agency) -> None:
    upload = io.BytesIO(json.dumps(sample_input(task_type="code")).encode())
    upload.name = "answers.json"
    response = alice.post(reverse("advisor:import", args=[acme.project.pk]), {"file": upload})
    draft = acme.project.assessments.get()
    assert response["Location"] == draft.url("review")
    assert draft.answers["task_type"] == "code"
    assert draft.validation_errors() == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (json.dumps({**sample_input(), "example_count": -3}).encode(), "example_count must be"),
        (json.dumps({**sample_input(), "colour": "red"}).encode(), "colour is not a known answer"),
        (b"{}", "build_budget is required"),
        (b"{}", "and 6 more problems"),
        (b" " * (300 * 1024), "larger than 256 KB"),
    ],
)
def test_a_malformed_import_says_why_and_creates_nothing(
    alice: HttpClient, acme: Agency, content: bytes, message: str
) -> None:
    upload = io.BytesIO(content)
    upload.name = "answers.json"
    response = alice.post(
        reverse("advisor:import", args=[acme.project.pk]), {"file": upload}, follow=True
    )
    assert message in response.content.decode()
    assert not Assessment.objects.exists()


def count_queries(http: HttpClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_pages_run_the_same_queries_however_many_assessments_exist(
    alice: HttpClient, acme: Agency
) -> None:
    first = submitted(acme)
    draft = services.assessment_start(project=acme.project, by=acme.admin.user)
    pages = [
        draft.step_url("use-case"),
        draft.url("review"),
        first.url("result"),
        acme.project.get_absolute_url(),
        reverse("projects:dashboard"),
    ]
    before = [count_queries(alice, url) for url in pages]
    for _ in range(8):
        submitted(acme)
    assert [count_queries(alice, url) for url in pages] == before
    assert max(before) <= 12


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("similar_clients", 1, "1 client"),
        ("similar_clients", 3, "3 clients"),
        ("monthly_requests", 1, "1 request per month"),
        ("monthly_requests", 250000, "250,000 requests per month"),
        ("build_budget", 25000, "$25,000"),
        ("build_budget", 1234.5, "$1,234.50"),
        ("latency_target_ms", None, "No target"),
        ("major_change_expected", True, "Yes"),
        ("gaps", [], "None"),
        ("gaps", ["format", "cost"], "Breaks the output format, Costs too much per request"),
    ],
)
def test_answers_read_naturally(field: str, value: object, shown: str) -> None:
    from advisor.presentation import format_answer

    assert format_answer(field, value) == shown


def import_file(http: HttpClient, project_pk: int, content: bytes):
    upload = io.BytesIO(content)
    upload.name = "answers.json"
    return http.post(reverse("advisor:import", args=[project_pk]), {"file": upload}, follow=True)


def _raw(field: str, literal: str) -> bytes:
    return json.dumps(sample_input(**{field: "__raw__"})).replace('"__raw__"', literal).encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            b"[" * 100_000 + b"]" * 100_000,
            "The file is nested more than 10 levels deep",
            id="nested 100,000 deep",
        ),
        pytest.param(
            _raw("example_count", "9" * 5_000),
            "example_count must be a whole number from 0 to 10,000,000 (got a number of 5,000",
            id="5,000-digit integer",
        ),
        pytest.param(
            _raw("similar_clients", "9" * 400),
            "similar_clients must be a whole number from 1 to 100,000",
            id="400-digit integer",
        ),
        pytest.param(
            json.dumps(sample_input(assumptions={"labour_rate_per_hour": 10**400})).encode(),
            "assumptions.labour_rate_per_hour must be a number from 0 to",
            id="400-digit assumption",
        ),
        pytest.param(
            json.dumps(
                sample_input(prompting_status="falls_short", gaps=["cost"] * 36_000),
                separators=(",", ":"),
            ).encode(),
            "gaps must be a list of distinct values",
            id="36,000 gaps",
        ),
    ],
)
def test_a_hostile_import_says_why_and_creates_nothing(
    alice: HttpClient, acme: Agency, content: bytes, message: str
) -> None:
    response = import_file(alice, acme.project.pk, content)

    assert response.status_code == 200
    assert message in response.content.decode().replace("&quot;", '"')
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_thousands_of_import_problems_give_a_short_message(alice: HttpClient, acme: Agency) -> None:
    unknown = {f"{number:x}": 0 for number in range(25_000)}
    content = json.dumps(sample_input(assumptions=unknown), separators=(",", ":")).encode()

    response = import_file(alice, acme.project.pk, content)

    [message] = [str(m) for m in response.context["messages"]]
    assert message.endswith("and 24,981 more problems")
    assert message.count("labour_rate_per_hour") == 1
    assert len(message) < 5_000
    assert not Assessment.objects.exists()
