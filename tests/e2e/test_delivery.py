"""A consultant delivers a final report through a real browser: creates a share link, copies it,
emails it to the client contact; the client opens the agency's page without a login, views and
downloads the report and accepts the next step; the consultant sees the acceptance; once version
2 is final, the old link says so, still in the agency's colours.
"""

import re

import pytest
from django.core import mail, signing
from playwright.sync_api import BrowserContext, Page, expect

from advisor import services
from advisor.scoring.examples import EXAMPLE_PROJECTS
from projects.models import Membership, Organization
from reports.models import SHARE_SALT, Acceptance, NextStep, Report
from reports.services import report_draft, report_finalise
from tests.e2e.browser import assert_accessible, heading, log_in, status_message
from tests.factories import ClientFactory, ProjectFactory

pytestmark = pytest.mark.e2e

BRAND = "#7a1f5c"  # rgb(122, 31, 92)
COVER_NOTE = "Dear Ingrid,\nhere is how we would build the brochure writer."


@pytest.fixture
def final_report(admin: Membership) -> Report:
    Organization.objects.filter(pk=admin.organization_id).update(
        brand_color=BRAND, contact_line="hello@northwind.example · +44 20 7946 0000"
    )
    user = admin.user
    user.first_name, user.last_name = "Ann", "Lee"
    user.save()
    client = ClientFactory(
        organization=admin.organization,
        name="Fjord Travel",
        contact_name="Ingrid Berg",
        contact_email="ingrid@fjord.example",
    )
    project = ProjectFactory(client=client, name="Brochure writer", created_by=user)
    assessment = services.assessment_submit(
        assessment=services.assessment_start(
            project=project, by=user, answers=dict(EXAMPLE_PROJECTS["brand_voice"])
        ),
        by=user,
    )
    draft = report_draft(assessment=assessment, by=user)
    Report.objects.filter(pk=draft.pk).update(cover_note=COVER_NOTE)
    NextStep.objects.create(report=draft, position=1, step="Collect 500 approved brochures")
    draft.refresh_from_db()
    return report_finalise(report=draft, by=user)


def token_pk(token: str) -> int:
    """The link a token opens (a token carries its time of signing, so two differ)."""
    return signing.loads(token, salt=SHARE_SALT)


def test_a_consultant_shares_emails_and_the_client_accepts_the_next_step(
    page: Page, admin: Membership, final_report: Report, anonymous_context: BrowserContext
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, admin.user.email)
    page.goto(final_report.get_absolute_url())
    page.get_by_label("Document", exact=True).select_option(label="Executive summary")
    page.get_by_role("button", name="Create share link").click()
    expect(status_message(page)).to_contain_text("Share link to the executive summary created")
    field = page.get_by_role("textbox", name=re.compile(r"^Share link to the executive summary"))
    share_url = field.input_value()

    copy = page.get_by_role("button", name=re.compile(r"the link to the executive summary$"))
    expect(copy).to_have_accessible_name("Copy the link to the executive summary")
    assert_accessible(page)  # before the pointer rests on a button mid-way through its hover
    copy.click()
    expect(copy).to_contain_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == share_url

    # Email it: prefilled with the client contact; a bad address is refused, nothing lost.
    page.get_by_text("Email a link to the client contact").click()
    expect(page.get_by_label("Their email")).to_have_value("ingrid@fjord.example")
    expect(page.get_by_label("Client contact")).to_have_value("Ingrid Berg")
    page.get_by_label("Their email").fill("ingrid@")
    page.get_by_label("Subject").fill("The brochure writer: our report")
    page.get_by_role("button", name="Send the email").click()
    expect(page.get_by_role("alert")).to_contain_text("Their email: Enter the client")
    expect(page.get_by_label("Subject")).to_have_value("The brochure writer: our report")
    assert_accessible(page)
    page.get_by_label("Their email").fill("ingrid@fjord.example")
    page.get_by_role("button", name="Send the email").click()
    expect(status_message(page)).to_contain_text("Link emailed to ingrid@fjord.example.")
    (sent,) = mail.outbox
    assert sent.to == ["Ingrid Berg <ingrid@fjord.example>"]
    assert sent.subject == "The brochure writer: our report"
    emailed = re.search(r"(http://\S+/s/([^/\s]+)/)", sent.body)
    assert emailed is not None
    assert emailed[1].split("/s/")[0] == share_url.split("/s/")[0]
    assert token_pk(emailed[2]) == token_pk(share_url.split("/s/")[1].strip("/"))

    # The client opens the link from the email: the agency's page, not the tool's.
    client = anonymous_context.new_page()
    client.set_viewport_size({"width": 390, "height": 844})
    client.goto(share_url)
    expect(heading(client)).to_have_text("Brochure writer")
    expect(client).to_have_title("Executive summary: Brochure writer · Northwind AI")
    expect(client.locator("header")).to_have_css("background-color", "rgb(122, 31, 92)")
    expect(client.get_by_text("here is how we would build")).to_be_visible()
    expect(client.get_by_role("contentinfo")).to_contain_text("Your contact: Ann Lee")
    assert "Advisor" not in client.content()
    assert_accessible(client)
    first_view = mail.outbox[-1]
    assert first_view.to == [admin.user.email]
    assert first_view.subject == "Fjord Travel opened the executive summary you shared"

    view_url = client.get_by_role("link", name="View the report").get_attribute("href")
    viewed = anonymous_context.request.get(f"{share_url.split('/s/')[0]}{view_url}")
    assert viewed.headers["content-type"] == "application/pdf"
    assert viewed.body().startswith(b"%PDF-")
    with client.expect_download() as download:
        client.get_by_role("link", name="Download PDF").click()
    assert (
        download.value.suggested_filename
        == "fjord-travel-brochure-writer-executive-summary-version-1.pdf"
    )

    # Acceptance: a missing name is named; then the name and the tick record it.
    step = client.get_by_role("region", name="The next step we recommend")
    expect(step).to_contain_text("Collect 500 approved brochures.")
    step.get_by_label("I accept this next step").check()
    step.get_by_role("button", name="Accept the next step").click()
    expect(client.get_by_role("alert")).to_contain_text("Your name: Type your name")
    assert_accessible(client)
    client.get_by_label("Your name").fill("Ingrid Berg")
    client.get_by_label("I accept this next step").check()
    client.get_by_role("button", name="Accept the next step").click()
    expect(client.get_by_role("status")).to_contain_text("Accepted by Ingrid Berg on")
    assert_accessible(client)
    acceptance = Acceptance.objects.get()
    assert (acceptance.name, acceptance.report_id) == ("Ingrid Berg", final_report.pk)

    page.reload()
    expect(page.get_by_text("Accepted by Ingrid Berg on")).to_be_visible()
    expect(
        page.get_by_role("cell", name=re.compile("Next step accepted by Ingrid Berg"))
    ).to_be_visible()

    # Version 2 replaces version 1: the old link says so, in the agency's colours.
    page.get_by_role("button", name="Edit (makes version 2)").click()
    page.get_by_role("button", name="Finalise").click()
    expect(status_message(page)).to_contain_text("Version 2 is final")
    response = client.goto(share_url)
    assert response is not None
    assert response.status == 410
    expect(heading(client)).to_have_text("This report has been replaced by a newer version")
    expect(client).to_have_title("Report replaced · Northwind AI")
    expect(client.locator("header")).to_have_css("background-color", "rgb(122, 31, 92)")
    expect(client.get_by_role("link", name="Email Ann Lee")).to_be_visible()
    assert "Advisor" not in client.content()
    assert_accessible(client)
