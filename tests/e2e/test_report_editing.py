"""A consultant puts the client report in their own words through a real browser: a cover note,
commentary, a hidden section, an override with its reason and a next step; previews, finalises,
edits it into version 2 and finalises that, and the link to version 1 then says it was replaced.
"""

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from advisor import services
from advisor.scoring.examples import EXAMPLE_PROJECTS
from projects.models import AuditEvent, Membership
from reports.content import Section
from reports.models import Report
from tests.e2e.browser import assert_accessible, heading, log_in, status_message
from tests.factories import ClientFactory, ProjectFactory

pytestmark = pytest.mark.e2e

COVER_NOTE = "Dear Ingrid,\nhere is how we would build the brochure writer."
RATIONALE = "Your house style is stable and you have 900 approved brochures."


def section(page: Page, title: str):
    return page.get_by_role("group", name=title, exact=True)


def test_a_consultant_edits_finalises_and_versions_the_client_report(
    page: Page, admin: Membership, anonymous_context: BrowserContext
) -> None:
    client = ClientFactory(
        organization=admin.organization, name="Fjord Travel", contact_name="Ingrid Berg"
    )
    project = ProjectFactory(client=client, name="Brochure writer", created_by=admin.user)
    assessment = services.assessment_submit(
        assessment=services.assessment_start(
            project=project, by=admin.user, answers=dict(EXAMPLE_PROJECTS["brand_voice"])
        ),
        by=admin.user,
    )
    log_in(page, admin.user.email)
    page.goto(assessment.url("result"))
    page.get_by_role("link", name="Client report", exact=True).click()
    page.get_by_role("button", name="Write the client report").click()
    expect(heading(page)).to_contain_text("Client report, version 1")
    expect(heading(page)).to_contain_text("Draft")
    assert_accessible(page)

    # The words, and an override without its reason: refused, naming the field, nothing lost.
    expect(page.get_by_label("Addressed to")).to_have_value("Ingrid Berg")
    page.get_by_label("Cover note").fill(COVER_NOTE)
    costs = section(page, "What each approach costs")
    costs.get_by_role("textbox").fill("Prices checked this week.")
    section(page, "Appendix").get_by_label("Hide this section").check()
    expect(section(page, "Our recommendation").get_by_label("Hide this section")).to_have_count(0)
    page.get_by_label("Recommend instead").select_option(label="Adapter fine-tuning")
    plan = page.get_by_role("group", name="Next step 1")
    plan.get_by_label("Step").fill("Collect 500 approved brochures")
    plan.get_by_label("Owner").fill("Ingrid")
    plan.get_by_label("Effort").fill("2 days")
    plan.get_by_label("Due date").fill("2027-03-31")
    page.get_by_role("button", name="Save draft").click()
    summary = page.get_by_role("alert").filter(has_text="The draft was not saved")
    expect(summary).to_contain_text("Why you recommend it instead: Say why you recommend")
    expect(page.get_by_label("Cover note")).to_have_value(COVER_NOTE)
    expect(plan.get_by_label("Step")).to_have_value("Collect 500 approved brochures")
    assert_accessible(page)
    assert Report.objects.get().cover_note == ""

    page.get_by_label("Why you recommend it instead").fill(RATIONALE)
    page.get_by_role("button", name="Save draft").click()
    expect(status_message(page)).to_contain_text("Draft of version 1 saved.")
    expect(section(page, "Appendix").get_by_label("Hide this section")).to_be_checked()
    expect(page.get_by_role("group", name="Next step 2")).to_be_visible()  # a blank row to add

    page.get_by_role("button", name="Preview executive summary").click()
    expect(page.get_by_text("Preview of the executive summary, version 1 (draft)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the draft").click()

    page.get_by_role("button", name="Finalise").click()
    expect(status_message(page)).to_contain_text("Version 1 is final")
    files = page.get_by_role("region", name="The documents")
    expect(files.get_by_role("row")).to_have_count(5)
    expect(files.get_by_role("link", name="Download executive summary (Word)")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Document", exact=True).select_option(label="Executive summary")
    page.get_by_role("button", name="Create share link").click()
    link = page.get_by_role("textbox", name=re.compile(r"^Share link to the executive summary"))
    share_url = link.input_value()
    assert anonymous_context.request.get(share_url).body().startswith(b"%PDF-")

    # Version 2 starts from version 1's words; version 1 stays as it was.
    page.get_by_role("button", name="Edit (makes version 2)").click()
    expect(status_message(page)).to_contain_text("Version 2 is a draft, starting from version 1")
    expect(page.get_by_label("Cover note")).to_have_value(COVER_NOTE)
    expect(page.get_by_label("Recommend instead")).to_have_value("adapter")
    page.get_by_label("Cover note").fill("Dear Ingrid,\nwe updated the plan.")
    page.get_by_role("button", name="Finalise").click()
    expect(status_message(page)).to_contain_text("Version 2 is final")
    versions = page.get_by_role("region", name="Versions")
    expect(versions.get_by_role("row")).to_have_count(3)
    assert_accessible(page)

    stranger = anonymous_context.new_page()
    response = stranger.goto(share_url)
    assert response is not None
    assert response.status == 410
    expect(heading(stranger)).to_have_text("This report has been replaced by a newer version")
    expect(stranger.get_by_text("Please ask")).to_contain_text(admin.organization.name)
    assert_accessible(stranger)

    first, second = Report.objects.order_by("version")
    assert (first.status, second.status) == ("final", "final")
    # Browsers send a textarea's line breaks as CR LF; they are kept as typed.
    assert first.cover_note == COVER_NOTE.replace("\n", "\r\n")
    assert second.cover_note == "Dear Ingrid,\r\nwe updated the plan."
    edits = first.edits()
    assert edits.hidden == {Section.APPENDIX}
    assert edits.notes == {Section.COSTS: "Prices checked this week."}
    assert (edits.override.approach, edits.override.rationale) == ("adapter", RATIONALE)
    assert [(s.step, s.owner, str(s.due)) for s in edits.next_steps] == [
        ("Collect 500 approved brochures", "Ingrid", "2027-03-31")
    ]
    assert second.edits().next_steps == edits.next_steps
    overridden = AuditEvent.objects.get(action=AuditEvent.Action.OVERRIDDEN)
    assert overridden.detail == f"Adapter fine-tuning: “{RATIONALE}”"
