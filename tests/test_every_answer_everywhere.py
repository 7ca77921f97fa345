"""Every choice of every question, and every "don't know", goes in through the wizard and shows
on every page: review, result, compare, export, report preview and the PDF.

Round-robin keeps it fast: eight assessments (the most choices any question has) each answer
every question, the i-th taking each question's i-th choice, and the last one says "don't
know" wherever a question allows it. The PDFs alternate variant: assessment 2k gets the
executive summary, 2k+1 the full report, whose "what changed" table shows 2k's answers beside
its own, so every value reaches a real WeasyPrint PDF, read back with pypdf.
"""

import io
import json
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from pypdf import PdfReader

from advisor import questionnaire, services
from advisor.forms import DONT_KNOW
from advisor.models import Assessment
from advisor.presentation import format_answer
from advisor.scoring import (
    ANSWER_FIELDS,
    UNKNOWABLE_FIELDS,
    FieldKind,
    choice_label,
    parse_answers,
)
from advisor.scoring.examples import sample_input
from reports.docx import RenderedDocx
from reports.pdf import RenderedReport, render_report_pdf
from tests.advisor.wizard import step_post
from tests.personas import Agency
from tests.reports.editor import editor_post

# Enough rounds for the most choices of any question, and for the shortfall's metrics (and
# "not measured") in the rounds where prompting fell short: all but the first two.
# The model used today has a choice per catalogue model: the rounds take "none", "other" and a
# few models, and test_every_model_in_use_today_shows_everywhere the rest.
MODELS = ("none", "other", *ANSWER_FIELDS["current_model"].choices[1:-1])
ROUNDS = max(
    *(len(spec.choices) for name, spec in ANSWER_FIELDS.items() if name != "current_model"),
    len(ANSWER_FIELDS["shortfall_metric"].choices) + 3,
)
PROMPTING = {0: "not_tried", 1: "meets_bar"}  # every other round: "falls_short"
FALLS_SHORT_ROUNDS = [i for i in range(ROUNDS) if i not in PROMPTING]
DONT_KNOW_ROUND = ROUNDS - 1
CHANGES_HEADING = "What changed since the previous report"

# Per metric: the measured value and target, and how a person reads them.
SHORTFALLS: dict[str | None, tuple[float | None, float | None, str, str]] = {
    "format_compliance": (85, 99, "85%", "99%"),
    "accuracy": (72.5, 90, "72.5%", "90%"),
    "consistency": (0, 100, "0%", "100%"),
    "latency_p95": (2_400, 800, "2,400 milliseconds", "800 milliseconds"),
    "cost_per_request": (0.012, 0.004, "$0.012 per request", "$0.004 per request"),
    "other": (3.5, 4, "3.5", "4"),
    None: (None, None, "Not measured", "No target given"),
}


def round_answers(i: int) -> dict[str, object]:
    """The contract answers of round i: every question's i-th choice (round-robin)."""
    answers = sample_input()
    for field, spec in ANSWER_FIELDS.items():
        if spec.kind is FieldKind.CHOICE:
            answers[field] = spec.choices[i % len(spec.choices)]
        elif spec.kind is FieldKind.BOOLEAN:
            answers[field] = i % 2 == 1
    answers["current_model"] = MODELS[i % len(MODELS)]
    sources = ANSWER_FIELDS["example_sources"].choices
    answers["example_sources"] = list(sources[: i % (len(sources) + 1)])  # none, one, two...
    built = ANSWER_FIELDS["prompting_built"].choices
    answers["prompting_built"] = list(built[: i % (len(built) + 1)])
    answers["heldout_set_size"] = [0, 250, None][i % 3]
    answers["prompting_status"] = PROMPTING.get(i, "falls_short")
    if i in FALLS_SHORT_ROUNDS:  # the gaps and metrics are shared out among these rounds
        k = FALLS_SHORT_ROUNDS.index(i)
        gaps = ANSWER_FIELDS["gaps"].choices
        answers["gaps"] = list(gaps[k :: len(FALLS_SHORT_ROUNDS)])
        metric = list(SHORTFALLS)[k % len(SHORTFALLS)]
        measured, target, _, _ = SHORTFALLS[metric]
        answers |= {
            "shortfall_metric": metric,
            "shortfall_measured": measured,
            "shortfall_target": target,
        }
    else:  # the questions that do not apply hold their neutral value
        answers |= {
            "gaps": [],
            "structured_output_tried": False,
            "shortfall_metric": None,
            "shortfall_measured": None,
            "shortfall_target": None,
            "adapter_fell_short": False,
        }
    if answers["prompting_status"] == "not_tried":
        answers["prompting_built"], answers["heldout_set_size"] = [], None
    if i == DONT_KNOW_ROUND:
        for field in UNKNOWABLE_FIELDS:
            answers[field] = questionnaire.QUESTIONS[field].assumed_if_unknown
        answers["unknown"] = list(UNKNOWABLE_FIELDS)
    return answers


