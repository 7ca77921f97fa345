"""The client report's "Evidence from the pilot": the numbers, intervals, held-out size and the
picked pairs in the PDF and the Word file; hideable; absent without a pilot; plain words."""

import pytest

from advisor import pilots
from advisor.evidence import evidence_for_report
from advisor.models import Assessment
from advisor.scoring.examples import EXAMPLE_PROJECTS
from reports.content import SECTION_TITLES, ReportEdits, Section, report_next_step
from reports.docx import render_report_docx
from reports.forms import ReportEditForm
from reports.services import InvalidReportEdits, report_draft, report_update
from tests.advisor.piloting import pilot_with_results
from tests.personas import Agency
from tests.reports.client_text import context, internal_words, submitted
from tests.reports.test_docx import opened, read_docx
from tests.reports.test_report_content import between, pdf_text

TITLE = SECTION_TITLES[Section.EVIDENCE]


def piloted(agency: Agency, results: str = "clear_win.csv") -> Assessment:
    assessment = submitted(agency, dict(EXAMPLE_PROJECTS["clinical_coding"]))
    by = agency.admin.user
    pilot = pilot_with_results(assessment, by, results=results)
    first = list(pilot.cases.values_list("case_id", flat=True)[:4])
    pilots.pilot_pick_comparison(pilot=pilot, case_ids=[first[3], first[0]], by=by)
    return assessment


@pytest.mark.django_db
def test_the_full_report_gives_the_evidence_after_the_recommendation(acme: Agency) -> None:
    assessment = piloted(acme)

    text = pdf_text(context(assessment, "full"))

    assert text.index("Our recommendation") < text.index(TITLE) < text.index("What you asked us")
    section = between(text, TITLE, "What you asked us")
    assert "The verdict: adopt the fine-tuned model." in section
    assert "same 200 held-out test cases, none of which was used in training" in section
    assert "Every tenth record of 2026" in section
    assert "86.5 % 96.5 % +10.0 points +5.5 to +15.0 points (p < 0.001)" in section
    assert "at least 95.0 %" in section
    assert "EXAMPLE 1" in section  # a table heading, in capitals as every table's
    assert "EXAMPLE 2" in section
    assert section.index("INV-1003") < section.index("INV-1000")  # the picks' order
    summary = between(text, "Our recommendation", TITLE)
    assert "Adopt the fine-tuned model" in summary  # the recommendation follows the evidence
    before_pairs = section[: section.index("Side by side")]
    assert internal_words(text.replace(section, before_pairs)) == []
    for label in ("best-prompt", "tuned-llama-8b", "inv-001", "format_compliance"):
        assert label not in text


@pytest.mark.django_db
def test_the_executive_summary_mentions_the_evidence_in_a_sentence(acme: Agency) -> None:
    text = pdf_text(context(piloted(acme), "executive"))

    assert "95 % RANGE" not in text  # the table is the full report's
    assert "EXAMPLE 1" not in text
    assert (
        "Evidence from the pilot. In a pilot on 200 held-out test cases, the fine-tuned model "
        "did clearly better than the best prompt where prompting fell short" in text
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("results", "says"),
    [
        ("clear_win.csv", "The pilot showed adapter fine-tuning is worth its cost"),
        ("too_few_cases.jsonl", "only if the pilot, once it has enough held-out test cases"),
    ],
)
def test_the_minimum_viable_sentence_follows_the_pilot(
    acme: Agency, results: str, says: str
) -> None:
    ctx = context(piloted(acme, results), "executive")

    assert says in ctx["minimum_viable"]
    assert "only if a pilot proves it" not in ctx["minimum_viable"]  # one has run


@pytest.mark.django_db
def test_the_step_a_client_accepts_is_the_one_the_report_names_after_a_pilot(
    acme: Agency,
) -> None:
    assessment = piloted(acme)
    named = context(assessment, "executive")["next_step"]

    assert "into service" in named  # the pilot proved it: no second pilot
    assert report_next_step(assessment, ReportEdits()) == named


