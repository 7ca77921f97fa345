"""The blind comparison in the client report: once the client has voted, the next version says
how often the fine-tuned model's output was preferred, with the rate and its 95 % range, in
plain words, in the PDF and the Word file; before any vote it says nothing of it."""

import pytest

from advisor import blind
from advisor.evidence import evidence_for_report
from advisor.models import Assessment, Pilot
from reports.docx import render_report_docx
from tests.personas import Agency
from tests.reports.client_text import context
from tests.reports.test_docx import opened, read_docx
from tests.reports.test_evidence_report import TITLE, piloted
from tests.reports.test_report_content import between, pdf_text

SENTENCE = (
    "In a blind comparison, the client preferred the fine-tuned model's output in 7 of 10 "
    "pairs judged by 2 people and found 2 about equal (80 % counting an equal as half, 95 % "
    "range 49\N{EN DASH}94 %)"
)


def voted(agency: Agency) -> Assessment:
    """Two visitors judge ten pairs: seven for the fine-tuned model, one against, two equal."""
    assessment = piloted(agency)
    link = blind.blind_comparison_create(
        pilot=Pilot.objects.get(assessment=assessment), by=agency.admin.user, days=5
    )
    wanted = ["candidate"] * 7 + ["baseline", "equal", "equal"]
    visitors = [blind.new_visitor_key(), blind.new_visitor_key()]
    for index, preferred in enumerate(wanted):
        visitor = visitors[index % 2]
        number = index // 2 + 1
        letter = blind.candidate_letter(link, visitor, link.case_ids[number - 1])
        other = "B" if letter == "A" else "A"
        choice = {"candidate": letter, "baseline": other, "equal": "equal"}[preferred]
        blind.blind_vote(comparison=link, visitor=visitor, number=number, choice=choice, comment="")
    return assessment


@pytest.mark.django_db
def test_without_votes_the_report_says_nothing_of_a_blind_comparison(acme: Agency) -> None:
    assessment = piloted(acme)
    blind.blind_comparison_create(
        pilot=Pilot.objects.get(assessment=assessment), by=acme.admin.user, days=5
    )

    assert evidence_for_report(assessment)["blind"] == ""
    assert "blind comparison" not in pdf_text(context(assessment, "full"))


@pytest.mark.django_db
def test_the_full_report_and_the_summary_give_the_preference_rate(acme: Agency) -> None:
    assessment = voted(acme)

    full = pdf_text(context(assessment, "full"))
    executive = pdf_text(context(assessment, "executive"))

    section = between(full, TITLE, "What you asked us")
    assert SENTENCE in section
    assert "without saying which approach wrote which" in section
    # The summary's page may end inside the sentence: its running footer then sits within it.
    first, _, rest = SENTENCE.partition(" found")
    assert first in executive
    assert "found" + rest in executive
    for label in ("best-prompt", "tuned-llama-8b", "inv-0"):
        assert label not in full


@pytest.mark.django_db
def test_the_word_file_gives_the_same_sentence(acme: Agency) -> None:
    word = read_docx(opened(render_report_docx(context(voted(acme), "full")).docx))

    assert SENTENCE in word.text