def shown(answers: dict[str, object], field: str) -> list[str]:
    """What a person must see for this answer: its labels, or the "don't know" and assumption."""
    value = answers[field]
    if field in answers.get("unknown", []):  # type: ignore[operator]
        return [f"Don't know (assumed: {format_answer(field, value)})"]
    if field in ("shortfall_measured", "shortfall_target"):
        _, _, measured, target = SHORTFALLS[answers["shortfall_metric"]]  # type: ignore[index]
        return [measured if field == "shortfall_measured" else target]
    if field == "heldout_set_size":
        return [{0: "0 cases", 250: "250 cases", None: "Not given"}[value]]  # type: ignore[index]
    match ANSWER_FIELDS[field].kind:
        case FieldKind.CHOICE if value is None:
            return [questionnaire.QUESTIONS[field].blank]
        case FieldKind.CHOICE:
            return [choice_label(field, str(value))]
        case FieldKind.MULTIPLE_CHOICE:
            return [choice_label(field, item) for item in value] or ["None"]  # type: ignore[attr-defined]
        case FieldKind.BOOLEAN:
            return ["Yes" if value else "No"]
    return []  # the other numbers are the same in every round; the sweep is about choices


def applicable(answers: dict[str, object]) -> Iterator[str]:
    for step in questionnaire.STEPS:
        yield from questionnaire.applicable_fields(step, answers)


def assert_shows(text: str, answers: dict[str, object], fields: Iterator[str] | list[str]) -> None:
    flat = " ".join(text.split())
    for field in fields:
        for label in shown(answers, field):
            assert label in flat, (field, label)


def page(http: HttpClient, url: str) -> str:
    response = http.get(url)
    assert response.status_code == 200, (url, response.status_code)
    # Compare with the text as a person reads it: the page escapes quotes and ampersands.
    return response.content.decode().replace("&#x27;", "'").replace("&amp;", "&")


def fill_in(http: HttpClient, assessment: Assessment, answers: dict[str, object]) -> None:
    """Answer every step through the wizard, ticking "don't know" where the answers say so."""
    unknown = answers.get("unknown", [])
    for step in questionnaire.STEPS:
        assessment.refresh_from_db()
        data = step_post(assessment, step.slug, answers)
        for field in set(step.fields) & set(unknown):  # type: ignore[arg-type]
            if ANSWER_FIELDS[field].kind is FieldKind.INTEGER:
                data[field], data[f"{field}_unknown"] = "", "on"
            else:
                data[field] = DONT_KNOW
        response = http.post(assessment.step_url(step.slug), data)
        assert response.status_code == 302, (step.slug, response.status_code)
    assessment.refresh_from_db()