@pytest.mark.django_db
def test_a_hidden_evidence_section_is_not_printed(acme: Agency) -> None:
    assessment = piloted(acme)
    edits = ReportEdits(hidden=frozenset({Section.EVIDENCE}))

    for variant in ("full", "executive"):
        text = pdf_text(context(assessment, variant, edits))
        assert TITLE not in text
        assert "95 % RANGE" not in text
        assert "EXAMPLE 1" not in text
        assert "In a pilot on 200 held-out test cases" not in text
        # The recommendation still follows the evidence, and says why.
        assert "Adopt the fine-tuned model: on the same 200 held-out cases" in text


@pytest.mark.django_db
def test_a_report_without_a_pilot_says_nothing_of_one(acme: Agency) -> None:
    assessment = submitted(acme, dict(EXAMPLE_PROJECTS["clinical_coding"]))

    assert evidence_for_report(assessment) is None
    for variant in ("full", "executive"):
        text = pdf_text(context(assessment, variant))
        assert TITLE not in text
        assert "How the pilot works" in text or variant == "executive"


@pytest.mark.django_db
def test_a_pilot_with_a_regression_keeps_prompting_in_the_report(acme: Agency) -> None:
    assessment = piloted(acme, "win_with_regression.json")

    text = pdf_text(context(assessment, "full"))

    summary = between(text, "Our recommendation", TITLE)
    assert "Keep prompting: on the same 120 held-out cases the fine-tuned model is worse" in summary
    assert "Recommended approach" in summary
    assert "Adapter fine-tuning" not in between(summary, "Recommended approach", "Next step")
    assert "Worse" in between(text, TITLE, "What you asked us")


@pytest.mark.django_db
def test_the_word_file_carries_the_same_evidence(acme: Agency) -> None:
    ctx = context(piloted(acme), "full")

    word = read_docx(opened(render_report_docx(ctx).docx))

    assert TITLE in word.text
    assert (2, TITLE) in word.headings
    metric_rows = [
        row for table in word.tables for row in table if row and row[0] == "Format compliance"
    ]
    assert metric_rows == [
        [
            "Format compliance",
            "86.5 %",
            "96.5 %",
            "+10.0 points",
            "+5.5 to +15.0 points (p < 0.001)",
            "at least 95.0 %",
            "Clearly better",
        ]
    ]
    pair_tables = [table for table in word.tables if table and table[0][0].startswith("Example")]
    assert [table[0][0] for table in pair_tables] == ["Example 1", "Example 2"]
    assert pair_tables[0][2] == ["Prompting", "Fine-tuned model"]


@pytest.mark.django_db
def test_after_a_pilot_the_editor_overrides_the_evidences_recommendation(acme: Agency) -> None:
    assessment = piloted(acme, "win_with_regression.json")  # keep prompting
    by = acme.admin.user
    report = report_draft(assessment=assessment, by=by)
    edit = {
        "report": report,
        "by": by,
        "recipient": "",
        "cover_note": "",
        "notes": {},
        "hidden": [],
        "override_rationale": "The client wants it.",
        "next_steps": (),
    }

    with pytest.raises(InvalidReportEdits) as refused:
        report_update(**edit, override_approach="system_prompt")
    assert "System-prompt engineering is already the recommendation" in str(refused.value.errors)
    editor = str(ReportEditForm(report=report))
    assert "No override: keep System-prompt engineering" in editor
    assert f"Your commentary on “{TITLE}”" in editor  # with results, a section to comment on
    assert 'name="hide_evidence"' in editor
    report_update(**edit, override_approach="adapter")  # back to the pilot's tuned model


@pytest.mark.django_db
def test_the_pairs_name_promptfoos_variables_in_words(acme: Agency) -> None:
    assessment = piloted(acme, "win_with_regression.json")

    [first, _] = evidence_for_report(assessment)["pairs"]  # type: ignore[index]

    assert first.input.startswith("Invoice text: ")
    assert "invoice_text" not in first.input
