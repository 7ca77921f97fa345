"""What a client reads in the report, checked on the text of the real PDFs: no internal words,
assumptions said as assumptions, the executive summary in the order the client needs it, the
consultant's edits where they were placed, and no heading left alone at the foot of a page."""

import io

import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from advisor.scoring import APPROACH_LABELS, UNKNOWN_KEY, Approach
from advisor.scoring.examples import EXAMPLE_PROJECTS
from reports.content import (
    SECTION_TITLES,
    Override,
    ReportEdits,
    Section,
)
from reports.pdf import (
    REPORT_ORIGIN,
    STATIC_PREFIX,
    BundledFilesOnly,
    render_html,
)
from tests.personas import Agency
from tests.reports.client_text import (
    ABOUT,
    EDITED,
    INTERNAL_WORDS,
    NOTES,
    VARIANTS,
    VERSION,
    context,
    submitted,
)


def rendered(ctx: dict) -> tuple[str, list[str]]:
    """The real PDF's text, as a reader's copy and paste would give it, and the element each
    page's content ends with (a line of a paragraph, a table...), from one rendering."""
    html = render_html({**ctx, "for_pdf": True, "bundled_static": STATIC_PREFIX})
    document = HTML(string=html, base_url=REPORT_ORIGIN, url_fetcher=BundledFilesOnly()).render()
    endings = []
    for page in document.pages:  # WeasyPrint's laid-out boxes: what ended up on the page
        main = next(_boxes(page._page_box, lambda b: b.element_tag == "main"))
        placed = list(_boxes(main, lambda b: isinstance(b, boxes.LineBox | boxes.TableBox)))
        endings.append(max(placed, key=lambda b: b.position_y + b.height).element_tag)
    reader = PdfReader(io.BytesIO(document.write_pdf()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return text, endings


def pdf_text(ctx: dict) -> str:
    return rendered(ctx)[0]


def _boxes(box, wanted):
    for child in getattr(box, "children", ()):
        if wanted(child):
            yield child
        elif isinstance(child, boxes.ParentBox):
            yield from _boxes(child, wanted)


@pytest.mark.django_db
@pytest.mark.parametrize("example", EXAMPLE_PROJECTS)
def test_every_page_reads_as_the_client_needs(acme: Agency, example: str) -> None:
    assessment = submitted(acme, dict(EXAMPLE_PROJECTS[example]))
    for variant in VARIANTS:
        ctx = context(assessment, variant)
        text, endings = rendered(ctx)
        # No tool names, identifiers or versions; versions and dates live on one line only.
        [about] = ABOUT.findall(text)
        rest = text.replace(about, "")
        assert not INTERNAL_WORDS.findall(rest), (variant, INTERNAL_WORDS.findall(rest))
        assert not VERSION.findall(rest), (variant, VERSION.findall(rest))
        assert "scoring rules 2026." in about
        # No page ends with a heading: what follows a heading comes with it.
        assert not {"h1", "h2", "h3"} & set(endings), (variant, endings)
        # The summary, in the order a sponsor reads it: the recommendation, three decisive
        # reasons, the next step, the costs against the alternative, a change, the minimum.
        assert len(ctx["decisive_reasons"]) == 3
        order = [text.index(" ".join(r.text.split())) for r in ctx["decisive_reasons"]]
        assert order == sorted(order)
        assert text.index("Our recommendation") < text.index("The decisive reasons")
        assert f"Next step {ctx['next_step']}" in text
        for row in ctx["compared"]:
            assert row.label in text
        assert "One change of requirements costs about" in text
        assert "least complex approach" in text or "only if a pilot proves it" in text


DONT_KNOW = {
    "maintenance_funded": False,
    "base_model_stability": "stable",
    "vendor_lock_in_concern": "medium",
    "change_frequency": "quarterly",
    "monthly_requests": 20_000,
}


@pytest.mark.django_db
def test_a_dont_know_answer_appears_only_as_an_assumption(acme: Agency) -> None:
    answers = {**EXAMPLE_PROJECTS["contract_review"], **DONT_KNOW, UNKNOWN_KEY: list(DONT_KNOW)}
    assessment = submitted(acme, answers)
    full = pdf_text(context(assessment, "full"))
    executive = pdf_text(context(assessment, "executive"))

    for text in (full, executive):
        assert "What we assumed, to confirm with you" in text
        for label in (
            "Will the client pay for ongoing retraining and evaluation?",
            "How stable is the model you would build on?",
            "How often do the requirements change?",
        ):
            assert label in text
    # Where the report states them, it says they were assumed.
    assert "The client will not fund retraining" not in full
    assert "Nobody knows yet whether the client will pay for retraining" in full
    assert (
        "A base model and provider stable enough to build on (assumed in place, to confirm)" in full
    )
    assert "We assumed your concern about lock-in is medium" in full
    assert "How often requirements will change is not known yet; we assumed quarterly" in full
    assert "20,000 requests per month (assumed until confirmed)" in full
    assert "Your concern about lock-in is" not in full
    assert "You expect requirements to change" not in full


def between(text: str, start: str, end: str) -> str:
    begin = text.index(start)
    return text[begin : text.index(end, begin + len(start))]


@pytest.mark.django_db
def test_the_consultants_words_appear_where_they_were_placed(acme: Agency) -> None:
    assessment = submitted(acme, dict(EXAMPLE_PROJECTS["contract_review"]))
    notes, edits = NOTES, EDITED
    text = pdf_text(context(assessment, "full", edits))

    assert "Dear Jo Client, We looked at your contracts. Here is what we found." in text
    assert "3 December 2026" in text
    assert "Version 2" in text
    not_printed = {Section.RISKS, Section.CHANGES, Section.EVIDENCE}  # EVIDENCE: no pilot
    titles = [SECTION_TITLES[s] for s in Section if s not in not_printed]
    for here, after in zip(titles, [*titles[1:], "About this report"], strict=True):
        section = between(text, here, after)
        [section_key] = [s for s, t in SECTION_TITLES.items() if t == here]
        assert notes[section_key] in section, here
    assert SECTION_TITLES[Section.RISKS] not in text  # hidden
    summary = between(text, "Our recommendation", SECTION_TITLES[Section.USE_CASE])
    assert "We recommend adapter fine-tuning." in summary
    assert "Your lawyers need one fixed clause format." in summary
    assert "Collect 500 signed contracts (Harbor Legal)." in summary  # the next step
    assert "The decisive reasons" not in summary  # the scoring's reasons give way to ours
    appendix = text[text.index("How the answers scored") :]
    assert assessment.result["headline"].split(":")[0] in appendix  # the scoring's own view
    plan = between(text, SECTION_TITLES[Section.NEXT_STEPS], SECTION_TITLES[Section.WHAT_IF])
    assert "Collect 500 signed contracts Harbor Legal 2 weeks" in plan


@pytest.mark.django_db
def test_an_override_leads_the_costs_and_keeps_the_scoring_view(acme: Agency) -> None:
    assessment = submitted(acme, dict(EXAMPLE_PROJECTS["brand_voice"]))
    edits = ReportEdits(override=Override(Approach.FEW_SHOT, "Sixty examples, one voice."))
    ctx = context(assessment, "full", edits)

    assert [row["approach"] for row in ctx["cost_rows"] if row["is_primary"]] == ["few_shot"]
    # Both charts mark the approach the report recommends, never the one it argues against.
    for chart in (ctx["scores_chart"], ctx["cost_chart"]):
        assert 'data-key="few_shot" data-emphasis="primary"' in chart
        assert 'data-key="system_prompt" data-emphasis="primary"' not in chart
    assert ctx["compared"][0].label == APPROACH_LABELS[Approach.FEW_SHOT]
    assert ctx["engine_label"] == APPROACH_LABELS[Approach.SYSTEM_PROMPT]
    # An override that repeats the scoring's own recommendation is no override.
    same = ReportEdits(override=Override(Approach.SYSTEM_PROMPT, "Agreed."))
    assert context(assessment, "full", same)["override"] is None