def pdf_text(http: HttpClient, assessment: Assessment, variant: str, *, back_to: str) -> str:
    """The report's last pages as pypdf reads them, back to the one holding `back_to` (reading
    text is slow in pure Python, and the answers sit at the end), once it is finalised."""
    draft = http.post(assessment.url("report_draft"))["Location"]

    def only_the_variant_read(context: dict[str, Any]) -> RenderedReport:
        # Finalising renders both; the other one is not read here, so it need not be real.
        if context["variant"] == variant:
            return render_report_pdf(context)
        return RenderedReport(pdf=b"%PDF-1.7 not read", page_count=1, refused_urls=())

    # The Word files hold the same HTML's content (tests/reports/test_docx.py); none is read here.
    not_read = RenderedDocx(docx=b"PK not read", checksum="0" * 64)
    with (
        mock.patch("reports.services.render_report_pdf", only_the_variant_read),
        mock.patch("reports.services.render_report_docx", return_value=not_read),
    ):
        assert http.post(draft, editor_post(action="finalise"))["Location"] == draft
    report = assessment.reports.get()
    response = http.get(reverse("reports:download", args=[report.pk, variant]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    texts: list[str] = []
    for pdf_page in reversed(reader.pages):
        texts.insert(0, pdf_page.extract_text())
        if back_to in " ".join(texts[0].split()):
            break
    return " ".join(texts)


def test_the_rounds_cover_every_choice_and_every_dont_know() -> None:
    covered = set()
    for i in range(ROUNDS):
        answers = round_answers(i)
        parse_answers(answers)
        for field in applicable(answers):
            value = answers[field]
            for item in value if isinstance(value, list) else [value]:
                covered.add((field, item))
    choices = {(f, c) for f, spec in ANSWER_FIELDS.items() for c in spec.choices}
    choices |= {
        (f, b) for f, s in ANSWER_FIELDS.items() if s.kind is FieldKind.BOOLEAN for b in (0, 1)
    }
    choices |= {(f, None) for f, s in ANSWER_FIELDS.items() if s.nullable}
    # Some models in use today are left to test_every_model_in_use_today_shows_everywhere.
    assert {field for field, _ in choices - covered} <= {"current_model"}
    assert ("data_coverage", "unknown") in covered  # the real answer spelled like "don't know"
    assert round_answers(DONT_KNOW_ROUND)["unknown"] == list(UNKNOWABLE_FIELDS)


@pytest.mark.django_db
def test_every_answer_shows_on_every_page_and_in_the_pdf(
    alice: HttpClient, acme: Agency, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    submitted: list[tuple[Assessment, dict[str, object]]] = []
    for i in range(ROUNDS):
        answers = round_answers(i)
        assessment = services.assessment_start(project=acme.project, by=acme.admin.user)
        fill_in(alice, assessment, answers)
        expected = parse_answers(answers)[0].to_dict()
        assert assessment.validation_errors() == {}, i

        assert_shows(page(alice, assessment.url("review")), answers, applicable(answers))
        exported = json.loads(page(alice, assessment.url("export")))
        assert parse_answers(exported)[0].to_dict() == expected  # an export always imports

        assert alice.post(assessment.url("submit"))["Location"] == assessment.url("result")
        assessment.refresh_from_db()
        assert assessment.answers == expected, i
        assert_shows(page(alice, assessment.url("result")), answers, applicable(answers))
        for variant in ("full", "executive"):
            url = reverse("advisor:report_preview", args=[acme.project.pk, assessment.pk, variant])
            preview = page(alice, url)
            if variant == "full":
                assert_shows(preview, answers, applicable(answers))

        if submitted:
            older, before = submitted[-1]
            url = reverse("advisor:compare", args=[acme.project.pk])
            compared = page(alice, f"{url}?a={older.pk}&b={assessment.pk}")
            changed = [f for f in ANSWER_FIELDS if shown(before, f) != shown(answers, f)]
            assert_shows(compared, before, changed)
            assert_shows(compared, answers, changed)

        if i % 2 == 0:
            assert "Next step " in pdf_text(alice, assessment, "executive", back_to="Next step ")
        else:
            text = pdf_text(alice, assessment, "full", back_to=CHANGES_HEADING)
            assert_shows(text, answers, applicable(answers))
            older, before = submitted[-1]
            changed = [f for f in ANSWER_FIELDS if shown(before, f) != shown(answers, f)]
            assert changed
            assert_shows(text, before, changed)
        submitted.append((assessment, answers))


@pytest.mark.django_db
def test_answers_the_contract_no_longer_allows_still_show_everywhere(
    alice: HttpClient, acme: Agency
) -> None:
    # Say a later questionnaire drops a choice: frozen assessments must still show.
    first, second = (
        services.assessment_submit(
            assessment=services.assessment_start(
                project=acme.project, by=acme.admin.user, answers=round_answers(i)
            ),
            by=acme.admin.user,
        )
        for i in (1, 2)
    )
    odd = {
        "change_frequency": "hourly",
        "vendor_lock_in_concern": None,
        "major_change_expected": "perhaps",
        "gaps": ["vibes"],
        "example_count": 10**400,
        "unknown": "everything",
    }
    Assessment.objects.filter(pk=second.pk).update(answers={**second.answers, **odd})

    result = page(alice, second.url("result"))
    assert "“hourly”" in result
    assert "“vibes”" in result
    url = reverse("advisor:compare", args=[acme.project.pk])
    assert "“hourly”" in page(alice, f"{url}?a={first.pk}&b={second.pk}")
    for variant in ("full", "executive"):
        preview = page(
            alice, reverse("advisor:report_preview", args=[acme.project.pk, second.pk, variant])
        )
        assert variant == "executive" or "“hourly”" in preview


@pytest.mark.django_db
def test_every_model_in_use_today_shows_everywhere(alice: HttpClient, acme: Agency) -> None:
    models_step = questionnaire.STEPS_BY_SLUG["models"]
    previous = None
    for model in MODELS:
        answers = {**round_answers(1), "current_model": model}
        label = choice_label("current_model", model)
        draft = services.assessment_start(
            project=acme.project, by=acme.admin.user, answers=round_answers(0)
        )
        data = step_post(draft, models_step.slug, answers)
        assert alice.post(draft.step_url(models_step.slug), data).status_code == 302
        draft.refresh_from_db()
        assert draft.answers["current_model"] == model
        assert label in page(alice, draft.url("review"))
        assert json.loads(page(alice, draft.url("export")))["current_model"] == model

        submitted = services.assessment_submit(assessment=draft, by=acme.admin.user)
        assert label in page(alice, submitted.url("result"))
        preview = ("advisor:report_preview", [acme.project.pk, submitted.pk, "full"])
        assert label in page(alice, reverse(preview[0], args=preview[1]))
        if previous is not None:
            url = reverse("advisor:compare", args=[acme.project.pk])
            compared = page(alice, f"{url}?a={previous.pk}&b={submitted.pk}")
            assert choice_label("current_model", previous.answers["current_model"]) in compared
            assert label in compared
        previous = submitted
